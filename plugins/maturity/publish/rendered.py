"""Rendered pages remembered between builds: a page of one assessment is rendered again only when what it shows changed.

A report, a progress page or a certificate page shows one assessment and nothing else: its templates see that
assessment's files, its result, its public record, the evidence it cites and its own history
(``maturity.publish.build``: the site-wide lists are not in their context, and the commit the site was built from
is the page's tail, added after); an organisation page shows its assessments and nothing else. Such a page is kept
in ``.cache/maturity/rendered-<fingerprint>.sqlite`` under a digest of all of that:

- the build's context (:meth:`RenderedPages.open`): this tool (the cache's fingerprint: code, templates, words,
  models), the libraries that turn data into HTML, every file of the site's ``templates_dir``, the settings and the
  date the site describes;
- the page: its edition, template and address;
- its assessment: the text of its three files, its model, its team as resolved from the register of assessors;
- the evidence it cites (each item as registered and as found), its public record's standing, its history.

The viewers of public text evidence are kept there too (:meth:`RenderedPages.file_key`: by the file's SHA-256 when
it was checked, its register entry and the organisation's name). So is which generated feeds, badges and JSON files
were found well-formed (:mod:`maturity.publish.outputs`), by the SHA-256 of their bytes: the same bytes are not
parsed again.

The pages of the assessments list (``index.html``) are kept the same way, by the assessments of their rows, each row's
standing, the page's place in the list (its pager, heading and counts) and the models the site uses: the package's
template is given only those (its rows' results and records, not the whole site's), so a score changed on one row
renders one page again, not the whole list. A site that overrides any template (an ``.html`` file in ``templates_dir``)
keeps its list pages unremembered, with the whole site's data as before (docs/guide/authority.md#templates).

Anything else the page shows is worked out from those by this tool's code, which the fingerprint covers. A stored
page is used only if its lengths and its CRC-32 agree with what the entry holds; anything else is rendered again.
A ``templates_dir`` holding anything but folders and regular files turns the store off (what a link points to may
change unseen; a pipe would block the build).
A build that rendered every page forgets the pages it did not use.

``maturity check`` opens the store without reading (:meth:`RenderedPages.open` with ``read=False``): it writes no
page, only every file's name, so a stored page is taken as it is, unread — the page rendered without a fault from
exactly what it shows now, and would again. Its contents are :data:`maturity.publish.site.UNREAD`, which no writer
can write.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import struct
import sys
import zlib
from importlib import metadata
from pathlib import Path

from maturity.cache import cache_folder, connect, encode, tool_fingerprint
from maturity.publish.site import UNREAD, Asset, Packed, Page
from maturity.settings import Settings

FORMAT = 2  # 2: a CRC-32 of the packed contents in each entry
# The libraries whose versions change the HTML made from the same data (templates, Markdown, sanitising, QR, calendar).
LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "nh3", "segno", "chinesecalendar")
# The page's size, each part's packed length (0 for a part it has not), the CRC-32 of the parts as stored.
_HEADER = struct.Struct("<QQQQI")


class RenderedPages:
    """The store of one build (``db`` None: nothing is kept or found). ``context``: the digest of the build's context."""

    def __init__(self, db: sqlite3.Connection | None, context: str = "", read: bool = True, lists: bool = False) -> None:
        self._db = db
        self.context = context
        self.read = read  # False: a stored page is taken without reading it (``maturity check``)
        # The pages of the assessments list are kept too, rendered from their rows only: not when the site overrides a
        # template, which may use the data of the whole site there (docs/guide/authority.md#templates).
        self.lists = db is not None and lists
        self._used: set[str] = set()
        self._taken: set[str] = set()  # keys whose page this build took from the store
        self._models: dict[int, str] = {}
        self._assessments: dict[int, str | None] = {}
        self._well_formed: set[str] = set()  # keys of the generated files this build found well-formed, or made again
        self._present: set[str] = set()  # keys :meth:`present` found: taken unread without asking again

    @classmethod
    def open(cls, settings: Settings, read: bool = True) -> "RenderedPages":
        """The store of ``settings.root``'s build cache; a store that keeps nothing when the cache is off or unusable.

        ``read``: False for a build that writes no page (``maturity check``): :meth:`get` then gives a stored page's
        contents as :data:`~maturity.publish.site.UNREAD`, without reading them."""
        if not settings.cache:
            return cls(None)
        templates = templates_digest(settings.templates_path)
        folder = cache_folder(settings.root) if templates is not None else None
        if folder is None:
            return cls(None)
        db = connect(folder / f"rendered-{tool_fingerprint()}.sqlite", FORMAT,
                     ("pages (key TEXT PRIMARY KEY, data BLOB NOT NULL)", "well_formed (key TEXT PRIMARY KEY)"))
        if db is None:
            return cls(None)
        versions = [(name, _version(name)) for name in LIBRARIES]
        context = _digest(FORMAT, tool_fingerprint(), sys.version, versions, templates, settings.cache_key(),
                          settings.today().isoformat())
        return cls(db, context, read, lists=not overrides(settings.templates_path))

    @property
    def taken(self) -> int:
        """How many pages and files this build took from the store."""
        return len(self._taken)

    # --- keys ----------------------------------------------------------------------------------------------------

    def key(self, edition: str, template: str, src_uri: str, assessments: list, *shown) -> str | None:
        """The key of the page ``src_uri`` of ``edition`` made with ``template`` for ``assessments`` (one, or an
        organisation's); ``shown``: what else the page shows (objects whose ``repr`` says all they hold: the evidence,
        the standings, the history). None when the page cannot be kept."""
        if self._db is None:
            return None
        digests = []
        for a in assessments:
            own = self._assessments.get(id(a), False)
            if own is False:  # once per assessment, whatever the number of its pages and editions
                own = self._assessments[id(a)] = assessment_digest(a, self._model_digest(a.model))
            if own is None:
                return None
            digests.append(own)
        return _digest(self.context, edition, template, src_uri, *digests, *(repr(x) for x in shown))

    def file_key(self, kind: str, path: str, *shown) -> str | None:
        """The key of a generated file other than a page (``kind``: what makes it) at ``path``; ``shown``: what it
        shows (objects whose ``repr`` says all they hold). None when nothing is kept."""
        if self._db is None:
            return None
        return _digest(self.context, kind, path, *(repr(x) for x in shown))

    @staticmethod
    def shown(*shown) -> str:
        """One digest of what a page shows (objects whose ``repr`` says all they hold), to pass to :meth:`key` in
        their place: worked out once for the pages of both editions that show the same."""
        return _digest(*(repr(x) for x in shown))

    def _model_digest(self, model) -> str:
        found = self._models.get(id(model))
        if found is None:
            found = self._models[id(model)] = _digest(model.cache_text())
        return found

    # --- pages ---------------------------------------------------------------------------------------------------

    def present(self, keys) -> set[str]:
        """The keys among ``keys`` the store holds a page for (read with :meth:`get` when the page is made)."""
        keys = list(keys)
        found: set[str] = set()
        if self._db is None:
            return found
        try:
            for start in range(0, len(keys), 500):  # SQLite's limit on parameters
                chunk = keys[start:start + 500]
                found.update(k for (k,) in self._db.execute(f"SELECT key FROM pages WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        except sqlite3.Error:
            return set()
        if not self.read:
            self._present |= found
        return found

    def get(self, key: str) -> Packed | None:
        """The page stored under ``key`` if the entry is whole (its lengths and CRC-32); None otherwise (it is rendered
        again and replaced). Opened without reading: :data:`~maturity.publish.site.UNREAD` when an entry is there."""
        if self._db is None:
            return None
        if not self.read and key in self._present:  # found already: asking again, row by row, was 0.6 s at N = 10,000
            self._used.add(key)
            self._taken.add(key)
            return UNREAD
        try:
            # Not reading is not reading the data at all: the row is found by its key alone.
            query = "SELECT data FROM pages WHERE key = ?" if self.read else "SELECT 1 FROM pages WHERE key = ?"
            row = self._db.execute(query, (key,)).fetchone()
        except sqlite3.Error:
            return None
        contents = (_unpacked(row[0]) if self.read else UNREAD) if row is not None else None
        if contents is not None:
            self._used.add(key)
            self._taken.add(key)
        return contents

    # --- generated files found well-formed (maturity.publish.outputs) ----------------------------------------------

    def well_formed(self, digests: dict[str, str]) -> set[str]:
        """Of ``digests`` (a file's path -> the SHA-256 of its bytes), the paths whose bytes an earlier build found
        well-formed (:meth:`keep_well_formed`): the same bytes parse the same way with the same libraries."""
        if self._db is None:
            return set()
        keys = {path: _digest(self.context, digest) for path, digest in digests.items()}
        wanted = list(keys.values())
        found: set[str] = set()
        try:
            for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
                chunk = wanted[start:start + 500]
                found.update(k for (k,) in self._db.execute(
                    f"SELECT key FROM well_formed WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        except sqlite3.Error:
            return set()
        self._well_formed.update(found)
        return {path for path, key in keys.items() if key in found}

    def keep_well_formed(self, digests: list[str]) -> None:
        """Remember that files with these SHA-256s of their bytes were found well-formed."""
        if self._db is None:
            return
        keys = [_digest(self.context, digest) for digest in digests]
        try:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            self._db.executemany("INSERT OR IGNORE INTO well_formed VALUES (?)", ((key,) for key in keys))
        except sqlite3.Error:
            self._abandon()
            return
        self._well_formed.update(keys)

    def keep(self, key: str, page: Page | Asset) -> None:
        """Remember a page (or file) just made under ``key`` (nothing to do for one taken from the store).

        Written at once, in the build's one transaction: the pages do not wait in memory for the end of the build."""
        if self._db is None or key in self._taken:
            return
        c = page.contents()
        parts = (c.html, c.search or b"", c.find or b"")
        flags = bytes([c.search is not None, c.find is not None])
        payload = b"".join(parts)
        try:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            self._db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?)",
                             (key, _HEADER.pack(c.size, *(len(p) for p in parts), zlib.crc32(payload)) + flags + payload))
        except sqlite3.Error:  # another build holds the file, or the disk is full: this build keeps nothing more
            self._abandon()
            return
        self._used.add(key)

    def close(self, prune: bool) -> None:
        """Commit the pages this build rendered; after a build that made every page (``prune``), forget the rest."""
        db = self._db
        if db is None:
            return
        try:
            if not db.in_transaction:
                db.execute("BEGIN")
            if prune:
                db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used))
                db.execute("DELETE FROM pages WHERE key NOT IN (SELECT key FROM used)")
                db.execute("DELETE FROM used")
                db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._well_formed))
                db.execute("DELETE FROM well_formed WHERE key NOT IN (SELECT key FROM used)")
                db.execute("DROP TABLE used")
            db.execute("COMMIT")
        except sqlite3.Error:
            self._abandon()
        finally:
            self._db = None
            db.close()

    def _abandon(self) -> None:
        db, self._db = self._db, None
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        db.close()


def assessment_digest(a, model: str) -> str | None:
    """A digest of what an assessment's pages are made from: its files' texts, its model and its team."""
    parts = []
    for doc in (a.record_doc, a.scores_doc, a.publication_doc):
        if doc is None:
            parts.append("-")
        elif (digest := doc.digest) is not None:  # the text's SHA-256: known without reading a recalled scores file
            parts.append(digest)
        else:  # data recalled without its text: its exact encoding stands for it
            encoded = encode(doc.data)
            if encoded is None:
                return None
            parts.append(encoded.decode("utf-8", "surrogatepass"))
    return _digest(model, *parts, repr(a.team))


def templates_digest(folder: Path) -> str | None:
    """A digest of every file under the site's templates folder ("" when there is none); None when it holds anything
    but folders and regular files (a symbolic link may point at what changes unseen; a pipe would block the build)
    or cannot be read."""
    if folder.is_symlink():
        return None
    if not folder.is_dir():
        return ""
    h = hashlib.sha256()
    try:
        for root, dirs, files in os.walk(folder, onerror=_raise):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    return None
                with open(path, "rb") as f:  # name and content, each of a fixed length in the digest
                    h.update(_sized(os.path.relpath(path, folder).encode("utf-8", "surrogateescape")))
                    h.update(hashlib.file_digest(f, "sha256").digest())
            if any(os.path.islink(os.path.join(root, d)) for d in dirs):
                return None
    except OSError:
        return None
    return h.hexdigest()


def overrides(folder: Path) -> bool:
    """Whether the site's templates folder holds a template (a ``.html`` file, at any depth), which then replaces the
    package's template of its name."""
    if not folder.is_dir():
        return False
    return any(name.endswith(".html") for _, _, files in os.walk(folder) for name in files)


def _raise(exc: OSError) -> None:
    raise exc


def _unpacked(data) -> Packed | None:
    """The contents of a stored entry, or None when it is not whole: its lengths or its CRC-32 disagree with what it
    holds (a damaged entry is rendered again, never published). A CRC, not unpacking every part: the parts are
    unpacked only when written, and checking tens of thousands of pages by unpacking them took seconds."""
    if type(data) is not bytes or len(data) < _HEADER.size + 2:
        return None
    size, *lengths, crc = _HEADER.unpack_from(data)
    flags = data[_HEADER.size:_HEADER.size + 2]
    start = _HEADER.size + 2
    if start + sum(lengths) != len(data) or any(f > 1 for f in flags) or zlib.crc32(data[start:]) != crc:
        return None
    parts = []
    for length in lengths:
        parts.append(data[start:start + length])
        start += length
    return Packed(parts[0], parts[1] if flags[0] else None, parts[2] if flags[1] else None, size)


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:  # each with its kind and length first: no two lists of parts read the same
        raw = part if type(part) is bytes else str(part).encode("utf-8", "surrogatepass")
        h.update(b"b" if type(part) is bytes else b"s")
        h.update(_sized(raw))
    return h.hexdigest()


def _sized(raw: bytes) -> bytes:
    return len(raw).to_bytes(8, "little") + raw


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"
