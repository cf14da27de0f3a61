"""Build every generated page and file of the site from a loaded :class:`~maturity.repository.Repository`.

What a page may say depends on the assessment's stage (guide 8.2.5, 8.3.13): from the stage of
conclusion on, its report shows the scores, the verdict and the recommended (or, for a
self-assessment, predicted) level; before it, a progress page shows the stage and its dates, and
the assessment is left out of every result count and listing (or, with ``in_progress: hide``, off
the site).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Callable

import jinja2
from markupsafe import escape

from maturity import i18n
from maturity.data import classification
from maturity.data.assessment import Assessment
from maturity.diagnostics import Diagnostic, Severity
from maturity.data.parallel import processes
from maturity.publish import badges, feed, forked, outputs, records, richtext, urls, viewer, views
from maturity.publish.paging import Pager, paginate
from maturity.publish.rendered import RenderedPages
from maturity.publish.site import Asset, Copy, Packed, Page, Site, Spool
from maturity.repository import Repository
from maturity.scoring import display, exact
from maturity.settings import Settings

STATIC = ("maturity.css", "maturity.js")
FIND_SCRIPT = "find.js"  # starts Pagefind's search UI on the search page (search: pagefind)
# The list pages leave out the table of contents: its column would sit empty beside their wide tables.
LIST_HIDE = ("toc",)
# The sections of the certificates page, in order: (anchor, statuses, table). The tables (_certificates.html):
# "certificates", "certificates_why" (with a "since / why" column), "announced", "pending".
CERTIFICATE_SECTIONS = (("valid", ("valid",), "certificates"),
                        ("surveillance_overdue", ("surveillance_overdue",), "certificates_why"),
                        ("suspended", ("suspended",), "certificates_why"), ("announced", ("announced",), "announced"),
                        ("pending", ("pending",), "pending"), ("history", ("expired", "revoked"), "certificates_why"))
# What the pages of one assessment (report, progress, certificate) do not see: the site-wide lists and the commit
# the site is built from (their tail instead). What they see is their own: :mod:`maturity.publish.rendered`.
SITE_WIDE = ("models", "results", "records", "by_assessment", "certified", "history", "commit")
# Rows of each section on the certificates page itself (at most a list page's): six sections of at most 20
# rows keep that page small at any N; a longer section links its own paged list.
SECTION_PREVIEW = 20


@dataclass(frozen=True)
class Section:
    """One section of the certificates page with every record it lists."""

    key: str
    table: str
    items: list

    @property
    def uri(self) -> str:
        return urls.certificate_section_uri(self.key)


def certificate_sections(public: list, certified: list) -> list[Section]:
    """The sections with their records: certificates newest first, announcements in the register's order."""
    out = []
    for key, statuses, table in CERTIFICATE_SECTIONS:
        pool = certified if table.startswith("certificates") else public
        out.append(Section(key, table, [r for r in pool if r.standing.status in statuses]))
    return out


def paged_title(title: str, pager: Pager, tr: i18n.Translator) -> str:
    """A list page's title: the list's own on page 1, with the page number after it on the others."""
    return title if pager.number == 1 else tr("page.pager.title", title=title, n=pager.number)


def public_evidence(repo: Repository, published: list[Assessment]) -> dict[str, tuple]:
    """Public evidence cited by published assessments — and nothing else: site path -> (item, organisation name)."""
    out = {}
    for a in published:
        register = repo.registers.get(a.organisation["id"])
        if register is None:
            continue
        for ref in a.cited:
            item = register.items.get(ref)
            if item and item.publishable and item.path is not None and item.file:
                out.setdefault(urls.evidence_site_path(register.organisation, item.file), (item, a.organisation["name"]))
    return out


def public_evidence_files(repo: Repository, published: list[Assessment]) -> list[Copy]:
    return [Copy(path, item.path) for path, (item, _) in sorted(public_evidence(repo, published).items())]


def evidence_link(org: str, file: str) -> str:
    """Where a report links a public evidence file: to its viewer for text (shown in UTF-8), else to the file."""
    path = urls.evidence_site_path(org, file)
    return viewer.viewer_path(path) if viewer.is_text(file) else path


def environment(settings: Settings, tr: i18n.Translator | None = None) -> jinja2.Environment:
    """The templates' environment for one edition: ``tr`` gives its words (Chinese by default)."""
    tr = tr or i18n.translator(i18n.DEFAULT)
    loaders = []
    if settings.templates_path.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(settings.templates_path)))
    loaders.append(jinja2.PackageLoader("maturity.publish", "templates"))
    # One environment per build: a template need not be checked for changes on disk each time a page asks for it
    # (``auto_reload``: the template's file looked up again on each call, some 3 % of rendering in a profile at
    # N = 1,000); the next build makes a new environment.
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, auto_reload=False)
    pages = settings.pages
    env.filters["score"] = display
    env.filters["exact"] = exact
    env.filters["md"] = richtext.render
    env.filters["md_inline"] = richtext.render_inline
    env.filters["texts"] = lambda v: [] if v is None else ([v] if isinstance(v, str) else list(v))
    env.filters["participant"] = lambda name: views.person(name, pages.participant_names, tr)
    env.filters["team_member"] = lambda name: views.person(name, pages.team_names, tr)
    env.globals.update(t=tr, lang=tr.lang, status_of=views.status_line, names_masked=pages.participant_names != "full",
                       authority=pages.authority_name, N=lambda thing, field="name": views.localised(thing, tr, field),
                       P=tr.labels("punct"),
                       KINDS=tr.labels("kinds"), STAGES=tr.labels("stages"), ROLES=tr.labels("roles"),
                       METHODS=tr.labels("methods"), CLASSES=tr.labels("classes"), STATUS=tr.labels("status"),
                       EVENTS=tr.labels("events"), OUTCOMES=tr.labels("outcomes"))
    return env


class Overview:
    """The home page's overview, made for the page that includes it (its links are relative to that page).

    It holds the counts, not the repository's data, and can be pickled: a build that prepares its site in a
    forked copy of the process (:func:`maturity.gate.prepare_apart`) gets it back and renders it there. The
    templates' environments go only as far as the process they were made in; another makes its own."""

    def __init__(self, settings: Settings, model, counts: dict, prefixes: dict[str, str], find_page: str | None,
                 environments: dict[str, jinja2.Environment] | None = None) -> None:
        self.settings, self.model, self.counts, self.prefixes, self.find_page = settings, model, counts, prefixes, find_page
        self._environments = dict(environments or {})

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_environments": {}}

    def __call__(self, src_uri: str) -> str:
        lang = "en" if src_uri.startswith(urls.ENGLISH) and "en" in self.prefixes else "zh"
        env = self._environments.get(lang)
        if env is None:
            env = self._environments[lang] = environment(self.settings, i18n.translator(lang))
        links = urls.Links(self.settings.site.directory_urls, src_uri, prefix=self.prefixes[lang])
        return env.get_template("overview.html").render(model=self.model, links=links, find_page=self.find_page,
                                                        **self.counts)


def published_assessments(repo: Repository) -> list[Assessment]:
    """Assessments whose files carry no error (and whose scores file could be read)."""
    invalid = repo.invalid_assessments()
    return [a for a in repo.assessments if a.id not in invalid and a.id in repo.results]


def has_result(repo: Repository, a: Assessment) -> bool:
    """The guide's stage of conclusion reached, every requirement scored: the assessment has a result to publish."""
    return a.concluded and repo.results[a.id].complete


def static_assets(names: tuple[str, ...] = STATIC) -> list[Asset]:
    folder = resources.files("maturity.publish").joinpath("assets")
    return [Asset(f"{urls.ASSET_DIR}/{name}", folder.joinpath(name).read_text(encoding="utf-8")) for name in names]


def editions(settings: Settings) -> list[tuple[i18n.Translator, str]]:
    """The editions of the generated pages: (translator, folder). Chinese at the root; English under en/ when on."""
    out = [(i18n.translator("zh"), "")]
    if settings.english:
        out.append((i18n.translator("en"), urls.ENGLISH))
    return out


def build_site(repo: Repository, *, history=None, commit: str | None = None, jobs: int = 1, contents: bool = True,
               spool: Spool | None = None) -> Site:
    """Every page and file of the site. ``history`` is a :class:`maturity.exchange.history.History` (or None);
    ``jobs``: processes that render the pages (the ``jobs`` option: 0 as many as cores; :mod:`.forked`);
    ``contents``: False for a site of which only the names are written (``maturity check``): a page or file the build
    cache holds is not read (:mod:`maturity.publish.rendered`), and cannot be written; ``spool``: where the packed
    pages and files are kept (:class:`~maturity.publish.site.Spool`; a new one by default).

    The pages are rendered once per edition (:func:`editions`) from the same templates; the data products
    (JSON, feed, badges, evidence and its viewer) are made once, from the Chinese pass, for both.
    """
    settings = repo.settings
    today = settings.today()
    site_settings = settings.site
    model = repo.model
    newest_first = lambda a: (a.reference_date or dt.date.min, a.id)  # noqa: E731
    valid = sorted(published_assessments(repo), key=newest_first, reverse=True)
    concluded = [a for a in valid if has_result(repo, a)]
    in_progress = [a for a in valid if not has_result(repo, a)] if settings.pages.in_progress == "show" else []
    categories = classification.categories()

    def category_name(code: str) -> str:
        return " / ".join(classification.path_names(code)) if code in categories else code

    # Only a concluded assessment is reviewed, announced and certified (8.4 follows the report).
    public = records.public_records(concluded, repo.results, settings.publication, today)
    by_assessment = {r.assessment.id: r for r in public}
    certified = sorted((r for r in public if r.standing.certificate), key=lambda r: (r.standing.certificate.issued, r.standing.certificate.number), reverse=True)

    models = sorted({a.model.key: a.model for a in concluded + in_progress if a.model}.values(), key=lambda m: m.key)
    site = Site(styles=(f"{urls.ASSET_DIR}/maturity.css",), scripts=(f"{urls.ASSET_DIR}/maturity.js",), spool=spool if spool is not None else Spool())
    site.add(*static_assets())
    fragments = {}
    english = settings.english
    # search: pagefind — the generated pages go to Pagefind (their short version) instead of the theme's
    # index, and each edition gets a search page. The lists are left out of both: they grow with N.
    with_pagefind = settings.search == "pagefind"
    if with_pagefind:
        site.add(*static_assets((FIND_SCRIPT,)))

    tasks: list[Callable[[], Page | Diagnostic]] = []  # every page, rendered once all are known
    keys: dict[int, str] = {}  # task -> the key its page is remembered under (pages of one assessment)
    remembered = RenderedPages.open(settings, read=contents)

    def report_evidence(a: Assessment) -> dict:
        return views.evidence_cited(a, repo.registers.get(a.organisation["id"]))

    def own_history(a: Assessment):
        """The history as a page of ``a`` sees it: only its own changes."""
        return None if history is None else dataclasses.replace(history, changes={a.id: history.changes.get(a.id, [])})

    report_shown: dict[str, str] = {}

    def shown_by_report(a: Assessment) -> str:
        """What a report shows besides its assessment (its evidence, standing and history), the same in both editions:
        one digest, worked out once."""
        found = report_shown.get(a.id)
        if found is None:
            r = by_assessment.get(a.id)
            found = report_shown[a.id] = RenderedPages.shown(report_evidence(a), r.standing if r else None, own_history(a))
        return found

    for tr, prefix in editions(settings):
        primary = not prefix  # the Chinese pass also makes the files both editions share
        env = environment(settings, tr)
        links = urls.Links(site_settings.directory_urls, prefix=prefix)

        def level_name(level, of: Assessment | None = None, tr=tr) -> str:
            """A level's name in the model of ``of`` (an assessment), else of the page's own assessment or the default."""
            return views.level_name(of.model if of is not None and of.model else model, level, tr)

        common = dict(model=model, links=links, level_name=level_name, category_name=category_name, models=models,
                      results=repo.results, records=public, by_assessment=by_assessment, certified=certified,
                      assessment_uri=urls.assessment_uri, organisation_uri=urls.organisation_uri,
                      certificate_uri=urls.certificate_uri, badge_path=urls.badge_path,
                      build_date=today, settings=settings.publication, history=history, commit=commit,
                      site_url=site_settings.url, absolute=lambda path: urls.absolute(site_settings.url, path),
                      find_page=urls.FIND if with_pagefind else None)
        own_common = {k: v for k, v in common.items() if k not in SITE_WIDE}
        tail = env.get_template("_built_from.html").render(common) if commit else ""

        def render(src_uri: str, template: str, title: str, toc=(), search_template: str | None = None, source: str = "",
                   hide: tuple[str, ...] = (), *, indexed: bool = False, unindexed: bool = False, wasm: bool = False,
                   own_only: bool = False, signed: bool = False, cached: Packed | None = None, env=env, links=links, common=common,
                   own_common=own_common, tail=tail, tr=tr, prefix=prefix, level_name=level_name, **context) -> Page | Diagnostic:
            page_uri = prefix + src_uri
            by_pagefind = bool(with_pagefind and (indexed or unindexed))  # out of the theme's index (Pagefind's, or none)
            own_tail = tail if signed else ""
            if cached is not None:  # remembered from an earlier build: made from exactly what this page shows now
                return Page.restored(page_uri, title, cached, toc, hide, by_pagefind, wasm, own_tail)
            links.current = page_uri
            values = {**(own_common if own_only else common), **context}
            own = context.get("a")
            if own is not None and own.model is not None:  # a page of one assessment speaks in its model's words
                values.update(model=own.model, level_name=lambda level, of=None: level_name(level, of or own))
            try:
                html = env.get_template(template).render(values)
                search_html = env.get_template(search_template).render(values) if search_template else None
            except Exception as exc:  # a template (the site's own, maybe) or data the checks missed: said, located, not a traceback
                return Diagnostic.make(source or settings.templates_dir, 0, 0, "MAT900", Severity.ERROR,
                                       page=page_uri, error=f"{type(exc).__name__}: {exc}")
            if english:  # each page links its counterpart in the other edition, in that edition's language
                html = edition_switch(links, tr, page_uri) + html
            find_html = None
            if by_pagefind:
                if indexed:
                    find_html = search_html
                search_html = None
            return Page(page_uri, title, html, tuple(toc), search_html, hide, by_pagefind, wasm, find_html, own_tail)

        def later(*args, render=render, **kwargs) -> None:
            """A page to render once every page is known (:func:`render_pages`)."""
            tasks.append(functools.partial(render, *args, **kwargs))

        def report(a: Assessment, cached: Packed | None = None, render=render, tr=tr):
            title = tr("page.report_title", name=a.organisation["name"])
            frame = dict(toc=_toc(REPORT_TOC, tr), search_template="report_search.html", indexed=True, own_only=True, signed=True)
            if cached is not None:
                return render(urls.assessment_uri(a.id), "report.html", title, cached=cached, **frame)
            result, r = repo.results[a.id], by_assessment.get(a.id)
            return render(urls.assessment_uri(a.id), "report.html", title, source=a.record_doc.path, **frame,
                          a=a, result=result, r=r, by_assessment={a.id: r} if r else {}, results={a.id: result},
                          history=own_history(a), evidence=report_evidence(a),
                          rows=views.requirement_rows(a.model, a, tr), timeline=views.timeline(a, tr),
                          charts=views.report_charts(a.model, a, result, tr), evidence_link=evidence_link)

        def progress(a: Assessment, cached: Packed | None = None, render=render, tr=tr):
            title = tr("page.progress_title", name=a.organisation["name"])
            frame = dict(toc=_toc(PROGRESS_TOC, tr), search_template="progress_search.html", indexed=True, own_only=True, signed=True)
            if cached is not None:
                return render(urls.assessment_uri(a.id), "progress.html", title, cached=cached, **frame)
            return render(urls.assessment_uri(a.id), "progress.html", title, source=a.record_doc.path, **frame,
                          a=a, history=own_history(a), timeline=views.timeline(a, tr),
                          reviews=a.record.get("document_reviews", []))

        def certificate(r, cached: Packed | None = None, render=render, tr=tr):
            cert = r.standing.certificate
            title = tr("page.certificate_title", number=cert.number)
            frame = dict(search_template="certificate_search.html", indexed=True, own_only=True, signed=True)
            if cached is not None:
                return render(urls.certificate_uri(cert.number), "certificate.html", title, cached=cached, **frame)
            record = records.certificate_record(r, settings)
            qr = badges.qr_svg(record.url, tr("page.qr_label", number=cert.number)) if site_settings.url else None
            return render(urls.certificate_uri(cert.number), "certificate.html", title, **frame, r=r, a=r.assessment,
                          cert=cert, result=r.result, qr=qr, page_url=record.url, json_path=urls.certificate_json_path(cert.number))

        def remembered_as(template: str, src_uri: str, assessments: list[Assessment], *shown, prefix=prefix, tr=tr) -> None:
            """The next task's page shows ``assessments`` (one, or an organisation's) and nothing else: remembered under
            the digest of what it shows."""
            key = remembered.key(f"{tr.lang}:{prefix}", template, prefix + src_uri, assessments, *shown)
            if key is not None:
                keys[len(tasks)] = key

        for a in concluded:
            remembered_as("report.html", urls.assessment_uri(a.id), [a], shown_by_report(a))
            tasks.append(functools.partial(report, a))
        for a in in_progress:
            remembered_as("progress.html", urls.assessment_uri(a.id), [a], own_history(a))
            tasks.append(functools.partial(progress, a))

        # One list, results first, then the assessments in progress, cut into pages of list_page_size rows.
        size = settings.pages.list_page_size
        in_progress_page = len(concluded) // size + 1 if in_progress else None
        for pager, rows in paginate(urls.ASSESSMENTS_INDEX, concluded + in_progress, size):
            split = max(0, min(len(concluded) - pager.start, len(rows)))
            heading = paged_title(tr("page.index_title"), pager, tr)
            page = dict(heading=heading, pager=pager, concluded=rows[:split], in_progress=rows[split:], total=len(concluded),
                        in_progress_total=len(in_progress), in_progress_page=in_progress_page)
            if remembered.lists:  # the built-in template sees its rows and the models: remembered by what it shows
                standings = [by_assessment[a.id].standing if a.id in by_assessment else None for a in rows]
                listed = [(m.key, m.id) for m in models]
                remembered_as("index.html", pager.src_uri, rows, RenderedPages.shown(
                    heading, pager, split, len(concluded), len(in_progress), in_progress_page, standings, listed))
                page.update(own_only=True, models=models, results={a.id: repo.results[a.id] for a in rows[:split]},
                            by_assessment={a.id: by_assessment[a.id] for a in rows if a.id in by_assessment})
            later(pager.src_uri, "index.html", heading, search_template="index_search.html", hide=LIST_HIDE, **page)

        by_org: dict[str, list[Assessment]] = {}
        for a in concluded + in_progress:
            by_org.setdefault(a.organisation["id"], []).append(a)
        for org_id, items in sorted(by_org.items()):
            items = sorted(items, key=newest_first)
            name = items[-1].organisation["name"]
            own = [by_assessment[a.id] for a in items if a.id in by_assessment]
            if primary:
                site.add(Asset(urls.badge_path(org_id), badges.organisation_badge(own, name)))
            current = sorted((r for r in own if r.standing.is_current), key=lambda r: r.standing.certificate.issued, reverse=True)
            remembered_as("organisation.html", urls.organisation_uri(org_id), items, [r.standing for r in own])
            later(urls.organisation_uri(org_id), "organisation.html", name, search_template="organisation_search.html",
                  indexed=True, own_only=True, organisation=items[-1].organisation, assessments=items, current=current,
                  results={a.id: repo.results[a.id] for a in items}, by_assessment={r.assessment.id: r for r in own})

        sections = certificate_sections(public, certified)
        later(urls.CERTIFICATES_INDEX, "certificates.html", tr("page.certificates_title"), toc=_certificates_toc(public, tr),
              hide=LIST_HIDE, unindexed=True, sections=sections, preview=min(SECTION_PREVIEW, size))
        for section in sections:
            name = tr("page.pager.section_title", title=tr("page.certificates_title"), section=tr(f"page.section.{section.key}"))
            for pager, rows in paginate(section.uri, section.items, size):
                heading = paged_title(name, pager, tr)
                later(pager.src_uri, "certificate_section.html", heading, hide=LIST_HIDE, unindexed=True,
                      heading=heading, pager=pager, section=section, rows=rows)
        later(urls.VERIFY, "verify.html", tr("page.verify_title"), hide=LIST_HIDE,
              level_names={m.id: {str(lv.level): views.localised(lv, tr) for lv in m.levels} for m in [model, *models]},
              status_names=tr.labels("status"), verify_words=tr.labels("verify_js"), default_model=model.id,
              pages=settings.pages)
        for r in certified:
            if primary:
                cert = r.standing.certificate
                site.add(Asset(urls.certificate_json_path(cert.number), records.dumps(records.certificate_record(r, settings).to_json())))
            remembered_as("certificate.html", urls.certificate_uri(r.standing.certificate.number), [r.assessment], r.standing)
            tasks.append(functools.partial(certificate, r))
        if with_pagefind:
            later(urls.FIND, "find.html", tr("page.find_title"), hide=LIST_HIDE, wasm=True,
                  find_words=tr.labels("find_ui"), find_script=f"{urls.ASSET_DIR}/{FIND_SCRIPT}")
        fragments[tr.lang] = (env, prefix)
    # A page the store holds is restored here, as its turn comes (not shared out to the processes that render);
    # one that turns out unreadable then is rendered here instead, and stored again.
    present = remembered.present(keys.values())
    ready = {i for i, key in keys.items() if key in present}
    for i in ready:
        tasks[i] = functools.partial(_restore, tasks[i], keys[i], remembered)
    results = render_pages(site, tasks, jobs, ready)
    for i, key in keys.items():
        if isinstance(results[i], Page):
            remembered.keep(key, results[i])

    site.add(Asset(urls.CERTIFICATES_JSON, records.certificate_register(public, settings, today).dumps()))
    site.add(Asset(urls.FEED, feed.atom_feed(public, today, site_settings)))
    evidence = public_evidence(repo, concluded)
    site.copies.extend(Copy(path, item.path) for path, (item, _) in sorted(evidence.items()))
    zh_env = fragments["zh"][0]
    site.add(*viewer.viewer_assets(zh_env, evidence, remembered))

    # The counts only: the fragment lives as long as the site, the repository's data need not.
    site.fragments["overview"] = Overview(settings, model, overview_counts(repo, concluded, in_progress, public),
                                          {lang: prefix for lang, (_, prefix) in fragments.items()},
                                          urls.FIND if with_pagefind else None,
                                          {lang: env for lang, (env, _) in fragments.items()})
    if english:
        tr = i18n.translator("en")
        links = urls.Links(site_settings.directory_urls, urls.ENGLISH_HOME, prefix=urls.ENGLISH)
        home = (edition_switch(links, tr, urls.ENGLISH_HOME) + f"<h1>{escape(tr('page.home_title'))}</h1>\n"
                + f"<p>{escape(tr('page.home_intro', authority=settings.pages.authority_name))}</p>\n"
                + site.fragments["overview"](urls.ENGLISH_HOME))
        site.add(Page(urls.ENGLISH_HOME, tr("page.home_title"), home, hide=LIST_HIDE))
        site.add(Asset(urls.ENGLISH + "sitemap.xml", english_sitemap(site, site_settings, today)))
    site.diagnostics.extend(outputs.check(site, settings.templates_dir, remembered))
    site.restored = remembered.taken
    remembered.close(prune=True)
    return site


def _restore(task: Callable, key: str, remembered: RenderedPages) -> Page | Diagnostic:
    """The page of ``task`` from the store, or rendered when the stored one cannot be read."""
    contents = remembered.get(key)
    return task(cached=contents) if contents is not None else task()


def render_pages(site: Site, tasks: list, jobs: int, ready: set[int] = frozenset()) -> list:
    """Render every page (on every core where :mod:`maturity.publish.forked` may), adding them in task order; the
    results, in task order. The tasks in ``ready`` only restore a remembered page: done here, not shared out."""
    def keep(item) -> None:  # spooled as it arrives: the pages wait on disk, not in memory, for the last one
        if isinstance(item, Page) and site.spool is not None:
            item.spill(site.spool)

    rendered = iter(forked.run([t for i, t in enumerate(tasks) if i not in ready], processes(jobs), receive=keep))
    results = []
    for i, task in enumerate(tasks):
        if i in ready:
            item = task()
            keep(item)
        else:
            item = next(rendered)
        results.append(item)
        if isinstance(item, Page):
            site.add(item)
        else:
            site.diagnostics.append(item)
    return results


def english_sitemap(site: Site, site_settings, today: dt.date) -> str:
    """The English edition's sitemap: Material's language selector reads ``en/sitemap.xml`` to open, from a
    Chinese page, the same page in English (and asks for it on every page, so it must exist)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for p in sorted(site.pages, key=lambda p: p.src_uri):
        if p.src_uri.startswith(urls.ENGLISH):
            loc = urls.absolute(site_settings.url, urls.url_of(p.src_uri, site_settings.directory_urls))
            lines.append(f"<url><loc>{escape(loc)}</loc><lastmod>{today.isoformat()}</lastmod></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def edition_switch(links: urls.Links, tr: i18n.Translator, page_uri: str) -> str:
    """The link from a page to the same page in the other edition (no script: it works everywhere).

    ``target="_self"`` keeps Material's language-selector script off this link: that script takes every link
    into /en/ for a switch of language and, knowing no English sitemap, would open the English home page.
    """
    other = i18n.translator("zh" if tr.lang == "en" else "en")
    target = urls.counterpart_uri(page_uri)
    return (f'<p class="mt-edition"><a href="{escape(links.page(target))}" hreflang="{other.lang}" lang="{other.lang}" '
            f'target="_self" data-mt-edition="{other.lang}">{escape(other("page.edition_link"))}</a></p>\n')


REPORT_TOC = ("conclusion", "objectives", "scope", "participants", "dates", "criteria", "domains", "adherence",
              "disagreements", "actions", "evidence", "history")
PROGRESS_TOC = ("progress", "scope", "participants", "dates", "history")


def _toc(anchors: tuple[str, ...], tr: i18n.Translator) -> tuple[tuple[int, str, str], ...]:
    return tuple((2, anchor, tr(f"page.toc.{anchor}")) for anchor in anchors)


def _certificates_toc(public: list, tr: i18n.Translator) -> tuple[tuple[int, str, str], ...]:
    anchors = ["valid", "surveillance_overdue", "suspended", "announced"]
    if any(r.standing.status == "pending" for r in public):
        anchors.append("pending")
    anchors += ["history", "data"]
    return tuple((2, anchor, tr(f"page.section.{anchor}")) for anchor in anchors)


def overview_counts(repo: Repository, concluded: list, in_progress: list, public: list) -> dict:
    """The counts for the home page's overview.

    Results only: assessments in progress are counted apart, never as results; a certificate counts as
    valid only when its status is 有效 (suspended and overdue ones are on the register, not valid).
    """
    formal = [a for a in concluded if not a.is_self_assessment]
    by_status = Counter(r.standing.status for r in public if r.standing.certificate)
    regions = Counter(a.organisation["region"] for a in concluded)
    cats = Counter(classification.path_names(a.organisation["category"])[0] if a.organisation["category"] in classification.categories()
                   else a.organisation["category"] for a in concluded)
    return dict(
        total=len(concluded), formal=len(formal), in_progress=len(in_progress),
        by_level=Counter(a.applied_level for a in concluded),
        recommended=Counter(repo.results[a.id].recommended_level for a in formal),
        valid_by_level=Counter(r.standing.certificate.level for r in public if r.standing.status == "valid"),
        by_status=by_status, on_register=sum(by_status[s] for s in ("valid", "surveillance_overdue", "suspended")),
        announced=sum(1 for r in public if r.standing.status == "announced"),
        regions=sorted(regions.items(), key=lambda kv: (-kv[1], kv[0])),
        categories=sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])))
