"""``maturity evidence add``: one evidence item registered, its file copied into place, or nothing.

Everything is checked before anything is written: the options, the register, the file (no symbolic
link, no ``..``, not the same bytes as an item already registered anywhere in the repository, a type
the site may publish when the item is public). Then the file is copied — never moved, never over
another file — and the register is written whole in its canonical layout with its comments.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from maturity import i18n
from maturity.checks.evidence import url_problem
from maturity.data import schema
from maturity.data.dates import check_date_range
from maturity.data.evidence import CLASSES, METHODS, PUBLISHABLE, REGISTER
from maturity.data.evidence_hash import sha256_of
from maturity.data.files import copy_new, write_atomic
from maturity.data.yamlfile import DateText, Document, load_yaml, parse_yaml
from maturity.diagnostics import Collector
from maturity.exchange import scaffold
from maturity.exchange.rewrite import RewriteError, load_canonical, with_data
from maturity.settings import Settings

ORGANISATION = re.compile(r"[a-z0-9][a-z0-9-]*")  # the schema's pattern for organisation ids: a folder name
NUMBERED = re.compile(r"E(\d+)")
FILES = "files"  # where copied files go, inside the organisation's folder


class Refused(Exception):
    """Nothing was written; ``problems`` says why, ``usage`` whether the options (2) or the data (1) are at fault."""

    def __init__(self, problems: list[str], usage: bool = True) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.usage = usage


@dataclass(frozen=True)
class Request:
    organisation: str
    confidentiality: str
    record_date: dt.date
    collected: dt.date
    file: Path | None = None
    url: str | None = None
    method: str = "document_review"
    title: str | None = None
    id: str | None = None
    private: bool = False


@dataclass
class Plan:
    register: Path
    text: str  # the register's new text
    item: dict
    copy_from: Path | None = None  # copied to copy_to before the register is written
    copy_to: Path | None = None
    created: bool = False  # the register is new
    notes: list[str] = field(default_factory=list)  # what the command tells besides the result

    @property
    def id(self) -> str:
        return self.item["id"]

    @property
    def sha256(self) -> str | None:
        return self.item.get("sha256")


def plan(settings: Settings, req: Request, display) -> Plan:
    """What ``evidence add`` will write; Refused when anything is wrong."""
    _check_options(settings, req)
    org_folder = settings.evidence_path / req.organisation
    register = org_folder / REGISTER
    _no_link_on_the_way(settings.evidence_path, org_folder, display)
    if register.is_file() or register.is_symlink():
        try:
            text, doc = load_canonical(register, display(register), "evidence", None)
        except RewriteError as exc:
            raise Refused(exc.problems, usage=False) from exc
        created = False
    else:
        name = _organisation_name(settings, req.organisation)
        text = scaffold.register_text(name)
        doc, _ = parse_yaml(text, display(register))
        created = True
    items = doc.data["items"]
    ids = {i["id"] for i in items}
    if req.id is not None and req.id in ids:
        raise Refused([i18n.t("writers.evidence.id_exists", id=req.id, register=display(register))])
    item = {"id": req.id or next_id(ids)}
    item["title"] = req.title if req.title is not None else (req.file.stem if req.file else "")
    item.update(method=req.method, record_date=DateText(req.record_date.isoformat()),
                collected=DateText(req.collected.isoformat()))
    out = Plan(register, "", item, created=created)
    if req.url is not None:
        item["url"] = req.url
    else:
        _place_file(settings, req, out, display)
    item["class"] = req.confidentiality
    _check_values(item)
    data = dict(doc.data, items=[*items, item])
    try:
        out.text = with_data(text, doc, "evidence", None, data)
    except RewriteError as exc:
        raise Refused(exc.problems, usage=False) from exc
    return out


def apply(p: Plan) -> None:
    """Copy the file (if any), then write the register; on failure the copy is removed again."""
    if p.copy_to is not None:
        try:
            digest = copy_new(p.copy_from, p.copy_to)
        except FileExistsError:  # made since the plan was checked
            raise Refused([i18n.t("writers.evidence.name_taken", file=str(p.copy_to))]) from None
        if digest != p.sha256:  # the file changed while it was being copied
            p.copy_to.unlink()
            raise Refused([i18n.t("writers.evidence.changed_while_copying", file=str(p.copy_from))], usage=False)
    try:
        write_atomic(p.register, p.text)
    except BaseException:
        if p.copy_to is not None:
            p.copy_to.unlink(missing_ok=True)
        raise


def next_id(ids) -> str:
    """The next free E-number of a register: one above the highest, as wide as the widest (at least E001)."""
    numbers = [m.group(1) for i in ids if (m := NUMBERED.fullmatch(i))]
    if not numbers:
        return "E001"
    width = max(3, *(len(n) for n in numbers))
    n = max(int(n) for n in numbers) + 1
    while f"E{n:0{width}d}" in ids:
        n += 1
    return f"E{n:0{width}d}"


# --- checks ----------------------------------------------------------------------------------------
def _check_options(settings: Settings, req: Request) -> None:
    problems = []
    if not ORGANISATION.fullmatch(req.organisation):
        problems.append(i18n.t("writers.evidence.organisation", organisation=req.organisation))
    if (req.file is None) == (req.url is None):
        problems.append(i18n.t("writers.evidence.file_or_url"))
    if req.confidentiality not in CLASSES:
        problems.append(i18n.t("writers.evidence.class", value=req.confidentiality))
    if req.method not in METHODS:
        problems.append(i18n.t("writers.evidence.method", value=req.method))
    if req.private:
        if req.confidentiality == "public":
            problems.append(i18n.t("writers.evidence.private_public"))
        if req.url is not None:
            problems.append(i18n.t("writers.evidence.private_url"))
        elif settings.private_evidence_dir is None:
            problems.append(i18n.t("writers.evidence.private_unset"))
    if req.url is not None:
        why = url_problem(req.url)
        if why:
            problems.append(i18n.t(f"diagnostics.MAT307.{why}", id=req.id or i18n.t("writers.evidence.new_item")))
        if req.title is None:
            problems.append(i18n.t("writers.evidence.url_title"))
    for name, day in (("--record-date", req.record_date), ("--collected", req.collected)):
        why = check_date_range(day)
        if why:
            problems.append(f"{name}：{why}")
    if req.record_date > req.collected:
        problems.append(i18n.t("writers.evidence.dates", record=req.record_date, collected=req.collected))
    if req.file is not None and ".." in req.file.parts:
        problems.append(i18n.t("writers.evidence.parent", file=str(req.file)))
    if problems:
        raise Refused(problems)


# The option that gives each field of an item, to name it in a message.
OPTIONS = {"id": "--id", "title": "--title", "url": "--url", "file": "FILE", "method": "--method", "class": "--class"}


def _check_values(item: dict) -> None:
    """The item as the register's schema and text rules check it (a title on one line, an id's pattern…)."""
    doc = Document("register.yml", {"items": [item]})
    out = Collector()
    if not schema.check(doc, "evidence", out):
        problems = []
        for d in out.items:
            args = dict(d.args)
            if "field" in args:  # items/0/title → --title
                name = str(args["field"]).rsplit("/", 1)[-1]
                args["field"] = OPTIONS.get(name, name)
            problems.append(i18n.t(f"diagnostics.{d.key if '.' in d.key else d.key + '.message'}", **args))
        raise Refused(problems)


def _no_link_on_the_way(evidence_root: Path, folder: Path, display) -> None:
    """No symbolic link from the evidence folder down to ``folder``: a write there could land anywhere."""
    current = evidence_root.parent
    for part in (evidence_root.name, *folder.relative_to(evidence_root).parts):
        current = current / part
        if current.is_symlink():
            raise Refused([i18n.t("writers.evidence.link_folder", path=display(current))], usage=False)


def _organisation_name(settings: Settings, organisation: str) -> str:
    """The organisation's name from an assessment that names it; a register is not started for an unknown id."""
    from maturity.repository import find_assessment_folders

    for folder in find_assessment_folders(settings.assessments_path):
        doc, _ = load_yaml(folder / "assessment.yml", str(folder)) if (folder / "assessment.yml").is_file() else (None, [])
        org = doc.data.get("organisation") if doc is not None and isinstance(doc.data, dict) else None
        if isinstance(org, dict) and org.get("id") == organisation and isinstance(org.get("name"), str):
            return org["name"]
    raise Refused([i18n.t("writers.evidence.unknown_organisation", organisation=organisation)])


# --- the file --------------------------------------------------------------------------------------
def _place_file(settings: Settings, req: Request, out: Plan, display) -> None:
    """Where the file is referenced from (copied there when it is elsewhere), and its sha256."""
    src = req.file
    if src.is_symlink():
        raise Refused([i18n.t("writers.evidence.symlink", file=str(src))])
    if not src.exists():
        raise Refused([i18n.t("writers.evidence.missing", file=str(src))])
    if not src.is_file():
        raise Refused([i18n.t("writers.evidence.not_a_file", file=str(src))])
    if req.private:
        base = settings.private_evidence_dir / req.organisation
    else:
        base = settings.evidence_path / req.organisation
    digest = sha256_of(src)
    registers = _registers(settings, display)
    _not_registered_yet(registers, digest)
    rel = _inside(src, base)
    if rel is not None:  # already where the register looks: referenced as it is
        if rel == REGISTER and not req.private:
            raise Refused([i18n.t("writers.evidence.register_itself")])
        _no_link_inside(base, rel, display)
        _not_registered_path(registers, req, rel)
    else:
        rel = f"{FILES}/{src.name}"
        dest = base / FILES / src.name
        if dest.is_symlink() or dest.exists():
            if dest.is_symlink() or not dest.is_file() or sha256_of(dest) != digest:
                raise Refused([i18n.t("writers.evidence.name_taken", file=display(dest))])
            out.notes.append(i18n.t("writers.evidence.already_there", file=display(dest)))
            _not_registered_path(registers, req, rel)
        else:
            _no_link_inside(base, FILES, display)
            out.copy_from, out.copy_to = src, dest
        if _inside(src, settings.root) is not None and req.private:
            out.notes.append(i18n.t("writers.evidence.private_source_in_repository", file=display(src)))
    if "\\" in rel:
        raise Refused([i18n.t("diagnostics.MAT304.backslash", id=out.id)])
    if req.confidentiality == "public" and PurePosixPath(rel).suffix.lower() not in PUBLISHABLE:
        suffix = PurePosixPath(rel).suffix or i18n.t("words.no_suffix")
        raise Refused([i18n.t("writers.evidence.not_publishable", suffix=suffix)])
    out.item["file"] = rel
    if req.private:
        out.item["storage"] = "private"
    out.item["sha256"] = digest


def _inside(path: Path, folder: Path) -> str | None:
    """``path`` relative to ``folder`` (as a / path) when it lies inside it, else None."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def _no_link_inside(base: Path, rel: str, display) -> None:
    current = base
    for part in PurePosixPath(rel).parts:
        current = current / part
        if current.is_symlink():
            raise Refused([i18n.t("writers.evidence.link_folder", path=display(current))])


def _registers(settings: Settings, display) -> list[tuple[str, str, list[dict]]]:
    """(organisation, register as shown, items) of every register of the repository that can be read."""
    root = settings.evidence_path
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
        file = folder / REGISTER
        if not file.is_file() or file.is_symlink():
            continue
        doc, _ = load_yaml(file, display(file))
        items = doc.data.get("items") if doc is not None and isinstance(doc.data, dict) else None
        if isinstance(items, list):
            found.append((folder.name, display(file), [i for i in items if isinstance(i, dict)]))
    return found


def _not_registered_yet(registers, digest: str) -> None:
    """The same bytes registered twice would be one document counted as two (or, public, publish the other)."""
    for _, shown, items in registers:
        for item in items:
            if item.get("sha256") == digest:
                raise Refused([i18n.t("writers.evidence.same_bytes", id=item.get("id"), register=shown)])


def _not_registered_path(registers, req: Request, rel: str) -> None:
    """A file already listed (changed since, or its sha256 missing) is not listed a second time."""
    for org, shown, items in registers:
        if org != req.organisation:
            continue
        for item in items:
            if item.get("file") == rel and (item.get("storage") == "private") == req.private:
                raise Refused([i18n.t("writers.evidence.same_file", id=item.get("id"), file=rel, register=shown)])
