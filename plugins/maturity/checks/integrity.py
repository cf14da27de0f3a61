"""A certificate's digest changes only through a re-issue: checked against the git history (MAT615).

The digest recorded at issue (``certificate.digest``) and every re-issue already recorded
(``events`` of kind ``reissued``) are written once. Changing the data and then overwriting the
recorded digest would make MAT610 and ``maturity verify`` pass on data the authority never
certified; git remembers what was recorded, so each version of ``publication.yml`` is compared
with the first one that named the certificate. Without git (or in a shallow clone) this cannot be
checked: a note says so, and the documentation tells authorities to keep full history.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from maturity.data.assessment import PUBLICATION, Assessment
from maturity.data.publication import certificate_of
from maturity.data.yamlfile import parse_yaml
from maturity.diagnostics import Collector
from maturity.exchange import gitrepo
from maturity.settings import Settings


@dataclass(frozen=True)
class Recorded:
    """What one committed version of publication.yml recorded for a certificate."""

    commit: str
    date: str
    digest: str | None
    reissues: tuple[str | None, ...]  # the digests of its reissued events, in order


def check_recorded_digests(assessments: list[Assessment], settings: Settings, out: Collector) -> None:
    certified = [a for a in assessments if a.publication_doc is not None and certificate_of(a, settings.publication)]
    if not certified:
        return
    said = certified[0].publication_doc.at("certificate", "digest")  # said once, at the first certificate
    try:
        top = gitrepo.toplevel(settings.root)
    except gitrepo.GitError:
        out.note(said, "MAT616.no_git")
        return
    if gitrepo.is_shallow(top):
        out.note(said, "MAT616.shallow")
    prefix = _prefix(settings.root, top)
    history = gitrepo.versions(top, f"{prefix}{settings.assessments_dir}/*/{PUBLICATION}")
    with gitrepo.BlobReader(top) as blobs:
        for a in certified:
            rel = _relative(a.folder / PUBLICATION, top)
            if rel is None or rel not in history:
                continue  # not committed yet: nothing recorded to compare with
            _check_one(a, settings, [_recorded(blobs, commit, date, rel) for commit, date in history[rel]], out)


def _check_one(a: Assessment, settings: Settings, versions: list[dict], out: Collector) -> None:
    cert = certificate_of(a, settings.publication)
    doc = a.publication_doc
    mine = [v[cert.number] for v in versions if cert.number in v]
    if not mine:
        return
    first = next((r for r in mine if r.digest), None)
    if first is not None and cert.digest != first.digest:
        out.error(doc.at("certificate", "digest"), "MAT615.digest", number=cert.number, recorded=first.digest,
                  date=first.date, commit=first.commit[:10])
    current = tuple(e.digest for e in cert.events if e.kind == "reissued")
    longest = max(mine, key=lambda r: len(r.reissues))
    if current[: len(longest.reissues)] != longest.reissues:
        i = next(k for k, (x, y) in enumerate(zip(current + (None,) * len(longest.reissues), longest.reissues)) if x != y)
        out.error(doc.at("certificate", "events"), "MAT615.reissue", number=cert.number, n=i + 1,
                  recorded=longest.reissues[i] or "—", date=longest.date, commit=longest.commit[:10])


def _recorded(blobs: gitrepo.BlobReader, commit: str, date: str, rel: str) -> dict[str, Recorded]:
    """Certificate number -> what this version recorded (an unreadable version records nothing)."""
    blob = blobs.read(commit, rel)
    if blob is None:
        return {}
    doc, _ = parse_yaml(blob.decode("utf-8", "replace"), rel)
    data = doc.data if doc is not None else None
    cert = data.get("certificate") if isinstance(data, dict) else None
    if not isinstance(cert, dict) or not isinstance(cert.get("number"), str):
        return {}
    events = cert.get("events") if isinstance(cert.get("events"), list) else []
    reissues = tuple(e.get("digest") for e in events if isinstance(e, dict) and e.get("kind") == "reissued")
    digest = cert.get("digest") if isinstance(cert.get("digest"), str) else None
    return {cert["number"]: Recorded(commit, date, digest, reissues)}


def _prefix(root: Path, top: Path) -> str:
    rel = root.resolve().relative_to(top.resolve()).as_posix()
    return "" if rel == "." else rel + "/"


def _relative(path: Path, top: Path) -> str | None:
    try:
        return path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return None
