"""The site's pages and files as MkDocs files (``File.generated``), the plugin's whole hand-over to MkDocs."""

from __future__ import annotations

import html

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

from maturity.mkdocs_plugin.dirty import Sources, asset_digest, page_digest
from maturity.publish import Site
from maturity.publish.writer import front_matter


def site_files(config: MkDocsConfig, site: Site, sources: Sources | None = None) -> list[File]:
    """Every generated file, page and copied evidence file of ``site``. A page is handed over as its front matter
    only: its HTML is added when MkDocs renders it (the plugin's ``on_page_context``). ``sources``: in a ``--dirty``
    build, where pages and files get sources that change only when they do (:mod:`.dirty`)."""
    out = []

    def add(file: File) -> None:
        if sources and file.abs_src_path:
            sources.newer_than(file.abs_src_path, file.abs_dest_path)
        out.append(file)

    for asset in site.assets:
        source = sources.put(asset.path, asset_digest(asset), lambda a=asset: a.data) if sources else None
        add(File.generated(config, asset.path, abs_src_path=source) if source
            else File.generated(config, asset.path, content=asset.data))
    for p in site.pages:
        # MkDocs' theme templates print the title unescaped (<title>, header): it must be HTML already.
        stub = front_matter(html.escape(p.title), p.hide, p.search_exclude)
        source = None
        if sources:
            digest = page_digest(p, stub)
            source = sources.put(p.src_uri, digest, lambda s=stub, d=digest: f"{s}<!-- maturity:{d} -->\n".encode())
        add(File.generated(config, p.src_uri, abs_src_path=source, inclusion=InclusionLevel.NOT_IN_NAV) if source
            else File.generated(config, p.src_uri, content=stub, inclusion=InclusionLevel.NOT_IN_NAV))
    for copy in site.copies:
        # Evidence is copied as it is, whatever its name: a public "x.md" must not become a page.
        evidence = File.generated(config, copy.path + ".evidence", abs_src_path=str(copy.source))
        evidence.dest_uri = copy.path
        out.append(evidence)
    return out
