"""One settings object, read once and passed to everything that needs it.

The authority configures the site in ``mkdocs.yml`` (the ``maturity`` plugin's options, plus
``site_name``, ``site_url``, ``use_directory_urls`` and ``strict``). The MkDocs plugin hands its
validated options to :func:`from_options`; every command reads the same file with
:func:`load_settings`, which goes through the same :func:`from_options`. So a pull-request check,
a pre-commit hook and the publication build check the same data against the same model with the
same rules. No other module reads ``mkdocs.yml``.

The severity policy lives here too (:meth:`Settings.fails`): errors always fail; warnings fail a
strict run (``mkdocs build --strict``, ``maturity check``, ``maturity validate --strict``); notes
never do.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from maturity.data.dates import check_date_range
from maturity.data.workdays import WorkingCalendar
from maturity.diagnostics import Diagnostic, Severity

CONFIG_FILE = "mkdocs.yml"
PLUGIN = "maturity"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the option and what is expected."""


@dataclass(frozen=True)
class PublicationSettings:
    """The authority's rules for publication (guide 8.4): announcement, certificate scheme, calendar."""

    announcement_days: int = 5  # working days of the 公示 period
    objection_contact: str = "请在公示期内以书面形式向评估管理机构提出异议，并附联系方式和证明材料。"
    certificate_number: str = r"^[A-Z]{2,10}-\d{4}-\d{4}$"  # the scheme numbers must match
    validity_years: int = 3
    surveillance_months: int = 12
    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(frozenset(self.holidays), frozenset(self.workdays))

    def number_matches(self, number: str) -> bool:
        # ASCII: \d must not accept full-width or other Unicode digits (ＺＸＧＪ-２０２６-…).
        return re.fullmatch(self.certificate_number, number, re.ASCII) is not None


@dataclass(frozen=True)
class PageSettings:
    """What the authority shows on the public pages, and how (guide 4 g: confidentiality; PIPL)."""

    authority_name: str = "评估管理机构"  # who issues and publishes the certificates
    authority_contact: str = ""  # how a visitor reports a suspected forged certificate
    in_progress: str = "show"  # assessments without a conclusion yet: show (as 进行中) or hide
    participant_names: str = "masked"  # the assessed organisation's staff: full, masked (刘**), hidden
    team_names: str = "full"  # the assessment team: full, masked, hidden
    icp_number: str = ""  # ICP 备案号, shown in the footer with its official link
    police_number: str = ""  # 公安机关互联网站安全管理备案号 (公安备案号)
    # Rows per page of a long list (assessments, a section of the certificates): a row is about 0.6 KB
    # (1.5 KB with long names and several models), so 200 keep a page near 130 KB, under 500 KB at worst,
    # whatever the number of assessments.
    list_page_size: int = 200


NAME_POLICIES = ("full", "masked", "hidden")


@dataclass(frozen=True)
class SiteSettings:
    """What the site generator knows about the site (from ``mkdocs.yml``'s top level)."""

    name: str = ""
    url: str | None = None  # the public address: QR codes, JSON and the feed use it
    directory_urls: bool = True
    docs_dir: str = "docs"  # the hand-written pages, relative to mkdocs.yml: where ``maturity render`` writes
    # The site's own stylesheets and scripts as mkdocs.yml lists them: a generator that does not run the
    # plugin loads the generated pages' CSS and JavaScript only when they are listed here.
    extra_css: tuple[str, ...] = ()
    extra_javascript: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    root: Path = Path(".")  # the folder of mkdocs.yml: every relative path below is relative to it
    config_file: Path | None = None
    enabled: bool = True
    model: Path | None = None  # None: the built-in T/ZXGJXH 002—2023 model file
    models: tuple[Path, ...] = ()  # more model files the site knows (other schemes, other versions)
    assessments_dir: str = "assessments"
    evidence_dir: str = "evidence"
    private_evidence_dir: Path | None = None  # the assessment body's folder of evidence kept out of git
    templates_dir: str = "templates"
    assessors: str = "assessors.yml"  # the authority's register of assessors; no such file: no register
    max_file_size: int = 2 * 1024 * 1024
    build_date: dt.date | None = None  # None: SOURCE_DATE_EPOCH if set, else today
    history: bool = True
    overview_marker: str = "<!-- maturity:overview -->"
    english: bool = False  # an English edition of every generated page under en/ (maturity.publish.build)
    csp: bool = True  # every HTML page carries a Content-Security-Policy meta tag (maturity.publish.csp)
    cache: bool = True  # keep checked data files and the git history in .cache/maturity/ between runs (maturity.cache)
    jobs: int = 0  # processes that parse data files and score git history (cold run), render pages: 0 as many as cores, 1 none
    # Who indexes the generated pages: material (the theme's search, one index loaded whole: linear in N) or
    # pagefind (a search page over Pagefind's split index: a search downloads a small part; maturity.publish.pagefind)
    search: str = "material"
    publication: PublicationSettings = field(default_factory=PublicationSettings)
    pages: PageSettings = field(default_factory=PageSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    strict: bool = False  # mkdocs.yml's own ``strict``: warnings fail the build

    @property
    def assessments_path(self) -> Path:
        return self.root / self.assessments_dir

    @property
    def evidence_path(self) -> Path:
        return self.root / self.evidence_dir

    @property
    def templates_path(self) -> Path:
        return self.root / self.templates_dir

    @property
    def assessors_path(self) -> Path | None:
        return self.root / self.assessors if self.assessors else None

    def today(self) -> dt.date:
        """The date the site describes: the option, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
        if self.build_date is not None:
            return self.build_date
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            try:
                return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
            except (ValueError, OverflowError, OSError) as exc:
                raise SettingsError(f"环境变量 SOURCE_DATE_EPOCH（{epoch!r}）不是有效的时间戳") from exc
        return dt.date.today()

    def fails(self, d: Diagnostic, strict: bool | None = None) -> bool:
        """Whether ``d`` fails a run: errors always, warnings when strict, notes never."""
        if d.severity is Severity.ERROR:
            return True
        return d.severity is Severity.WARNING and (self.strict if strict is None else strict)

    def failures(self, diagnostics: Iterable[Diagnostic], strict: bool | None = None) -> list[Diagnostic]:
        return [d for d in diagnostics if self.fails(d, strict)]

    def cache_key(self) -> str:
        """These settings as the build cache keys what it keeps by them (remembered verdicts, rendered pages): without
        what changes no finding and no page (``strict``, ``jobs``, ``cache``), so that the build, ``maturity check``
        and ``maturity validate`` share what each of them kept; and without where the repository is (paths within
        it relative to it, as the options name them), so that a checkout in another folder, or a root named by a
        relative path, finds what another kept (docs/performance.md#relocatable)."""
        root = self.root.absolute()

        def named(path: Path | None) -> Path | None:
            if path is None:
                return None
            path = path.absolute()
            return path.relative_to(root) if path.is_relative_to(root) else path  # elsewhere: as it is

        return repr(replace(self, root=Path("."), config_file=named(self.config_file), model=named(self.model),
                            models=tuple(map(named, self.models)), private_evidence_dir=named(self.private_evidence_dir),
                            strict=False, jobs=0, cache=True))

    def with_overrides(self, **changes: Any) -> "Settings":
        """A copy with some values replaced (command-line flags); None leaves a value as it is."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# -- the plugin's options, one table for the plugin and the commands -------------------------------

@dataclass(frozen=True)
class Option:
    name: str
    kind: str  # bool, int, str, optional-str, optional-date, dates, or "choice:a|b|c"
    default: Any
    help: str


_P = PublicationSettings()
_G = PageSettings()
OPTIONS: tuple[Option, ...] = (
    Option("enabled", "bool", True, "关闭时插件什么也不做"),
    Option("model", "optional-str", None, "默认模型文件（相对于 mkdocs.yml）；空：内置 T/ZXGJXH 002—2023"),
    Option("models", "strs", [], "站点还使用的其他模型文件（其他评价体系、其他版本），相对于 mkdocs.yml"),
    Option("assessments_dir", "str", "assessments", "评估文件夹所在目录"),
    Option("evidence_dir", "str", "evidence", "证据登记和文件所在目录"),
    Option("private_evidence_dir", "optional-str", None, "仓库之外的保密证据目录（storage: private 的证据），通常用 !ENV 按机器设置"),
    Option("templates_dir", "str", "templates", "覆盖内置模板的目录"),
    Option("assessors", "str", "assessors.yml", "评估人员登记（相对于 mkdocs.yml）；文件不存在时不使用登记"),
    Option("max_file_size", "int", 2 * 1024 * 1024, "每个数据文件的最大字节数"),
    Option("build_date", "optional-date", None, "状态计算日期 YYYY-MM-DD；空：SOURCE_DATE_EPOCH，否则今天"),
    Option("history", "bool", True, "在报告页显示 git 修改历史"),
    Option("overview_marker", "str", "<!-- maturity:overview -->", "首页中替换为统计概览的标记"),
    Option("csp", "bool", True, "每个 HTML 页面加入内容安全策略（CSP）：只允许本站自己的脚本和样式"),
    Option("cache", "bool", True, "在 .cache/maturity/ 中保留检查过的数据文件、证据文件的 SHA-256、git 历史、通过的结论和渲染好的页面，下次只重新解析、检查和渲染改动过的部分"),
    Option("jobs", "int", 0, "用几个进程：冷构建（缓存中没有的文件很多时）解析和检查数据文件、为 git 历史计分；页面很多时渲染页面（Linux）。0 按 CPU 核数；1 只用主进程"),
    Option("search", "choice:material|pagefind", "material", "生成页面的站内搜索：material 用主题的搜索；pagefind 用 Pagefind 建索引并生成查找页（大规模站点）"),
    Option("english", "bool", False, "在 en/ 下同时发布所有生成页面的英文版（报告、机构、证书、列表、查询页、首页概览）"),
    Option("announcement_days", "int", _P.announcement_days, "公示期（工作日）"),
    Option("objection_contact", "str", _P.objection_contact, "公示期内提出异议的方式"),
    Option("certificate_number", "str", _P.certificate_number, "证书编号规则（正则表达式，ASCII）"),
    Option("validity_years", "int", _P.validity_years, "证书有效期（年）"),
    Option("surveillance_months", "int", _P.surveillance_months, "年度监督间隔（月）"),
    Option("holidays", "dates", [], "日历数据未覆盖年份的额外休息日"),
    Option("workdays", "dates", [], "日历数据未覆盖年份的额外调休工作日"),
    Option("authority_name", "str", _G.authority_name, "评估管理机构的名称（证书页、页脚、订阅）"),
    Option("authority_contact", "str", _G.authority_contact, "举报疑似伪造证书的联系方式（证书查询页）"),
    Option("in_progress", "choice:show|hide", _G.in_progress, "尚无结论的评估：show 显示为进行中；hide 不发布"),
    Option("participant_names", "choice:full|masked|hidden", _G.participant_names, "被评估方人员姓名：full、masked（刘**）、hidden"),
    Option("team_names", "choice:full|masked|hidden", _G.team_names, "评估组成员姓名：full、masked、hidden"),
    Option("icp_number", "str", _G.icp_number, "ICP 备案号（页脚，链接到工业和信息化部备案系统）"),
    Option("police_number", "str", _G.police_number, "公安备案号（页脚，链接到全国互联网安全管理服务平台）"),
    Option("list_page_size", "int", _G.list_page_size, "评估结果和证书列表每页的行数；更多的行分到 page/2/ 等后续页"),
)
OPTION_NAMES = tuple(o.name for o in OPTIONS)
MAX_JOBS = 64
_PAGE_OPTIONS = ("authority_name", "authority_contact", "in_progress", "participant_names", "team_names", "icp_number",
                 "police_number", "list_page_size")
_PUBLICATION_OPTIONS = ("announcement_days", "objection_contact", "certificate_number", "validity_years",
                        "surveillance_months", "holidays", "workdays")


def from_options(options: Mapping[str, Any], *, root: Path | str = ".", config_file: Path | None = None,
                 site: SiteSettings | None = None, strict: bool = False) -> Settings:
    """Settings from the plugin's options (as MkDocs validated them, or as read from mkdocs.yml)."""
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise SettingsError(f"未知的选项 {'、'.join(unknown)}；可用选项：{'、'.join(OPTION_NAMES)}")
    values = {o.name: _checked(o, options[o.name]) if options.get(o.name) is not None else o.default for o in OPTIONS}
    try:
        re.compile(values["certificate_number"], re.ASCII)
    except re.error as exc:
        raise SettingsError(f"certificate_number 不是有效的正则表达式：{exc}") from exc
    for name in ("announcement_days", "validity_years", "surveillance_months", "max_file_size", "list_page_size"):
        if values[name] < 1:
            raise SettingsError(f"{name} 应为正整数，实际为 {values[name]}")
    if not 0 <= values["jobs"] <= MAX_JOBS:
        raise SettingsError(f"jobs 应为 0 到 {MAX_JOBS} 之间的整数（0：按 CPU 核数），实际为 {values['jobs']}")
    if values["announcement_days"] > 366 or values["validity_years"] > 100 or values["surveillance_months"] > 1200:
        raise SettingsError("announcement_days / validity_years / surveillance_months 超出合理范围")
    publication = PublicationSettings(**{k: tuple(values[k]) if k in ("holidays", "workdays") else values[k]
                                         for k in _PUBLICATION_OPTIONS})
    root = Path(root)
    return Settings(
        root=root, config_file=config_file, enabled=values["enabled"],
        model=(root / values["model"]) if values["model"] else None,
        models=tuple(root / p for p in values["models"]),
        private_evidence_dir=(root / values["private_evidence_dir"]) if values["private_evidence_dir"] else None,
        assessments_dir=values["assessments_dir"], evidence_dir=values["evidence_dir"],
        templates_dir=values["templates_dir"], assessors=values["assessors"], max_file_size=values["max_file_size"],
        build_date=values["build_date"], history=values["history"], overview_marker=values["overview_marker"],
        csp=values["csp"], cache=values["cache"], jobs=values["jobs"], english=values["english"], search=values["search"],
        publication=publication, pages=PageSettings(**{k: values[k] for k in _PAGE_OPTIONS}),
        site=site or SiteSettings(), strict=strict,
    )


def _checked(option: Option, value: Any) -> Any:
    name, kind = option.name, option.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise SettingsError(f"{name} 应为 true 或 false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{name} 应为整数，实际为 {value!r}")
        return value
    if kind in ("str", "optional-str"):
        if not isinstance(value, str):
            raise SettingsError(f"{name} 应为文字，实际为 {value!r}")
        return value
    if kind.startswith("choice:"):
        allowed = kind.split(":", 1)[1].split("|")
        if value not in allowed:
            raise SettingsError(f"{name} 应为 {' / '.join(allowed)} 之一，实际为 {value!r}")
        return value
    if kind == "optional-date":
        return _date(name, value)
    if kind == "strs":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{name} 应为文字列表，如 [models/other.yml]")
        return list(value)
    if kind == "dates":
        if not isinstance(value, (list, tuple)):
            raise SettingsError(f"{name} 应为日期列表，如 [2031-01-01]")
        return [_date(name, v) for v in value]
    raise AssertionError(kind)  # pragma: no cover


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise SettingsError(f"{name} 中的“{value}”不是有效日期（应为 YYYY-MM-DD）") from exc
    why = check_date_range(value)
    if why:
        raise SettingsError(f"{name} 中的日期 {value}：{why}")
    return value


# -- reading mkdocs.yml ------------------------------------------------------------------------------

class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: !ENV resolved from the environment, other tags read as nothing."""


def _env(loader: yaml.SafeLoader, node: yaml.Node):
    # As pyyaml_env_tag (MkDocs' !ENV): !ENV NAME, or !ENV [NAME, OTHER, default] — the first variable
    # that is set, its value typed like a plain YAML scalar; else the default.
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    else:
        children = list(node.value)
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_config(config_file: Path, _seen: tuple[Path, ...] = ()) -> dict:
    """The whole of ``mkdocs.yml`` as data, with INHERIT applied the way MkDocs does (deep merge)."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except OSError as exc:
        raise SettingsError(f"无法读取 {config_file}：{exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise SettingsError(f"{config_file} 不是有效的 YAML：{' '.join(str(exc).split())}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{config_file} 的顶层应为映射（键: 值）")
    parent = data.pop("INHERIT", None)
    if parent:
        base_file = (config_file.parent / str(parent)).resolve()
        if base_file in _seen:
            raise SettingsError(f"{config_file} 的 INHERIT 形成循环")
        data = _merge(read_config(base_file, _seen + (base_file,)), data)
    return data


def _merge(base: dict, overlay: dict) -> dict:
    out = dict(base)
    for key, value in overlay.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def plugin_options(config: dict) -> dict | None:
    """The ``maturity`` plugin's options in a read mkdocs.yml; None when the plugin is not listed."""
    plugins = config.get("plugins") or []
    entries = plugins.items() if isinstance(plugins, dict) else (
        ((e, {}) if isinstance(e, str) else next(iter(e.items())) if isinstance(e, dict) and len(e) == 1 else (None, None))
        for e in plugins)
    for name, options in entries:
        if name == PLUGIN:
            if options is not None and not isinstance(options, dict):
                raise SettingsError("mkdocs.yml 中 maturity 插件的选项应为映射")
            return dict(options or {})
    return None


def site_settings(config: dict) -> SiteSettings:
    url = config.get("site_url")
    directory_urls = config.get("use_directory_urls", True)
    if not isinstance(directory_urls, bool):
        raise SettingsError("use_directory_urls 应为 true 或 false")
    docs_dir = config.get("docs_dir", "docs")
    if not isinstance(docs_dir, str) or not docs_dir:
        raise SettingsError("docs_dir 应为目录名，如 docs")
    return SiteSettings(name=str(config.get("site_name") or ""), url=str(url) if url else None,
                        directory_urls=directory_urls, docs_dir=docs_dir,
                        extra_css=_paths(config.get("extra_css")), extra_javascript=_paths(config.get("extra_javascript")))


def _paths(value) -> tuple[str, ...]:
    """extra_css / extra_javascript: each entry a path, or a mapping with ``path`` (MkDocs' ExtraScript)."""
    out = []
    for entry in value or []:
        path = entry.get("path") if isinstance(entry, dict) else entry
        if isinstance(path, str):
            out.append(path)
    return tuple(out)


def load_settings(root: Path | str = ".", config_file: Path | str | None = None) -> Settings:
    """The settings of the repository at ``root``: its mkdocs.yml (or ``config_file``), else the defaults."""
    root = Path(root)
    file = Path(config_file) if config_file else root / CONFIG_FILE
    if not file.is_file():
        if config_file:
            raise SettingsError(f"找不到配置文件 {file}")
        return Settings(root=root)
    config = read_config(file)
    options = plugin_options(config)
    return from_options(options or {}, root=file.parent, config_file=file, site=site_settings(config),
                        strict=config.get("strict") is True)
