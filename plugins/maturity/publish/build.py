"""Build every generated page and file of the site from a loaded :class:`~maturity.repository.Repository`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import jinja2

from maturity.data import classification
from maturity import i18n
from maturity.data.assessment import Assessment
from maturity.data.evidence import as_date
from maturity.diagnostics import Diagnostic, Severity
from maturity.publish import badges, charts, feed, outputs, records, richtext, urls
from maturity.publish.site import Asset, Copy, Page, Site
from maturity.repository import Repository
from maturity.scoring import display
from maturity.settings import Settings

STATIC = ("maturity.css", "maturity.js")


def public_evidence_files(repo: Repository, published: list[Assessment]) -> list[Copy]:
    """Public evidence cited by published assessments — and nothing else."""
    out = {}
    for a in published:
        register = repo.registers.get(a.organisation["id"])
        if register is None:
            continue
        cited = {ref for s in a.scores.values() for ref in s.evidence}
        for ref in sorted(cited):
            item = register.items.get(ref)
            if item and item.publishable and item.path is not None and item.file:
                out[urls.evidence_site_path(register.organisation, item.file)] = item.path
    return [Copy(path, source) for path, source in sorted(out.items())]


def environment(settings: Settings) -> jinja2.Environment:
    loaders = []
    if settings.templates_path.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(settings.templates_path)))
    loaders.append(jinja2.PackageLoader("maturity.publish", "templates"))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["score"] = display
    env.filters["md"] = richtext.render
    env.filters["md_inline"] = richtext.render_inline
    env.filters["texts"] = lambda v: [] if v is None else ([v] if isinstance(v, str) else list(v))
    env.globals.update(t=i18n.t, KINDS=i18n.labels("kinds"), STAGES=i18n.labels("stages"), ROLES=i18n.labels("roles"),
                       METHODS=i18n.labels("methods"), CLASSES=i18n.labels("classes"), STATUS=i18n.labels("status"),
                       EVENTS=i18n.labels("events"), OUTCOMES=i18n.labels("outcomes"))
    return env


def published_assessments(repo: Repository) -> list[Assessment]:
    """Assessments whose files carry no error and whose scores could be computed."""
    invalid = repo.invalid_assessments()
    return [a for a in repo.assessments if a.id not in invalid and a.id in repo.results]


def static_assets() -> list[Asset]:
    folder = resources.files("maturity.publish").joinpath("assets")
    return [Asset(f"{urls.ASSET_DIR}/{name}", folder.joinpath(name).read_text(encoding="utf-8")) for name in STATIC]


def build_site(repo: Repository, *, history=None, commit: str | None = None) -> Site:
    """Every page and file of the site. ``history`` is a :class:`maturity.exchange.history.History` (or None)."""
    settings = repo.settings
    today = settings.today()
    site_settings = settings.site
    env = environment(settings)
    links = urls.Links(site_settings.directory_urls)
    model = repo.model
    published = sorted(published_assessments(repo), key=lambda a: (a.reference_date or dt.date.min, a.id), reverse=True)
    categories = classification.categories()

    def category_name(code: str) -> str:
        return " / ".join(classification.path_names(code)) if code in categories else code

    public = records.public_records(published, repo.results, settings.publication, today)
    by_assessment = {r.assessment.id: r for r in public}
    certified = sorted((r for r in public if r.standing.certificate), key=lambda r: (r.standing.certificate.issued, r.standing.certificate.number), reverse=True)

    common = dict(model=model, links=links, level_name=model.level_name, category_name=category_name,
                  results=repo.results, records=public, by_assessment=by_assessment, certified=certified,
                  assessment_uri=urls.assessment_uri, organisation_uri=urls.organisation_uri,
                  certificate_uri=urls.certificate_uri, badge_path=urls.badge_path,
                  build_date=today,
                  settings=settings.publication, history=history, commit=commit, site_url=site_settings.url,
                  absolute=lambda path: urls.absolute(site_settings.url, path))
    site = Site(styles=(f"{urls.ASSET_DIR}/maturity.css",), scripts=(f"{urls.ASSET_DIR}/maturity.js",))
    site.assets.extend(static_assets())

    def render(src_uri: str, template: str, title: str, toc=(), search_template: str | None = None, source: str = "",
               **context) -> None:
        links.current = src_uri
        try:
            html = env.get_template(template).render(**common, **context)
            search_html = env.get_template(search_template).render(**common, **context) if search_template else None
        except Exception as exc:  # a template (the site's own, maybe) or data the checks missed: said, located, not a traceback
            site.diagnostics.append(Diagnostic.make(source or settings.templates_dir, 0, 0, "MAT900", Severity.ERROR,
                                                    page=src_uri, error=f"{type(exc).__name__}: {exc}"))
            return
        site.pages.append(Page(src_uri, title, html, tuple(toc), search_html))

    for a in published:
        result = repo.results[a.id]
        register = repo.registers.get(a.organisation["id"])
        render(urls.assessment_uri(a.id), "report.html", f"{a.organisation['name']} · {model.level_name(a.applied_level)}评估报告",
               REPORT_TOC, search_template="report_search.html", source=a.record_doc.path, a=a, result=result,
               evidence=_evidence_view(a, register),
               rows=_requirement_rows(model, a), timeline=_timeline(a),
               charts=_charts(model, a, result), evidence_path=urls.evidence_site_path)

    render(urls.ASSESSMENTS_INDEX, "index.html", "评估结果一览", search_template="index_search.html", assessments=published)

    by_org: dict[str, list[Assessment]] = {}
    for a in published:
        by_org.setdefault(a.organisation["id"], []).append(a)
    for org_id, items in sorted(by_org.items()):
        items = sorted(items, key=lambda a: (a.reference_date or dt.date.min, a.id))
        name = items[-1].organisation["name"]
        own = [by_assessment[a.id] for a in items if a.id in by_assessment]
        site.assets.append(Asset(urls.badge_path(org_id), badges.organisation_badge(own, model, name)))
        render(urls.organisation_uri(org_id), "organisation.html", name, organisation=items[-1].organisation, assessments=items)

    render(urls.CERTIFICATES_INDEX, "certificates.html", "证书公示", toc=CERTIFICATES_TOC)
    render(urls.VERIFY, "verify.html", "证书查询", level_names={str(lv.level): lv.name for lv in model.levels},
           status_names=i18n.labels("status"), authority=settings.pages)
    for r in certified:
        cert = r.standing.certificate
        record = records.certificate_record(r, model, settings)
        qr = badges.qr_svg(record.url, f"证书 {cert.number} 查询页二维码") if site_settings.url else None
        site.assets.append(Asset(urls.certificate_json_path(cert.number), records.dumps(record.to_json())))
        render(urls.certificate_uri(cert.number), "certificate.html", f"证书 {cert.number}", r=r, a=r.assessment, cert=cert,
               result=r.result, qr=qr, page_url=record.url, json_path=urls.certificate_json_path(cert.number))
    site.assets.append(Asset(urls.CERTIFICATES_JSON, records.certificate_register(public, model, settings, today).dumps()))
    site.assets.append(Asset(urls.FEED, feed.atom_feed(public, model, today, site_settings)))
    site.copies.extend(public_evidence_files(repo, published))
    site.fragments["overview"] = lambda src_uri: overview_html(repo, env, public, src_uri)
    site.diagnostics.extend(outputs.check(site, settings.templates_dir))
    return site


CERTIFICATES_TOC = ((2, "current", "有效证书"), (2, "announced", "公示中"), (2, "history", "历史证书"), (2, "data", "数据与订阅"))


def overview_html(repo: Repository, env: jinja2.Environment, public: list, src_uri: str) -> str:
    """The counts for the home page (by level, region and category), as an HTML fragment for the page ``src_uri``."""
    links = urls.Links(repo.settings.site.directory_urls, src_uri)
    published = published_assessments(repo)
    model = repo.model
    formal = [a for a in published if not a.is_self_assessment]
    by_level = Counter(a.applied_level for a in published)
    recommended = Counter(repo.results[a.id].recommended_level for a in formal)
    certified = Counter(r.standing.certificate.level for r in public if r.standing.is_current)
    regions = Counter(a.organisation["region"] for a in published)
    cats = Counter(classification.path_names(a.organisation["category"])[0] if a.organisation["category"] in classification.categories()
                   else a.organisation["category"] for a in published)
    return env.get_template("overview.html").render(
        model=model, links=links, total=len(published), formal=len(formal), by_level=by_level, recommended=recommended,
        certified=certified, regions=sorted(regions.items(), key=lambda kv: (-kv[1], kv[0])),
        categories=sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])))


REPORT_TOC = (
    (2, "conclusion", "总体结论"), (2, "objectives", "评估目标"), (2, "scope", "评估范围"), (2, "participants", "参与人员"),
    (2, "dates", "日期和地点"), (2, "criteria", "评估准则"), (2, "domains", "各能力项评估结果"),
    (2, "adherence", "准则遵循情况"), (2, "disagreements", "未解决的分歧"), (2, "actions", "改进措施"), (2, "evidence", "证据清单"),
    (2, "history", "修改历史"),
)


@dataclass(frozen=True)
class RequirementRow:
    """One line of a report's requirement table, ready to print (templates stay simple and fast)."""

    id: str
    text: str
    score: str
    label: str
    css: str
    evidence: tuple[str, ...]
    note: str


def _requirement_rows(model, a: Assessment) -> dict[str, list[RequirementRow]]:
    shown = {s.value: (display(s.value, 1), s.label, f"mt-s{int(s.value * 10)}") for s in model.scale}
    rows: dict[str, list[RequirementRow]] = {}
    for ad in model.assessment_domains_at(a.applied_level):
        out = rows[ad.code] = []
        for r in ad.requirements_at(a.applied_level):
            s = a.scores[r.id]
            score, label, css = shown[s.value]
            out.append(RequirementRow(r.id, r.text, score, label, css, s.evidence, s.note))
    return rows


DATED_STEPS = ("started", "applied", "accepted", "plan_confirmed", "on_site_start", "on_site_end", "report", "submitted")


def _timeline(a: Assessment) -> list[tuple[str, str, str]]:
    """Every dated step of the assessment, in date order (8.3.13 d: dates and places)."""
    rec = a.record
    steps = []
    for n, key in enumerate(DATED_STEPS):
        if rec.get("dates", {}).get(key):
            steps.append((as_date(rec["dates"][key]), n, i18n.t(f"steps.{key}"), ""))
    for i, r in enumerate(rec.get("document_reviews", [])):
        detail = r["conclusion"] + (f"（{r['notes']}）" if r.get("notes") else "")
        steps.append((as_date(r["date"]), 10 + i, i18n.t("steps.document_review", round=r.get("round", i + 1)), detail))
    for i, m in enumerate(rec.get("meetings", [])):
        chair = i18n.t("steps.chair", name=m["chair"]) if m.get("chair") else ""
        detail = "，".join(x for x in (m.get("place", ""), chair) if x)
        steps.append((as_date(m["date"]), 20 + i, i18n.t(f"meetings.{m['kind']}"), detail))
    steps = sorted((s for s in steps if s[0] is not None), key=lambda s: (s[0], s[1]))
    return [(day.isoformat(), label, detail) for day, _, label, detail in steps]


def _evidence_view(a: Assessment, register) -> dict:
    """The evidence items this assessment cites, by id (unknown ids are impossible for a published one)."""
    cited = sorted({ref for s in a.scores.values() for ref in s.evidence})
    return {ref: register.items[ref] for ref in cited if register and ref in register.items}


def _charts(model, a: Assessment, result) -> dict:
    applied = result.applied
    out = {}
    if applied is not None:
        axes = [(cd.name, applied.domains[cd.code]) for cd in model.capability_domains if cd.code in applied.domains]
        out["radar"] = charts.radar(f"radar-{a.id}", axes, model.threshold)
    out["bars"] = charts.level_bars(f"bars-{a.id}", [(model.level_name(lv), r.score, r.conforms) for lv, r in result.levels.items()],
                                    model.threshold)
    columns = [model.level_name(lv) for lv in result.levels]
    rows = []
    for ad in model.assessment_domains:
        values = [r.assessment_domains.get(ad.code) for r in result.levels.values()]
        if any(v is not None for v in values):
            rows.append((f"{ad.name}", values))
    out["heatmap"] = charts.heatmap(f"heat-{a.id}", rows, columns)
    return out
