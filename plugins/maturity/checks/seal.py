"""Checking that a certified assessment is still what its certificate attests (MAT610).

On a mismatch, the version of the data that was sealed is looked up in git (the commit that
recorded the digest) so that the error names what changed, not just that something did.
"""

from __future__ import annotations

from pathlib import Path

from maturity import i18n
from maturity.exchange import digest as digests
from maturity.exchange import gitrepo
from maturity.data.assessment import RECORD, SCORES, Assessment, from_documents
from maturity.settings import PublicationSettings
from maturity.diagnostics import Collector
from maturity.data.evidence import REGISTER, EvidenceItem, EvidenceRegister, as_date
from maturity.data.model import Model
from maturity.data.publication import certificate_of
from maturity.data.yamlfile import parse_yaml


def check_seal(a: Assessment, register: EvidenceRegister | None, model: Model, settings: PublicationSettings,
               out: Collector, git_root: Path | None) -> None:
    cert = certificate_of(a, settings)
    if cert is None or not cert.sealed_digest or a.scores_doc is None:
        return
    current = digests.digest(a, register, model.id)
    if current == cert.sealed_digest:
        return
    found = _explain(a, register, model, cert.sealed_digest, git_root) if git_root else None
    texts = [d.text() for d in found or []]
    what = "；".join(texts[:8]) + ("……" if len(texts) > 8 else "") if texts else i18n.t("diagnostics.MAT610.unknown_change")
    out.error(a.publication_doc.at("certificate", "digest"), "MAT610", number=cert.number, changes=what)
    # ...and at each changed line, so that a pull request shows the error beside the change itself.
    for d in found or []:
        where = _located(a, register, model, d.target)
        if where is not None:
            out.error(where, "MAT610.here", number=cert.number, change=d.text())


def _located(a: Assessment, register, model: Model, target):
    """Where a difference stands in the files now (None when it has no line, e.g. a removed score)."""
    if target is None:
        return None
    kind, name = target
    if kind == "requirement":
        req = model.requirement(name)
        return a.scores_doc.key_at(req.assessment_domain, "requirements", name) if req and a.scores_doc else None
    if kind == "evidence":
        pointer = register.pointers.get(name) if register is not None else None
        return register.document.at(*pointer) if pointer and register.document is not None else None
    if kind == "field":
        return a.record_doc.at({"model": "id", "organisation": "organisation"}.get(name, name))
    return None


def _explain(a: Assessment, register, model: Model, sealed: str, git_root: Path) -> list[digests.Difference] | None:
    """Differences between the sealed version (found in git) and now; None when it cannot be found."""
    try:
        top = gitrepo.toplevel(git_root)
    except gitrepo.GitError:
        return None
    folder = Path(a.record_doc.path).parent
    pub = (a.folder / "publication.yml").resolve()
    try:
        rel_pub = pub.relative_to(top.resolve()).as_posix()
    except ValueError:
        return None
    commit = gitrepo.last_commit_adding(top, sealed, rel_pub)
    if commit is None:
        return None
    rel_folder = rel_pub.rsplit("/", 1)[0]
    with gitrepo.BlobReader(top) as blobs:
        record, scores = blobs.read(commit, f"{rel_folder}/{RECORD}"), blobs.read(commit, f"{rel_folder}/{SCORES}")
        org = a.organisation["id"]
        evidence_dir = register.folder.parent if register else None
        reg_blob = None
        if evidence_dir is not None:
            try:
                rel_reg = (evidence_dir / org / REGISTER).resolve().relative_to(top.resolve()).as_posix()
                reg_blob = blobs.read(commit, rel_reg)
            except ValueError:
                reg_blob = None
    if record is None or scores is None:
        return None
    rdoc, _ = parse_yaml(record.decode("utf-8", "replace"), str(folder / RECORD))
    sdoc, _ = parse_yaml(scores.decode("utf-8", "replace"), str(folder / SCORES))
    old = from_documents(rdoc, sdoc, model) if rdoc else None
    if old is None:
        return None
    old_register = _register_from(reg_blob, org)
    return digests.difference_items(digests.canonical(old, old_register, model.id), digests.canonical(a, register, model.id))


def _register_from(blob: bytes | None, org: str) -> EvidenceRegister | None:
    if blob is None:
        return None
    doc, _ = parse_yaml(blob.decode("utf-8", "replace"), REGISTER)
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get("items"), list):
        return None
    items = {}
    for raw in doc.data["items"]:
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            items[raw["id"]] = EvidenceItem(raw["id"], str(raw.get("title", "")), str(raw.get("method", "")),
                                            as_date(raw.get("record_date")), as_date(raw.get("collected")),
                                            str(raw.get("class", "")), raw.get("file"), raw.get("url"), raw.get("sha256"), "", None)
    return EvidenceRegister(org, Path(), items, doc)
