"""The built demo site in a real headless browser (Debian's chromium driven by selenium).

The site is served over http on 127.0.0.1 (a free port); nothing is fetched from elsewhere.
Skipped only when /usr/bin/chromium or /usr/bin/chromedriver is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import BROWSER_MISSING, have_browser, paged_demo_build, read_yaml, serve  # noqa: E402

if not have_browser():
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

selenium = pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[test]')")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from browser_helpers import search  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from maturity.scoring import display  # noqa: E402

WAIT = 20  # seconds, at most, for anything to happen in the page


@pytest.fixture(scope="module")
def base_url(built):
    yield from serve(built.site)


def open_page(driver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def js_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


# --- pages ----------------------------------------------------------------------------------------


def test_report_page_shows_heading_and_a(driver, base_url, repo):
    a = repo.assessment("2026-shili-zixun")
    result = repo.results[a.id]
    open_page(driver, f"{base_url}/assessments/{a.id}/")
    h1 = driver.find_element(By.CSS_SELECTOR, "article h1")
    assert h1.is_displayed()
    assert a.organisation["name"] in h1.text and "评估报告" in h1.text
    shown = driver.find_element(By.CSS_SELECTOR, "span.mt-a")
    assert shown.is_displayed()
    assert shown.text == display(result.applied.score)
    assert driver.find_element(By.ID, "conclusion").is_displayed()
    assert js_errors(driver) == []


def test_report_charts_are_displayed(driver, base_url):
    open_page(driver, f"{base_url}/assessments/2026-shili-danbao/")
    charts = driver.find_elements(By.CSS_SELECTOR, "article svg.maturity-chart[role=img]")
    assert len(charts) == 3
    for svg in charts:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
        assert svg.is_displayed()
        size = svg.size
        assert size["width"] > 50 and size["height"] > 50, size
        assert svg.find_element(By.TAG_NAME, "title").get_attribute("textContent").strip()
    # the bars are drawn: at least one coloured <rect> with a non-zero rendered width
    bars = charts[0].find_elements(By.CSS_SELECTOR, "rect")
    assert any(r.rect["width"] > 0 and r.get_attribute("fill") in ("#2e7d32", "#c62828") for r in bars)


def _rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#assessments tbody tr")


def _visible_names(driver) -> list[str]:
    return [r.find_element(By.CSS_SELECTOR, "td").text for r in _rows(driver) if r.is_displayed()]


def test_assessments_index_sorts_and_filters(driver, base_url, repo):
    invalid = repo.invalid_assessments()
    published = [a for a in repo.assessments if a.id not in invalid and a.id in repo.results and a.concluded]
    open_page(driver, f"{base_url}/assessments/")
    assert len(_rows(driver)) == len(published)
    assert sorted(_visible_names(driver)) == sorted(a.organisation["name"] for a in published)

    # click the "A" column header: ascending, then descending
    headers = driver.find_elements(By.CSS_SELECTOR, "#assessments thead th")
    a_header = next(h for h in headers if h.text.strip() == "A")
    column = headers.index(a_header)

    def a_values():
        return [float(r.find_elements(By.TAG_NAME, "td")[column].text) for r in _rows(driver)]

    a_header.click()
    WebDriverWait(driver, WAIT).until(lambda d: a_header.get_attribute("aria-sort") == "ascending")
    assert a_values() == sorted(a_values())
    assert a_values() != sorted(a_values(), reverse=True)
    a_header.click()
    WebDriverWait(driver, WAIT).until(lambda d: a_header.get_attribute("aria-sort") == "descending")
    assert a_values() == sorted(a_values(), reverse=True)

    # sort by organisation name (text)
    name_header = headers[0]
    name_header.click()
    WebDriverWait(driver, WAIT).until(lambda d: name_header.get_attribute("aria-sort") == "ascending")
    names = [r.find_element(By.CSS_SELECTOR, "td").text for r in _rows(driver)]
    collated = driver.execute_script(
        "return arguments[0].slice().sort(function (a, b) { return a.localeCompare(b, 'zh-CN'); })", names)
    assert names == collated
    assert names != [r.find_element(By.CSS_SELECTOR, "td").text for r in reversed(_rows(driver))] or len(set(names)) == 1

    # typing in the filter hides the rows that do not match
    box = driver.find_element(By.CSS_SELECTOR, "input[data-mt-filter=assessments]")
    box.send_keys("融资担保")
    WebDriverWait(driver, WAIT).until(lambda d: len(_visible_names(d)) == 1)
    assert _visible_names(driver) == ["示例融资担保服务有限公司"]
    hidden = [r for r in _rows(driver) if not r.is_displayed()]
    assert len(hidden) == len(published) - 1
    box.clear()
    box.send_keys("91110108MA01XL0K77")  # a credit code: both assessments of 示例管理咨询有限公司
    WebDriverWait(driver, WAIT).until(lambda d: len(_visible_names(d)) == 2)
    assert set(_visible_names(driver)) == {"示例管理咨询有限公司"}
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    WebDriverWait(driver, WAIT).until(lambda d: len(_visible_names(d)) == len(published))

    # the kind selector: only the self-assessment
    Select(driver.find_element(By.CSS_SELECTOR, "select[data-mt-filter-col=assessments][data-col='4']")).select_by_visible_text("自评估")
    selfs = [a.organisation["name"] for a in published if a.is_self_assessment]
    WebDriverWait(driver, WAIT).until(lambda d: sorted(_visible_names(d)) == sorted(selfs))
    assert js_errors(driver) == []


def test_certificates_page_shows_certificate_numbers(driver, base_url, built):
    numbers = set()
    for pub in (built.root / "assessments").glob("*/publication.yml"):
        data = read_yaml(pub) or {}
        if (data.get("review") or {}).get("decision") == "confirmed" and data.get("certificate"):
            numbers.add(str(data["certificate"]["number"]))
    assert numbers
    open_page(driver, f"{base_url}/certificates/")
    text = driver.find_element(By.CSS_SELECTOR, "article").text
    for n in numbers:
        link = driver.find_element(By.LINK_TEXT, n)
        assert link.is_displayed()
        assert n in text
    # follow one: its page shows the status
    driver.find_element(By.LINK_TEXT, "ZXGJ-2023-0007").click()
    WebDriverWait(driver, WAIT).until(EC.url_contains("/certificates/ZXGJ-2023-0007/"))
    assert "已到期" in driver.find_element(By.CSS_SELECTOR, "article .mt-banner").text


# --- search ---------------------------------------------------------------------------------------


def _search(driver, query: str, expected: str) -> list[str]:
    return search(driver, query, expected, WAIT)


@pytest.mark.parametrize("query", ["示例融资担保", "示例融资担保服务有限公司"])
def test_chinese_search_finds_the_organisation(driver, base_url, query):
    open_page(driver, f"{base_url}/")
    results = _search(driver, query, "示例融资担保服务有限公司")
    first = results[0]
    assert "示例融资担保服务有限公司" in first, f"best result for {query!r} is {first[:80]!r}"


# --- a long list in pages -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory):
    yield from serve(paged_demo_build(tmp_path_factory).site)


def test_next_page_links_walk_the_whole_assessments_list(driver, base_url, paged_url):
    """From assessments/ by "下一页" to the last page: every organisation of the one-page list, in its order."""
    open_page(driver, f"{base_url}/assessments/")
    expected = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "article tbody tr td:first-child a")]
    open_page(driver, f"{paged_url}/assessments/")
    seen, urls = [], []
    while True:
        urls.append(driver.current_url.removeprefix(paged_url))
        seen += [e.text for e in driver.find_elements(By.CSS_SELECTOR, "article tbody tr td:first-child a")]
        following = driver.find_elements(By.LINK_TEXT, "下一页")
        if not following:
            break
        assert following[0].get_attribute("rel") == "next" and following[0].is_displayed()
        following[0].click()
        WebDriverWait(driver, WAIT).until(lambda d, n=len(urls): d.current_url.removeprefix(paged_url) != urls[n - 1])
        open_page(driver, driver.current_url)
    assert seen == expected and len(urls) == len(expected)
    assert urls[:3] == ["/assessments/", "/assessments/page/2/", "/assessments/page/3/"]
    current = driver.find_element(By.CSS_SELECTOR, "nav.mt-pager a[aria-current=page]")
    assert current.text == str(len(urls))
    assert js_errors(driver) == []
