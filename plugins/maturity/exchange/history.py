"""The git history of each assessment: who changed it, when, and what it did to A.

One ``git log`` over the assessments folder and one ``git cat-file --batch`` process for all
file versions, so the cost grows with the number of changes, not of git calls.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter, deque
from concurrent.futures import Future
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Iterator

from maturity.cache import cache_folder, tool_fingerprint
from maturity.data import parallel
from maturity.exchange import gitrepo
from maturity.data.assessment import RECORD, SCORES, from_documents
from maturity.scoring import score_assessment
from maturity.data.yamlfile import Document, parse_yaml

log = logging.getLogger("mkdocs.plugins.maturity")


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


def load_history(root: Path, models, assessments_dir: str = "assessments", cached: bool = True,
                 current: Callable[[str], WorkingTree] | None = None, jobs: int = 1) -> History:
    """A (id, A) per commit that touched each assessment; ``models`` is a Registry (each version scored
    against the model it names) or one Model. ``cached``: keep each version's (id, A) in ``.cache/maturity/``.

    ``current``: what the build has just read from the working tree, for a hash algorithm's name
    (:class:`WorkingTree`): a commit holding exactly a folder's files is not parsed again, and a version whose
    record is that folder's in the working tree takes the record's checked data instead of parsing it.
    ``jobs``: as the ``jobs`` option (0: every core, 1: this process only) for versions not in the cache."""
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
    known: WorkingTree | None = None
    seen: list[tuple[gitrepo.Commit, str]] = []  # (commit, version key), newest commit first
    todo: dict[str, tuple[str, str, str | None]] = {}  # versions to score: key -> (folder, record id, scores id)
    # Each assessment folder a commit touched, as (commit, folder), with the ids of its two files there.
    touched = [(commit, sorted({"/".join(p.split("/")[: parts + 1]) for p in commit.paths if p.count("/") > parts}))
               for commit in commits]
    places = [(commit, path) for commit, paths in touched for path in paths]
    with gitrepo.BlobReader(top) as blobs:
        ids = iter(blobs.object_ids(_file_specs(blobs, touched, folder)))
        for (commit, path), record, scores in zip(places, ids, ids):
            if record is None:
                continue
            key = f"{record}:{scores or ''}"
            seen.append((commit, key))
            if key in todo or cache.get(key) is not None:
                continue
            if current is not None:
                if known is None:  # git's object ids are SHA-1 or, in a SHA-256 repository, SHA-256
                    known = current("sha1" if len(record) == 40 else "sha256")
                if (found := known.version(path.rsplit("/", 1)[-1], key)) is not None:
                    cache.put(key, found)
                    continue
            todo[key] = (path, record, scores)
        lent = {} if known is None else {record: data for path, record, _ in todo.values()
                                         if (data := known.record(path.rsplit("/", 1)[-1], record)) is not None}
        # Versions not seen before: read and scored once (on every core when there are many), then kept on disk.
        for key, version in score_versions(models, todo, blobs, jobs, lent):
            cache.put(key, version)
    for commit, key in seen:
        aid, a = cache.value(key)
        if aid:
            states.setdefault(aid, []).append((commit, a))
    cache.save()
    changes = {}
    for aid, seq in states.items():  # newest first; "before" is the next older state
        changes[aid] = [Change(c.id, c.date, c.author, c.subject, seq[i + 1][1] if i + 1 < len(seq) else None, a)
                        for i, (c, a) in enumerate(seq)]
    return History(True, note, changes)


Version = tuple  # (assessment id or None, A at the applied level or None): what one file version scores

# A commit that touched more assessment folders than this: its assessments folder is read once and each folder's files
# looked up in the folder's own tree. Looked up as ``<commit>:<path>``, git reads the assessments folder's tree (one
# entry per assessment) again for each file: a commit adding 10,000 assessments took 25 s (docs/performance.md#history-tree).
TREE_READ = 16


def _file_specs(blobs: gitrepo.BlobReader, touched: list, folder: str) -> list[str]:
    """How to ask git for each touched folder's record and scores file at its commit, in order."""
    specs = []
    for commit, paths in touched:
        trees = blobs.folders(f"{commit.id}:{folder}") if len(paths) > TREE_READ else None
        for path in paths:
            tree = trees.get(path.rsplit("/", 1)[-1]) if trees is not None else None
            base = f"{tree}:" if tree is not None else f"{commit.id}:{path}/"
            specs += [base + RECORD, base + SCORES]
    return specs


class WorkingTree:
    """What the build read from the working tree, looked up by assessment folder (its name under the assessments
    folder) and compared with a version in git by object id. Only the folders git's history asks about are
    hashed, each once: a build after one commit asks about one folder, not the whole repository."""

    def __init__(self, assessments: Iterable, results: dict, algorithm: str) -> None:
        assessments = list(assessments)
        self._shared = {aid for aid, n in Counter(a.id for a in assessments).items() if n > 1}
        self._folders = {a.folder.name: a for a in assessments}
        self._results, self._algorithm = results, algorithm
        self._ids: dict[tuple[str, str], str | None] = {}

    def version(self, name: str, key: str) -> Version | None:
        """(id, A) of the assessment in folder ``name`` when its two files are the version ``key`` ("<record id>:
        <scores id>"); else None. Only an assessment whose files were read whole (their text is the file's bytes,
        as git stores them) and scored, with an id no other folder uses: its (id, A) is then exactly what scoring
        that version from git gives, as both come from the same files through the same functions."""
        a = self._folders.get(name)
        if a is None or a.id in self._shared or a.scores_doc is None or (result := self._results.get(a.id)) is None:
            return None
        record, scores = self._id(name, a.record_doc), self._id(name, a.scores_doc)
        if record is None or scores is None or key != f"{record}:{scores}":
            return None
        return a.id, (result.applied.score if result.applied else None)

    def record(self, name: str, blob: str) -> dict | None:
        """The data of the record in folder ``name`` when its text is the blob ``blob``. Every loaded assessment's
        record passed its schema (:func:`maturity.data.assessment.read_assessment`): the same bytes in git pass it
        too, through the same function, so a version holding them is scored from this data without parsing it."""
        a = self._folders.get(name)
        return a.record if a is not None and self._id(name, a.record_doc) == blob else None

    def _id(self, name: str, doc) -> str | None:
        memo = (name, doc.path)
        if memo not in self._ids:
            text = doc.text
            self._ids[memo] = blob_id(text, self._algorithm) if text is not None else None
        return self._ids[memo]


def blob_id(text: str, algorithm: str = "sha1") -> str:
    """The git object id of a file with this text (UTF-8), as ``git hash-object`` gives it."""
    data = text.encode("utf-8", "surrogatepass")
    return hashlib.new(algorithm, b"blob %d\0" % len(data) + data).hexdigest()


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
        self.values: dict[str, tuple[str | None, Fraction | None]] = {}  # what this run got or put, by key
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
        self.values[key] = value
        return value

    def value(self, key: str) -> tuple[str | None, Fraction | None]:
        """What :meth:`get` or :meth:`put` gave for ``key`` in this run; (None, None) for a version never scored."""
        return self.values.get(key, (None, None))

    def put(self, key: str, value: tuple[str | None, Fraction | None]) -> tuple[str | None, Fraction | None]:
        aid, a = value
        self.used[key] = [aid, str(a) if a is not None else None]
        self.values[key] = value
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
    # As the other caches key a model (Model.cache_text): not by where a built-in one is installed.
    texts = [(name, model.cache_text() if model is not None else None) for name, model in listed]
    return hashlib.sha256(repr(texts).encode("utf-8")).hexdigest()


MIN_VERSIONS = 400  # fewer versions to score than this: starting worker processes costs more than they save
BATCH = 50  # versions per task
AHEAD = 4  # tasks in flight per worker: the blobs held at a time stay bounded, whatever the history's length


def score_versions(models, todo: dict[str, tuple[str, str, str | None]], blobs: gitrepo.BlobReader,
                   jobs: int = 1, records: dict[str, dict] | None = None) -> Iterator[tuple[str, Version]]:
    """(key, (id, A)) of each version in ``todo`` (key -> (folder, record blob id, scores blob id)), read through
    ``blobs``; a version whose record cannot be read is left out. ``records``: checked record data by blob id
    (:meth:`WorkingTree.record`), used instead of reading and parsing those records. Worker processes score them
    when there are enough; anything the pool does not finish (it cannot start, a worker dies) is scored here."""
    records = records or {}
    items = list(todo.items())
    count = parallel.processes(jobs)
    done: set[str] = set()
    if count >= 2 and len(items) >= MIN_VERSIONS:
        try:
            for key, version in _score_in_pool(models, items, blobs, count, records):
                done.add(key)
                yield key, version
        except Exception as exc:  # noqa: BLE001 — a broken pool (killed worker, no processes allowed): go on here
            log.debug("maturity: scoring the git history in parallel stopped (%s); going on in this process", exc)
    for key, (path, record, scores) in items:
        if key not in done and (found := _read_version(blobs, path, record, scores, records)) is not None:
            yield key, _score(models, *found)


def _read_version(blobs: gitrepo.BlobReader, path: str, record: str, scores: str | None,
                  records: dict[str, dict]) -> tuple | None:
    data = records.get(record)
    if data is None:
        data = blobs.read_object(record)
    return None if data is None else (data, blobs.read_object(scores) if scores else None, path)


def _score_in_pool(models, items: list, blobs: gitrepo.BlobReader, count: int,
                   records: dict[str, dict]) -> Iterator[tuple[str, Version]]:
    batches = [items[i:i + BATCH] for i in range(0, len(items), BATCH)]
    pending: deque[tuple[list[str], Future]] = deque()
    with parallel.pool(count) as pool:
        for batch in batches:
            keys, versions = [], []
            for key, (path, record, scores) in batch:
                if (found := _read_version(blobs, path, record, scores, records)) is not None:
                    keys.append(key)
                    versions.append(found)
            pending.append((keys, pool.submit(score_batch, models, versions)))
            while len(pending) > AHEAD * count or (pending and pending[0][1].done()):
                yield from _collected(pending.popleft())
        while pending:
            yield from _collected(pending.popleft())


def _collected(task: tuple[list[str], Future]) -> Iterator[tuple[str, Version]]:
    keys, future = task
    yield from zip(keys, future.result())


def score_batch(models, versions: list[tuple[bytes | dict, bytes | None, str]]) -> list[Version]:
    """In a worker process: :func:`_score` of each (record, scores, folder)."""
    return [_score(models, *version) for version in versions]


def _score(models, record: bytes | dict, scores: bytes | None, path: str) -> tuple[str | None, Fraction | None]:
    """(id, A at the applied level) of one version; (None, None) when it cannot be read. ``record``: the file's
    bytes, or the data of the same bytes as the build read and checked them (:meth:`WorkingTree.record`)."""
    checked = isinstance(record, dict)
    try:
        rdoc = Document(f"{path}/{RECORD}", record) if checked else parse_yaml(record.decode("utf-8"), f"{path}/{RECORD}")[0]
        sdoc, _ = parse_yaml(scores.decode("utf-8"), f"{path}/{SCORES}") if scores else (None, [])
    except UnicodeDecodeError:
        return None, None
    if rdoc is None:
        return None, None
    ref = rdoc.data.get("model") if isinstance(rdoc.data, dict) else None
    model = models.resolve(ref if isinstance(ref, str) else None) if hasattr(models, "resolve") else models
    if model is None:
        return None, None
    a = from_documents(rdoc, sdoc, model, record_checked=checked)
    if a is None:
        return None, None
    if a.scores_doc is None:
        return a.id, None
    result = score_assessment(model, a)
    return a.id, (result.applied.score if result.applied else None)
