"""A complete site, as data: every page, generated file and copied file the build publishes.

:func:`maturity.publish.build.build_site` makes one; a writer puts it somewhere — the MkDocs
plugin hands it to MkDocs (``File.generated``), :func:`maturity.publish.writer.write_site`
writes it to a folder (for ``maturity render`` and ``maturity check``).
"""

from __future__ import annotations

import os
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


class Page:
    """A generated page: where it goes, its title, its HTML and what the theme and the search index need.

    The HTML is kept compressed (``zlib``) from the moment the page is made until a writer asks for it: a
    report is some 60 KB of HTML and compresses about tenfold, and a national site holds tens of thousands
    of pages at once between making them and writing them (docs/performance.md).
    """

    __slots__ = ("src_uri", "title", "toc", "hide", "search_exclude", "wasm", "size", "tail", "_html", "_search",
                 "_find")

    def __init__(self, src_uri: str, title: str, html: str, toc: tuple[tuple[int, str, str], ...] = (),
                 search_html: str | None = None, hide: tuple[str, ...] = (), search_exclude: bool = False,
                 wasm: bool = False, find_html: str | None = None, tail: str = "") -> None:
        self.src_uri = src_uri  # e.g. "assessments/2026-x/index.md"
        self.title = title
        self.toc = tuple(toc)  # (level, anchor, title)
        # What the theme should leave out around this page (Material's front matter ``hide``): the list pages
        # hide the table of contents, whose empty column would squeeze their tables.
        self.hide = tuple(hide)
        # Left out of the site generator's own search (front matter ``search: exclude``): with ``search: pagefind``
        # Pagefind indexes the generated pages, so the theme's index stays the size of the hand-written pages.
        self.search_exclude = search_exclude
        # Runs WebAssembly (Pagefind's search page): its Content-Security-Policy allows 'wasm-unsafe-eval'.
        self.wasm = wasm
        self._html, size = _pack_sized(html)
        # What the site's search index should see, when not the whole page: a report's requirement
        # tables would make the index huge and slow to build, while names and conclusions suffice.
        self._search, search_size = _pack_sized(search_html) if search_html is not None else (None, 0)
        # Bytes of HTML, the page's and its short version's: what writing it takes (maturity.publish.writer.footprint).
        self.size = size + search_size
        # What Pagefind indexes for this page (``search: pagefind``), None when it is not indexed: its short
        # version, given to Pagefind as a document of its own (maturity.publish.pagefind), never put in the page.
        self._find = _pack(find_html) if find_html is not None else None
        # What follows the HTML and changes more often than it (the commit the site was built from): kept apart so
        # the HTML above can be remembered between builds (maturity.publish.rendered).
        self.tail = tail
        self.size += _utf8_size(tail)

    @classmethod
    def restored(cls, src_uri: str, title: str, contents: "Packed", toc: tuple[tuple[int, str, str], ...] = (),
                 hide: tuple[str, ...] = (), search_exclude: bool = False, wasm: bool = False,
                 tail: str = "") -> "Page":
        """A page whose contents were packed before (:meth:`contents`, kept by :mod:`maturity.publish.rendered`)."""
        page = cls.__new__(cls)
        page.src_uri, page.title, page.toc, page.hide = src_uri, title, tuple(toc), tuple(hide)
        page.search_exclude, page.wasm, page.tail = search_exclude, wasm, tail
        page._html, page._search, page._find = contents.html, contents.search, contents.find
        page.size = contents.size + _utf8_size(tail)
        return page

    def contents(self) -> "Packed":
        """The page's HTML, short version and Pagefind document, packed as kept, without the tail."""
        return Packed(_bytes(self._html), _bytes(self._search) if self._search is not None else None,
                      _bytes(self._find) if self._find is not None else None, self.size - _utf8_size(self.tail))

    @property
    def html(self) -> str:
        return _unpack(self._html) + self.tail

    @property
    def search_html(self) -> str | None:
        return _unpack(self._search) if self._search is not None else None

    @property
    def find_html(self) -> str | None:
        return _unpack(self._find) if self._find is not None else None

    def spill(self, spool: "Spool") -> None:
        """Keep the packed HTML in ``spool`` (on disk) instead of in memory."""
        self._html = spool.put(self._html)
        if self._search is not None:
            self._search = spool.put(self._search)
        if self._find is not None:
            self._find = spool.put(self._find)

    def __repr__(self) -> str:
        return f"Page({self.src_uri!r}, {self.title!r})"


@dataclass(frozen=True)
class Packed:
    """A page's contents as kept: HTML, short version (or None) and Pagefind document (or None), each packed
    (zlib of UTF-8), and ``size``: the bytes of HTML and short version unpacked."""

    html: bytes
    search: bytes | None
    find: bytes | None
    size: int


class _Unread(bytes):
    """The contents of a stored page or file that a build which writes none (``maturity check``) did not read."""


# Packed contents not read (:mod:`maturity.publish.rendered`): asking a page or file made from them for its HTML or
# bytes raises, so they can never be written as an empty page.
UNREAD = Packed(_Unread(), None, None, 0)


class NotRead(RuntimeError):
    """The contents of a page or file were not read (``maturity check``): there is nothing to write."""


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def _pack_sized(text: str) -> tuple[bytes, int]:
    """``text`` packed, and its length in UTF-8 bytes."""
    raw = text.encode("utf-8", "surrogatepass")
    return zlib.compress(raw, 1), len(raw)


def _unpack(data: "bytes | Spooled") -> str:
    return zlib.decompress(_bytes(data)).decode("utf-8", "surrogatepass")


def _bytes(data: "bytes | Spooled") -> bytes:
    if type(data) is _Unread:
        raise NotRead("the contents of this page or file were not read (maturity check writes none)")
    return data.read() if isinstance(data, Spooled) else data


def packed(item: "Page | Asset") -> list[bytes]:
    """The contents of a page (HTML, search and Pagefind versions) or file as kept, compressed: equal exactly when
    the contents are equal (the same compression of the same text), and far shorter to compare or hash."""
    if isinstance(item, Page):
        return [_bytes(x) if x is not None else b"" for x in (item._html, item._search, item._find)] + [
            item.tail.encode("utf-8", "surrogatepass")]
    return [_bytes(item._packed)]


class Spooled:
    """Where a packed content stands in a :class:`Spool`."""

    __slots__ = ("spool", "offset", "length")

    def __init__(self, spool: "Spool", offset: int, length: int) -> None:
        self.spool, self.offset, self.length = spool, offset, length

    def read(self) -> bytes:
        return self.spool.get(self.offset, self.length)


class Spool:
    """The packed pages and files of one site, in an unnamed temporary file rather than in memory.

    A national site makes some 200 MB of packed HTML (N = 10,000) before the first page is written; kept in
    memory, that was a fifth of the build's peak (docs/performance.md#spool). The file has no name (it is
    removed as it is made) and goes with the :class:`Site`. Where no temporary file can be made or written
    (or the system has no ``pread``), the contents simply stay in memory.
    """

    def __init__(self) -> None:
        self._file = None
        if hasattr(os, "pwrite") and hasattr(os, "pread"):  # not on Windows: there the contents stay in memory
            try:
                self._file = tempfile.TemporaryFile(prefix="maturity-site-")
            except OSError:
                pass
        self._writable = self._file is not None
        self._end = 0

    def put(self, data: bytes) -> "bytes | Spooled":
        """``data`` kept on disk (a :class:`Spooled` to read it back), or ``data`` itself if it cannot be (or is
        there already)."""
        if not self._writable or isinstance(data, Spooled) or type(data) is _Unread:
            return data
        try:
            if os.pwrite(self._file.fileno(), data, self._end) != len(data):
                raise OSError("short write")
        except OSError:  # e.g. a full disk: what is spooled already stays readable, the rest stays in memory
            self._writable = False
            return data
        spooled = Spooled(self, self._end, len(data))
        self._end += len(data)
        return spooled

    def get(self, offset: int, length: int) -> bytes:
        # pread: no shared file position, so pages read in any order (or from another thread) never mix.
        return os.pread(self._file.fileno(), length, offset)

    def state(self) -> tuple[int, bool]:
        """Where the next content goes, and whether the file takes more: what a forked copy of the process that
        wrote into this file hands back (:func:`maturity.gate.prepare_apart`), for this process to go on from."""
        return self._end, self._writable

    def resume(self, state: tuple[int, bool]) -> None:
        """Go on from where a forked copy left the file (:meth:`state`): what it wrote stays, never overwritten."""
        self._end, writable = state
        self._writable = bool(writable) and self._file is not None


class Asset:
    """A generated file that is not a page: JSON, feed, badge, evidence viewer, the site's own CSS and JavaScript.

    Its content is kept compressed until a writer asks for it, as a page's HTML is: a national site makes
    tens of thousands of them (badges, certificate records, viewers) before any is written.
    """

    __slots__ = ("path", "size", "_packed", "_text")

    def __init__(self, path: str, content: str | bytes) -> None:
        self.path = path
        self._text = isinstance(content, str)
        raw = content.encode("utf-8", "surrogatepass") if self._text else content
        self.size = len(raw)  # bytes of the file
        self._packed = zlib.compress(raw, 1)

    @classmethod
    def restored(cls, path: str, contents: Packed, text: bool = True) -> "Asset":
        """A file whose content was packed before (:meth:`contents`, kept by :mod:`maturity.publish.rendered`)."""
        asset = cls.__new__(cls)
        asset.path, asset._text, asset.size, asset._packed = path, text, contents.size, contents.html
        return asset

    def contents(self) -> Packed:
        """The content as kept (in :attr:`Packed.html`; no short version)."""
        return Packed(_bytes(self._packed), None, None, self.size)

    @property
    def content(self) -> str | bytes:
        raw = self.data
        return raw.decode("utf-8", "surrogatepass") if self._text else raw

    @property
    def data(self) -> bytes:
        """The content as the bytes of the file (text in UTF-8): what a writer writes, without decoding it first."""
        return zlib.decompress(_bytes(self._packed))

    def spill(self, spool: Spool) -> None:
        """Keep the packed content in ``spool`` (on disk) instead of in memory."""
        self._packed = spool.put(self._packed)

    def __repr__(self) -> str:
        return f"Asset({self.path!r})"


@dataclass(frozen=True)
class Copy:
    """A file published as it is (public evidence): copied from ``source``, never renamed into a page."""

    path: str
    source: Path


@dataclass
class Site:
    pages: list[Page] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    copies: list[Copy] = field(default_factory=list)
    # HTML fragments that hand-written pages include by marker (the home page's overview), made for
    # the page that includes them (their links are relative to it): name -> function of its src_uri.
    fragments: dict[str, Callable[[str], str]] = field(default_factory=dict)
    styles: tuple[str, ...] = ()  # site paths of the CSS and JavaScript every page loads
    scripts: tuple[str, ...] = ()
    diagnostics: list = field(default_factory=list)  # what went wrong making the site (MAT900–MAT902)
    # Where :meth:`add` keeps the packed pages and files until a writer asks for them (None: in memory).
    spool: Spool | None = None
    restored: int = 0  # pages and files taken from the build cache, not made again (maturity.publish.rendered)

    def add(self, *items: "Page | Asset") -> None:
        """Add pages and files, their contents kept in the spool when there is one."""
        for item in items:
            if self.spool is not None:
                item.spill(self.spool)
            (self.pages if isinstance(item, Page) else self.assets).append(item)

    def page(self, src_uri: str) -> Page | None:
        return next((p for p in self.pages if p.src_uri == src_uri), None)
