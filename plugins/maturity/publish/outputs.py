"""The site's machine-read outputs, checked before they are published.

A feed or badge that is not well-formed XML, or JSON that does not parse, would be published
silently and break every reader; the data checks are meant to make that impossible, and this is
the last line that says so if they ever miss a case (MAT901).
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET

from maturity.diagnostics import Diagnostic, Severity
from maturity.publish.site import Site


def check(site: Site, source: str, remembered=None) -> list[Diagnostic]:
    """MAT901 for each feed, badge or JSON file that does not parse. ``remembered`` (a
    :class:`maturity.publish.rendered.RenderedPages`): bytes an earlier build found well-formed are not parsed again,
    and those found well-formed now are remembered."""
    checked = [a for a in site.assets if a.path.endswith((".xml", ".svg", ".json"))]
    digests = {a.path: hashlib.sha256(a.data).hexdigest() for a in checked} if remembered is not None else {}
    known = remembered.well_formed(digests) if remembered is not None else set()
    problems, found = [], []
    for asset in checked:
        if asset.path in known:
            continue
        text = asset.content if isinstance(asset.content, str) else asset.content.decode("utf-8", "replace")
        try:
            if asset.path.endswith(".json"):
                json.loads(text)
            else:
                ET.fromstring(text)
        except (ET.ParseError, ValueError) as exc:
            problems.append(Diagnostic.make(source, 0, 0, "MAT901", Severity.ERROR, file=asset.path, error=str(exc)))
            continue
        if asset.path in digests:
            found.append(digests[asset.path])
    if remembered is not None:
        remembered.keep_well_formed(found)
    return problems


def collisions(site: Site, existing: set[str]) -> list[Diagnostic]:
    """Generated pages and files that would replace a hand-written file of the same name (MAT902)."""
    mine = [p.src_uri for p in site.pages] + [a.path for a in site.assets] + [c.path for c in site.copies]
    return [Diagnostic.make(uri, 0, 0, "MAT902", Severity.WARNING, file=uri) for uri in sorted(set(mine) & existing)]
