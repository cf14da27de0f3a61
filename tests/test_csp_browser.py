"""The Content-Security-Policy in a real browser: nothing the site does is blocked, everything else is.

Before every navigation chromium runs a listener (DevTools' ``Page.addScriptToEvaluateOnNewDocument``,
which the page's policy does not restrict) that records ``securitypolicyviolation`` events and every
call of ``alert``/``confirm``/``prompt``/``print``. On each page:

* no violation is recorded and the console reports none, also after searching, sorting and verifying;
* the policy is in force: a probe (an inline script added to the page) is blocked and reported —
  without the policy the probe would run, so these tests fail on a site without it;
* on the hostile site (every data field carrying the payload catalogue of security_helpers.py) no
  payload runs;
* a page whose content holds scripts (as if escaping had failed) runs the theme's scripts but none of
  the content's.

The sites are served over http on 127.0.0.1; nothing is fetched from elsewhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import BROWSER_MISSING, built_demo, have_browser, parse_html, serve  # noqa: E402

if not have_browser():
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

selenium = pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[test]')")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from browser_helpers import search  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from security_helpers import hostile_build  # noqa: E402

from maturity.publish import csp  # noqa: E402

WAIT = 20  # seconds, at most, for anything to happen in the page

LISTENER = """
window.__csp = [];
window.__alerts = [];
window.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.effectiveDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber].join(" "));
}, true);
["alert", "confirm", "prompt", "print"].forEach(function (name) {
  window[name] = function () { window.__alerts.push(name + "(" + Array.prototype.join.call(arguments, ",") + ")"); };
});
"""
PROBE = """
var s = document.createElement("script");
s.textContent = "window.__probe = 'ran';";
document.head.appendChild(s);
"""

# The demo's pages the brief names: home, lists, a report, a certificate, verify, a hand-written page, 404.
DEMO_PAGES = ("", "assessments/", "assessments/2026-shili-zixun/", "organisations/shili-zixun/", "certificates/",
              "certificates/ZXGJ-2023-0007/", "verify/", "guide/format/", "security/", "404.html")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return built_demo(tmp_path_factory)


@pytest.fixture(scope="module")
def demo_url(demo):
    yield from serve(demo.site)


# --- reading the browser ----------------------------------------------------------------------------


def open_page(driver, url: str) -> None:
    driver.get_log("browser")  # start each page with an empty console
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def settled(driver) -> tuple[list[str], list[str]]:
    """(violations, dialogs) recorded once the tasks queued so far (violation reports are queued) have run."""
    return tuple(driver.execute_async_script(
        "var done = arguments[arguments.length - 1], missing = ['(listener missing)'];"
        "setTimeout(function () { done([(window.__csp || missing).slice(), (window.__alerts || missing).slice()]); }, 150);"))


def console_violations(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e.get("message", "")]


def assert_clean(driver, where: str) -> None:
    """No violation, no dialog, and the policy in force (the probe is blocked and reported)."""
    violations, dialogs = settled(driver)
    assert violations == [], f"{where}: CSP violations"
    assert console_violations(driver) == [], f"{where}: CSP messages in the console"
    assert dialogs == [], f"{where}: a payload ran"
    driver.execute_script(PROBE)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return window.__csp.length") > 0,
                                      f"{where}: an inline script was added and no violation was reported")
    assert driver.execute_script("return window.__probe") is None, f"{where}: no policy in force"
    violations, _ = settled(driver)
    assert len(violations) == 1 and violations[0].startswith("script-src-elem inline"), f"{where}: {violations}"
    driver.execute_script("window.__csp.length = 0")


# --- (a) the demo site: nothing blocked, everything works ------------------------------------------


@pytest.mark.parametrize("path", DEMO_PAGES)
def test_demo_page_has_no_violation(driver, demo_url, path):
    open_page(driver, f"{demo_url}/{path}")
    assert driver.find_element(By.CSS_SELECTOR, "article h1").is_displayed()
    # The theme's inline scripts ran (allowed by their hashes): its bundle depends on them.
    assert driver.execute_script("return typeof __md_get === 'function' && typeof __md_scope === 'object'")
    assert driver.execute_script("return !!document.querySelector('.md-search__input')")
    assert_clean(driver, path or "home")


def test_every_demo_page_has_no_violation(driver, demo_url, demo):
    pages = sorted(p.relative_to(demo.site).as_posix() for p in demo.site.rglob("*.html"))
    assert len(pages) > 20
    for rel in pages:
        path = rel.removesuffix("index.html")
        if path in DEMO_PAGES:
            continue
        open_page(driver, f"{demo_url}/{path}")
        assert_clean(driver, rel)


def _search(driver, query: str, expected: str) -> list[str]:
    return search(driver, query, expected, WAIT)


def test_search_works_under_the_policy(driver, demo_url):
    open_page(driver, f"{demo_url}/")
    results = _search(driver, "示例融资担保", "示例融资担保服务有限公司")
    assert "示例融资担保服务有限公司" in results[0]
    assert_clean(driver, "search")


def test_sorting_works_under_the_policy(driver, demo_url):
    open_page(driver, f"{demo_url}/assessments/")
    headers = driver.find_elements(By.CSS_SELECTOR, "#assessments thead th")
    a_header = next(h for h in headers if h.text.strip() == "A")
    column = headers.index(a_header)
    a_header.click()
    WebDriverWait(driver, WAIT).until(lambda d: a_header.get_attribute("aria-sort") == "ascending")
    values = [float(r.find_elements(By.TAG_NAME, "td")[column].text)
              for r in driver.find_elements(By.CSS_SELECTOR, "#assessments tbody tr")]
    assert values == sorted(values) and len(set(values)) > 1
    assert_clean(driver, "sorting")


def test_verify_form_works_under_the_policy(driver, demo_url, demo):
    register = json.loads((demo.site / "certificates.json").read_text(encoding="utf-8"))
    number = next(c["number"] for c in register["certificates"] if c["status"] == "valid")
    open_page(driver, f"{demo_url}/verify/")
    box = driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] input[name=q]")
    box.send_keys(number)
    driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] button[type=submit]").click()
    hit = WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".mt-verify-hit"))
    assert number in hit[0].text and "有效" in hit[0].text
    # The form did not navigate: the same page, with the query put into its address (verify/?q=…).
    assert driver.current_url.split("?")[0].rstrip("/").endswith("/verify") and "q=" in driver.current_url
    assert_clean(driver, "verify")


# --- (b) the hostile site: no payload runs ----------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_build(tmp_path_factory)[0]


@pytest.fixture(scope="module")
def hostile_url(hostile):
    yield from serve(hostile.site)


def test_every_hostile_page_has_the_policy(hostile):
    pages = sorted(hostile.site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        doc = parse_html(path)
        head = doc.find("head")
        policies = [m for m in doc.find_all("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
        assert len(policies) == 1 and head is not None and policies[0].parent is head, path
        script_src = next(p.split()[1:] for p in policies[0].get("content").split(";") if p.split()[0] == "script-src")
        # Only the theme's two inline scripts are allowed: no payload got a hash (an evidence viewer has none at all).
        allowed = 1 if path.relative_to(hostile.site).as_posix().startswith("evidence/") else 3
        assert len(script_src) == allowed and script_src[0] == "'self'", f"{path}: {script_src}"


def test_no_payload_runs_on_any_hostile_page(driver, hostile_url, hostile):
    pages = sorted(p.relative_to(hostile.site).as_posix() for p in hostile.site.rglob("*.html"))
    for rel in pages:
        open_page(driver, f"{hostile_url}/{rel.removesuffix('index.html')}")
        assert_clean(driver, rel)


def test_no_payload_runs_in_hostile_search_results_or_verify(driver, hostile_url, hostile):
    open_page(driver, f"{hostile_url}/")
    results = _search(driver, "F001", "F001")  # results are HTML from the index, shown with innerHTML
    assert any("alert(" in r for r in results), results  # the payloads are in what is shown
    assert_clean(driver, "search")
    register = json.loads((hostile.site / "certificates.json").read_text(encoding="utf-8"))
    number = register["certificates"][0]["number"]
    open_page(driver, f"{hostile_url}/verify/")
    driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] input[name=q]").send_keys(number)
    driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] button[type=submit]").click()
    hit = WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".mt-verify-hit"))
    assert number in hit[0].text
    assert_clean(driver, "verify")


# --- the policy is a second line of defence --------------------------------------------------------

INJECTED = ('<h1>报告</h1>\n<script>window.__pwned = "script";</script>\n'
            '<img src="missing.png" onerror="window.__pwned = \'onerror\'">\n'
            '<a id="js" href="javascript:window.__pwned = \'link\'">x</a>\n'
            '<style>h1 { display: none }</style>\n')
THEME = '<!doctype html>\n<html><head><meta charset="utf-8"><title>t</title><script>window.__theme = "ran";</script>' \
        '</head><body><article>{content}</article></body></html>\n'


def test_scripts_in_the_content_are_blocked_even_if_escaping_failed(driver, tmp_path):
    folder = tmp_path / "injected"
    folder.mkdir()
    raw = THEME.format(content=INJECTED)
    (folder / "without.html").write_text(raw, encoding="utf-8")
    (folder / "with.html").write_text(csp.with_policy(raw, untrusted=INJECTED), encoding="utf-8")
    for base in serve(folder):
        # The payloads are live: without the policy they run.
        open_page(driver, f"{base}/without.html")
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return window.__pwned") == "onerror")
        assert not driver.find_element(By.TAG_NAME, "h1").is_displayed()

        open_page(driver, f"{base}/with.html")
        assert driver.execute_script("return window.__theme") == "ran"
        driver.find_element(By.ID, "js").click()
        violations, _ = settled(driver)
        assert driver.execute_script("return window.__pwned") is None
        assert driver.find_element(By.TAG_NAME, "h1").is_displayed()  # the injected style was not applied
        directives = {v.split()[0] for v in violations}
        assert {"script-src-elem", "script-src-attr", "style-src-elem"} <= directives, violations
        assert len(violations) >= 4, violations
