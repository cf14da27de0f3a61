"""Long lists in pages: a real ``mkdocs build --strict`` of the demo with one row per list page.

The rows of every page, read in order, must be the rows of the one-page list of the default build;
page 1 keeps the list's address; the page navigation links built files, in both editions.
"""

from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import PAGED_SIZE, article, built_demo, paged_demo_build, parse_html, squash  # noqa: E402

from maturity.gate import prepare  # noqa: E402
from maturity.publish import writer  # noqa: E402
from maturity.publish.paging import Pager, paginate  # noqa: E402
from maturity.settings import SettingsError, from_options, load_settings  # noqa: E402

EDITIONS = ("", "en/")
SECTIONS = ("valid", "surveillance-overdue", "suspended", "announced", "pending", "history")


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    return paged_demo_build(tmp_path_factory).site


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    build = built_demo(tmp_path_factory)
    return build.site


def resolve(page_key: str, href: str) -> str:
    href = href.split("#")[0]
    if not href:
        return page_key
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_key), href))
    return "index.html" if target == "." else target + "/index.html" if href.endswith("/") else target


def list_pages(site: Path, first: str) -> list[str]:
    """The pages of a list from its first page on, as site paths: first/index.html, first/page/2/index.html, …"""
    out = [f"{first}index.html"]
    n = 2
    while (site / f"{first}page/{n}/index.html").is_file():
        out.append(f"{first}page/{n}/index.html")
        n += 1
    return out


def row_links(site: Path, key: str, table_id: str) -> list[str]:
    """Where the rows of a table link, in order (the assessment of each row)."""
    table = parse_html(site / key).by_id(table_id)
    if table is None:
        return []
    return [resolve(key, tr.find("a").get("href")).replace("en/", "", 1) for tr in table.find("tbody").find_all("tr")]


def section_rows(site: Path, key: str) -> list[str]:
    """The rows of the (one) table of a certificate section page, as text."""
    body = article(parse_html(site / key))
    return [squash(tr.text) for t in body.find_all("table") for tr in t.find("tbody").find_all("tr")]


def pager_of(site: Path, key: str):
    return parse_html(site / key).find("nav", cls="mt-pager")


# --- the pages, unit by unit ----------------------------------------------------------------------


def test_paginate_cuts_every_row_once_and_keeps_a_first_page_when_empty():
    pages = list(paginate("assessments/index.md", list(range(7)), 3))
    assert [rows for _, rows in pages] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [p.src_uri for p, _ in pages] == ["assessments/index.md", "assessments/page/2/index.md",
                                             "assessments/page/3/index.md"]
    assert [(p.previous, p.next) for p, _ in pages] == [(None, 2), (1, 3), (2, None)]
    assert [(p, list(rows)) for p, rows in paginate("x/index.md", [], 3)] == [(Pager("x/index.md", 1, 1, 0, 0, 0), [])]


def test_the_page_numbers_stay_few_however_many_pages():
    assert Pager("x/index.md", 1, 3, 0, 0, 0).numbers() == [1, 2, 3]
    assert Pager("x/index.md", 1, 50, 0, 0, 0).numbers() == [1, 2, 3, None, 50]
    assert Pager("x/index.md", 25, 50, 0, 0, 0).numbers() == [1, None, 23, 24, 25, 26, 27, None, 50]
    assert Pager("x/index.md", 50, 50, 0, 0, 0).numbers() == [1, None, 48, 49, 50]


@pytest.mark.parametrize("value", [0, -1, "200", True])
def test_list_page_size_is_a_positive_whole_number(value):
    with pytest.raises(SettingsError, match="list_page_size"):
        from_options({"list_page_size": value})


# --- the assessments list -------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_pages_list_every_assessment_once_in_the_order_of_the_whole_list(paged, whole, edition):
    first = f"{edition}assessments/"
    assert list_pages(whole, first) == [f"{first}index.html"], "the default page size keeps the demo on one page"
    keys = list_pages(paged, first)
    expected = (row_links(whole, f"{first}index.html", "assessments")
                + row_links(whole, f"{first}index.html", "in-progress-list"))
    assert len(keys) == -(-len(expected) // PAGED_SIZE) > 1
    found = [link for key in keys for link in row_links(paged, key, "assessments") + row_links(paged, key, "in-progress-list")]
    assert found == expected
    assert not (paged / f"{first}page/1").exists(), "page 1 is the list's own address"


@pytest.mark.parametrize("edition", EDITIONS)
def test_page_navigation_links_built_pages_with_prev_next_and_the_current_page(paged, edition):
    keys = list_pages(paged, f"{edition}assessments/")
    for section in SECTIONS:
        keys += list_pages(paged, f"{edition}certificates/list/{section}/")
    for key in keys:
        nav = pager_of(paged, key)
        siblings = list_pages(paged, re.sub(r"(page/\d+/)?index\.html$", "", key))
        if len(siblings) == 1:
            assert nav is None, f"{key}: a one-page list has no page navigation"
            continue
        assert nav is not None and nav.get("aria-label") in ("分页", "Pages"), key
        links = {a.text: a for a in nav.find_all("a")}
        for a in nav.find_all("a"):
            assert (paged / resolve(key, a.get("href"))).is_file(), f"{key}: {a.get('href')}"
        current = nav.find_all("a", aria_current="page")
        assert len(current) == 1 and resolve(key, current[0].get("href")) == key
        n = siblings.index(key)
        prev, nxt = nav.find("a", rel="prev"), nav.find("a", rel="next")
        assert (prev is None) == (n == 0) and (nxt is None) == (n == len(siblings) - 1), key
        if prev is not None:
            assert resolve(key, prev.get("href")) == siblings[n - 1]
            assert squash(prev.text) in ("上一页", "Previous page")
        if nxt is not None:
            assert resolve(key, nxt.get("href")) == siblings[n + 1]
            assert squash(nxt.text) in ("下一页", "Next page")
        assert str(len(siblings)) in links, f"{key}: the last page is always linked"


def test_later_pages_say_their_number_in_the_title_and_heading(paged):
    doc = parse_html(paged / "assessments/page/2/index.html")
    assert squash(article(doc).find("h1").text) == "评估结果一览（第 2 页）"
    assert squash(doc.find("title").text).startswith("评估结果一览（第 2 页）")
    assert "第 2 / 9 页" in article(doc).text and "只作用于本页" in article(doc).text
    en = parse_html(paged / "en/assessments/page/2/index.html")
    assert squash(article(en).find("h1").text) == "Assessment results (page 2)"
    first = parse_html(paged / "assessments/index.html")
    assert squash(article(first).find("h1").text) == "评估结果一览"


def test_a_page_without_the_assessments_in_progress_links_the_page_that_has_them(paged):
    keys = list_pages(paged, "assessments/")
    with_progress = [k for k in keys if parse_html(paged / k).by_id("in-progress-list") is not None]
    assert len(with_progress) == 1
    body = article(parse_html(paged / keys[0]))
    link = next(a for a in body.find_all("a") if "进行中的评估" in a.text)
    assert resolve(keys[0], link.get("href")) == with_progress[0] and link.get("href").endswith("#in-progress")


def test_the_later_pages_stay_out_of_the_navigation(paged):
    later = {k for k in map(lambda p: p.relative_to(paged).as_posix(), paged.rglob("index.html")) if "/page/" in k}
    assert later
    for key in ("index.html", "assessments/index.html", "assessments/page/2/index.html", "certificates/index.html"):
        doc = parse_html(paged / key)
        for nav in doc.find_all("nav", cls="md-nav"):
            hrefs = {resolve(key, a.get("href")) for a in nav.find_all("a") if a.get("href") and "://" not in a.get("href")}
            assert not hrefs & later, key


# --- the certificates -----------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_certificate_section_shows_its_first_rows_and_links_its_whole_list(paged, whole, edition):
    page = f"{edition}certificates/index.html"
    body = article(parse_html(paged / page))
    whole_body = article(parse_html(whole / page))
    assert [h.get("id") for h in body.find_all("h2")] == [h.get("id") for h in whole_body.find_all("h2")]
    for section in SECTIONS:
        expected = section_rows(whole, f"{edition}certificates/list/{section}/index.html")
        keys = list_pages(paged, f"{edition}certificates/list/{section}/")
        assert [row for key in keys for row in section_rows(paged, key)] == expected, section
        more = [a for a in body.find_all("a", cls=None) if resolve(page, a.get("href") or "") == keys[0]]
        assert bool(more) == (len(expected) > PAGED_SIZE), section
    history = section_rows(whole, f"{edition}certificates/list/history/index.html")
    assert len(history) == 2 and len(list_pages(paged, f"{edition}certificates/list/history/")) == 2
    tables = [t for t in body.find_all("table")]
    assert all(len(t.find("tbody").find_all("tr")) <= PAGED_SIZE for t in tables)


# --- the other consumers of the Site --------------------------------------------------------------


def test_render_and_the_english_sitemap_have_the_later_pages(tmp_path_factory, paged):
    root = paged.parent
    publication = prepare(load_settings(root), display_base=root, history=lambda *_: (None, None))
    files, _ = writer.plan(publication.site, {})
    for uri in ("assessments/page/2/index.md", "en/assessments/page/9/index.md", "certificates/list/history/page/2/index.md",
                "en/certificates/list/valid/index.md"):
        assert uri in files, uri
    sitemap = (paged / "en" / "sitemap.xml").read_text(encoding="utf-8")
    assert "/en/assessments/page/2/</loc>" in sitemap and "/en/certificates/list/history/page/2/</loc>" in sitemap
    assert "/assessments/page/2/</loc>" not in sitemap.replace("/en/assessments/page/2/</loc>", "")
