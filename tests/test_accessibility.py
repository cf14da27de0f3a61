"""axe-core in chromium on the demo's pages: no violation of any rule axe runs by default.

axe-core comes bundled in the selenium-axe-python package (nothing is downloaded at test time); it
is injected with selenium's script execution, which the pages' Content-Security-Policy does not
restrict. Its default run covers WCAG 2.0/2.1 A and AA and axe's best practices (experimental rules
excepted). The light scheme is the demo's (indigo); the dark scheme (slate) is checked too, since an
authority may switch to it and the status colours are ours.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import BROWSER_MISSING, built_demo, have_browser, paged_demo_build, serve  # noqa: E402

if not have_browser():
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[test]')")
axe = pytest.importorskip("selenium_axe_python", reason="accessibility tests need selenium-axe-python (pip install -e '.[test]')")

from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT = 20
PAGES = {
    "home": "",
    "assessments list": "assessments/",
    "report": "assessments/2026-shili-zixun/",
    "progress": "assessments/2026-shili-pingtai/",
    "certificate": "certificates/ZXGJ-2023-0007/",
    "certificates": "certificates/",
    "verify": "verify/",
    "organisation": "organisations/shili-zixun/",
    "evidence viewer": "evidence/shili-zixun/files/E017.md.html",
}
# Switch the scheme and end the colour transitions it starts (Material's links fade over 125–250 ms):
# axe must see the colours the reader ends up with, not a mix.
SCHEME = """
document.body.setAttribute('data-md-color-scheme', arguments[0]);
getComputedStyle(document.body).color;
document.getAnimations().forEach(function (a) { a.finish(); });
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    yield from serve(built_demo(tmp_path_factory).site)


def violations(driver, url: str, scheme: str | None = None, size=(1366, 900)) -> list[str]:
    driver.set_window_size(*size)
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if scheme:
        driver.execute_script(SCHEME, scheme)
    checker = axe.Axe(driver)
    checker.inject()
    found = checker.run()["violations"]
    return [f"{v['id']} ({v['impact']}): {n['target']} {n['failureSummary']}" for v in found for n in v["nodes"]]


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violation(driver, base_url, name):
    assert violations(driver, f"{base_url}/{PAGES[name]}") == []


@pytest.mark.parametrize("name", ["assessments list", "report", "certificates", "certificate"])
def test_no_axe_violation_on_a_phone(driver, base_url, name):
    """The cards of the lists, the drawer navigation: the narrow layout is a layout of its own."""
    assert violations(driver, f"{base_url}/{PAGES[name]}", size=(390, 844)) == []


@pytest.mark.parametrize("name", ["assessments list", "report", "certificates", "certificate"])
def test_no_axe_violation_in_the_dark_scheme(driver, base_url, name):
    assert violations(driver, f"{base_url}/{PAGES[name]}", scheme="slate") == []


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory):
    yield from serve(paged_demo_build(tmp_path_factory).site)


@pytest.mark.parametrize("path", ["assessments/page/2/", "en/assessments/page/9/", "certificates/list/history/page/2/"])
def test_no_axe_violation_on_a_later_list_page(driver, paged_url, path):
    """The page navigation of a paged list (the demo built with one row per page)."""
    assert violations(driver, f"{paged_url}/{path}") == []
