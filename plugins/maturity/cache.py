"""The build cache on disk: ``.cache/maturity/`` beside ``mkdocs.yml``, git-ignored, safe to delete.

What it keeps depends only on bytes it can name, and on the tool itself: a data file's content →
its data, once that content has passed every check of its own file (parse, schema, characters),
keyed by the SHA-256 of the file's text; and an evidence file's SHA-256, keyed as git's index keys
a file (path, size, modification and change times in nanoseconds, inode), kept only for files not
modified in the last seconds before they were hashed. All of it is stored under a fingerprint of
this package's own files (code, schemas, models, templates), so a new version or a local edit of
the tool starts a new cache instead of trusting an old one. A file that is
missing, truncated, corrupt, a symlink or from another fingerprint is ignored and rebuilt: the
build is the same with or without it, only slower.

The cache is trusted input, like the working tree: a build reads data from it without parsing
the file again. Keep it on the machine or in the CI cache of the same branch (docs/performance.md);
``cache: false`` in ``mkdocs.yml`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import stat
import time
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache/maturity"
_IGNORE = "# maturity's build cache: safe to delete, never committed\n*\n"
_DATE = "\x00"  # the marker key of a plain YAML date: a key no clean file can have (MAT018.key refuses it)


def cache_folder(root: Path) -> Path | None:
    """``root/.cache/maturity``, made if needed with its own ``.gitignore``; None when it cannot be used."""
    folder = root / CACHE_DIR
    if folder.is_symlink() or folder.parent.is_symlink():
        return None  # the cache writes only inside the repository, never through a link elsewhere (not even a folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text(_IGNORE, encoding="utf-8")
    except OSError:  # a read-only checkout builds all the same, without the cache
        return None
    return folder


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """A digest of every file of this package: any change to code, schema, model or template changes it."""
    h = hashlib.sha256()
    root = resources.files("maturity")
    stack = [(root, "")]
    files = []
    while stack:
        node, rel = stack.pop()
        for child in node.iterdir():
            name = f"{rel}/{child.name}" if rel else child.name
            if child.is_dir():
                if child.name != "__pycache__":
                    stack.append((child, name))
            elif not child.name.endswith((".pyc", ".pyo")):
                files.append((name, child))
    for name, child in sorted(files, key=lambda kv: kv[0]):
        h.update(name.encode("utf-8") + b"\0" + child.read_bytes() + b"\0")
    return h.hexdigest()[:16]


# The files each version of the tool keeps, named by its fingerprint (and SQLite's journal beside a database).
_VERSIONED = re.compile(r"(?:checked|history|rendered|names)-([0-9a-f]{16})\.(?:sqlite|json|txt)(?:-journal)?")
UNUSED_DAYS = 30


def forget_other_versions(folder: Path, now: float | None = None) -> list[str]:
    """Delete the files other versions of the tool left in ``folder`` that no run has used for :data:`UNUSED_DAYS`
    days, and mark this version's as used now; return the names deleted. A version never reads another's files
    (:func:`tool_fingerprint`), so without this every upgrade or local edit of the tool would leave its cache behind
    for good; two versions used in turn (a branch switched back and forth, ``bench/pair.py``) keep theirs."""
    now = time.time() if now is None else now
    mine, removed = tool_fingerprint(), []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _VERSIONED.fullmatch(entry.name)
        try:
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            if match.group(1) == mine:
                os.utime(entry.path, (now, now))
            elif now - entry.stat(follow_symlinks=False).st_mtime > UNUSED_DAYS * 86400:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:  # gone meanwhile, or not ours to change: left as it is
            continue
    return removed


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class CheckedFiles:
    """Data files that passed every check of their own, by the digest of their text (one SQLite file).

    ``get`` returns the data exactly as the parser gives it (same types, same order); ``put`` keeps only
    data whose every value is of a type the parser makes. ``close`` writes what was added and, after a
    run that read every file (``prune``), forgets the entries this run did not use.
    """

    FORMAT = 1
    SETTLED_NS = 3 * 10**9  # a file modified this recently may change again within the same timestamp: not kept
    # New entries are written, in a short transaction of their own, once they hold this much: a cold run over a
    # national repository would otherwise hold all of its data, packed, and every verdict until the end.
    WRITE_BYTES = 8 * 2**20

    def __init__(self, db: sqlite3.Connection | None, path: Path | None = None) -> None:
        self._db = db
        self.path = path
        self._new: dict[str, bytes] = {}
        self._used: set[str] = set()
        self._new_hashes: dict[str, str] = {}
        self._used_hashes: set[str] = set()
        self._memo: dict[str, str] = {}
        self._new_verdicts: dict[str, str] = {}
        self._used_verdicts: set[str] | None = None  # None: this run did not use verdicts (nor prunes them)
        # Whether this run looked up every data file's entry and every evidence file's digest: a unit recalled by
        # maturity.verdicts may spare either, and entries a run did not look up are not its to forget.
        self._read_all, self._hashed_all = True, True
        self._waiting = 0  # bytes of the new entries not written yet
        self._write_early = True  # False once an early write found the file locked: the rest waits for close()

    @classmethod
    def open(cls, root: Path) -> "CheckedFiles":
        folder = cache_folder(root)
        if folder is None:
            return cls(None)
        forget_other_versions(folder)
        path = folder / f"checked-{tool_fingerprint()}.sqlite"
        db = connect(path, cls.FORMAT, ("checked (key TEXT PRIMARY KEY, data BLOB NOT NULL)",
                                        "hashes (key TEXT PRIMARY KEY, sha256 TEXT NOT NULL)",
                                        "verdicts (key TEXT PRIMARY KEY, data TEXT NOT NULL)"))
        return cls(db, path if db is not None else None)

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get(self, kind: str, digest: str) -> tuple[Any, bytes] | None:
        """The data stored for a file of schema ``kind`` whose text has ``digest``, with its packed form."""
        found = self._entry(kind, digest)
        if found is None:
            return None
        key, packed = found
        try:
            data = decode(zlib.decompress(packed), self._memo)
        except (zlib.error, ValueError, TypeError):
            return None  # an unreadable entry is as good as none: the file is parsed and checked again
        self._used.add(key)
        return data, packed

    def packed(self, kind: str, digest: str, crc: int) -> bytes | None:
        """What :meth:`get` would unpack, still packed: for data read only if asked for. ``crc``: the CRC-32 of the
        packed bytes when they were stored (:mod:`maturity.verdicts` keeps it); bytes without it are as good as none."""
        found = self._entry(kind, digest)
        if found is None or zlib.crc32(found[1]) != crc:
            return None
        key, packed = found
        self._used.add(key)
        return packed

    def _entry(self, kind: str, digest: str) -> tuple[str, bytes] | None:
        if self._db is None:
            return None
        key = f"{kind}:{digest}"
        try:
            row = self._db.execute("SELECT data FROM checked WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return (key, row[0]) if row is not None and type(row[0]) is bytes else None

    def put(self, kind: str, digest: str, data: Any) -> bytes | None:
        """Store the data of a clean file; its packed form (None when it cannot be stored)."""
        if self._db is None:
            return None
        packed = pack(data)
        if packed is not None:
            self.put_packed(kind, digest, packed)
        return packed

    def put_packed(self, kind: str, digest: str, packed: bytes) -> None:
        """Store what :func:`pack` made of a clean file's data (in a worker process: :mod:`maturity.data.parallel`)."""
        if self._db is not None:
            key = f"{kind}:{digest}"
            self._new[key] = packed
            self._wait(len(packed))
            self._used.add(key)

    def size(self) -> int:
        """How many data files the store holds (a rough guide to how warm a run will be)."""
        if self._db is None:
            return 0
        try:
            return self._db.execute("SELECT COUNT(*) FROM checked").fetchone()[0]
        except sqlite3.Error:
            return 0

    def sha256(self, path: Path, compute) -> str:
        """The SHA-256 of the file at ``path``, from the store while the file's stat is unchanged, else ``compute()``."""
        if self._db is None:
            return compute()
        try:
            st = os.stat(path)
        except OSError:
            return compute()
        key = f"{os.path.abspath(path)}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}"
        try:
            row = self._db.execute("SELECT sha256 FROM hashes WHERE key = ?", (key,)).fetchone()
        except (sqlite3.Error, UnicodeEncodeError):  # a path that is not UTF-8 (a name git or a copy left as bytes)
            row = None
        if row is not None and isinstance(row[0], str) and len(row[0]) == 64:
            self._used_hashes.add(key)
            return row[0]
        digest = compute()
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > self.SETTLED_NS:
            self._new_hashes[key] = digest
            self._used_hashes.add(key)
        return digest

    def verdict(self, key: str) -> dict | None:
        """What :mod:`maturity.verdicts` remembered under ``key`` (None: nothing, or nothing readable).

        One query per key: as fast as reading them all at once (0.14 s for 20,000), and no run holds all their text."""
        if self._db is None:
            return None
        if self._used_verdicts is None:
            self._used_verdicts = set()
        try:
            row = self._db.execute("SELECT data FROM verdicts WHERE key = ?", (key,)).fetchone()
        except (sqlite3.Error, UnicodeEncodeError):  # a folder name that is not UTF-8: never stored (_storable)
            return None
        try:
            value = json.loads(row[0]) if row is not None and type(row[0]) is str else None
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        self._used_verdicts.add(key)
        return value

    def keep_verdict(self, key: str, value: dict) -> None:
        """Remember ``value`` (plain data, as :func:`json.dumps` writes it) under ``key``; anything else is not kept."""
        if self._db is None:
            return
        try:
            self._new_verdicts[key] = text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return
        self._wait(len(text))
        if self._used_verdicts is None:
            self._used_verdicts = set()
        self._used_verdicts.add(key)

    def still_used(self, kind: str, digest: str) -> None:
        """The data of a file not read this run is still the file's (:mod:`maturity.verdicts`): its entry is kept."""
        self._used.add(f"{kind}:{digest}")

    def skipped_reading(self) -> None:
        """A unit's data files were not read this run (:mod:`maturity.verdicts`): their entries are kept."""
        self._read_all = False

    def skipped_hashes(self) -> None:
        """A register's evidence files were not hashed this run (:mod:`maturity.verdicts`): their digests are kept."""
        self._hashed_all = False

    def _wait(self, size: int) -> None:
        self._waiting += size
        if self._write_early and self._waiting >= self.WRITE_BYTES:
            try:
                with self._db:
                    self._db.execute("BEGIN")
                    self._write_new(self._db)
            except sqlite3.Error:  # another process holds the file: all wait for the end, as they once did
                self._write_early = False  # not tried again: each try may wait out the lock's timeout
                return
            self._forget_new()

    def _forget_new(self) -> None:
        """The new entries once written (or, when the file could not be written, given up)."""
        self._waiting = 0
        self._new.clear()
        self._new_hashes.clear()
        self._new_verdicts.clear()

    def _write_new(self, db: sqlite3.Connection) -> None:
        db.executemany("INSERT OR REPLACE INTO checked VALUES (?, ?)", _storable(self._new.items()))
        db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?)", _storable(self._new_hashes.items()))
        db.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?)", _storable(self._new_verdicts.items()))

    def close(self, prune: bool = False) -> None:
        """Write the new entries (one transaction); after a whole run, drop the entries nobody used."""
        db, self._db = self._db, None
        if db is None:
            return
        try:
            with db:
                db.execute("BEGIN")
                self._write_new(db)
                if prune:  # after a run over the whole repository: forget what it did not use, of what it looked up
                    tables = [("verdicts", self._used_verdicts)] if self._used_verdicts is not None else []
                    tables += [("checked", self._used)] if self._read_all else []
                    tables += [("hashes", self._used_hashes)] if self._hashed_all else []
                    for table, used in tables:
                        db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                        db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k, _ in _storable((k, "") for k in used)))
                        db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM used)")
                        db.execute("DROP TABLE used")
        except sqlite3.Error:
            pass  # another process holds the file, or the disk is full: the next build tries again
        finally:
            db.close()
        self._forget_new()


def connect(path: Path, version: int, tables: tuple[str, ...]) -> sqlite3.Connection | None:
    """The store at ``path`` (an SQLite file of the given format ``version`` with ``tables``: "name (columns)"),
    made if needed; None when it cannot be used. A corrupt file, or one of another format, is deleted and made
    again, once; a symbolic link or anything but a regular file there is left alone and not used, and so is a file
    another process holds locked (beyond the connection's timeout)."""
    for _ in range(2):
        try:
            if path.is_symlink() or (path.exists() and not stat.S_ISREG(path.lstat().st_mode)):
                return None
            db = sqlite3.connect(path, timeout=5, isolation_level=None)
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            for table in tables:
                db.execute(f"CREATE TABLE IF NOT EXISTS {table}")
            found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if found is None:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (str(version),))
            elif found[0] != str(version):
                db.close()
                raise sqlite3.DatabaseError("another format")
            return db
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return None  # another process is writing it: this run goes without, and leaves the file to it
            _remove(path)
        except OSError:
            return None
    return None


def _storable(rows):
    """The rows SQLite can take: a file name that is not UTF-8 (kept by Python as lone surrogates) makes a key
    or a text that cannot be stored; such an entry is left out (the file is checked again next time)."""
    for key, value in rows:
        try:
            key.encode("utf-8")
            if type(value) is str:
                value.encode("utf-8")
        except UnicodeEncodeError:
            continue
        yield key, value


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal")):
        try:
            p.unlink()
        except OSError:
            pass


# --- the data of a clean file, as bytes and back -------------------------------------------------------------------

def pack(data: Any) -> bytes | None:
    """:func:`encode`, compressed: as the store keeps it."""
    encoded = encode(data)
    return zlib.compress(encoded, 1) if encoded is not None else None


def unpack(packed: bytes) -> Any:
    """The data :func:`pack` made."""
    return decode(zlib.decompress(packed))


def encode(data: Any) -> bytes | None:
    """JSON of ``data`` with plain dates marked; None when it holds anything the parser does not make."""
    from maturity.data.yamlfile import DateText

    def walk(v):
        t = type(v)
        if t is str or t is int or t is float or t is bool or v is None:
            return v
        if t is DateText:
            return {_DATE: str(v)}
        if t is list:
            return [walk(x) for x in v]
        if t is dict:
            if any(type(k) is not str or k == _DATE for k in v):
                raise TypeError(v)
            return {k: walk(x) for k, x in v.items()}
        raise TypeError(t)

    try:
        return json.dumps(walk(data), ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError, RecursionError):
        return None


def decode(raw: bytes, memo: dict | None = None) -> Any:
    """The data :func:`encode` wrote. ``memo`` shares equal keys and short texts between the files of one run
    (requirement ids, evidence ids, field names), as the YAML parser's cache of plain values does."""
    from maturity.data.yamlfile import DateText

    memo = {} if memo is None else memo
    shared = memo.setdefault

    def one(v):
        if type(v) is str and len(v) <= _SHARED_TEXT:
            return shared(v, v)
        if type(v) is list:
            return [shared(x, x) if type(x) is str and len(x) <= _SHARED_TEXT else x for x in v]
        return v

    def pairs(items: list):
        d = {shared(k, k): one(v) for k, v in items}
        if _DATE in d:
            if len(d) != 1 or type(d[_DATE]) is not str:
                raise ValueError("not a date marker")
            return DateText(d[_DATE])
        return d

    return json.loads(raw.decode("utf-8", "surrogatepass"), object_pairs_hook=pairs)


_SHARED_TEXT = 64  # characters: ids, labels and short notes repeat across files; narrative text rarely does
