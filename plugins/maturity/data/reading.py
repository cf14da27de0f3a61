"""How the core reads a repository's files: size limit, displayed paths, and two optional caches.

A :class:`FileCache` keeps what depends only on a file's bytes (its parsed YAML, its sha256)
while the file's size and modification time stay the same. ``mkdocs serve`` keeps one across
rebuilds, so changing one score re-reads one file, not thousands. A :class:`maturity.cache.CheckedFiles`
keeps, on disk between runs, the data of every file that passed its own checks, by the hash of its text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from maturity.cache import CheckedFiles, text_digest
from maturity.data import schema
from maturity.diagnostics import Collector, Diagnostic
from maturity.data.evidence_hash import sha256_of
from maturity.data.yamlfile import DEFAULT_MAX_BYTES, Document, load_yaml, parse_yaml, read_text


class FileCache:
    def __init__(self) -> None:
        self._entries: dict[tuple, object] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, kind: str, path: Path, compute: Callable[[], object]):
        try:
            st = path.stat()
        except OSError:
            return compute()
        key = (kind, str(path), st.st_mtime_ns, st.st_size, st.st_ino)
        if key not in self._entries:
            self._entries[key] = compute()
        return self._entries[key]


class FileReader:
    def __init__(self, display: Callable[[Path], str], max_bytes: int = DEFAULT_MAX_BYTES, cache: FileCache | None = None,
                 checked: CheckedFiles | None = None) -> None:
        self.display = display
        self.max_bytes = max_bytes
        self.cache = cache
        self.store = checked
        self.prefetched = None  # a maturity.data.parallel.Prefetch while worker processes read ahead

    def checked(self, path: Path, kind: str, out: Collector, digest: str | None = None) -> tuple[Document | None, bool]:
        """A data file read and checked against the schema ``kind``: (document, whether it passed).

        Every problem goes to ``out``. A file whose text was seen clean before (the on-disk store) is not
        parsed or checked again: its data comes from the store; its text is read again only to locate a later finding.
        ``digest``: the SHA-256 of the file's text, known to be its text now (:mod:`maturity.verdicts`: it passed
        before and is unchanged) — its data is taken from the store without reading the file, while the store has it.
        """
        if digest is not None and self.store is not None and self.store.enabled:
            stored = self.store.get(kind, digest)
            if stored is not None:
                data, packed = stored
                return Document(self.display(path), data, None, packed, source=path, digest=digest), True
        ahead = self.prefetched.take(path, kind, self.store) if self.prefetched is not None else None
        shown = ahead[0].path if ahead is not None else self.display(path)
        compute = (lambda: ahead) if ahead is not None else (lambda: self._checked(path, shown, kind))
        if self.cache is None or path.is_symlink():
            doc, items, ok = compute()
        else:  # what a worker read is kept too: the next `mkdocs serve` rebuild reads neither it nor the pool
            doc, items, ok = self.cache.get(f"checked:{kind}:{shown}:{self.max_bytes}", path, compute)
        out.extend(items)
        return doc, ok

    def _checked(self, path: Path, shown: str, kind: str) -> tuple[Document | None, list[Diagnostic], bool]:
        found = Collector()
        text, diags = read_text(path, shown, self.max_bytes)
        found.extend(diags)
        if text is None:
            return None, found.items, False
        store = self.store if self.store is not None and self.store.enabled and not diags else None
        digest = text_digest(text) if store is not None else ""
        if store is not None and (stored := store.get(kind, digest)) is not None:
            data, packed = stored
            # Its text is not kept: read again (and checked against the digest) only if a finding points into it.
            return Document(shown, data, None, packed, source=path, digest=digest), [], True
        doc, diags = parse_yaml(text, shown)
        found.extend(diags)
        if doc is None:
            return None, found.items, False
        ok = schema.check(doc, kind, found)
        if store is not None and ok and not found.items:
            doc.packed_as(store.put(kind, digest, doc.data))
        return doc, found.items, ok

    def yaml(self, path: Path) -> tuple[Document | None, list[Diagnostic]]:
        shown = self.display(path)
        if self.cache is None or path.is_symlink():
            return load_yaml(path, shown, self.max_bytes)
        return self.cache.get(f"yaml:{shown}:{self.max_bytes}", path, lambda: load_yaml(path, shown, self.max_bytes))

    def sha256(self, path: Path) -> str:
        def hashed() -> str:  # by a worker process that read the file's register, while the file is unchanged
            known = self.prefetched.hashed(path) if self.prefetched is not None else None
            return known if known is not None else sha256_of(path)

        if self.store is not None:
            compute = lambda: self.store.sha256(path, hashed)  # noqa: E731
        else:
            compute = hashed
        if self.cache is None:
            return compute()
        return self.cache.get("sha256", path, compute)
