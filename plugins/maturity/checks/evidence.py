"""Evidence checked: each item's file or URL, its sha256, and what a public item would publish.

What the site publishes is decided from the file itself, not from its label: a public item must
never be (after links) the same file as a restricted or confidential item, nor have the same
bytes (:func:`check_aliases`, across every register of the repository). Symbolic links are
refused anywhere below the evidence folder — they could point at any file on the machine that
builds the site, or at themselves.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from maturity import i18n
from maturity.data.evidence import (PUBLISHABLE, EvidenceItem, EvidenceRegister, evidence_item, file_name_problem,
                                    walk_to_file)
from maturity.diagnostics import Collector


def check_item(register: EvidenceRegister, evidence_root: Path, i: int, raw: dict, reader, out: Collector,
               real_dirs: set | None = None) -> EvidenceItem:
    """``real_dirs``: folders already walked (not a link, a folder) during this load, shared by a register's items."""
    doc = register.document
    here = ("items", i)
    eid = raw["id"]
    file, url, digest = raw.get("file"), raw.get("url"), raw.get("sha256")
    private = raw.get("storage") == "private"
    public = raw["class"] == "public"
    path = actual = None
    if bool(file) == bool(url):
        out.error(doc.at(*here), "MAT306", id=eid)
    if url:
        why = url_problem(url)
        if why:
            out.error(doc.at(*here, "url"), f"MAT307.{why}", id=eid)
    if private and (public or not file):
        out.error(doc.at(*here, "storage"), "MAT312", id=eid)
    elif file and public and Path(file).suffix.lower() not in PUBLISHABLE:
        out.warning(doc.at(*here, "file"), "MAT309", id=eid, suffix=Path(file).suffix or i18n.t("words.no_suffix"))
    if file and _file_name_ok(doc, here, eid, file, out):
        if private:
            path = _private_file(register, doc, here, eid, file, out)
        else:
            path = _repository_file(register.folder, evidence_root, doc, here, eid, file, out, real_dirs)
        if path is not None:
            if not digest:
                out.error(doc.at(*here), "MAT303.missing", id=eid)
            try:
                actual = reader.sha256(path)
            except OSError as exc:
                out.error(doc.at(*here, "file"), "MAT302.unreadable", id=eid, file=file, reason=exc.strerror or exc)
                path = None
            if digest and actual is not None and actual != digest:
                out.error(doc.at(*here, "sha256"), "MAT303.mismatch", id=eid, file=file, actual=actual)
    item = evidence_item(raw, path, actual)
    if item.record_date and item.collected and item.record_date > item.collected:
        out.error(doc.at(*here, "collected"), "MAT406.evidence", id=eid)
    return item


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an address evidence may link to (a MAT307 variant); None when it is one."""
    if any(ch.isspace() for ch in url):
        return "invalid"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # raises ValueError for a port that is not a number
    except ValueError:  # e.g. "https://[x": an unbalanced IPv6 bracket
        return "invalid"
    if parts.scheme not in ("http", "https"):
        return "scheme"
    if not host:
        return "invalid"
    return None


def _file_name_ok(doc, here, eid, file: str, out: Collector) -> bool:
    why = file_name_problem(file)
    if why:  # located only when something is reported: valid files are never re-read for positions
        out.error(doc.at(*here, "file"), f"MAT304.{why}", id=eid)
    return why is None


def _repository_file(folder: Path, evidence_root: Path, doc, here, eid, file: str, out: Collector,
                     real_dirs: set | None = None) -> Path | None:
    """The file in the repository, walked part by part from the evidence root: no symbolic link anywhere
    (:func:`maturity.data.evidence.walk_to_file`)."""
    parts = folder.relative_to(evidence_root).parts + PurePosixPath(file).parts
    found, reached = walk_to_file(evidence_root, parts, set() if real_dirs is None else real_dirs)
    if reached == "missing":
        out.error(doc.at(*here, "file"), "MAT302.missing", id=eid, file=file, path=str(found))
    elif reached == "link":
        out.error(doc.at(*here, "file"), "MAT305", id=eid, file=file)
    elif reached == "not_a_file":
        out.error(doc.at(*here, "file"), "MAT302.not_a_file", id=eid, file=file)
    return found if reached == "file" else None


def _private_file(register: EvidenceRegister, doc, here, eid, file: str, out: Collector) -> Path | None:
    """The file in the assessment body's private folder, when this machine has it; else a note."""
    base = register.private_folder
    candidate = base / file if base is not None else None
    if candidate is None or not candidate.is_file() or candidate.is_symlink():
        out.note(doc.at(*here, "file"), "MAT311", id=eid,
                 where=str(candidate) if candidate is not None else i18n.t("words.private_dir_unset"))
        return None
    return candidate


def check_aliases(registers: list[EvidenceRegister], out: Collector) -> None:
    """A public item must not publish a restricted or confidential item: not the same file, not the same bytes."""
    facts = [(register, alias_facts(register)) for register in registers]
    by_file: dict[str, tuple[EvidenceRegister, list]] = {}
    by_hash: dict[str, tuple[EvidenceRegister, list]] = {}
    for register, items in facts:
        for fact in items:
            _, _, scope, identity, registered, actual = fact
            if scope == "public":
                continue
            if identity is not None:
                by_file.setdefault(identity, (register, fact))
            for digest in (registered, actual):
                if digest is not None:
                    by_hash.setdefault(digest, (register, fact))
    for register, items in facts:
        for eid, index, scope, identity, registered, actual in items:
            if scope != "public" or identity is None:
                continue
            found = by_file.get(identity)
            key = "same_file"
            if found is None:
                found = next((by_hash[d] for d in (actual, registered) if d and d in by_hash), None)
                key = "same_content"
            if found is not None:
                other_register, (other_id, _, other_scope, *_) = found
                out.error(register.document.at("items", index, "class"), f"MAT310.{key}", id=eid,
                          other=other_id, register=other_register.path, scope=i18n.t(f"classes.{other_scope}"))


def alias_facts(register: EvidenceRegister) -> list[list]:
    """What :func:`check_aliases` needs of each item: ``[id, index in the register, class, "device:inode" of its
    file or None, registered sha256, actual sha256]`` (a register recalled by :mod:`maturity.verdicts` brings them)."""
    if register.recalled is not None:
        return register.recalled
    return [[item.id, register.pointers[item.id][1], item.confidentiality,
             identity(item.path) if item.path is not None else None, item.sha256, item.actual_sha256]
            for item in register.items.values()]


def identity(path: Path) -> str:
    """Which file ``path`` is, after links: "device:inode"."""
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}"
