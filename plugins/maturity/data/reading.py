"""How the core reads a repository's files: size limit, displayed paths, and an optional cache.

A :class:`FileCache` keeps what depends only on a file's bytes (its parsed YAML, its sha256)
while the file's size and modification time stay the same. ``mkdocs serve`` keeps one across
rebuilds, so changing one score re-reads one file, not thousands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from maturity.diagnostics import Diagnostic
from maturity.data.evidence_hash import sha256_of
from maturity.data.yamlfile import DEFAULT_MAX_BYTES, Document, load_yaml


class FileCache:
    def __init__(self) -> None:
        self._entries: dict[tuple, object] = {}

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
    def __init__(self, display: Callable[[Path], str], max_bytes: int = DEFAULT_MAX_BYTES, cache: FileCache | None = None) -> None:
        self.display = display
        self.max_bytes = max_bytes
        self.cache = cache

    def yaml(self, path: Path) -> tuple[Document | None, list[Diagnostic]]:
        shown = self.display(path)
        if self.cache is None or path.is_symlink():
            return load_yaml(path, shown, self.max_bytes)
        return self.cache.get(f"yaml:{shown}:{self.max_bytes}", path, lambda: load_yaml(path, shown, self.max_bytes))

    def sha256(self, path: Path) -> str:
        if self.cache is None:
            return sha256_of(path)
        return self.cache.get("sha256", path, lambda: sha256_of(path))
