"""The site, built from a repository: pages as HTML fragments and generated files, independent of any generator.

The MkDocs plugin (:mod:`maturity.mkdocs_plugin`) hands them to MkDocs; :mod:`maturity.publish.writer`
writes them to a folder for any other generator.
"""

from maturity.publish.build import build_site, published_assessments
from maturity.publish.site import Asset, Copy, Page, Site

__all__ = ["Asset", "Copy", "Page", "Site", "build_site", "published_assessments"]
