"""``search: pagefind``: the generated pages indexed by Pagefind, found on the site's own search page.

A copy of the demo with ``search: pagefind`` is built by a real ``mkdocs build --strict``; the search page is
used in Debian's chromium (served over http on 127.0.0.1, nothing fetched from elsewhere):

* Pagefind's bundle is written into the site; the generated pages leave Material's index, hand-written ones stay;
* only the short version of a generated page is indexed (no requirement table, evidence or history), read back
  from Pagefind's own fragments; the page itself carries no hidden copy of it;
* a Chinese name fragment and a credit code find the organisation, results link to the right page (also under
  a base path), the English search page finds English pages, and nothing breaks the Content-Security-Policy;
* what a first search downloads is reported and stays under 1 MB;
* a missing or failing Pagefind stops the build with a clear message, and ``maturity check`` agrees.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import (BROWSER_MISSING, article, built_demo, chromium, copy_demo, have_browser,  # noqa: E402
                          mkdocs_build, parse_html, serve)

from maturity import gate, i18n  # noqa: E402
from maturity.publish import csp, pagefind, urls  # noqa: E402
from maturity.publish.site import Page  # noqa: E402
from maturity.settings import load_settings  # noqa: E402

pytest.importorskip("pagefind_bin_extended", reason="search: pagefind needs pip install 'maturity[pagefind]'")

WAIT = 20
FIRST_SEARCH_LIMIT = 1_000_000  # bytes: the target for a visitor's first search at N = 10,000
# A page of one assessment, organisation or certificate (not a later page of a list: assessments/page/2/, certificates/list/…).
GENERATED = re.compile(r"^(en/)?(assessments|organisations|certificates)/(?!page/|list/)[^/#]+/")
HAND_WRITTEN = ("guide/format/", "security/", "performance/")
ZIXUN_NAME, ZIXUN_CODE = "示例管理咨询有限公司", "91110108MA01XL0K77"


def with_pagefind(root: Path) -> None:
    config = root / "mkdocs.yml"
    text, n = re.subn(r"(?m)^(\s+)(english: true.*)$", r"\1\2\n\1search: pagefind", config.read_text(encoding="utf-8"))
    assert n == 1, "mkdocs.yml: expected the demo's english option under the maturity plugin"
    config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pagefind-demo")
    copy_demo(root)
    with_pagefind(root)
    return root


@pytest.fixture(scope="module")
def site(project) -> Path:
    build = mkdocs_build(project)
    assert build.returncode == 0, f"mkdocs build --strict with search: pagefind failed:\n{build.output}"
    assert "Traceback" not in build.output
    return build.site


def material_index(site: Path) -> set[str]:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return {d["location"].split("#")[0] for d in docs}


# --- the built site --------------------------------------------------------------------------------


def test_pagefind_bundle_is_written(site):
    bundle = site / pagefind.BUNDLE
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {"zh", "en"} <= set(entry["languages"]), entry["languages"]  # one index per <html lang>
    # Only the generated pages: each report, organisation and certificate of both editions (Pagefind reads their
    # short versions only: not the search page, the lists, the hand-written pages or the published evidence).
    pages = sum(lang["page_count"] for lang in entry["languages"].values())
    generated = [p for p in site.rglob("index.html") if GENERATED.match(p.relative_to(site).parent.as_posix() + "/")]
    assert pages == len(generated) > 20


def test_generated_pages_leave_materials_index_hand_written_pages_stay(site):
    locations = material_index(site)
    assert not [loc for loc in locations if GENERATED.match(loc)], "generated pages still in search_index.json"
    # The certificate lists name every certificate holder (their sections' pages grow with N): left out too.
    assert not [loc for loc in locations if re.match(r"^(en/)?certificates/", loc)]
    for page in HAND_WRITTEN:
        assert page in locations
    assert "assessments/" in locations and "search/" in locations  # short pages of constant size stay


def indexed(site: Path) -> dict[str, dict]:
    """What Pagefind indexed, read back from its bundle: URL -> the page's fragment (content, title, anchors).

    A fragment is gzip-compressed JSON after a signature (Pagefind's bundle format). Pagefind marks the word
    breaks it found in Chinese with zero-width spaces; they are taken out of ``content`` here."""
    out = {}
    for f in (site / pagefind.BUNDLE / "fragment").iterdir():
        raw = gzip.decompress(f.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), f
        fragment = json.loads(raw[len(b"pagefind_dcd"):])
        fragment["content"] = fragment["content"].replace("\u200b", "")
        out[fragment["url"]] = fragment
    return out


def test_only_the_short_version_is_indexed(site):
    pages = indexed(site)
    report = pages["/assessments/2026-shili-zixun/"]
    assert ZIXUN_NAME in report["content"] and ZIXUN_CODE in report["content"]
    assert report["meta"]["title"] == i18n.translator("zh")("page.report_title", name=ZIXUN_NAME)
    assert report["anchors"] == []  # the short version's headings are not the page's anchors
    doc = parse_html(site / "assessments" / "2026-shili-zixun" / "index.html")
    whole = article(doc).text
    assert len(report["content"]) * 5 < len(whole)  # the requirement tables, evidence and history stay out
    requirement = "建立战略决策机制，重大服务决策经管理层会议集体审议"  # SS-SDM-3-02, in the report's requirement table
    assert requirement in whole and requirement not in report["content"]
    assert "data-pagefind-body" not in (site / "assessments" / "2026-shili-zixun" / "index.html").read_text("utf-8")
    cert = pages["/certificates/ZXGJ-2023-0007/"]
    assert "ZXGJ-2023-0007" in cert["content"] and ZIXUN_CODE in cert["content"]
    assert "/en/assessments/2026-shili-zixun/" in pages and set(pages) == {
        "/" + p.relative_to(site).parent.as_posix() + "/" for p in site.rglob("index.html")
        if GENERATED.match(p.relative_to(site).parent.as_posix() + "/")}


def test_lists_link_the_search_page(site):
    for page, link in (("assessments/index.html", "../search/"), ("certificates/index.html", "../search/"),
                       ("index.html", "search/"), ("en/assessments/index.html", "../search/")):
        hrefs = [a.get("href") for a in parse_html(site / page).find_all("a")]
        assert link in hrefs, page


def test_only_the_search_page_may_run_webassembly(site):
    def policy_of(path: Path) -> str:
        return next(m.get("content") for m in parse_html(path).find_all("meta")
                    if (m.get("http-equiv") or "").lower() == csp.META_NAME)

    for page in ("search/index.html", "en/search/index.html"):
        assert "'wasm-unsafe-eval'" in policy_of(site / page).split(";")[1]
    for page in ("index.html", "assessments/index.html", "assessments/2026-shili-zixun/index.html", "404.html"):
        assert "wasm" not in policy_of(site / page), page


def test_the_default_search_is_unchanged(tmp_path_factory):
    demo = built_demo(tmp_path_factory)
    assert not (demo.site / pagefind.BUNDLE).exists() and not (demo.site / "find").exists()
    assert "assessments/2026-shili-zixun/" in material_index(demo.site)
    assert "data-pagefind-body" not in (demo.site / "assessments" / "2026-shili-zixun" / "index.html").read_text("utf-8")


# --- a missing or failing Pagefind -----------------------------------------------------------------


def own_copy(project: Path, tmp_path: Path) -> Path:
    """The project without its site: a failing build here must not touch the site the browser tests serve."""
    root = tmp_path / "project"
    shutil.copytree(project, root, ignore=shutil.ignore_patterns("site"))
    return root


def test_a_missing_pagefind_stops_the_build_and_the_check(project, tmp_path, monkeypatch):
    project = own_copy(project, tmp_path)
    missing = str(tmp_path / "no-such-pagefind")
    build = mkdocs_build(project, env={pagefind.ENV: missing})
    assert build.returncode != 0
    assert "Traceback" not in build.output
    assert "MATURITY_PAGEFIND" in build.output and "不存在或不可执行" in build.output
    # maturity check reaches the same verdict, from the same function.
    monkeypatch.setenv(pagefind.ENV, missing)
    publication = gate.check(load_settings(project))
    assert [d.code for d in publication.failures()] == ["MAT904"]
    monkeypatch.delenv(pagefind.ENV)
    assert gate.check(load_settings(project)).failures() == []


def search_page(site: Path, src_uri: str, lang: str, directory_urls: bool = True) -> None:
    """A built search page as a generator would write it (only its <html lang> matters here)."""
    path = site / urls.built_path(src_uri, directory_urls)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<!doctype html>\n<html class="no-js" lang="{lang}"><head></head><body></body></html>\n', "utf-8")


def test_documents_take_their_editions_language_and_their_pages_path(tmp_path):
    site, folder = tmp_path / "site", tmp_path / "docs"
    search_page(site, urls.FIND, "zh-Hant", directory_urls=False)
    search_page(site, urls.ENGLISH + urls.FIND, "en", directory_urls=False)
    pages = [Page("assessments/a-1/index.md", "t", "<p>whole</p>", find_html='<h1 id="x">A 公司</h1>'),
             Page("en/assessments/a-1/index.md", "t", "<p>whole</p>", find_html="<h1>A Ltd</h1>"),
             Page("assessments/index.md", "list", "<p>list</p>")]  # not indexed: no short version
    editions = pagefind.built_editions(site, directory_urls=False)
    assert editions == {"": "zh-Hant", urls.ENGLISH: "en"}
    assert pagefind.write_documents(folder, pages, editions, directory_urls=False) == 2
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) == [
        "assessments/a-1/index.html", "en/assessments/a-1/index.html"]
    zh = (folder / "assessments/a-1/index.html").read_text("utf-8")
    assert '<html lang="zh-Hant">' in zh and "A 公司" in zh and 'id="x"' not in zh and "whole" not in zh
    assert '<html lang="en">' in (folder / "en/assessments/a-1/index.html").read_text("utf-8")


def test_a_site_with_nothing_to_index_still_gets_a_working_bundle(tmp_path):
    """No assessment yet: each edition's index holds its search page's title only, so the search page loads
    and finds nothing else, instead of Pagefind failing the build on an empty folder."""
    site = tmp_path / "site"
    search_page(site, urls.FIND, "zh")
    search_page(site, urls.ENGLISH + urls.FIND, "en")
    pages = [Page("assessments/index.md", "list", "<p>list</p>"), Page(urls.FIND, "查找机构和证书", "<div></div>"),
             Page(urls.ENGLISH + urls.FIND, "Find organisations & certificates", "<div></div>")]
    pagefind.run(site, pages)
    entry = json.loads((site / pagefind.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: v["page_count"] for lang, v in entry["languages"].items()} == {"zh": 1, "en": 1}
    assert {url: f["meta"]["title"] for url, f in indexed(site).items()} == {
        "/search/": "查找机构和证书", "/en/search/": "Find organisations & certificates"}


def test_a_failing_pagefind_stops_the_build(project, tmp_path):
    project = own_copy(project, tmp_path)
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    build = mkdocs_build(project, env={pagefind.ENV: str(fake)})
    assert build.returncode != 0
    assert "Traceback" not in build.output
    assert "Pagefind 建立搜索索引失败（3）" in build.output and "something broke" in build.output


def test_without_the_package_the_message_says_how_to_install(monkeypatch):
    monkeypatch.delenv(pagefind.ENV, raising=False)
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)  # as if not installed
    with pytest.raises(pagefind.PagefindError, match=r"pip install 'maturity\[pagefind\]'"):
        pagefind.binary()


# --- in chromium -----------------------------------------------------------------------------------

if have_browser():
    pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[test]')")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from test_csp_browser import LISTENER, console_violations, open_page, settled


@pytest.fixture(scope="module")
def served(site, tmp_path_factory):
    """(base URL, requests served): the site under a base path, as an authority may publish it."""
    if not have_browser():
        pytest.skip(BROWSER_MISSING)
    base = tmp_path_factory.mktemp("served")
    shutil.copytree(site, base / "maturity")
    requests: list[tuple[str, int]] = []
    for url in serve(base, requests):
        yield url + "/maturity", requests


@pytest.fixture(scope="module")
def site_url(served):
    return served[0]


def find(driver, query: str, expected: str) -> list[tuple[str, str]]:
    """Type ``query`` into Pagefind's box; wait for a result containing ``expected``; (title, href) of each result."""
    box = WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, ".pagefind-ui__search-input"))
    box.clear()
    box.send_keys(query)

    def found(d):
        results = d.execute_script(
            "return [...document.querySelectorAll('.pagefind-ui__result')].map(r => {"
            " const a = r.querySelector('.pagefind-ui__result-link');"
            " return [r.innerText, a ? a.getAttribute('href') : ''] })")
        return results if any(expected in text for text, _ in results) else False

    return WebDriverWait(driver, WAIT).until(found, f"no Pagefind result containing {expected!r} for {query!r}")


def assert_no_violation(driver, where: str) -> None:
    violations, _ = settled(driver)
    assert violations == [], f"{where}: CSP violations"
    assert console_violations(driver) == [], f"{where}: CSP messages in the console"


def test_a_name_fragment_finds_the_organisation(driver, site_url):
    open_page(driver, f"{site_url}/search/")
    results = find(driver, "管理咨询", ZIXUN_NAME)
    hrefs = [href for _, href in results]
    assert "/maturity/organisations/shili-zixun/" in hrefs
    assert "/maturity/assessments/2026-shili-zixun/" in hrefs
    assert all(href.startswith("/maturity/") and not href.startswith("/maturity/en/") for href in hrefs)
    assert_no_violation(driver, "search")
    # The result opens the organisation's page.
    driver.find_element(By.CSS_SELECTOR, ".pagefind-ui__result-link[href='/maturity/organisations/shili-zixun/']").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/maturity/organisations/shili-zixun/"))
    assert ZIXUN_NAME in driver.find_element(By.CSS_SELECTOR, "article h1").text


def test_a_credit_code_finds_the_organisation(driver, site_url):
    open_page(driver, f"{site_url}/search/")
    results = find(driver, ZIXUN_CODE, ZIXUN_NAME)
    assert "/maturity/organisations/shili-zixun/" in [href for _, href in results]
    assert_no_violation(driver, "search (credit code)")


def test_the_english_search_page_finds_english_pages(driver, site_url):
    open_page(driver, f"{site_url}/en/search/")
    assert driver.execute_script("return document.documentElement.lang") == "en"
    assert "Find organisations and certificates" in driver.find_element(By.CSS_SELECTOR, "article h1").text
    results = find(driver, "report", "Maturity assessment report")
    hrefs = [href for _, href in results]
    assert hrefs and all(href.startswith("/maturity/en/") for href in hrefs), hrefs
    assert "/maturity/en/assessments/2026-shili-zixun/" in hrefs
    assert_no_violation(driver, "en/search")


def test_a_first_search_downloads_little(served, tmp_path, capsys):
    """What a first-time visitor's first search fetches (a fresh browser: nothing cached), counted by the server:
    Pagefind's worker fetches the index chunks, which the page's performance entries do not list."""
    site_url, requests = served
    fresh = chromium(tmp_path / "profile")
    fresh.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
    try:
        requests.clear()
        open_page(fresh, f"{site_url}/search/")
        find(fresh, "融资担保", "示例融资担保服务有限公司")
        entries = fresh.execute_script(
            "return performance.getEntriesByType('resource').map(e => [e.name, e.transferSize, e.decodedBodySize])")
        assert_no_violation(fresh, "first search")
    finally:
        fresh.quit()
    search = [(path, size) for path, size in requests if "/pagefind/" in path or path.endswith("/find.js")]
    total = sum(size for _, size in search)
    everything = sum(size for _, size in requests)
    theme_index = sum(size for path, size in requests if path.endswith("search_index.json"))
    with capsys.disabled():
        print(f"\nfirst search (search: pagefind, demo): {total} bytes in {len(search)} files for Pagefind; "
              f"{everything} bytes in {len(requests)} requests for everything the page fetched "
              f"({theme_index} of them Material's index of the hand-written pages, loaded on every page); "
              f"the page's own performance entries: {sum(max(t, d) for _, t, d in entries)} bytes")
    assert any(path.endswith(".pf_index") for path, _ in search) and any(path.endswith(".pf_fragment") for path, _ in search)
    assert total < FIRST_SEARCH_LIMIT


@pytest.mark.parametrize("scheme", [None, "slate"])
def test_the_search_page_passes_axe(driver, site_url, scheme):
    """Pagefind's UI on the site's own page: axe-core (as tests/test_accessibility.py runs it), before and with results."""
    axe = pytest.importorskip("selenium_axe_python", reason="accessibility tests need selenium-axe-python")
    from test_accessibility import violations

    assert violations(driver, f"{site_url}/search/", scheme) == []
    find(driver, ZIXUN_CODE, ZIXUN_NAME)
    checker = axe.Axe(driver)
    checker.inject()
    found = checker.run()["violations"]
    assert [f"{v['id']} ({v['impact']}): {n['target']}" for v in found for n in v["nodes"]] == []


# --- another generator: maturity render, zensical build, maturity render --site ----------------------------


def test_render_site_indexes_a_zensical_build_with_pagefind(tmp_path):
    """The search page works whichever generator builds: ``render --site`` runs Pagefind as the plugin does."""
    from test_generators import MATURITY, ZENSICAL, need, run
    need(ZENSICAL)
    copy_demo(tmp_path)
    with_pagefind(tmp_path)
    for cmd in ([MATURITY, "render"], [ZENSICAL, "build", "--clean"], [MATURITY, "render", "--site", "site"]):
        r = run(cmd, tmp_path)
        assert r.returncode == 0 and "Traceback" not in r.output, (cmd, r.output[-3000:])
    bundle = tmp_path / "site" / pagefind.BUNDLE
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-ui.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["zh"]["page_count"] > 0, entry
    assert ZIXUN_NAME in indexed(tmp_path / "site")["/assessments/2026-shili-zixun/"]["content"]


@pytest.mark.parametrize("guess", ["zh", "fr"])
def test_the_index_is_made_before_mkdocs_makes_its_pages_and_again_only_if_the_languages_were_not_as_expected(
        project, tmp_path, monkeypatch, guess):
    """Pagefind runs while the build's process is small (before MkDocs makes an object per page and file), in the
    languages the theme is expected to write; once built, the search pages' <html lang> decide: the right guess is
    indexed once, a wrong one again in the built languages."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import maturity.mkdocs_plugin.plugin as plugin

    root = own_copy(project, tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setattr(plugin, "_theme_language", lambda config: guess)
    runs, original = [], pagefind.run

    def recording(site_dir, pages, **kwargs):
        runs.append((kwargs["editions"], (site_dir / "assessments/2026-shili-zixun/index.html").exists()))
        return original(site_dir, pages, **kwargs)

    monkeypatch.setattr(pagefind, "run", recording)
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    built = {"": "zh", urls.ENGLISH: "en"}
    assert runs[0] == ({"": guess, urls.ENGLISH: "en"}, False), "first while no page is built"
    assert runs[1:] == ([] if guess == "zh" else [(built, True)])
    entry = json.loads((root / "site" / pagefind.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"zh", "en"}
