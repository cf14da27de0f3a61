"""A small HTML page beside each public text evidence file (``.md``, ``.txt``, ``.csv``).

The file itself is published byte for byte (its SHA-256 is public), but a server sends such files
as ``text/markdown`` or ``text/plain`` without a charset, and browsers then show Chinese text as
mojibake. The viewer (``evidence/<org>/<file>.html``) says its encoding, names the authority, the
evidence and its hash, shows the text escaped in a ``<pre>`` and links to the original. It is a
page of its own, not a theme page: it carries its own Content-Security-Policy.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath

import jinja2
from markupsafe import escape

from maturity.publish import csp, urls
from maturity.publish.site import Asset

TEXT_SUFFIXES = frozenset({".md", ".txt", ".csv"})
TEMPLATE = "evidence_viewer.html"


def is_text(file: str | None) -> bool:
    return file is not None and PurePosixPath(file).suffix.lower() in TEXT_SUFFIXES


def viewer_path(site_path: str) -> str:
    """Where the viewer of the evidence file at ``site_path`` lives: beside it, ``.html`` appended."""
    return site_path + ".html"


def decode(data: bytes) -> str:
    """The text of a file: UTF-8 (with or without a BOM), else GB18030, which Chinese Windows tools still write."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # neither: shown with replacement marks, the original still linked


def relative(target: str, page: str) -> str:
    """A link from the site path ``page`` to the site path ``target``."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def viewer_page(env: jinja2.Environment, site_path: str, item, organisation: str, data: bytes) -> str:
    """The viewer's HTML, with its policy: the escaped text is never trusted with a hash."""
    page = viewer_path(site_path)
    text = decode(data)
    html = env.get_template(TEMPLATE).render(
        item=item, organisation=organisation, text=text, original=posixpath.basename(site_path),
        stylesheet=relative(f"{urls.ASSET_DIR}/maturity.css", page))
    return csp.with_policy(html, untrusted=str(escape(text)))


def viewer_assets(env: jinja2.Environment, evidence: dict[str, tuple], remembered=None) -> list[Asset]:
    """A viewer for each public text file; ``evidence`` maps site path -> (item, organisation name).

    ``remembered`` (a :class:`maturity.publish.rendered.RenderedPages`): a viewer made before from the same file
    (by the SHA-256 of its bytes when checked) and the same words is taken from it, not made again."""
    keys = {}  # site path -> (the viewer's path, its key in the store or None), for each text file
    for site_path, (item, organisation) in sorted(evidence.items()):
        if is_text(item.file):
            path = viewer_path(site_path)
            keys[site_path] = (path, remembered.file_key(TEMPLATE, path, item, organisation)
                               if remembered is not None and item.actual_sha256 else None)
    present = remembered.present(k for _, k in keys.values() if k is not None) if remembered is not None else set()
    out = []
    for site_path, (path, key) in keys.items():
        item, organisation = evidence[site_path]
        contents = remembered.get(key) if key in present else None
        if contents is not None:
            out.append(Asset.restored(path, contents))
            continue
        asset = Asset(path, viewer_page(env, site_path, item, organisation, item.path.read_bytes()))
        if key is not None:
            remembered.keep(key, asset)
        out.append(asset)
    return out
