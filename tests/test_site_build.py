"""The published site: real ``mkdocs build --strict`` runs on copies of the demo repository.

The demo copy is built once (shared with test_browser.py); the template-override and broken-data
builds once each.  Expected values come from the core, run in-process on the same copy
(``load_repository`` + ``display``), and from the YAML files read directly.
"""

from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import (  # noqa: E402
    INTERNAL_MARK,
    PROJECT,
    article,
    copy_demo,
    truncated,
    mkdocs_build,
    nav_pages,
    normalised_text,
    parse_html,
    read_yaml,
    scores_of,
    squash,
)

from maturity.repository import load_repository  # noqa: E402
from maturity.scoring import display  # noqa: E402

SECTIONS = ("conclusion", "objectives", "scope", "participants", "dates", "criteria", "domains", "adherence",
            "disagreements", "actions", "evidence")  # guide 8.3.13, in the order of the report


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built.site


@pytest.fixture(scope="module")
def repo(built):
    r = load_repository(built.root, display_base=built.root)
    assert r.model is not None
    return r


# The stage at which the guide concludes, written out independently of the core (interpretations.md).
CONCLUDED = {"third_party": ("reported", "submitted"), "self": ("completed",)}


@pytest.fixture(scope="module")
def valid(repo):
    invalid = repo.invalid_assessments()
    return [a for a in repo.assessments if a.id not in invalid and a.id in repo.results]


@pytest.fixture(scope="module")
def published(valid):
    """The valid assessments with a result: at the stage of conclusion."""
    out = [a for a in valid if a.record["stage"] in CONCLUDED[a.record["kind"]]]
    assert len(out) >= 6, "the demo repository should have at least 6 assessments with a result"
    return out


@pytest.fixture(scope="module")
def in_progress(valid, published):
    out = [a for a in valid if a not in published]
    assert [a.id for a in out] == ["2026-shili-pingtai"], "the demo has one assessment in progress"
    return out


@pytest.fixture(scope="module")
def pages(site):
    return {p.relative_to(site).as_posix(): parse_html(p) for p in sorted(site.rglob("*.html"))}


def report_doc(pages, aid: str):
    key = f"assessments/{aid}/index.html"
    assert key in pages, f"no report page {key}"
    return pages[key]


def kv_row(table_root, header: str):
    """The <td> of the row whose <th> is ``header`` in a key/value table."""
    for tr in table_root.find_all("tr"):
        th, td = tr.find("th"), tr.find("td")
        if th is not None and td is not None and squash(th.text) == header:
            return td
    return None


def certificates_from_files(root: Path):
    """Certificates of reviewed (confirmed) assessments, read straight from publication.yml."""
    out = {}
    for pub in sorted((root / "assessments").glob("*/publication.yml")):
        data = read_yaml(pub) or {}
        review, cert = data.get("review"), data.get("certificate")
        if review and review.get("decision") == "confirmed" and cert:
            out[str(cert["number"])] = dict(cert, assessment=pub.parent.name)
    return out


def resolve(page_key: str, href: str) -> str:
    """The site path a relative link on page ``page_key`` points to (directory URLs → index.html)."""
    href = href.split("#")[0].split("?")[0]
    if not href:
        return page_key
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_key), href))
    if href.endswith("/") or target == ".":
        target = (target + "/index.html") if target != "." else "index.html"
    return target


# --- the build ------------------------------------------------------------------------------------


def test_strict_build_is_clean(built):
    assert built.returncode == 0
    problems = [line for line in built.output.splitlines() if re.match(r"^\s*(WARNING|ERROR)\b", line)]
    assert problems == [], "\n".join(problems)


def test_nav_pages_exist():
    """Every page the project's nav names exists in docs/ (else the real `mkdocs build --strict` aborts)."""
    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [p for p in nav_pages(text) if not (PROJECT / "docs" / p).is_file()]
    assert missing == [], f"pages in the nav of mkdocs.yml missing from docs/: {missing}"


# --- report pages ---------------------------------------------------------------------------------


def test_report_page_for_every_assessment_with_a_result(site, published, pages, repo):
    for a in published:
        doc = report_doc(pages, a.id)
        body = article(doc)
        h1 = body.find("h1")
        assert h1 is not None and a.organisation["name"] in h1.text and "评估报告" in h1.text
        assert a.organisation["name"] in doc.find("title").text
    # nothing else under assessments/ but the index, the reports and the progress pages
    reports = {p.parent.name for p in (site / "assessments").glob("*/index.html")}
    assert reports == {a.id for a in published} | {"2026-shili-pingtai"}


def test_report_a_and_recommended_level_match_core(published, pages, repo):
    for a in published:
        result = repo.results[a.id]
        body = article(report_doc(pages, a.id))
        shown = body.find("span", cls="mt-a")
        assert shown is not None, a.id
        assert re.fullmatch(r"\d\.\d\d", shown.text), f"{a.id}: A shown as {shown.text!r}"
        assert shown.text == display(result.applied.score) == truncated(result.applied.score), a.id
        score = result.applied.score
        assert f"{score.numerator}/{score.denominator}" in shown.get("title", ""), "the exact value, on hover"
        header = "预判等级" if a.is_self_assessment else "推荐等级"
        cell = kv_row(body, header)
        assert cell is not None, f"{a.id}: no {header} row"
        if result.recommended_level:
            assert a.model.level_name(result.recommended_level) in cell.text, a.id
            assert cell.find("span", cls=f"mt-level-{result.recommended_level}") is not None, a.id
        else:
            assert "未达到任何等级" in cell.text, a.id
        verdict = kv_row(body, "自评判定" if a.is_self_assessment else "符合性判定")
        assert verdict is not None and ("不符合" not in verdict.text) == result.applied.conforms, a.id


def test_figures_are_truncated_never_rounded_up():
    """The display rule itself: a figure is never shown better than it is (0.797… is 0.79, not 0.80)."""
    from fractions import Fraction

    assert display(Fraction(1, 8)) == "0.12" == truncated(Fraction(1, 8))  # 0.125
    assert display(Fraction(17, 20), 1) == "0.8"  # 0.85
    assert display(Fraction(4, 5)) == "0.80"
    assert display(Fraction(853, 1070)) == "0.79"


def test_report_has_all_sections_of_guide_8_3_13(published, pages):
    for a in published:
        body = article(report_doc(pages, a.id))
        ids = [h.get("id") for h in body.find_all("h2")]
        missing = [s for s in SECTIONS if s not in ids]
        assert missing == [], f"{a.id}: sections missing: {missing}"
        assert [i for i in ids if i in SECTIONS] == list(SECTIONS), f"{a.id}: sections out of order: {ids}"
        for s in SECTIONS:  # each section has a table-of-contents entry
            assert report_doc(pages, a.id).find("a", href=f"#{s}") is not None, f"{a.id}: #{s} not in the TOC"


def test_report_lists_every_requirement_of_the_applied_level_with_its_score(built, published, pages, repo):
    for a in published:
        model = a.model
        body = article(report_doc(pages, a.id))
        scores = scores_of(built.root / "assessments" / a.id)
        rows = {}
        for table in body.find_all("table", data_mt="requirements"):
            for tr in table.find("tbody").find_all("tr"):
                cells = tr.find_all("td")
                rows[squash(cells[0].text)] = cells
        expected = [r.id for r in a.model.requirements_at(a.applied_level)]
        assert expected, a.id
        assert sorted(rows) == sorted(expected), f"{a.id}: requirement rows differ from the model's level {a.applied_level}"
        for rid in expected:
            cells = rows[rid]
            score = squash(cells[2].text)
            assert score.startswith(truncated(scores[rid], 1) + " "), f"{a.id} {rid}: {score!r} vs {scores[rid]}"
            assert model.scale_label(scores[rid]) in score, f"{a.id} {rid}: {score!r}"
            assert squash(cells[1].text) == squash(model.requirement(rid).text), f"{a.id} {rid}: requirement text"


def test_report_has_three_accessible_svg_charts(published, pages):
    for a in published:
        body = article(report_doc(pages, a.id))
        charts = body.find_all("svg", cls="maturity-chart")
        assert len(charts) == 3, f"{a.id}: {len(charts)} charts"
        kinds = set()
        for svg in charts:
            assert svg.get("role") == "img"
            title = svg.find("title")
            assert title is not None and title.text.strip(), f"{a.id}: chart without <title>"
            assert svg.find("desc") is not None and svg.find("desc").text.strip()
            labelled = (svg.get("aria-labelledby") or "").split()
            assert title.get("id") in labelled
            kinds.add(title.get("id").split("-")[0])
            assert float(svg.get("width")) > 0 and float(svg.get("height")) > 0
        assert kinds == {"bars", "radar", "heat"}, f"{a.id}: {kinds}"


def test_self_assessment_is_not_presented_as_a_rating(published, pages):
    selfs = [a for a in published if a.is_self_assessment]
    assert selfs, "the demo should contain a self-assessment"
    for a in selfs:
        doc = report_doc(pages, a.id)
        body = article(doc)
        text = body.text
        assert "自评估" in body.find("p", cls="mt-meta").text
        assert "自评估结果" in text and "不是第三方评估结论" in text
        assert "预判等级" in text and "自评判定" in text
        # the whole page, navigation and title included, never calls the result a recommended level
        assert "推荐等级" not in doc.text, f"{a.id}: self-assessment page shows 推荐等级"
        assert "符合性判定" not in text
    for a in (x for x in published if not x.is_self_assessment):
        assert "推荐等级" in article(report_doc(pages, a.id)).text


def test_self_assessment_has_no_recommended_level_in_listings(published, pages, repo):
    """In the index and on the organisation page a self-assessment's level is marked 预判, not shown as a rating."""
    for a in (x for x in published if x.is_self_assessment):
        model = a.model
        for key in ("assessments/index.html", f"organisations/{a.organisation['id']}/index.html"):
            body = article(pages[key])
            checked = 0
            for table in body.find_all("table"):
                head = table.find("thead")
                if head is None:
                    continue
                headers = [squash(th.text) for th in head.find_all("th")]
                if "结果等级" not in headers:
                    continue
                col = headers.index("结果等级")
                for tr in table.find("tbody").find_all("tr"):
                    if any(resolve(key, x.get("href") or "") == f"assessments/{a.id}/index.html" for x in tr.find_all("a")):
                        shown = squash(tr.find_all("td")[col].text)
                        assert "预判" in shown or shown == "—", f"{key}: self-assessment {a.id} shown with 推荐等级 {shown!r}"
                        level = repo.results[a.id].recommended_level
                        if level:
                            assert model.level_name(level) in shown
                        checked += 1
            assert checked == 1, f"{key}: row of {a.id} not found"


# --- listings -------------------------------------------------------------------------------------


def test_assessments_index_lists_every_result_and_the_assessments_in_progress_apart(published, in_progress, pages):
    doc = pages["assessments/index.html"]
    table = doc.by_id("assessments")
    assert table is not None
    head = [squash(th.text) for th in table.find("thead").find_all("th")]
    assert head[:4] == ["被评估方", "结果等级", "结论", "证书状态"], "name, level, verdict and status lead"
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == len(published)
    linked = {resolve("assessments/index.html", tr.find("a").get("href")) for tr in rows}
    assert linked == {f"assessments/{a.id}/index.html" for a in published}
    text = table.text
    for a in published:
        assert a.organisation["name"] in text
    # the assessment in document review is not among the results: it has its own list, without a verdict
    progress = doc.by_id("in-progress-list")
    assert progress is not None
    for a in in_progress:
        assert a.organisation["name"] not in text
        assert a.organisation["name"] in progress.text and "文件审查" in progress.text
        assert "符合" not in progress.text
    # the home page carries the overview (counts) in place of the marker: results only
    home = pages["index.html"]
    assert "maturity:overview" not in home.text
    overview = home.find("div", cls="mt-overview")
    assert overview is not None
    assert f"已发布 {len(published)} 个评估结果" in squash(overview.text)
    assert f"另有 {len(in_progress)} 个评估正在进行中" in squash(overview.text)


def test_an_assessment_in_progress_says_so_and_shows_no_result(in_progress, pages):
    for a in in_progress:
        body = article(pages[f"assessments/{a.id}/index.html"])
        assert "评估进行中" in body.find("h1").text
        banner = body.find("div", cls="mt-banner")
        assert banner is not None and "进行中" in banner.text and "文件审查" in banner.text
        text = squash(body.text)
        for word in ("符合性判定", "推荐等级", "成熟度等级得分", "符合三星"):
            assert word not in text, f"{a.id}: {word!r} on a page in progress"
        assert "2026-08-13" in text and "不符合要求" in text, "the latest document review is shown as progress"
        assert body.find("svg") is None, "no charts before the conclusion"


def test_organisation_page_lists_all_its_assessments(published, pages, repo):
    key = "organisations/shili-zixun/index.html"
    assert key in pages
    body = article(pages[key])
    assert "示例管理咨询有限公司" in body.find("h1").text
    banner = body.find("div", cls="mt-banner")
    assert banner is not None and "ZXGJ-2026-0012" in banner.text and "有效" in banner.text
    ours = [a for a in published if a.organisation["id"] == "shili-zixun"]
    assert {a.id for a in ours} == {"2023-shili-zixun", "2026-shili-zixun"}
    linked = {resolve(key, x.get("href")) for x in body.find_all("a")}
    for a in ours:
        assert f"assessments/{a.id}/index.html" in linked
        assert display(repo.results[a.id].applied.score) in body.text
    assert "ZXGJ-2023-0007" in body.text and "ZXGJ-2026-0012" in body.text
    for a in published:  # one page per organisation
        assert f"organisations/{a.organisation['id']}/index.html" in pages


# The demo's certificates on the pinned build date 2026-11-21, worked out by hand from their
# publication.yml: 0007 ended 2026-05-19; 0031 (issued 2025-11-12) had its yearly surveillance
# due 2026-11-12 with none recorded; 0020 was revoked on 2026-10-20; 0045 suspended on 2026-10-15.
EXPECTED_STATUS = {"ZXGJ-2023-0007": "已到期", "ZXGJ-2025-0031": "监督逾期", "ZXGJ-2026-0012": "有效",
                   "ZXGJ-2026-0020": "撤销", "ZXGJ-2026-0045": "暂停"}
SECTION_OF = {"ZXGJ-2023-0007": "history", "ZXGJ-2025-0031": "surveillance_overdue", "ZXGJ-2026-0012": "valid",
              "ZXGJ-2026-0020": "history", "ZXGJ-2026-0045": "suspended"}


def section_tables(body) -> dict[str, object]:
    """The table under each <h2 id=…> of the certificates page."""
    out, current = {}, None
    for el in body.iter():
        if el.tag == "h2":
            current = el.get("id")
        elif el.tag == "table" and current and current not in out:
            out[current] = el
    return out


def test_certificates_page_sections_name_the_statuses(built, published, pages):
    expected = certificates_from_files(built.root)
    assert set(expected) == set(EXPECTED_STATUS)
    body = article(pages["certificates/index.html"])
    headings = {el.get("id"): squash(el.text) for el in body.find_all("h2")}
    assert headings["valid"] == "有效证书" and headings["suspended"] == "暂停" and headings["surveillance_overdue"] == "监督逾期"
    tables = section_tables(body)
    for number, section in SECTION_OF.items():
        for other, table in tables.items():
            assert (number in table.text) == (other == section), f"{number} under {other}"
        row = next(tr for tr in tables[section].find("tbody").find_all("tr") if number in tr.text)
        assert EXPECTED_STATUS[number] in row.text
    # a suspended or revoked certificate says when and why; an overdue one since when
    assert "2026-10-15" in tables["suspended"].text and "2026-10-20" in tables["history"].text
    assert "2026-11-12" in tables["surveillance_overdue"].text
    # the announcement open on the build date, with its last day to object and how to object
    assert "示例科技创新服务有限公司" in tables["announced"].text and "2026-11-24" in tables["announced"].text
    assert "异议" in body.text
    # organisations neither certified nor announced are not listed
    listed = {c["assessment"] for c in expected.values()} | {"2026-shili-kechuang"}
    listed_orgs = {a.organisation["id"] for a in published if a.id in listed}
    others = [a for a in published if a.organisation["id"] not in listed_orgs]
    assert others, "the demo should have assessments neither certified nor announced"
    for a in others:
        assert a.organisation["name"] not in body.text, f"{a.id} listed on the certificates page"


def test_a_page_per_certificate(built, pages, repo):
    for number, cert in certificates_from_files(built.root).items():
        key = f"certificates/{number}/index.html"
        assert key in pages, f"no page for certificate {number}"
        body = article(pages[key])
        assert number in body.find("h1").text
        banner = body.find("div", cls="mt-banner")
        assert banner is not None and EXPECTED_STATUS[number] in banner.text, number
        assert squash(kv_row(body, "发证机构").text) == "示例评估管理机构"
        a = repo.assessment(cert["assessment"])
        assert a.organisation["name"] in body.text and a.organisation["credit_code"] in body.text
        assert display(repo.results[a.id].levels[cert["level"]].score) in kv_row(body, "成熟度等级得分 A").text
        link = kv_row(body, "评估报告").find("a")
        assert resolve(key, link.get("href")) == f"assessments/{a.id}/index.html"
        level = repo.model.level_name(cert["level"])
        assert f"认定{level}" in link.text, "the link names the level the certificate certifies"
        assert "maturity verify" not in body.text, "a visitor cannot run commands on the authority's repository"
    pages_on_site = {k for k in pages if re.fullmatch(r"certificates/[^/]+/index\.html", k)}
    assert pages_on_site == {f"certificates/{n}/index.html" for n in certificates_from_files(built.root)}


# --- what must not be published -------------------------------------------------------------------


def _registers(root: Path):
    for reg in sorted((root / "evidence").glob("*/register.yml")):
        yield reg.parent, read_yaml(reg) or {}


def test_public_evidence_is_copied_and_restricted_is_not(built, site, published):
    cited_by_org: dict[str, set[str]] = {}
    for a in published:
        data = read_yaml(built.root / "assessments" / a.id / "scores.yml") or {}
        refs = cited_by_org.setdefault(a.organisation["id"], set())
        for d in data.values():
            for entry in ((d or {}).get("requirements") or {}).values():
                refs.update(entry.get("evidence") or [])
    output_files = [p for p in site.rglob("*") if p.is_file()]
    output_bytes = {p.read_bytes() for p in output_files}
    texts = {p: normalised_text(p) for p in output_files}
    public = secret = 0
    for folder, register in _registers(built.root):
        org = folder.name
        for item in register.get("items") or []:
            if not item.get("file"):
                continue
            source = folder / item["file"]
            target = site / "evidence" / org / item["file"]
            if item["class"] == "public":
                if item["id"] in cited_by_org.get(org, set()):
                    public += 1
                    assert target.is_file(), f"public evidence {org}/{item['file']} not published"
                    assert target.read_bytes() == source.read_bytes()
                else:
                    assert not target.exists(), f"uncited evidence {org}/{item['file']} published"
            else:
                secret += 1
                assert not target.exists(), f"{item['class']} evidence {org}/{item['file']} is in site/"
                content = source.read_bytes()
                assert content not in output_bytes, f"content of {item['class']} {org}/{item['file']} copied to site/"
                # its distinctive body line (not its title) appears nowhere
                body_lines = [l.strip() for l in source.read_text(encoding="utf-8").splitlines()
                              if l.strip() and not l.startswith("#") and not l.startswith("记录日期")]
                for line in body_lines:
                    leaks = [p.relative_to(site).as_posix() for p, t in texts.items() if line in t]
                    assert leaks == [], f"text of {item['class']} evidence {org}/{item['file']} found in {leaks}"
    assert public > 0 and secret > 0
    # everything under site/evidence/ is a public evidence file of a register, or the viewer of a public text file
    for p in (site / "evidence").rglob("*"):
        if p.is_file():
            org, rel = p.relative_to(site / "evidence").as_posix().split("/", 1)
            if rel.endswith((".md.html", ".txt.html", ".csv.html")):
                assert p.with_suffix("").is_file(), f"{p}: a viewer without its file"
                rel = rel.removesuffix(".html")
            register = read_yaml(built.root / "evidence" / org / "register.yml")
            item = next((i for i in register["items"] if i.get("file") == rel), None)
            assert item is not None and item["class"] == "public", f"{p} is not public evidence"


def test_confidential_evidence_shows_no_title(built, published, pages):
    for a in published:
        folder = built.root / "evidence" / a.organisation["id"]
        register = read_yaml(folder / "register.yml")
        body = article(report_doc(pages, a.id))
        for item in register["items"]:
            row = body.by_id(f"ev-{item['id']}")
            if row is None:
                continue
            if item["class"] == "confidential":
                assert item["title"] not in row.text, f"{a.id}: confidential {item['id']} shows its title"
                assert row.find("a") is None
            if item["class"] == "restricted":
                assert row.find("a") is None, f"{a.id}: restricted {item['id']} is linked"


def test_internal_notes_never_published(built, site):
    notes = set()
    for record in (built.root / "assessments").glob("*/assessment.yml"):
        note = (read_yaml(record) or {}).get("internal_notes")
        if note:
            notes.update([note] if isinstance(note, str) else note)
    for _folder, register in _registers(built.root):
        for item in register.get("items") or []:
            if item.get("internal_notes"):
                notes.add(item["internal_notes"])
    assert notes, "the demo data should carry internal_notes"
    assert all(INTERNAL_MARK in n for n in notes), "copy_demo marks every internal note"
    notes.add(INTERNAL_MARK)
    files = [p for p in site.rglob("*") if p.is_file()]
    assert site / "search" / "search_index.json" in files
    for p in files:
        text = normalised_text(p)
        for note in notes:
            assert note not in text, f"internal_notes {note!r} found in {p.relative_to(site)}"


def test_search_index_is_segmented_for_chinese(site):
    """Material's search plugin segments Chinese with jieba (zero-width spaces), which the separator splits on;
    without jieba a Chinese query would only match whole runs of text (see test_browser.py for the search itself)."""
    import json

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "zh" in index["config"]["lang"]
    assert "u200b" in index["config"]["separator"]  # the regex [\s\u200b\-], as written
    titles = [d["title"] for d in index["docs"] if "融资担保" in d["title"].replace("\u200b", "")]
    assert titles and all("\u200b" in t for t in titles), titles


def test_organisation_pages_give_search_their_short_version(site):
    """Who the organisation is and its certificates in force, once: not the history table (its reports are indexed
    on their own) nor the badge code (for copying). At N = 300 this halves search_index.json (docs/performance.md)."""
    import json

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    org = [d for d in index["docs"] if d["location"].startswith("organisations/shili-zixun/")]
    assert len(org) == 1, [d["location"] for d in org]  # one entry: no section entries for the history or the badge
    text = org[0]["text"].replace("\u200b", "")
    assert "示例管理咨询有限公司" in text and "91110108MA01XL0K77" in text
    assert "ZXGJ-2026-0012" in text and "有效" in text  # the certificate in force
    assert "<code>" not in text and "badges/" not in text and "ZXGJ-2023" not in text  # the expired one is history


# --- navigation and third parties -----------------------------------------------------------------


def _nav_links(key: str, doc) -> set[str]:
    out = set()
    for nav in doc.find_all("nav", cls="md-nav"):
        for a in nav.find_all("a"):
            href = a.get("href") or ""
            if href and not href.startswith("#") and "://" not in href:
                out.add(resolve(key, href))
    return out


def test_generated_pages_are_not_in_the_navigation(published, pages):
    generated = {f"assessments/{a.id}/index.html" for a in published}
    generated |= {k for k in pages if k.startswith("organisations/") or re.fullmatch(r"certificates/[^/]+/index\.html", k)}
    home = _nav_links("index.html", pages["index.html"])
    assert "assessments/index.html" in home and "certificates/index.html" in home
    for key, doc in pages.items():
        leaked = _nav_links(key, doc) & generated
        assert leaked == set(), f"{key}: navigation links to generated pages {sorted(leaked)[:3]}"


def test_no_third_party_scripts_styles_or_fonts(site):
    remote = re.compile(r"^(https?:)?//", re.I)
    for p in site.rglob("*.html"):
        doc = parse_html(p)
        rel = p.relative_to(site).as_posix()
        for s in doc.find_all("script"):
            assert not remote.match(s.get("src") or ""), f"{rel}: <script src={s.get('src')}>"
        for link in doc.find_all("link"):
            rels = (link.get("rel") or "").lower()
            if any(r in rels for r in ("stylesheet", "preload", "preconnect", "dns-prefetch", "modulepreload", "icon")):
                assert not remote.match(link.get("href") or ""), f"{rel}: <link rel={rels} href={link.get('href')}>"
        for style in doc.find_all("style"):
            assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", style.text, re.I), f"{rel}: remote @import"
        raw = p.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in raw and "fonts.gstatic" not in raw, rel
    for p in list(site.rglob("*.css")):
        text = p.read_text(encoding="utf-8")
        assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", text, re.I), p
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text, re.I), p
        assert "fonts.googleapis" not in text


# --- a second and a third build -------------------------------------------------------------------

MARKER = "自定义报告模板-OVERRIDE-7f3a"


@pytest.fixture(scope="module")
def override_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("override-site")
    copy_demo(root)
    (root / "templates" / "report.html").write_text(
        '<h1>{{ a.organisation.name }}</h1>\n<p class="override">' + MARKER + ' {{ a.id }} A={{ result.applied.score | score }}</p>\n',
        encoding="utf-8")
    return mkdocs_build(root)


def test_site_template_overrides_the_package_template(override_build, repo, published):
    assert override_build.returncode == 0, override_build.output
    site = override_build.site
    for a in published:
        text = (site / "assessments" / a.id / "index.html").read_text(encoding="utf-8")
        assert f"{MARKER} {a.id} A={display(repo.results[a.id].applied.score)}" in text
        assert 'id="conclusion"' not in text  # the package's report template was not used
    # other pages still come from the package
    assert MARKER not in (site / "assessments" / "index.html").read_text(encoding="utf-8")
    assert 'id="assessments"' in (site / "assessments" / "index.html").read_text(encoding="utf-8")


def test_default_build_has_no_override_marker(site):
    assert MARKER not in (site / "assessments" / "2026-shili-zixun" / "index.html").read_text(encoding="utf-8")


def _replace_once(path: Path, old: str, new: str) -> tuple[int, int]:
    """Replace ``old`` by ``new`` once; the (line, column), 1-based, of the new text."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} found {text.count(old)} times"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    offset = text.index(new)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken-site")
    copy_demo(root)
    # 1. a score outside the scale
    bad_score = "assessments/2026-shili-zixun/scores.yml"
    line, _ = _replace_once(root / bad_score, "SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 0.7,")
    column = (root / bad_score).read_text(encoding="utf-8").splitlines()[line - 1].index("0.7") + 1
    # 2. an unknown requirement id, in another assessment
    unknown = "assessments/2025-shili-fuhua/scores.yml"
    text = (root / unknown).read_text(encoding="utf-8")
    first = re.search(r"(?m)^(\s+)(SS-DM-1-01): ", text)
    assert first
    indent = first.group(1)
    u_line, u_column = _replace_once(root / unknown, f"{indent}SS-DM-1-01: ",
                                     f"{indent}SS-XX-9-99: {{score: 1, evidence: [E001], note: 测试}}\n{indent}SS-DM-1-01: ")
    u_column += len(indent)
    return mkdocs_build(root), [(bad_score, line, column, "0.7"), (unknown, u_line, u_column, "SS-XX-9-99")]


def test_strict_build_of_broken_data_fails_listing_every_problem(broken_build):
    build, problems = broken_build
    assert build.returncode != 0, "mkdocs build --strict must fail on invalid data"
    lines = build.output.splitlines()
    for path, line, column, what in problems:
        located = f"{path}:{line}:{column}"
        hits = [l for l in lines if located in l]
        assert hits, f"{located} ({what}) not reported; output:\n{build.output}"
        assert any(what in l for l in hits), f"{located}: message does not name {what!r}: {hits}"
        assert any("ERROR" in l for l in hits), hits


# --- personal data and the footer --------------------------------------------------------------------


def test_staff_of_the_assessed_organisation_are_masked_and_the_team_shown(published, pages):
    """participant_names: masked (the default) shows the family name only; team_names: full (the demo)."""
    body = article(report_doc(pages, "2026-shili-zixun"))
    text = squash(body.text)
    assert "刘**" in text and "刘总" not in text and "孙**" in text
    assert "王评审" in text, "the assessment team is named (its own option)"
    assert "姓名只显示姓氏" in text


def test_footer_carries_the_filing_numbers_with_their_official_links(pages):
    for key in ("index.html", "assessments/index.html", "certificates/index.html"):
        footer = pages[key].find("footer")
        assert footer is not None
        links = {a.text.strip(): a.get("href") for a in footer.find_all("a")}
        assert links.get("京ICP备00000000号-1") == "https://beian.miit.gov.cn/", links
        assert links.get("京公网安备11010802000000号") == "https://beian.mps.gov.cn/#/query/webSearch?code=11010802000000"


# --- screens and paper (issue "Results that cannot mislead", 6) ------------------------------------


def test_list_pages_hide_the_table_of_contents_and_reports_keep_it(pages):
    def toc_hidden(key: str) -> bool:
        sidebar = pages[key].find("div", cls="md-sidebar--secondary")
        assert sidebar is not None, key
        return "hidden" in sidebar.attrs

    for key in ("assessments/index.html", "certificates/index.html", "verify/index.html"):
        assert toc_hidden(key), f"{key}: the empty table of contents takes a column beside the list"
    assert not toc_hidden("assessments/2026-shili-zixun/index.html")


def test_page_file_holds_what_the_page_hides(repo):
    from maturity.publish import build_site
    from maturity.publish.writer import page_file, page_markdown

    # The themes print the title without escaping it (<title>, header): the file holds it escaped, as the plugin hands it over.
    head = page_markdown('标题 "引号" <b>&', "<p>x</p>", ("toc", "navigation")).split("---")[1]
    assert read_yaml_text(head) == {"title": "标题 &quot;引号&quot; &lt;b&gt;&amp;", "hide": ["toc", "navigation"]}
    site = build_site(repo)
    pages = {page.src_uri: page for page in site.pages}
    index = page_file(pages["assessments/index.md"])
    assert read_yaml_text(index.split("---")[1])["hide"] == ["toc"]
    report = page_file(pages["assessments/2026-shili-zixun/index.md"])
    assert "hide" not in read_yaml_text(report.split("---")[1])
    assert "evidence/shili-zixun/files/E001.md.html" in {a.path for a in site.assets}, "the evidence viewers are generated files"


def read_yaml_text(text: str):
    import yaml

    return yaml.safe_load(text)


def test_public_text_evidence_has_a_utf8_viewer(built, site, published, pages):
    from maturity.publish import csp

    viewers = sorted((site / "evidence").rglob("*.html"))
    originals = sorted(p for p in (site / "evidence").rglob("*") if p.suffix in (".md", ".txt", ".csv"))
    assert originals and [p.with_suffix(p.suffix + ".html") for p in originals] == viewers
    for viewer in viewers:
        original = viewer.with_suffix("")
        raw = viewer.read_text(encoding="utf-8")
        assert raw.startswith("<!doctype html>") and '<meta charset="utf-8">' in raw.split("</head>")[0]
        _inline, head = csp.read(raw)
        assert head.has_policy, f"{viewer}: no Content-Security-Policy of its own"
        doc = pages[viewer.relative_to(site).as_posix()]
        assert doc.find("pre").text == original.read_text(encoding="utf-8"), "the text, escaped, as it is"
        assert [a.get("href") for a in doc.find_all("a")] == [original.name], "a link to the original"
        sheet = doc.find("link", rel="stylesheet").get("href")
        assert (viewer.parent / sheet).resolve() == (site / "assets/maturity/maturity.css").resolve()
        assert "示例评估管理机构" in doc.text
    # the reports link text evidence to its viewer, other files as they are
    body = article(report_doc(pages, "2026-shili-zixun"))
    target = resolve("assessments/2026-shili-zixun/index.html", body.by_id("ev-E017").find("a").get("href"))
    assert target == "evidence/shili-zixun/files/E017.md.html"


def test_reports_and_certificates_name_the_authority_on_paper(pages):
    for key in ("assessments/2026-shili-zixun/index.html", "assessments/2026-shili-pingtai/index.html",
                "certificates/ZXGJ-2026-0012/index.html"):
        header = article(pages[key]).find("p", cls="mt-print-header")
        assert header is not None and "mt-print-only" in header.classes, key
        assert "示例评估管理机构" in header.text, key


def test_search_dialog_override_differs_from_the_theme_only_by_its_name():
    """Our copy of Material's search partial must follow the theme's: fails when an upgrade changes it."""
    import material

    theme = (Path(material.__file__).parent / "templates/partials/search.html").read_text(encoding="utf-8")
    ours = (PROJECT / "plugins/maturity/publish/overrides/partials/search.html").read_text(encoding="utf-8")
    strip = lambda text: re.sub(r"\{#.*?#\}\n?", "", text, flags=re.S)  # noqa: E731
    named = strip(ours).replace(" aria-label=\"{{ lang.t('search') }}\"", "", 1)
    assert 'role="dialog" aria-label=' in ours
    assert named == strip(theme)


def test_mkdocs_lets_go_of_each_generated_pages_html_and_contents_table_once_written(tmp_path, monkeypatch):
    """MkDocs keeps every page object to the end of the build: a generated page's HTML and table of contents are
    dropped as soon as it is written (its file still carries both), so they do not pile up with N."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin

    copy_demo(tmp_path)
    monkeypatch.chdir(tmp_path)
    seen = {}

    class Probe(BasePlugin):
        def on_env(self, env, *, config, files):
            seen["files"] = files

    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins["probe"] = Probe()
    build(config)
    generated = config.plugins["maturity"].pages
    pages = [f.page for f in seen["files"].documentation_pages() if f.src_uri in generated]
    report = "assessments/2026-shili-zixun/index.md"
    assert report in generated and generated[report].toc, "a report has a table of contents"
    assert pages and all(p.content is None and len(p.toc) == 0 for p in pages)
    built = parse_html((tmp_path / "site" / "assessments/2026-shili-zixun/index.html").read_text(encoding="utf-8"))
    toc = built.find("nav", cls="md-nav--secondary")
    toc_links = {a.get("href") for a in toc.find_all("a")} if toc is not None else set()
    assert {f"#{anchor}" for _, anchor, _ in generated[report].toc} <= toc_links
