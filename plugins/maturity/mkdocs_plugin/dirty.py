"""Generated pages and files that a ``--dirty`` build of MkDocs can skip when they have not changed.

In a ``--dirty`` build (``mkdocs build --dirty``, ``mkdocs serve --dirty``) MkDocs reads and renders a page, or
copies a file, only when its source is newer than its output (``File.is_modified``). A file made from content
(``File.generated(content=…)``) has no source and always counts as modified, so every generated page went
through the theme again after any edit. In such a build the plugin gives MkDocs each generated page and file
as a real source under ``.cache/maturity/dirty/``, rewritten only when it changes (:class:`Sources`):

* a page's source is its front matter and a digest of everything MkDocs makes of it — title, table of
  contents, HTML, search version, what the theme hides — so it is newer than its output exactly when one of
  them changed (the HTML itself still comes from the site, as in any build);
* a generated file's source is its content.

A source rewritten by this build is dated after its output (:meth:`Sources.newer_than`): on a file system with
coarse times, or after the clock was set back, it could otherwise look no newer than the stale page.

MkDocs' own limits of ``--dirty`` stay: an unchanged page keeps what it showed of the rest of the site (the
navigation, the home page's overview of counts), and the output of a page that is no longer made (an
assessment removed) stays in the site folder until a clean build. A ``--dirty`` build is for previews; the
published site is built clean, as MkDocs advises.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Callable

from maturity.publish.site import Asset, Page, packed

FOLDER = "dirty"  # under the build cache (maturity.cache.cache_folder)
_FILES = "files"
_MANIFEST = "manifest.json"
_STEP_NS = 2_000_000_000  # how far past its output a source is dated: FAT's 2 s, the coarsest time kept


def page_digest(page: Page, stub: str) -> str:
    """A digest of all that MkDocs makes of ``page`` (``stub``: its front matter, which holds its title, what the
    theme hides and whether the theme's search leaves it out)."""
    h = hashlib.sha256()
    for part in (stub, repr(page.toc), repr(page.wasm)):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for data in packed(page):
        h.update(data + b"\0")
    return h.hexdigest()


def asset_digest(asset: Asset) -> str:
    return hashlib.sha256(b"".join(packed(asset))).hexdigest()


class Sources:
    """The sources of one dirty build's generated pages and files, under ``folder``.

    Each is written only when its digest differs from the one the previous build recorded (or its file is
    gone); :meth:`close` records the digests and removes the sources of what this build no longer made.
    Nothing is written or read through a symbolic link: a link planted in the folder could otherwise make the
    build write over, or publish, any file on the machine."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = folder / _FILES
        self._old = self._recorded()
        self._new: dict[str, str] = {}
        self._real: dict[Path, bool] = {}  # folder -> it is a real folder inside root
        self._fresh: set[str] = set()  # the sources written by this build
        self.written = 0

    def _recorded(self) -> dict[str, str]:
        try:
            data = json.loads((self.folder / _MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            return {}
        return data

    def put(self, rel: str, digest: str, content: Callable[[], bytes]) -> str | None:
        """The source of ``rel`` (a path in the site) as it should be now; None when it cannot be kept safely."""
        if rel.startswith("/") or ".." in rel.split("/") or not rel:
            return None
        path = self.root / rel
        if not self._inside(path.parent):
            return None
        try:
            st = os.lstat(path)
        except OSError:
            st = None
        if st is not None and not stat.S_ISREG(st.st_mode):
            return None  # a link, a folder: never followed, never replaced
        if st is None or self._old.get(rel) != digest:
            try:
                _replace(path, content())
            except OSError:
                return None
            self.written += 1
            self._fresh.add(str(path))
        self._new[rel] = digest
        return str(path)

    def newer_than(self, source: str, output: str) -> None:
        """Make a source this build wrote newer than its ``output``, which MkDocs compares it with.

        A file system with coarse times (1 or 2 s) can give a source rewritten now the same time as the output the
        last build wrote from its old content, and a clock set back can give it an earlier one: MkDocs would then
        keep the stale page. Only sources written by this build are touched, and never through a link."""
        if source not in self._fresh:
            return
        try:
            made = os.stat(output).st_mtime_ns
            st = os.lstat(source)
            if st.st_mtime_ns <= made:
                os.utime(source, ns=(st.st_atime_ns, made + _STEP_NS), follow_symlinks=False)
        except (OSError, NotImplementedError):  # no output yet, or a system that cannot set a link's time
            pass

    def _inside(self, folder: Path) -> bool:
        """Whether ``folder`` is (made, if needed) a real folder under the root: no part of it a link."""
        known = self._real.get(folder)
        if known is not None:
            return known
        if folder == self.root:
            ok = not self.folder.is_symlink() and self._make(folder)
        else:
            ok = self._inside(folder.parent) and self._make(folder)
        self._real[folder] = ok
        return ok

    @staticmethod
    def _make(folder: Path) -> bool:
        try:
            folder.mkdir(exist_ok=True)
            return stat.S_ISDIR(os.lstat(folder).st_mode)
        except OSError:
            return False

    def close(self) -> None:
        """Record this build's digests; remove the sources of pages and files it no longer made."""
        root = os.path.realpath(self.root) + os.sep
        for rel in set(self._old) - set(self._new):
            path = self.root / rel
            try:  # only a file itself, in a folder really under the root: never through a link
                if (os.path.realpath(path.parent) + os.sep).startswith(root) and stat.S_ISREG(os.lstat(path).st_mode):
                    path.unlink()
            except OSError:
                pass
        try:
            _replace(self.folder / _MANIFEST, json.dumps(self._new, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass
        self._old, self._new = self._new, {}


def forget(folder: Path) -> None:
    """After a build that is not ``--dirty``: its pages were written from the data, not from these sources, so the
    next ``--dirty`` build must write every source again (newer than every output) rather than trust the record."""
    try:
        (folder / _MANIFEST).unlink()
    except OSError:
        pass


def _replace(path: Path, data: bytes) -> None:
    """Write ``path`` whole, never through a link: a new file (``x`` mode: no link is followed), then renamed over."""
    temp = path.with_name(path.name + ".tmp")
    temp.unlink(missing_ok=True)
    with open(temp, "xb") as f:
        f.write(data)
    os.replace(temp, path)
