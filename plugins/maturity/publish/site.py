"""A complete site, as data: every page, generated file and copied file the build publishes.

:func:`maturity.publish.build.build_site` makes one; a writer puts it somewhere — the MkDocs
plugin hands it to MkDocs (``File.generated``), :func:`maturity.publish.writer.write_site`
writes it to a folder (for ``maturity render`` and ``maturity check``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Page:
    src_uri: str  # e.g. "assessments/2026-x/index.md"
    title: str
    html: str
    toc: tuple[tuple[int, str, str], ...] = ()  # (level, anchor, title)
    # What the site's search index should see, when not the whole page: a report's requirement
    # tables would make the index huge and slow to build, while names and conclusions suffice.
    search_html: str | None = None
    # What the theme should leave out around this page (Material's front matter ``hide``): the list pages
    # hide the table of contents, whose empty column would squeeze their tables.
    hide: tuple[str, ...] = ()


@dataclass(frozen=True)
class Asset:
    """A generated file that is not a page: JSON, feed, badge, the site's own CSS and JavaScript."""

    path: str
    content: str | bytes


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

    def page(self, src_uri: str) -> Page | None:
        return next((p for p in self.pages if p.src_uri == src_uri), None)
