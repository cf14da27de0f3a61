"""``plugins: [maturity]``: load, validate and score during the build; add the generated pages.

All the work is done by the core: :mod:`maturity.settings` reads the options,
:mod:`maturity.repository` loads and checks, :mod:`maturity.publish` builds the complete site.
This module only hands that site to MkDocs, the diagnostics to MkDocs' logger, and every finished
HTML page to :mod:`maturity.publish.csp` for its Content-Security-Policy.
"""

from __future__ import annotations

import logging
import os
import re
from importlib import resources
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.toc import get_toc

from maturity import i18n
from maturity.cache import cache_folder
from maturity.data.reading import FileCache
from maturity.diagnostics import Severity
from maturity.exchange import gitrepo
from maturity.gate import git_history, prepare_apart
from maturity.mkdocs_plugin.dirty import FOLDER as DIRTY_FOLDER, Sources
from maturity.mkdocs_plugin.dirty import forget as forget_sources
from maturity.mkdocs_plugin.config import MaturityConfig
from maturity.mkdocs_plugin.files import site_files
from maturity.publish import Page, Site, csp, pagefind
from maturity.publish.urls import ASSET_DIR, ENGLISH
from maturity.publish.views import footer_values
from maturity.publish.writer import RENDERED_OVERVIEW, rendered_paths
from maturity.settings import OPTION_NAMES, Settings, SettingsError, SiteSettings, from_options

log = logging.getLogger("mkdocs.plugins.maturity")

_HTML_LANG = re.compile(r'<html lang="[^"]*"')


def _theme_language(config: MkDocsConfig) -> str:
    """The language the theme will write as the ``<html lang>`` of the default edition: Material's ``language``, else
    the theme's ``locale`` (MkDocs' own themes); a guess, checked against the built pages (``on_post_build``)."""
    return str(config.theme.get("language") or config.theme.get("locale") or "en")


class MaturityPlugin(BasePlugin[MaturityConfig]):
    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.site: Site | None = None
        self.pages: dict[str, Page] = {}
        self.cache: FileCache | None = None  # kept across `mkdocs serve` rebuilds
        self.history_cache: tuple[str | None, object] | None = None  # (HEAD, History)
        self.serving = False
        self.dirty = False  # `--dirty`: unchanged generated pages are not rebuilt (maturity.mkdocs_plugin.dirty)
        self.indexed: pagefind.Indexed | None = None  # this build's search index (search: pagefind)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup makes MkDocs keep this instance for every rebuild of `mkdocs serve`:
        # unchanged files are then not parsed or hashed again.
        self.cache = FileCache() if command == "serve" else None
        # `mkdocs serve` adds an inline live-reload script to every page, different on each request: no
        # hash can allow it, so the preview goes without the Content-Security-Policy (`mkdocs build` adds it).
        self.serving = command == "serve"
        self.dirty = dirty
        if self.serving:
            log.info("maturity: 预览（mkdocs serve）不加内容安全策略，以便自动刷新；mkdocs build 生成的页面都带有它。")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path).parent if config.config_file_path else Path(".")
        site = SiteSettings(name=config.site_name, url=config.site_url or None, directory_urls=config.use_directory_urls,
                            docs_dir=Path(os.path.relpath(config.docs_dir, root)).as_posix(),
                            extra_css=tuple(str(x) for x in config.extra_css),
                            extra_javascript=tuple(str(x) for x in config.extra_javascript))
        try:
            self.settings = from_options({name: self.config[name] for name in OPTION_NAMES}, root=root,
                                         config_file=Path(config.config_file_path) if config.config_file_path else None,
                                         site=site, strict=bool(config.strict))
            self.settings.today()  # a bad SOURCE_DATE_EPOCH is reported now, not in the middle of the build
        except SettingsError as exc:
            raise PluginError(f"maturity: {i18n.t('build.bad_settings', error=exc)}") from exc
        if self.settings.search == "pagefind":
            try:  # before the build, not after it: the same check as `maturity check` (maturity.gate)
                pagefind.binary()
            except pagefind.PagefindError as exc:
                raise PluginError(f"maturity: {exc}") from None
        # The theme's partials this project overrides (footer with filing numbers): after the site's own
        # custom_dir, before the theme, so an authority can still override them in turn.
        overrides = str(resources.files("maturity.publish").joinpath("overrides"))
        if overrides not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, overrides)
        config.extra["maturity"] = footer_values(self.settings.pages)
        for name, target in (("maturity.css", config.extra_css), ("maturity.js", config.extra_javascript)):
            if f"{ASSET_DIR}/{name}" not in [str(x) for x in target]:
                target.append(f"{ASSET_DIR}/{name}")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        settings = self.settings
        # What `maturity render` wrote into docs_dir (for generators without this plugin) is replaced by the
        # plugin's own pages and files, made now from the data as it is: never a stale page, never a collision.
        rendered = rendered_paths(Path(config.docs_dir))
        for f in [f for f in files if f.src_uri in rendered]:
            files.remove(f)
        if rendered:
            log.info(i18n.t("render.replaced_by_plugin", n=len(rendered)))
        # The same path as `maturity check` (maturity.gate): what passes review is what is built here. A one-off
        # build prepares it in a forked copy, whose scattered heap goes with it (docs/performance.md#apart);
        # `mkdocs serve` keeps what it learns across rebuilds, so it prepares here, and `jobs: 1` means one process.
        prepared = prepare_apart(settings, existing={f.src_uri for f in files}, cache=self.cache,
                                 display_base=settings.root, history=self._history, apart=not self.serving)
        for d in prepared.diagnostics:
            {Severity.ERROR: log.error, Severity.WARNING: log.warning}.get(d.severity, log.info)(str(d))
        if prepared.site is None:
            raise PluginError(f"maturity: {i18n.t('build.no_model')}")
        if prepared.errors:
            log.warning(i18n.t("build.not_published", errors=prepared.errors,
                               assessments="、".join(prepared.unpublished) or i18n.t("words.none")))
        if prepared.recalled:
            log.info(f"maturity: {i18n.t('build.verdicts_recalled', recalled=prepared.recalled)}")
        self.site = site = prepared.site
        # The repository's data is not needed any more (prepared here): let it go before MkDocs makes an object per
        # file, so the two are never in memory together (docs/performance.md#pool).
        del prepared
        self.indexed = None
        if settings.search == "pagefind":
            # Now, while this process is small: Pagefind holds its whole index in memory, and MkDocs' objects for
            # every page and file, made next, stay to the end of the build (docs/performance.md#pagefind-first).
            # Pagefind reads only the pages' short versions, never the built site; the languages are checked once built.
            self._index(config, site, pagefind.expected_editions(site.pages, _theme_language(config)))
        self.pages = {p.src_uri: p for p in site.pages}
        if site.restored:
            log.info(f"maturity: {i18n.t('build.rendered_restored', restored=site.restored, total=len(site.pages) + len(site.assets))}")
        sources = self._dirty_sources(settings)
        for file in site_files(config, site, sources):
            files.append(file)
        if sources:
            sources.close()
            log.info(i18n.t("build.dirty_sources", written=sources.written, total=len(site.pages) + len(site.assets)))
        return files

    def _dirty_sources(self, settings: Settings) -> Sources | None:
        """In a ``--dirty`` build with the cache on: where the generated pages' and files' sources are kept."""
        folder = cache_folder(settings.root) if settings.cache else None
        if folder is None:
            return None
        folder = folder / DIRTY_FOLDER
        if not self.dirty:
            forget_sources(folder)
            return None
        try:
            folder.mkdir(exist_ok=True)
        except OSError:
            return None
        return None if folder.is_symlink() else Sources(folder)

    def _history(self, settings: Settings, model, current=None, jobs: int = 1):
        """The git history, read again only when HEAD moves (mkdocs serve rebuilds often)."""
        head = gitrepo.head_commit(settings.root) if settings.history else None
        if self.history_cache is None or self.history_cache[0] != head or head is None:
            self.history_cache = (head, git_history(settings, model, current, jobs))
        history, commit = self.history_cache[1]
        if history is not None and history.note:
            log.info(f"maturity: {history.note}")
        return history, commit

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.toc = get_toc([{"level": lv, "id": anchor, "name": name, "children": []} for lv, anchor, name in generated.toc])
            # MkDocs holds every page's content from here until that page is written: a generated page holds only
            # its short search version (nothing when the theme's search leaves it out, e.g. Pagefind indexes it),
            # and its HTML arrives just before its template is rendered (on_page_context). Holding every page's
            # HTML cost ~0.11 MB per page.
            if generated.search_html is not None:
                return generated.search_html
            return "" if generated.search_exclude else generated.html
        if "maturity:rendered-overview" in html:  # included from what `maturity render` wrote: the live one goes at the marker
            html = RENDERED_OVERVIEW.sub("", html)
        marker = self.settings.overview_marker
        if marker in html and self.site is not None:
            return html.replace(marker, self.site.fragments["overview"](page.file.src_uri))
        return html

    @event_priority(-100)  # after the search plugin has indexed the short version
    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):
        if not self.config.enabled:
            return None
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.content = generated.html
        return context

    @event_priority(-100)  # last: the hashes must be of the page exactly as it is written
    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        src_uri = getattr(getattr(page, "file", None), "src_uri", "")
        english = src_uri.startswith(ENGLISH) and src_uri in self.pages
        if english:  # the theme has one language for the site: the English edition's pages say theirs themselves
            output = _HTML_LANG.sub('<html lang="en"', output, count=1)
        changed = english or self._csp
        if self._csp:
            generated = self.pages.get(src_uri)
            output = csp.with_policy(output, untrusted=page.content or "", wasm=generated is not None and generated.wasm)
        if src_uri in self.pages:
            # Written once this returns: MkDocs would otherwise hold every generated page's HTML and table of contents
            # to the end of the build (the search plugin has already taken its short version), so memory would grow
            # with N (the tables of contents: 30 MiB at N = 10,000, docs/performance.md#unpacked).
            page.content = None
            page.toc = get_toc([])
        return output if changed else None

    @event_priority(-100)
    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        if not self._csp:  # 404.html and the like; sitemap.xml is left alone by the core
            return None
        return csp.with_policy_if_html(template_name, output_content)

    @property
    def _csp(self) -> bool:
        return bool(self.config.enabled and self.settings is not None and self.settings.csp and not self.serving)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not (self.config.enabled and self.settings is not None and self.settings.search == "pagefind"):
            return
        # Pagefind's script takes the index of the search page's <html lang>: if the theme wrote another language than
        # was expected when the index was made, it is made again in the languages the built search pages say.
        built = pagefind.built_editions(Path(config.site_dir), config.use_directory_urls)
        if self.indexed is None or self.indexed.editions != built:
            log.debug("maturity: search pages built in %s, not %s: indexed again", built,
                      self.indexed.editions if self.indexed else None)
            self._index(config, self.site, built)

    def _index(self, config: MkDocsConfig, site: Site | None, editions: dict[str, str]) -> None:
        try:
            self.indexed = pagefind.run(Path(config.site_dir), site.pages if site else [],
                                        directory_urls=config.use_directory_urls, editions=editions)
        except pagefind.PagefindError as exc:
            raise PluginError(f"maturity: {exc}") from None
        log.info(f"maturity: {i18n.t('build.pagefind_done', site=config.site_dir)}")

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.config.enabled and self.settings is not None:
            for path in (self.settings.assessments_path, self.settings.evidence_path, self.settings.templates_path):
                if path.exists():
                    server.watch(str(path))
            if self.settings.model:
                server.watch(str(self.settings.model))
            register = self.settings.assessors_path
            if register is not None and register.exists():
                server.watch(str(register))
        return server

