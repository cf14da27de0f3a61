"""Site content from a repository: pages as HTML fragments, independent of any site generator.

The MkDocs plugin (:mod:`maturity.mkdocs_plugin`) turns these into generated pages; another
generator would need only a new adapter.
"""

from maturity.publish.build import Asset, Page, Site, SiteOptions, build_site, public_evidence_files

__all__ = ["Asset", "Page", "Site", "SiteOptions", "build_site", "public_evidence_files"]
