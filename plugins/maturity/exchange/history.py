"""The git history of each assessment: who changed it, when, and what it did to A.

One ``git log`` over the assessments folder and one ``git cat-file --batch`` process for all
file versions, so the cost grows with the number of changes, not of git calls.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from maturity.cache import cache_folder, tool_fingerprint
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


def load_history(root: Path, models, assessments_dir: str = "assessments", cached: bool = True) -> History:
    """A (id, A) per commit that touched each assessment; ``models`` is a Registry (each version scored
    against the model it names) or one Model. ``cached``: keep each version's (id, A) in ``.cache/maturity/``."""
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
    cache = HistoryCache.open(root, models) if cached else HistoryCache(None, "", {})
    parts = folder.count("/") + 1  # path components of the assessments folder; <id> is the next one
    with gitrepo.BlobReader(top) as blobs:
        for commit in commits:
            touched = sorted({"/".join(p.split("/")[: parts + 1]) for p in commit.paths if p.count("/") > parts})
            for path in touched:
                record = blobs.object_id(commit.id, f"{path}/{RECORD}")
                if record is None:
                    continue
                scores = blobs.object_id(commit.id, f"{path}/{SCORES}")
                key = f"{record}:{scores or ''}"
                found = cache.get(key)
                if found is None:  # a version not seen before: read and scored once, then kept on disk
                    data = blobs.read_object(record)
                    if data is None:
                        continue
                    found = cache.put(key, _score(models, data, blobs.read_object(scores) if scores else None, path))
                aid, a = found
                if aid:
                    states.setdefault(aid, []).append((commit, a))
    cache.save()
    changes = {}
    for aid, seq in states.items():  # newest first; "before" is the next older state
        changes[aid] = [Change(c.id, c.date, c.author, c.subject, seq[i + 1][1] if i + 1 < len(seq) else None, a)
                        for i, (c, a) in enumerate(seq)]
    return History(True, note, changes)


CACHE_FORMAT = 1


class HistoryCache:
    """Each file version's (id, A), kept between builds in ``.cache/maturity/history-<tool fingerprint>.json``.

    Keyed by the git object ids of the record and scores files; the whole file is for one set of models (a
    digest of every model the site knows) and one tool (:func:`maturity.cache.tool_fingerprint`, a digest of
    the package's own files): anything else — another version or models,
    a truncated or edited file — is ignored and rewritten. The folder is safe to delete; it ignores itself in git.
    A save keeps only the versions this build looked up, so the file does not grow with dead entries.
    """

    def __init__(self, path: Path | None, models_digest: str, entries: dict) -> None:
        self.path, self.models_digest, self.entries = path, models_digest, entries
        self.used: dict[str, list] = {}
        self.changed = False

    @classmethod
    def open(cls, root: Path, models) -> "HistoryCache":
        folder = cache_folder(root)
        digest = models_digest(models)
        if folder is None:
            return cls(None, digest, {})
        path = folder / f"history-{tool_fingerprint()}.json"
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            ok = (isinstance(saved, dict) and saved.get("format") == CACHE_FORMAT and saved.get("models") == digest
                  and isinstance(saved.get("entries"), dict))
            entries = saved["entries"] if ok else {}
        except (OSError, ValueError):  # missing, unreadable, not JSON: start afresh
            entries = {}
        return cls(path, digest, entries)

    def get(self, key: str) -> tuple[str | None, Fraction | None] | None:
        raw = self.entries.get(key)
        try:
            aid, a = raw
            value = (aid if isinstance(aid, str) else None, Fraction(a) if isinstance(a, str) else None)
            if (aid is not None and not isinstance(aid, str)) or (a is not None and not isinstance(a, str)):
                raise ValueError(raw)
        except (TypeError, ValueError, ZeroDivisionError):  # absent or not what a save writes: score it again
            return None
        self.used[key] = raw
        return value

    def put(self, key: str, value: tuple[str | None, Fraction | None]) -> tuple[str | None, Fraction | None]:
        aid, a = value
        self.used[key] = [aid, str(a) if a is not None else None]
        self.changed = True
        return value

    def save(self) -> None:
        if self.path is None or (not self.changed and self.used.keys() == self.entries.keys()):
            return
        try:
            text = json.dumps({"format": CACHE_FORMAT, "models": self.models_digest, "entries": self.used},
                              ensure_ascii=False, sort_keys=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:  # a read-only checkout builds all the same, only without the cache
            pass


def models_digest(models) -> str:
    """A digest of every model a version could be scored against (the Registry's, or the one Model)."""
    if hasattr(models, "resolve"):
        listed = [("default", models.default), *sorted(models.models.items(), key=lambda kv: kv[0])]
    else:
        listed = [("default", models)]
    return hashlib.sha256(repr(listed).encode("utf-8")).hexdigest()


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
