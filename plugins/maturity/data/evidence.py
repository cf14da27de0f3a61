"""Evidence registers: ``evidence/<organisation>/register.yml`` and the files it lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from maturity.data import schema
from maturity import i18n
from maturity.diagnostics import Collector
from maturity.data.yamlfile import Document

REGISTER = "register.yml"
METHODS = ("interview", "observation", "site_tour", "document_review", "system_demo")  # 8.3.8
CLASSES = ("public", "restricted", "confidential")  # who may see an evidence item (公开范围)
# Public evidence files are copied to the authority's site. Only types a browser shows as a
# document or offers as a download: an .html or .svg file would run its scripts on the site.
PUBLISHABLE = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt", ".md", ".csv", ".xlsx", ".xls",
                         ".docx", ".doc", ".pptx", ".ppt", ".odt", ".ods", ".odp", ".zip"})


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    title: str
    method: str
    record_date: dt.date
    collected: dt.date
    confidentiality: str
    file: str | None  # relative to the organisation's evidence folder
    url: str | None
    sha256: str | None
    description: str
    path: Path | None  # the resolved file, when it exists inside the folder

    @property
    def is_public(self) -> bool:
        return self.confidentiality == "public"

    @property
    def publishable(self) -> bool:
        """Public, and a URL or a file of a type that is safe to serve from the site."""
        return self.is_public and (self.file is None or Path(self.file).suffix.lower() in PUBLISHABLE)


@dataclass
class EvidenceRegister:
    organisation: str
    folder: Path
    items: dict[str, EvidenceItem]
    document: Document | None
    path: str = ""  # register.yml as shown in diagnostics, also when it could not be loaded


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def load_register(evidence_root: Path, organisation: str, reader, out: Collector) -> EvidenceRegister:
    """Load and check one organisation's register; missing or broken registers are empty."""
    folder = evidence_root / organisation
    file = folder / REGISTER
    register = EvidenceRegister(organisation, folder, {}, None)
    if not file.is_file():
        return register
    register.path = reader.display(file)
    doc, diags = reader.yaml(file)
    out.extend(diags)
    if doc is None or not schema.check(doc, "evidence", out):
        return register
    register.document = doc
    root = folder.resolve()
    for i, raw in enumerate(doc.data["items"]):
        item = _check_item(doc, i, raw, folder, root, reader, out)
        if raw["id"] in register.items:
            out.error(doc.at("items", i, "id"), "MAT301", id=raw["id"])
            continue
        register.items[raw["id"]] = item
    return register


def _check_item(doc: Document, i: int, raw: dict, folder: Path, root: Path, reader, out: Collector) -> EvidenceItem:
    here = ("items", i)
    eid = raw["id"]
    file, url, digest = raw.get("file"), raw.get("url"), raw.get("sha256")
    path = None
    if bool(file) == bool(url):
        out.error(doc.at(*here), "MAT306", id=eid)
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            out.error(doc.at(*here, "url"), "MAT307", id=eid)
    if file and raw["class"] == "public" and Path(file).suffix.lower() not in PUBLISHABLE:
        out.warning(doc.at(*here, "file"), "MAT309", id=eid, suffix=Path(file).suffix or i18n.t("words.no_suffix"))
    if file:
        path = _resolve(doc, here, eid, file, folder, root, out)
        if path is not None:
            if not digest:
                out.error(doc.at(*here), "MAT303.missing", id=eid)
            else:
                actual = reader.sha256(path)
                if actual != digest:
                    out.error(doc.at(*here, "sha256"), "MAT303.mismatch", id=eid, file=file, actual=actual)
    record, collected = as_date(raw["record_date"]), as_date(raw["collected"])
    if record and collected and record > collected:
        out.error(doc.at(*here, "collected"), "MAT406.evidence", id=eid)
    return EvidenceItem(eid, raw["title"], raw["method"], record, collected, raw["class"], file, url, digest,
                        raw.get("description", ""), path)


def _resolve(doc, here, eid, file: str, folder: Path, root: Path, out: Collector) -> Path | None:
    def where():  # located only when something is reported: valid files are never re-read for positions
        return doc.at(*here, "file")

    rel = Path(file)
    if rel.is_absolute() or file.startswith(("/", "\\")) or (len(file) > 1 and file[1] == ":"):
        out.error(where(), "MAT304.absolute", id=eid)
        return None
    if ".." in rel.parts:
        out.error(where(), "MAT304.parent", id=eid)
        return None
    candidate = folder / rel
    if not candidate.exists() and not candidate.is_symlink():
        out.error(where(), "MAT302.missing", id=eid, file=file)
        return None
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        out.error(where(), "MAT305", id=eid, file=file)
        return None
    if not resolved.is_file():
        out.error(where(), "MAT302.not_a_file", id=eid, file=file)
        return None
    return resolved
