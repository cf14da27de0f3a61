"""The sets of names a check has already made without fault: the same names are not made again.

``maturity check`` makes every file of the site by its name, empty, in a scratch folder (:func:`maturity.publish.writer.
write_skeleton`), to see that the build can write them. Whether it can depends on the names alone — one too long, one
the file system refuses, a file where a folder must go — and on the file system they are made on (the scratch
folder's). So once a set of names has been made without an error in a fresh folder of one file system, it will be
again: the check remembers the digest of the names (in their order) with the folder, its file system's longest name
and the platform, and the next check with the same digest skips making them and deleting them (some 90,000 files at
N = 10,000, about 1.3 s; docs/performance.md#made-names). The evidence files to copy are still opened every time:
whether they can be read is not a matter of names.

The digests are kept in ``.cache/maturity/names-<fingerprint>.txt``, the most recent last, a few at a time (a branch
that adds an assessment and one that does not, checked in turn, keep both). A file that cannot be read, or holds
anything but digests, is ignored: the names are made again.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

from maturity.cache import cache_folder, tool_fingerprint
from maturity.data.files import write_atomic
from maturity.publish.site import Site
from maturity.settings import Settings

FORMAT = 1
KEEP = 16  # digests kept: one per set of names in use, the branches a machine checks in turn
_MAX_BYTES = 4096  # more than KEEP lines can hold: a file larger than this is not one this module wrote
_LINE = re.compile(r"[0-9a-f]{64}")


def digest(site: Site, folder: str) -> str:
    """The digest of the names ``site`` makes (pages, files, copies, in the order they are made) in a scratch folder
    made inside ``folder``, on ``folder``'s file system."""
    try:
        longest = os.statvfs(folder).f_namemax
    except (OSError, AttributeError):  # no statvfs: not POSIX
        longest = 0
    h = hashlib.sha256(f"{FORMAT}\0{sys.platform}\0{os.path.abspath(folder)}\0{longest}\0".encode("utf-8", "surrogatepass"))
    for names in ((p.src_uri for p in site.pages), (a.path for a in site.assets), (c.path for c in site.copies)):
        h.update("\0".join(names).encode("utf-8", "surrogatepass"))
        h.update(b"\1")  # where one kind ends: the same names as pages or as files are not the same set
    return h.hexdigest()


class MadeNames:
    """The digests (:func:`digest`) of the sets of names made without fault, in ``path`` (None: none kept)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._known = _read(path) if path is not None else []

    @classmethod
    def open(cls, settings: Settings) -> "MadeNames":
        """The digests kept in ``settings.root``'s build cache; none, and none kept, when the cache is off or unusable."""
        folder = cache_folder(settings.root) if settings.cache else None
        return cls(folder / f"names-{tool_fingerprint()}.txt" if folder is not None else None)

    @property
    def enabled(self) -> bool:
        """Whether digests are kept (else a check makes every name, and need not work out their digest)."""
        return self._path is not None

    def __contains__(self, found: str) -> bool:
        return found in self._known

    def keep(self, made: str) -> None:
        """Remember that the names of digest ``made`` were made without fault (a store that cannot be written keeps
        nothing: the next check makes them again)."""
        if self._path is None:
            return
        known = [d for d in self._known if d != made][-(KEEP - 1):] + [made]
        try:
            write_atomic(self._path, "".join(f"{d}\n" for d in known))
        except OSError:
            return
        self._known = known


def _read(path: Path) -> list[str]:
    """The digests in ``path``: none when it is missing, a link, too large, not text or holds anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return []
    try:
        with os.fdopen(fd, "rb") as f:
            raw = f.read(_MAX_BYTES + 1)
    except OSError:
        return []
    try:
        lines = raw.decode("ascii").splitlines()
    except UnicodeDecodeError:
        return []
    if len(raw) > _MAX_BYTES or not all(_LINE.fullmatch(line) for line in lines):
        return []
    return lines
