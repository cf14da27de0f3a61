"""The git history of each assessment: who changed it, when, and what it did to A.

One ``git log`` over the assessments folder and one ``git cat-file --batch`` process for all
file versions, so the cost grows with the number of changes, not of git calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from maturity.exchange import gitrepo
from maturity.data.assessment import RECORD, SCORES, from_documents
from maturity.scoring import score_assessment
from maturity.data.yamlfile import parse_yaml


@dataclass(frozen=True)
class Change:
    commit: str
    date: str
    author: str
    subject: str
    before: Fraction | None  # A at the applied level after the previous change
    after: Fraction | None


@dataclass
class History:
    available: bool
    note: str  # why the history is missing or incomplete, for the page
    changes: dict[str, list[Change]]  # by assessment id, newest first


def load_history(root: Path, models, assessments_dir: str = "assessments") -> History:
    """A (id, A) per commit that touched each assessment; ``models`` is a Registry (each version scored
    against the model it names) or one Model."""
    try:
        top = gitrepo.toplevel(root)
    except gitrepo.GitError:
        return History(False, "本站点不是从 git 仓库构建的，没有修改历史。", {})
    if gitrepo.head_commit(top) is None:
        return History(False, "git 仓库还没有提交，没有修改历史。", {})
    prefix = root.resolve().relative_to(top.resolve()).as_posix() if root.resolve() != top.resolve() else ""
    folder = f"{prefix}/{assessments_dir}" if prefix else assessments_dir
    commits = gitrepo.log(top, folder)
    note = "仓库为浅克隆（shallow clone），修改历史不完整。" if gitrepo.is_shallow(top) else ""
    states: dict[str, list[tuple[gitrepo.Commit, Fraction | None]]] = {}
    cache: dict[tuple[bytes, bytes], tuple[str | None, Fraction | None]] = {}
    parts = folder.count("/") + 1  # path components of the assessments folder; <id> is the next one
    with gitrepo.BlobReader(top) as blobs:
        for commit in commits:
            touched = sorted({"/".join(p.split("/")[: parts + 1]) for p in commit.paths if p.count("/") > parts})
            for path in touched:
                record = blobs.read(commit.id, f"{path}/{RECORD}")
                scores = blobs.read(commit.id, f"{path}/{SCORES}")
                if record is None:
                    continue
                key = (record, scores or b"")
                if key not in cache:
                    cache[key] = _score(models, record, scores, path)
                aid, a = cache[key]
                if aid:
                    states.setdefault(aid, []).append((commit, a))
    changes = {}
    for aid, seq in states.items():  # newest first; "before" is the next older state
        changes[aid] = [Change(c.id, c.date, c.author, c.subject, seq[i + 1][1] if i + 1 < len(seq) else None, a)
                        for i, (c, a) in enumerate(seq)]
    return History(True, note, changes)


def _score(models, record: bytes, scores: bytes | None, path: str) -> tuple[str | None, Fraction | None]:
    """(id, A at the applied level) of one version; (None, None) when it cannot be read."""
    try:
        rdoc, _ = parse_yaml(record.decode("utf-8"), f"{path}/{RECORD}")
        sdoc, _ = parse_yaml(scores.decode("utf-8"), f"{path}/{SCORES}") if scores else (None, [])
    except UnicodeDecodeError:
        return None, None
    if rdoc is None:
        return None, None
    ref = rdoc.data.get("model") if isinstance(rdoc.data, dict) else None
    model = models.resolve(ref if isinstance(ref, str) else None) if hasattr(models, "resolve") else models
    if model is None:
        return None, None
    a = from_documents(rdoc, sdoc, model)
    if a is None:
        return None, None
    if a.scores_doc is None:
        return a.id, None
    result = score_assessment(model, a)
    return a.id, (result.applied.score if result.applied else None)
