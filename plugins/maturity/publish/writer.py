"""Writing a :class:`~maturity.publish.site.Site` into a folder of files.

Pages become Markdown files holding their HTML (with the title in front matter), so that any
generator that reads ``mkdocs.yml`` builds them; generated files and public evidence are written
as they are. Writes are atomic, and a file whose content has not changed is not touched (a
generator that rebuilds incrementally then rebuilds only what changed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from maturity.data.files import write_atomic, write_atomic_bytes
from maturity.publish.site import Site


def front_matter(title: str, hide: tuple[str, ...] = ()) -> str:
    """A page's YAML front matter: its title and what the theme should hide (Material's ``hide``)."""
    # JSON's string syntax is a valid YAML double-quoted scalar (a JSON list a YAML flow sequence) and escapes everything.
    lines = [f"title: {json.dumps(' '.join(title.split()), ensure_ascii=False)}"]
    if hide:
        lines.append(f"hide: {json.dumps(list(hide))}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def page_markdown(title: str, html: str, hide: tuple[str, ...] = ()) -> str:
    return f"{front_matter(title, hide)}\n<div class=\"maturity-page\" markdown=\"0\">\n{html}\n</div>\n"


def write_site(site: Site, out: Path) -> list[Path]:
    """Write every page, generated file and copy under ``out``; return the files that changed."""
    changed: list[Path] = []

    def put(rel: str, content: str | bytes) -> None:
        target = out / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        if target.is_file() and target.read_bytes() == data:
            return
        write_atomic_bytes(target, data)
        changed.append(target)

    for page in site.pages:
        put(page.src_uri, page_markdown(page.title, page.html, page.hide))
    for asset in site.assets:
        put(asset.path, asset.content)
    for copy in site.copies:
        target = out / copy.path
        if target.is_file() and target.stat().st_size == copy.source.stat().st_size and target.read_bytes() == copy.source.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(copy.source, target)
        changed.append(target)
    return changed


__all__ = ["front_matter", "page_markdown", "write_site", "write_atomic"]
