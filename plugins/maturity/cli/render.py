"""``maturity render``: the generated pages and files, written into the docs folder for any generator.

The same gate and page builder as the MkDocs plugin (:func:`maturity.gate.prepare_apart`), the same
verdict as ``maturity check``; the site is written by :func:`maturity.publish.writer.render` at the
paths the plugin gives MkDocs, so every page has the same URL whichever generator builds it.
``--clean`` removes what an earlier render wrote (and nothing else); ``--site`` copies, after the
build, the public evidence files whose names a generator would turn into pages, and with ``search: pagefind``
builds the search index of the generated pages into the built site.
"""

from __future__ import annotations

import sys
from pathlib import Path

from maturity import gate, i18n
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, display_path, find_root, missing_paths, settings_of
from maturity.cli.check import _count, _print
from maturity.diagnostics import Severity
from maturity.publish import pagefind, urls
from maturity.publish.writer import copy_into_site, overview_file, render, unrender


def cmd_render(args) -> int:
    if missing_paths(args):
        return EXIT_USAGE
    root = find_root(Path(args.config_file).resolve().parent if args.config_file else Path(args.path))
    settings = settings_of(args, root)
    docs = settings.root / settings.site.docs_dir
    out = Path(args.out) if args.out else docs
    if out.exists() and not out.is_dir():
        print(i18n.t("render.out_not_folder", out=args.out), file=sys.stderr)
        return EXIT_USAGE
    if args.clean:
        return _clean(out)
    if args.site and not (Path(args.site) / "index.html").is_file():
        print(i18n.t("render.site_missing", site=args.site), file=sys.stderr)
        return EXIT_USAGE

    existing = gate.hand_written(settings)
    # In a forked copy, as the plugin's build (docs/performance.md#apart): with --site, Pagefind runs beside this process.
    prepared = gate.prepare_apart(settings, existing=existing)
    _print(prepared.diagnostics, "text")
    if prepared.site is None or settings.failures(prepared.diagnostics, strict=True):
        print(i18n.t("render.refused", errors=_count(prepared.diagnostics, Severity.ERROR),
                     warnings=_count(prepared.diagnostics, Severity.WARNING)), file=sys.stderr)
        return EXIT_INVALID
    site = prepared.site

    if args.site:
        return _site(site, Path(args.site), settings)

    pages = gate.overview_pages(settings, existing) if out.resolve() == docs.resolve() else []
    fragments = {page: site.fragments["overview"](page) for page in pages}
    try:
        result = render(site, out, fragments)
    except OSError as exc:
        print(i18n.t("render.write_failed", error=exc.strerror or exc), file=sys.stderr)
        return EXIT_INVALID
    if result.conflicts:
        for path, why in result.conflicts:
            print(i18n.t(f"render.conflict.{why}", path=display_path(out / path)), file=sys.stderr)
        print(i18n.t("render.conflicts", n=len(result.conflicts)), file=sys.stderr)
        return EXIT_INVALID
    for path in result.kept:
        print(i18n.t("render.kept", path=display_path(out / path)), file=sys.stderr)
    _advice(settings, docs, pages)
    if result.deferred:
        print(i18n.t("render.deferred", n=len(result.deferred), example=result.deferred[0].path, out=display_path(out)))
    print(i18n.t("render.done", out=display_path(out), pages=len(site.pages),
                 files=result.total - len(site.pages), written=len(result.written), unchanged=len(result.unchanged),
                 removed=len(result.removed)))
    return EXIT_OK


def _clean(out: Path) -> int:
    result = unrender(out)
    for path, why in result.conflicts:
        print(i18n.t(f"render.conflict.{why}", path=display_path(out / path)), file=sys.stderr)
        return EXIT_INVALID
    for path in result.kept:
        print(i18n.t("render.kept", path=display_path(out / path)), file=sys.stderr)
    print(i18n.t("render.cleaned", out=display_path(out), n=len(result.removed)))
    if result.kept:
        print(i18n.t("render.clean_kept", n=len(result.kept)), file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _site(site, site_dir: Path, settings) -> int:
    """After the generator's build: the evidence with page names, then (``search: pagefind``) the search index,
    in the languages of the built search pages as the plugin checks them, so every generator's site has the same search page working."""
    from maturity.publish.writer import is_page_name

    copies = [c for c in site.copies if is_page_name(c.path)]
    try:
        written = copy_into_site(copies, site_dir)
    except OSError as exc:
        print(i18n.t("render.write_failed", error=exc.strerror or exc), file=sys.stderr)
        return EXIT_INVALID
    print(i18n.t("render.site_copied", n=len(written), site=display_path(site_dir), unchanged=len(copies) - len(written)))
    if settings.search == "pagefind":
        try:
            pagefind.run(site_dir, site.pages, directory_urls=settings.site.directory_urls)
        except pagefind.PagefindError as exc:
            print(f"{i18n.t('severity.error')}：{exc}", file=sys.stderr)
            return EXIT_INVALID
        print(i18n.t("build.pagefind_done", site=display_path(site_dir)))
    return EXIT_OK


def _advice(settings, docs: Path, pages: list[str]) -> None:
    """What mkdocs.yml and the home page need so that a generator without the plugin shows everything."""
    site = settings.site
    for key, listed, path in (("extra_css", site.extra_css, f"{urls.ASSET_DIR}/maturity.css"),
                              ("extra_javascript", site.extra_javascript, f"{urls.ASSET_DIR}/maturity.js")):
        if path not in listed:
            print(f"{i18n.t('severity.warning')}：{i18n.t('render.assets_not_listed', key=key, path=path)}", file=sys.stderr)
    for page in pages:
        file = overview_file(page)
        included = file.split("/", 1)[1]  # relative to the snippets base_path, docs/.maturity
        if included not in (docs / page).read_text(encoding="utf-8"):
            print(f"{i18n.t('severity.warning')}：{i18n.t('render.overview_not_included', page=page, file=file)}",
                  file=sys.stderr)
