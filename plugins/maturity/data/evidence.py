"""Evidence registers: ``evidence/<organisation>/register.yml`` and the files it lists.

An item's file lives either in the repository (``evidence/<organisation>/<file>``) or, with
``storage: private``, in the assessment body's own folder outside the repository
(``<private_evidence_dir>/<organisation>/<file>``): git has no per-path read access, so a
confidential file that is committed can be read by everyone with access to the repository.
The checks of each item are in :mod:`maturity.checks.evidence`.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from maturity.diagnostics import Collector
from maturity.data.yamlfile import Document

REGISTER = "register.yml"
METHODS = ("interview", "observation", "site_tour", "document_review", "system_demo")  # 8.3.8
CLASSES = ("public", "restricted", "confidential")  # who may see an evidence item (公开范围)
# Public evidence files are copied to the authority's site. Only types a browser shows as a
# document or offers as a download: an .html or .svg file would run its scripts on the site.
PUBLISHABLE = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt", ".md", ".csv", ".xlsx", ".xls",
                         ".docx", ".doc", ".pptx", ".ppt", ".odt", ".ods", ".odp", ".zip"})


def file_name_problem(file: str) -> str | None:
    """Why ``file`` is not a name an item may give its file (a MAT304 variant), None when it is one: a path relative
    to the organisation's folder, with ``/`` only, never leaving it."""
    if file.startswith(("/", "\\")) or (len(file) > 1 and file[1] == ":"):
        return "absolute"
    if "\\" in file:
        return "backslash"
    if ".." in PurePosixPath(file).parts:
        return "parent"
    return None


def walk_to_file(evidence_root: Path, parts: tuple[str, ...], real_dirs: set) -> tuple[Path, str]:
    """``parts`` walked below ``evidence_root``, one ``lstat`` each: (the path reached, and ``"file"``, or why not —
    ``"missing"``, ``"link"`` (a symbolic link on the way, or the file itself), ``"not_a_file"``). Nothing is followed
    through a link: the file may only be a regular file in the repository. ``real_dirs``: folders already walked
    (not a link, a folder), shared by the files of one load. Another error than "not there" is raised."""
    current = evidence_root
    st = None
    for part in parts:
        current = current / part
        if current in real_dirs:
            continue
        try:
            st = os.lstat(current)
        except OSError as exc:
            if exc.errno not in _NOT_THERE:
                raise
            return current, "missing"
        if stat.S_ISLNK(st.st_mode):
            return current, "link"
        if stat.S_ISDIR(st.st_mode):
            real_dirs.add(current)
    if st is None or not stat.S_ISREG(st.st_mode) or current in real_dirs:
        return current, "not_a_file"
    return current, "file"


_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # what Path.exists() takes for "not there"


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: str
    title: str
    method: str
    record_date: dt.date
    collected: dt.date
    confidentiality: str
    file: str | None  # relative to the organisation's evidence folder (or its private folder)
    url: str | None
    sha256: str | None  # as registered
    description: str
    path: Path | None  # the file, when it is present and acceptable (never through a symbolic link)
    private: bool = False  # kept outside the repository (storage: private)
    actual_sha256: str | None = None  # of the file's bytes, when the file was read

    def __repr__(self) -> str:
        # All the item holds but where its file is on this machine (only whether it is there): the build cache keys
        # pages by what they show, as this repr says it, and a checkout in another folder shows the same.
        # Written out, not made from fields(): a build takes the repr of every item each report cites.
        return (f"EvidenceItem(id={self.id!r}, title={self.title!r}, method={self.method!r}, "
                f"record_date={self.record_date!r}, collected={self.collected!r}, "
                f"confidentiality={self.confidentiality!r}, file={self.file!r}, url={self.url!r}, sha256={self.sha256!r}, "
                f"description={self.description!r}, present={self.path is not None}, private={self.private!r}, "
                f"actual_sha256={self.actual_sha256!r})")

    @property
    def is_public(self) -> bool:
        return self.confidentiality == "public"

    @property
    def publishable(self) -> bool:
        """Public, and a URL or a file of a type that is safe to serve from the site."""
        return self.is_public and not self.private and (self.file is None or Path(self.file).suffix.lower() in PUBLISHABLE)


@dataclass
class EvidenceRegister:
    organisation: str
    folder: Path
    items: dict[str, EvidenceItem]
    document: Document | None
    path: str = ""  # register.yml as shown in diagnostics, also when it could not be loaded
    private_folder: Path | None = None  # <private_evidence_dir>/<organisation>, when configured
    pointers: dict[str, tuple] = field(default_factory=dict)  # item id -> its pointer in the document
    # Recalled (maturity.verdicts: it passed before and nothing changed): what the checks across registers need
    # of each item (maturity.checks.evidence.alias_facts), remembered rather than looked up again.
    recalled: list | None = None
    without_items: bool = False  # recalled without reading it (maturity validate): its items are not known


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def evidence_item(raw: dict, path: Path | None, actual: str | None) -> EvidenceItem:
    """An item of a register that passed its schema, with what the checks found of its file."""
    return EvidenceItem(raw["id"], raw["title"], raw["method"], as_date(raw["record_date"]), as_date(raw["collected"]),
                        raw["class"], raw.get("file"), raw.get("url"), raw.get("sha256"), raw.get("description", ""),
                        path, raw.get("storage") == "private", actual)


def load_register(evidence_root: Path, organisation: str, reader, out: Collector,
                  private_root: Path | None = None) -> EvidenceRegister:
    """Load and check one organisation's register; missing or broken registers are empty."""
    from maturity.checks.evidence import check_item  # the checks read files; loading only parses

    folder = evidence_root / organisation
    file = folder / REGISTER
    register = EvidenceRegister(organisation, folder, {}, None,
                                private_folder=private_root / organisation if private_root else None)
    if not file.is_file():
        return register
    register.path = reader.display(file)
    doc, ok = reader.checked(file, "evidence", out)
    if not ok:
        return register
    register.document = doc
    real_dirs: set = set()  # folders walked once for all the register's files, not once per file
    for i, raw in enumerate(doc.data["items"]):
        if raw["id"] in register.items:
            out.error(doc.at("items", i, "id"), "MAT301", id=raw["id"])
            continue
        register.items[raw["id"]] = check_item(register, evidence_root, i, raw, reader, out, real_dirs)
        register.pointers[raw["id"]] = ("items", i)
    return register
