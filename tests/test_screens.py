"""Every screen and paper, in a real chromium: phones, a laptop, print, and the evidence viewer.

* at 390 px wide the list tables are cards — no sideways scrolling, every cell labelled — and they
  still sort and filter;
* at 1366 px the list pages give their width to the lists (no empty table of contents), reports keep theirs;
* no chart text is drawn outside its SVG's viewBox (getBBox on a real report);
* printed (``Page.printToPDF``, A4, default margins) the 217-requirement report takes < 20 pages, with
  the authority named on top, the domains open without chevrons, SHA-256 values on one line;
* the viewer of a public text evidence file shows its Chinese text as written.

The site is served over http on 127.0.0.1; nothing is fetched from elsewhere.
"""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import BROWSER_MISSING, have_browser, read_yaml, serve  # noqa: E402

if not have_browser():
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

selenium = pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[test]')")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT = 20
PHONE, LAPTOP = (390, 844), (1366, 900)
LIST_PAGES = ("assessments/", "certificates/", "organisations/shili-zixun/")
BIG_REPORT = "assessments/2026-shili-danbao/"  # five stars, 217 requirements
A4 = {"paperWidth": 8.27, "paperHeight": 11.69}  # inches; Chrome's default margins


@pytest.fixture(scope="module")
def base_url(built):
    yield from serve(built.site)


def open_page(driver, url: str, size: tuple[int, int] = LAPTOP) -> None:
    driver.set_window_size(*size)
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")


# --- phones ---------------------------------------------------------------------------------------

OVERFLOW = """
var root = document.documentElement, out = [];
if (root.scrollWidth > root.clientWidth) out.push('page ' + root.scrollWidth + ' > ' + root.clientWidth);
document.querySelectorAll('table[data-mt="index"]').forEach(function (t) {
  for (var el = t; el && el !== document.body; el = el.parentElement) {
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      out.push((t.id || 'table') + ' scrolls in ' + el.className + ': ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
  var box = t.getBoundingClientRect();
  if (box.right > root.clientWidth + 1) out.push((t.id || 'table') + ' ends at ' + box.right);
});
return out;
"""

UNLABELLED = """
var out = [];
document.querySelectorAll('table[data-mt="index"] tbody td:not(:first-child)').forEach(function (td) {
  var shown = getComputedStyle(td, '::before').content;
  if (shown !== JSON.stringify(td.getAttribute('data-label'))) out.push(td.textContent.trim() + ': ' + shown);
});
return out;
"""


@pytest.mark.parametrize("path", LIST_PAGES)
def test_lists_fit_a_phone_as_labelled_cards(driver, base_url, path):
    open_page(driver, f"{base_url}/{path}", PHONE)
    assert driver.find_elements(By.CSS_SELECTOR, 'table[data-mt="index"] tbody tr'), "no list on the page"
    assert driver.execute_script(OVERFLOW) == []
    assert driver.execute_script(UNLABELLED) == []
    display = driver.execute_script("return getComputedStyle(document.querySelector('table[data-mt=\"index\"] tbody tr')).display")
    assert display == "block", "a row is a card on a phone"


def test_cards_still_sort_and_filter_on_a_phone(driver, base_url):
    open_page(driver, f"{base_url}/assessments/", PHONE)
    headers = driver.find_elements(By.CSS_SELECTOR, "#assessments thead th")
    a_header = next(h for h in headers if h.text.strip() == "A")
    assert a_header.is_displayed(), "the column headers are the sort buttons on a phone"
    column = headers.index(a_header)
    a_header.click()
    WebDriverWait(driver, WAIT).until(lambda d: a_header.get_attribute("aria-sort") == "ascending")
    rows = driver.find_elements(By.CSS_SELECTOR, "#assessments tbody tr")
    values = [float(r.find_elements(By.TAG_NAME, "td")[column].get_attribute("data-sort")) for r in rows]
    assert values == sorted(values) and len(values) > 1
    box = driver.find_element(By.CSS_SELECTOR, "[data-mt-filter=assessments]")
    first = rows[0].find_element(By.TAG_NAME, "a").text
    box.send_keys(first)
    WebDriverWait(driver, WAIT).until(lambda d: sum(r.is_displayed() for r in rows) == 1)
    shown = [r for r in rows if r.is_displayed()]
    assert shown[0].find_element(By.TAG_NAME, "a").text == first, "a filtered-out card is hidden, the match shown"


def test_lists_stay_tables_on_a_laptop(driver, base_url):
    open_page(driver, f"{base_url}/assessments/", LAPTOP)
    assert driver.execute_script("return getComputedStyle(document.querySelector('#assessments tbody tr')).display") == "table-row"
    assert driver.execute_script(OVERFLOW) == []


# --- laptops: the table of contents -------------------------------------------------------------------

TOC_SHOWN = "var s = document.querySelector('.md-sidebar--secondary'); return !!s && !s.hidden && s.getBoundingClientRect().width > 0"


@pytest.mark.parametrize("path", ["assessments/", "certificates/", "verify/"])
def test_list_pages_have_no_table_of_contents_column(driver, base_url, path):
    open_page(driver, f"{base_url}/{path}", LAPTOP)
    assert not driver.execute_script(TOC_SHOWN)


def test_report_keeps_its_table_of_contents(driver, base_url):
    open_page(driver, f"{base_url}/assessments/2026-shili-zixun/", LAPTOP)
    assert driver.execute_script(TOC_SHOWN)


# --- charts ---------------------------------------------------------------------------------------

CLIPPED = """
var out = [];
document.querySelectorAll('svg.maturity-chart').forEach(function (svg) {
  var v = svg.viewBox.baseVal;
  svg.querySelectorAll('text').forEach(function (t) {
    var b = t.getBBox();
    if (b.x < v.x - 0.5 || b.y < v.y - 0.5 || b.x + b.width > v.x + v.width + 0.5 || b.y + b.height > v.y + v.height + 0.5)
      out.push(svg.getAttribute('aria-labelledby') + ': ' + t.textContent + ' [' + [b.x, b.y, b.width, b.height].map(Math.round) + '] in [' + [v.x, v.y, v.width, v.height] + ']');
  });
});
return out;
"""


@pytest.mark.parametrize("path", ["assessments/2026-shili-zixun/", BIG_REPORT])
def test_no_chart_text_outside_its_view_box(driver, base_url, path):
    open_page(driver, f"{base_url}/{path}", LAPTOP)
    assert driver.execute_script("return document.querySelectorAll('svg.maturity-chart text').length") > 10
    assert driver.execute_script(CLIPPED) == []


# --- paper ----------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> int:
    """Page objects (/Type /Page), not the page tree nodes (/Type /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def test_the_217_requirement_report_prints_in_under_20_pages(driver, base_url, built):
    rows = sum(len((d or {}).get("requirements") or {}) for d in read_yaml(built.root / BIG_REPORT / "scores.yml").values())
    assert rows == 217, "the demo's five-star assessment is the ~200-requirement case"
    open_page(driver, f"{base_url}/{BIG_REPORT}", LAPTOP)
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", A4)["data"])
    pages = pdf_pages(pdf)
    assert 5 < pages < 20, f"{pages} A4 pages"


PRINTED = """
var q = function (s) { return document.querySelector(s); };
var shown = function (el) { return !!el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0; };
var summary = q('details.mt-domain > summary');
var hash = q('code.mt-hash');
return {
  header: shown(q('.mt-print-header')) ? q('.mt-print-header').textContent : null,
  chrome: ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer', '.md-search'].filter(function (s) { return shown(q(s)); }),
  closed: document.querySelectorAll('details.mt-domain:not([open])').length,
  chevron: getComputedStyle(summary, '::after').display,
  hashLines: hash ? hash.getClientRects().length : 0,
  hashHeight: hash ? hash.getBoundingClientRect().height / parseFloat(getComputedStyle(hash).fontSize) : 0,
  contentWidth: q('.md-content').getBoundingClientRect().width / document.documentElement.clientWidth
};
"""


def test_paper_has_the_authority_and_only_the_content(driver, base_url, built):
    authority = read_yaml(built.root / "mkdocs.yml")["plugins"][1]["maturity"]["authority_name"]
    open_page(driver, f"{base_url}/{BIG_REPORT}", LAPTOP)
    driver.execute_script("document.querySelector('details.mt-domain').open = false")  # folded on screen
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        driver.execute_script("window.dispatchEvent(new Event('beforeprint'))")
        shown = driver.execute_script(PRINTED)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown["header"] and authority in shown["header"]
    assert shown["chrome"] == [], "header, sidebars, footer and search are not printed"
    assert shown["closed"] == 0, "every domain prints open"
    assert shown["chevron"] == "none"
    assert shown["hashLines"] == 1 and shown["hashHeight"] < 2, "a SHA-256 value prints on one line"
    assert shown["contentWidth"] > 0.9


def test_certificate_paper_names_the_authority(driver, base_url, built):
    authority = read_yaml(built.root / "mkdocs.yml")["plugins"][1]["maturity"]["authority_name"]
    open_page(driver, f"{base_url}/certificates/ZXGJ-2026-0012/", LAPTOP)
    assert not driver.find_element(By.CSS_SELECTOR, ".mt-print-header").is_displayed(), "on paper only"
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        header = driver.find_element(By.CSS_SELECTOR, ".mt-print-header")
        assert header.is_displayed() and authority in header.text
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- the evidence viewer ----------------------------------------------------------------------------


def test_text_evidence_reads_as_chinese_in_its_viewer(driver, base_url, built):
    source = built.root / "evidence/shili-zixun/files/E017.md"
    text = source.read_text(encoding="utf-8")
    assert re.search(r"[\u4e00-\u9fff]", text)
    open_page(driver, f"{base_url}/assessments/2026-shili-zixun/", LAPTOP)
    link = driver.find_element(By.CSS_SELECTOR, "#ev-E017 a")
    assert link.get_attribute("href").endswith("/evidence/shili-zixun/files/E017.md.html")
    link.click()
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith(".md.html"))
    assert driver.execute_script("return document.characterSet") == "UTF-8"
    shown = driver.execute_script("return document.querySelector('pre').textContent")
    assert shown == text
    register = read_yaml(built.root / "evidence/shili-zixun/register.yml")
    item = next(i for i in register["items"] if i["id"] == "E017")
    page = driver.find_element(By.TAG_NAME, "body").text
    assert item["title"] in page and "E017" in page and item["sha256"] in page
    assert "示例评估管理机构" in page
    original = driver.find_element(By.CSS_SELECTOR, "dd a")
    assert original.get_attribute("href").endswith("/evidence/shili-zixun/files/E017.md")
    assert driver.execute_script("return getComputedStyle(document.querySelector('pre')).whiteSpace") == "pre-wrap", "the site's CSS applies"
