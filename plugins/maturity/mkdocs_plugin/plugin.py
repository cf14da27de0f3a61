"""``plugins: [maturity]``: load, validate and score during the build; add the generated pages.

All the work is done by the core (:mod:`maturity.repository`, :mod:`maturity.publish`); this
module only wires it into MkDocs' events and logger.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
from importlib import resources
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from maturity.exchange import gitrepo
from maturity.exchange.history import load_history
from maturity.mkdocs_plugin.config import MaturityConfig
from maturity.authority import OPTIONS, AuthoritySettings, from_options
from maturity.publish import Page, SiteOptions, build_site, public_evidence_files
from maturity.publish.build import overview_html
from maturity.data.reading import FileCache
from maturity.repository import Repository, load_repository

log = logging.getLogger("mkdocs.plugins.maturity")

ASSETS = ("maturity.css", "maturity.js")
ASSET_DIR = "assets/maturity"


def build_date(option: str | dt.date | None) -> dt.date:
    """The date the site describes: the option, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if isinstance(option, dt.date):  # written unquoted in mkdocs.yml
        return option
    if option:
        try:
            return dt.date.fromisoformat(option)
        except ValueError as exc:
            raise PluginError(f"maturity: build_date “{option}” 不是有效日期（YYYY-MM-DD）。") from exc
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


class MaturityPlugin(BasePlugin[MaturityConfig]):
    def __init__(self) -> None:
        self.root = Path(".")
        self.repo: Repository | None = None
        self.pages: dict[str, Page] = {}
        self.options: SiteOptions | None = None
        self.settings = AuthoritySettings()
        self.cache: FileCache | None = None  # kept across `mkdocs serve` rebuilds
        self.history_cache: tuple[str | None, object] | None = None  # (HEAD, History)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup makes MkDocs keep this instance for every rebuild of `mkdocs serve`:
        # unchanged files are then not parsed or hashed again.
        self.cache = FileCache() if command == "serve" else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.root = Path(config.config_file_path).parent if config.config_file_path else Path(".")
        self.options = SiteOptions(
            templates_dir=self.root / self.config.templates_dir,
            build_date=build_date(self.config.build_date),
            directory_urls=config.use_directory_urls,
            site_name=config.site_name,
            site_url=config.site_url or None,
        )
        try:
            self.settings = from_options({key: self.config[key] for key in OPTIONS})
        except ValueError as exc:
            raise PluginError(f"maturity: 发布设置有误（holidays / workdays 的日期或 certificate_number 的规则）：{exc}") from exc
        for name in ASSETS:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            if f"{ASSET_DIR}/{name}" not in [str(x) for x in target]:
                target.append(f"{ASSET_DIR}/{name}")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        model_path = (self.root / self.config.model) if self.config.model else None
        repo = load_repository(self.root, model_path=model_path, assessments_dir=self.config.assessments_dir,
                               evidence_dir=self.config.evidence_dir, max_bytes=self.config.max_file_size,
                               display_base=self.root, settings=self.settings, cache=self.cache)
        self.repo = repo
        for d in repo.diagnostics:
            (log.error if d.is_error else log.warning)(str(d))
        if repo.model is None:
            raise PluginError("maturity: 模型文件无法使用，见上方错误。")
        if repo.errors:
            skipped = sorted(repo.invalid_assessments() | set(repo.unread))
            log.warning(f"评估数据有 {len(repo.errors)} 个错误；未发布有错误的评估：{'、'.join(skipped) or '无'}。"
                        "本次构建结果不应发布（使用 mkdocs build --strict 时构建失败）。")
        if self.config.history:
            head = gitrepo.head_commit(self.root)  # None outside git
            if self.history_cache is None or self.history_cache[0] != head or head is None:
                self.history_cache = (head, load_history(self.root, repo.model, self.config.assessments_dir))
            self.options.history = self.history_cache[1]
            self.options.commit = head if self.options.history.available else None
            if self.options.history.note:
                log.info(f"maturity: {self.options.history.note}")
        site = build_site(repo, self.options)
        pages = site.pages
        self.pages = {p.src_uri: p for p in pages}
        for asset in site.assets:
            files.append(File.generated(config, asset.path, content=asset.content))
        for p in pages:
            # MkDocs' theme templates print the title unescaped (<title>, header): it must be HTML already.
            stub = f"---\ntitle: {_yaml_string(html.escape(p.title))}\n---\n"
            files.append(File.generated(config, p.src_uri, content=stub, inclusion=InclusionLevel.NOT_IN_NAV))
        for name in ASSETS:
            text = resources.files("maturity.publish").joinpath("assets", name).read_text(encoding="utf-8")
            files.append(File.generated(config, f"{ASSET_DIR}/{name}", content=text))
        published = [a for a in repo.assessments if f"assessments/{a.id}/index.md" in self.pages]
        for site_path, source in public_evidence_files(repo, published):
            # Evidence is copied as it is, whatever its name: a public "x.md" must not become a page.
            evidence = File.generated(config, site_path + ".evidence", abs_src_path=str(source))
            evidence.dest_uri = site_path
            files.append(evidence)
        return files

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.toc = get_toc([{"level": lv, "id": anchor, "name": name, "children": []} for lv, anchor, name in generated.toc])
            return generated.search_html or generated.html
        if self.config.overview_marker in html and self.repo is not None:
            return html.replace(self.config.overview_marker, overview_html(self.repo, self.options, page.file.src_uri))
        return None

    @event_priority(-100)  # after the search plugin has indexed the short version
    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):
        if not self.config.enabled:
            return None
        generated = self.pages.get(page.file.src_uri)
        if generated is not None and generated.search_html is not None:
            page.content = generated.html
        return context

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if self.config.enabled:
            for folder in (self.config.assessments_dir, self.config.evidence_dir, self.config.templates_dir):
                path = self.root / folder
                if path.exists():
                    server.watch(str(path))
            if self.config.model:
                server.watch(str(self.root / self.config.model))
        return server


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is valid YAML and escapes everything."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)
