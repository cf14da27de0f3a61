"""The site's machine-read outputs, checked before they are published.

A feed or badge that is not well-formed XML, or JSON that does not parse, would be published
silently and break every reader; the data checks are meant to make that impossible, and this is
the last line that says so if they ever miss a case (MAT901).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from maturity.diagnostics import Diagnostic, Severity
from maturity.publish.site import Site


def check(site: Site, source: str) -> list[Diagnostic]:
    problems = []
    for asset in site.assets:
        text = asset.content if isinstance(asset.content, str) else asset.content.decode("utf-8", "replace")
        try:
            if asset.path.endswith((".xml", ".svg")):
                ET.fromstring(text)
            elif asset.path.endswith(".json"):
                json.loads(text)
        except (ET.ParseError, ValueError) as exc:
            problems.append(Diagnostic.make(source, 0, 0, "MAT901", Severity.ERROR, file=asset.path, error=str(exc)))
    return problems


def collisions(site: Site, existing: set[str]) -> list[Diagnostic]:
    """Generated pages and files that would replace a hand-written file of the same name (MAT902)."""
    mine = [p.src_uri for p in site.pages] + [a.path for a in site.assets] + [c.path for c in site.copies]
    return [Diagnostic.make(uri, 0, 0, "MAT902", Severity.WARNING, file=uri) for uri in sorted(set(mine) & existing)]
