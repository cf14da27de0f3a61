"""Data files read and checked on every core: a cold run's parsing, done ahead in a pool of processes.

A data file's own checks (parse, schema, characters, lengths) need nothing but its text, so worker
processes can do them for the next folders while the main process checks and scores the current
one. A worker hands back the file's text compressed as a :class:`Document` keeps it, its findings and its
data packed as the on-disk cache keeps it (:func:`maturity.cache.pack`); the main process makes from that
the same :class:`Document` that reading it there would have made (compressing every text there was some
8 % of a cold run's main process). Anything a worker does not handle in full (a file that cannot be
read, a BOM, data the packing does not carry) is read again in the main process, as without a pool,
and so is everything when the pool cannot start or breaks.

An organisation's evidence register is not in the list of files (which register a folder needs is known only
once its record is read): the worker that reads a record that passed its schema reads the register of its
organisation too, and hands it back only when it is clean; the main process asks for it next. The worker also
hashes the register's files (:func:`file_hashes`); the main process still walks each path and takes a hash only
while the file's stat is the one it was hashed under, as the build cache keeps hashes between runs.

The pool pays for itself only when many files are not in the cache (a cold run): :func:`workers`
decides. Processes are started with ``spawn``: ``mkdocs serve`` runs builds beside its server's
threads, and a forked copy of a threaded process can deadlock.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import threading
import time
import zlib
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from maturity.cache import decode, pack, text_digest
from maturity.diagnostics import Collector, Diagnostic
from maturity.data import schema
from maturity.data.evidence import REGISTER, file_name_problem, walk_to_file
from maturity.data.evidence_hash import sha256_of
from maturity.data.yamlfile import Document, pack_text, parse_yaml, read_text

log = logging.getLogger("mkdocs.plugins.maturity")

MIN_FILES = 600  # fewer files to parse than this: starting the processes costs more than they save
BATCH = 48  # files per task: large enough to amortise the hand-over, small enough to keep every core busy
AHEAD = 4  # tasks in flight per worker: what the pool holds at a time, whatever the number of files


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover — not Linux
        return os.cpu_count() or 1


def pool(count: int) -> ProcessPoolExecutor:
    """``count`` worker processes, started with ``spawn``, each of which leaves when the process that started it is gone.

    A process killed outright (SIGKILL, or SIGTERM to it alone: Ctrl-C reaches the whole group) cannot shut its
    pool down; its idle workers would live on and hold its output pipes open, so a CI job would never end."""
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"), initializer=watch_parent,
                               initargs=(os.getpid(),))


def watch_parent(parent: int, every: float = 0.5) -> None:
    """In a worker: a thread that ends the process once its parent ``parent`` is gone (it is then re-parented)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="maturity-watch-parent", daemon=True).start()


def processes(jobs: int) -> int:
    """The processes the ``jobs`` option asks for: 0 for as many as there are cores, n for n (1: this one only)."""
    return cores() if jobs == 0 else jobs


def workers(jobs: int, files: int, cached: int) -> int:
    """How many worker processes to use (0: none) for ``files`` data files, ``cached`` of them likely in the cache.

    ``jobs``: the ``jobs`` option — 0 for as many as there are cores, 1 for none, n for n."""
    count = processes(jobs)
    if count < 2 or files - cached < MIN_FILES:
        return 0
    return count


def check_batch(batch: list[tuple[str, str, str, int]], evidence_root: str | None = None) -> tuple[list, list, list]:
    """In a worker: for each (path, shown, kind, max_bytes) its (packed text, findings, passed, digest, packed data), or
    None for a file to be read in the main process; and, with ``evidence_root``, the registers of the organisations
    whose records passed, as (path, result) for those that are clean (the main process reads the others itself),
    with the hashes of their files (:func:`file_hashes`)."""
    done: list[tuple | None] = []
    registers: list[tuple[str, tuple]] = []
    hashes: list[tuple[str, tuple, str]] = []
    seen: set[str] = set()
    for path, shown, kind, max_bytes in batch:
        result, data = _check_file(path, shown, kind, max_bytes)
        done.append(result)
        org = _organisation(data) if kind == "assessment" and evidence_root and result is not None and result[2] else None
        if org is not None and org not in seen:
            seen.add(org)
            register = os.path.join(evidence_root, org, REGISTER)
            found, items = _check_file(register, register, "evidence", max_bytes) if os.path.isfile(register) else (None, None)
            if found is not None and found[2] and not found[1]:
                registers.append((register, found))
                hashes.extend(file_hashes(evidence_root, org, items["items"]))
    return done, registers, hashes


def file_hashes(evidence_root: str, org: str, items: list[dict]) -> list[tuple[str, tuple, str]]:
    """The SHA-256 of each file a register's items name in the repository, as (path, stat, digest).

    Only a file the checks take: a name that stays in the organisation's folder, walked from the evidence root with
    no symbolic link anywhere, a regular file (:mod:`maturity.data.evidence`, as :mod:`maturity.checks.evidence`
    walks it). A link could point at any file of the machine, even one that reads for ever (``/proc/self/pagemap`` is
    a regular file: 6 GB read in 2 s, and not at its end). ``stat`` is the file's (size, mtime, ctime, inode, device),
    the same before and after it was read: the main process uses a digest only while the file still has that stat,
    after walking the path itself."""
    found, real_dirs, root = [], set(), Path(evidence_root)
    for item in items:
        file = item.get("file")
        if not isinstance(file, str) or not file or item.get("storage") == "private" or file_name_problem(file):
            continue
        try:
            path, reached = walk_to_file(root, (org, *PurePosixPath(file).parts), real_dirs)
            if reached != "file":
                continue
            before = os.lstat(path)
            digest = sha256_of(path)
            if _stat_key(os.lstat(path)) == (key := _stat_key(before)):
                found.append((str(path), key, digest))
        except OSError:
            continue  # the main process reads it and says why
    return found


def _stat_key(st: os.stat_result) -> tuple:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev


def _check_file(path: str, shown: str, kind: str, max_bytes: int) -> tuple[tuple | None, object]:
    """One file read and checked: ((packed text, findings, passed, digest, packed data), its data), or (None, None)."""
    text, diags = read_text(Path(path), shown, max_bytes)
    if text is None or diags:
        return None, None
    doc, diags = parse_yaml(text, shown)
    packed = pack(doc.data) if doc is not None else None
    if packed is None:
        return None, None
    found = Collector()
    found.extend(diags)
    ok = schema.check(doc, kind, found)
    return (pack_text(text), found.items, ok, text_digest(text), packed), doc.data


def _organisation(data) -> str | None:
    """The organisation id of a record that passed its schema, when it can only name a folder of its own."""
    org = data.get("organisation", {}).get("id") if isinstance(data, dict) else None
    return org if isinstance(org, str) and _FOLDER_NAME.fullmatch(org) else None


_FOLDER_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")  # the schema's pattern for an id: never "..", never a path


class Prefetch:
    """The data files of a run's folders, read and checked ahead by worker processes, handed out in order."""

    def __init__(self, files: list[tuple[Path, str]], display, max_bytes: int, count: int,
                 evidence_root: Path | None = None) -> None:
        self._batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
        self._where = {(path, kind): n for n, batch in enumerate(self._batches) for path, kind in batch}
        self._display = display
        self._max_bytes = max_bytes
        # Each record's register is read by the worker that read the record: the main process asks for it next.
        self._evidence_root = str(evidence_root) if evidence_root is not None else None
        self._registers_taken: set[Path] = set()  # an organisation's register may come from several workers
        self._ahead = AHEAD * count
        self._futures: dict[int, Future] = {}
        self._shown: dict[int, list[str]] = {}
        self._collected: set[int] = set()
        self._done: dict[tuple[Path, str], tuple] = {}
        self._submitted = 0
        self._memo: dict = {}  # equal keys and short texts shared, as when read from the cache
        self._hashes: dict[str, tuple[tuple, str]] = {}  # evidence file -> (its stat when hashed, its SHA-256)
        self._pool: ProcessPoolExecutor | None = pool(count)

    def take(self, path: Path, kind: str, store) -> tuple[Document | None, list[Diagnostic], bool] | None:
        """The file's document, findings and verdict, as :meth:`maturity.data.reading.FileReader.checked` makes
        them; None when the file is to be read in the main process."""
        found = self._done.pop((path, kind), None)
        if found is None:
            n = self._where.pop((path, kind), None)
            if n is None or self._pool is None:
                return None
            if n not in self._collected and not self._collect(n):
                return None
            found = self._done.pop((path, kind), None)
            if found is None:
                return None
        elif kind == "evidence":
            self._registers_taken.add(path)
        shown, (packed_text, items, ok, digest, packed) = found
        shown = shown if shown is not None else self._display(path)
        clean = ok and not items
        if clean and store is not None and store.enabled:
            store.put_packed(kind, digest, packed)
        return (Document(shown, decode(zlib.decompress(packed), self._memo), None, packed if clean else None,
                         digest=digest, packed_text=packed_text),
                items, ok)

    def _collect(self, n: int) -> bool:
        """Submit up to ``n`` + the look-ahead, then wait for task ``n`` and keep its results."""
        try:
            while self._submitted < len(self._batches) and self._submitted <= n + self._ahead:
                batch = self._batches[self._submitted]
                shown = [self._display(path) for path, _ in batch]
                args = [(str(path), s, kind, self._max_bytes) for (path, kind), s in zip(batch, shown)]
                self._futures[self._submitted] = self._pool.submit(check_batch, args, self._evidence_root)
                self._shown[self._submitted] = shown
                self._submitted += 1
            results, registers, hashes = self._futures.pop(n).result()
        except Exception as exc:  # noqa: BLE001 — a broken pool (killed worker, no processes allowed): read serially
            log.debug("maturity: parallel reading stopped (%s); reading in the main process", exc)
            self.close()
            return False
        self._collected.add(n)
        for (path, kind), shown, result in zip(self._batches[n], self._shown.pop(n), results):
            if result is not None:
                self._done[(path, kind)] = (shown, result)
        for register, result in registers:
            key = (Path(register), "evidence")
            if key[0] not in self._registers_taken:
                self._done[key] = (None, result)  # shown: made in this process, where display is
        for path, key, digest in hashes:
            self._hashes[path] = (key, digest)
        return True

    def hashed(self, path: Path) -> str | None:
        """The SHA-256 a worker found for the evidence file ``path``, if the file's stat is still what it was then."""
        known = self._hashes.pop(str(path), None)
        if known is None:
            return None
        try:
            return known[1] if _stat_key(os.stat(path)) == known[0] else None
        except OSError:
            return None

    def close(self) -> None:
        pool, self._pool = self._pool, None
        self._futures.clear()
        self._done.clear()
        self._hashes.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
