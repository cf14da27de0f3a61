"""The certificate look-up page (证书查询, verify/) in a real browser, on the real demo build (2026-11-21).

What a member of the public types — a certificate number in any width, case or dash, with or without
dashes, a credit code, an organisation's name or part of it — finds the right certificates and
announcements, current ones first; suspended and revoked certificates say when and why; nothing found
says so, with the authority's contact from mkdocs.yml; ``verify/?q=`` works as a deep link and a query
updates the address without a reload; and the page records no Content-Security-Policy violation.

Expected values are read from the demo's own files (assessments/*/publication.yml, mkdocs.yml) and
from certificates.json, not from the page's script.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import (BROWSER_MISSING, BUILD_DATE, article, built_demo, have_browser, parse_html,  # noqa: E402
                          read_yaml, serve, squash)

if not have_browser():
    pytest.skip(BROWSER_MISSING, allow_module_level=True)

pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[test]')")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from test_csp_browser import LISTENER, assert_clean  # noqa: E402  (the CDP listener for CSP violations)

WAIT = 20
ZIXUN_NOW, ZIXUN_OLD = "ZXGJ-2026-0012", "ZXGJ-2023-0007"  # shili-zixun: valid 2026 certificate, expired 2023 one
GROUP = {"valid": 0, "surveillance_overdue": 0, "suspended": 0, "announced": 1, "pending": 1, "expired": 2, "revoked": 2}
FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}  # str.translate: ASCII to its full-width form


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return built_demo(tmp_path_factory)


@pytest.fixture(scope="module")
def url(demo):
    yield from serve(demo.site)


@pytest.fixture(scope="module")
def register(demo):
    return json.loads((demo.site / "certificates.json").read_text(encoding="utf-8"))


def organisation(demo, aid: str) -> dict:
    return read_yaml(demo.root / "assessments" / aid / "assessment.yml")["organisation"]


def plugin_options(demo) -> dict:
    plugins = read_yaml(demo.root / "mkdocs.yml")["plugins"]
    return next(p["maturity"] for p in plugins if isinstance(p, dict) and "maturity" in p)


# --- driving the page ---------------------------------------------------------------------------------

HITS = """
return Array.prototype.map.call(document.querySelectorAll('.mt-verify-result .mt-verify-hit'), function (h) {
  var rows = {};
  Array.prototype.forEach.call(h.querySelectorAll('tr'), function (r) { rows[r.cells[0].textContent] = r.cells[1].textContent; });
  return {title: h.querySelector('.mt-verify-title').textContent, rows: rows, kind: h.className,
          links: Array.prototype.map.call(h.querySelectorAll('a'), function (a) { return a.getAttribute('href'); })};
});
"""


def open_verify(driver, base: str, query: str | None = None) -> None:
    driver.get_log("browser")
    driver.get(f"{base}/verify/" + (f"?q={quote(query)}" if query is not None else ""))
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def result_text(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, ".mt-verify-result").text


def wait_for_result(driver) -> None:
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".mt-verify-result .mt-verify-count"),
                                      "no result heading appeared")


def ask(driver, query: str, *, typed: bool = True) -> list[dict]:
    """Submit ``query`` on the open verify page; the hits shown, in order (number, title, rows, links)."""
    box = driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] input[name=q]")
    driver.execute_script("document.querySelector('.mt-verify-result').textContent = ''")
    box.clear()
    if typed:
        box.send_keys(query)
        assert box.get_attribute("value") == query, "the browser did not take the keys as given"
    else:  # characters a keyboard cannot send (zero-width, format) are pasted
        driver.execute_script("arguments[0].value = arguments[1]", box, query)
    driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] button[type=submit]").click()
    wait_for_result(driver)
    return hits(driver)


def hits(driver) -> list[dict]:
    out = driver.execute_script(HITS)
    for h in out:
        h["number"] = h["rows"].get("证书编号")
    return out


def count_heading(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, ".mt-verify-result .mt-verify-count").text


# --- input forms ----------------------------------------------------------------------------------------

TYPED_FORMS = ["ZXGJ-2026-0012", "ZXGJ20260012", "zxgj-2026-0012", "ＺＸＧＪ－２０２６－００１２", "  ZXGJ 2026 0012  ",
               "zxgj\u20142026\u20130012", "ZXGJ\u22122026\uFE630012", "ＺＸＧＪ\u30002026\u3000０012", "Zxgj‐2026‒0012"]
PASTED_FORMS = ["\u200bZXGJ-2026-0012\u200d", "ZXGJ\u2060-2026-\ufeff0012", "\u202aZXGJ\u00ad-2026-0012\u202c",
                "ZXGJ\u2011 2026\u2015\t0012\n"]


@pytest.mark.parametrize("query", TYPED_FORMS)
def test_every_typed_form_of_a_number_finds_the_certificate(driver, url, query):
    open_verify(driver, url)
    found = ask(driver, query)
    assert [h["number"] for h in found] == [ZIXUN_NOW], (query, result_text(driver))


@pytest.mark.parametrize("query", PASTED_FORMS, ids=lambda q: q.encode("unicode_escape").decode())
def test_invisible_characters_in_a_pasted_number_are_ignored(driver, url, query):
    open_verify(driver, url)
    found = ask(driver, query, typed=False)
    assert [h["number"] for h in found] == [ZIXUN_NOW], (query, result_text(driver))


@pytest.mark.parametrize("query", ["ZXGJ-2026-001", "2026-0012", "ZXGJ-2026-00120", "ZXGJ", "9111010"])
def test_part_of_a_number_or_code_finds_nothing(driver, url, query):
    # A verifier must not be told that a number exists because part of it does.
    open_verify(driver, url)
    assert ask(driver, query) == []
    assert "未找到" in result_text(driver)


# --- credit code and name -------------------------------------------------------------------------------

def test_credit_code_lists_the_current_certificate_before_the_expired_one(driver, url, demo, register):
    code = organisation(demo, "2026-shili-zixun")["credit_code"]
    assert organisation(demo, "2023-shili-zixun")["credit_code"] == code
    status = {c["number"]: c["status"] for c in register["certificates"]}
    assert (status[ZIXUN_NOW], status[ZIXUN_OLD]) == ("valid", "expired")
    # certificates.json lists by number, so the old certificate comes first there: the page must reorder.
    numbers = [c["number"] for c in register["certificates"] if c["organisation"]["credit_code"] == code]
    assert numbers == [ZIXUN_OLD, ZIXUN_NOW]
    open_verify(driver, url)
    for query in (code, code.lower(), " ".join(code[i:i + 6] for i in range(0, 18, 6)), code.translate(FULL_WIDTH)):
        found = ask(driver, query)
        assert [(h["number"], h["rows"]["状态"]) for h in found] == [(ZIXUN_NOW, "有效"), (ZIXUN_OLD, "已到期")], query
    text = result_text(driver)
    assert text.index("现行证书") < text.index(ZIXUN_NOW) < text.index("历史证书") < text.index(ZIXUN_OLD)
    assert "找到 2 条" in count_heading(driver)



@pytest.mark.parametrize("query", ["示例管理咨询有限公司", "管理咨询", "示例管理咨询", " 管理 咨询 ", "管理咨询有限"])
def test_organisation_name_whole_or_in_part(driver, url, demo, query):
    name = organisation(demo, "2026-shili-zixun")["name"]
    open_verify(driver, url)
    found = ask(driver, query)
    assert [h["number"] for h in found] == [ZIXUN_NOW, ZIXUN_OLD]
    assert {h["title"] for h in found} == {name}


def test_a_name_matching_many_shows_them_all_current_first(driver, url, register):
    open_verify(driver, url)
    found = ask(driver, "示例")  # every demo organisation
    total = len(register["certificates"]) + len(register["announcements"])
    assert len(found) == total and f"找到 {total} 条" in count_heading(driver)
    by_number = {c["number"]: c for c in register["certificates"]}
    assert_current_first([(by_number[h["number"]]["status"], by_number[h["number"]]["issued"]) if h["number"] else
                          ("announced", "") for h in found])


def assert_current_first(shown: list[tuple[str, str]]) -> None:
    """(status, issued) in the order shown: current, announcements, history; newest issued first in each."""
    groups = [GROUP[status] for status, _ in shown]
    assert groups == sorted(groups), shown
    for g in set(groups):
        dates = [day for status, day in shown if GROUP[status] == g]
        assert dates == sorted(dates, reverse=True), shown


def test_a_single_character_is_not_a_name_search(driver, url):
    open_verify(driver, url)
    assert ask(driver, "示") == []
    assert "至少输入 2 个字" in result_text(driver)


def test_announcement_found_by_code_and_name_and_shown_as_one(driver, url, demo, register):
    org = organisation(demo, "2026-shili-kechuang")
    (ann,) = register["announcements"]
    for query in (org["credit_code"], org["name"], "科技创新"):
        open_verify(driver, url)
        (hit,) = ask(driver, query)
        assert hit["title"] == org["name"] and "mt-verify-announcement" in hit["kind"]
        assert hit["rows"]["状态"].startswith("公示中") and "尚未发证" in hit["rows"]["状态"]
        assert hit["rows"]["公示期"] == f"{ann['start']} 至 {ann['last_day']}"
        assert hit["rows"]["提出异议"] == plugin_options(demo)["objection_contact"]
        assert "证书编号" not in hit["rows"] and hit["links"] == []
        assert "公示中的评估结果" in result_text(driver)


# --- what a hit shows ------------------------------------------------------------------------------------

@pytest.mark.parametrize("aid, kind", [("2026-shili-danbao", "suspended"), ("2026-shili-shuzi", "revoked")])
def test_suspended_and_revoked_say_when_and_why(driver, url, demo, register, aid, kind):
    cert = read_yaml(demo.root / "assessments" / aid / "publication.yml")["certificate"]
    event = [e for e in cert["events"] if e["kind"] == kind][-1]
    record = next(c for c in register["certificates"] if c["number"] == cert["number"])
    open_verify(driver, url)
    (hit,) = ask(driver, cert["number"].lower().replace("-", ""))
    label = {"suspended": "暂停", "revoked": "撤销"}[kind]
    assert hit["rows"]["状态"] == label
    assert hit["rows"][f"{label}日期"] == event["date"].isoformat()
    assert hit["rows"][f"{label}原因"] == event["reason"]
    assert hit["title"] == organisation(demo, aid)["name"]
    assert (hit["rows"]["发证日期"], hit["rows"]["有效期至"]) == (str(cert["issued"]), str(cert["valid_until"]))
    assert hit["links"] == [record["url"]]


def test_overdue_surveillance_gives_the_due_date(driver, url, register):
    record = next(c for c in register["certificates"] if c["status"] == "surveillance_overdue")
    assert record["surveillance_due"] and record["surveillance_due"] < BUILD_DATE
    open_verify(driver, url)
    (hit,) = ask(driver, record["number"])
    assert hit["rows"]["状态"] == "监督逾期"
    assert record["surveillance_due"] in hit["rows"]["年度监督"]


def test_a_valid_hit_shows_organisation_level_number_status_and_dates(driver, url, demo, register):
    record = next(c for c in register["certificates"] if c["number"] == ZIXUN_NOW)
    open_verify(driver, url)
    (hit,) = ask(driver, ZIXUN_NOW)
    assert hit["title"] == record["organisation"]["name"]
    assert hit["rows"]["等级"].endswith("三星") and hit["rows"]["证书编号"] == ZIXUN_NOW
    assert (hit["rows"]["状态"], hit["rows"]["发证日期"], hit["rows"]["有效期至"]) == ("有效", record["issued"], record["valid_until"])
    assert hit["links"] == [record["url"]]


# --- nothing found ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["ZXGJ-2099-0001", "91110108MA01XL0K78", "不存在的公司"])
def test_not_found_says_so_with_the_date_and_whom_to_tell(driver, url, demo, query):
    options = plugin_options(demo)
    open_verify(driver, url)
    assert not driver.find_element(By.CSS_SELECTOR, ".mt-verify-none").is_displayed(), "shown before anything was asked"
    assert ask(driver, query) == []
    text = squash(result_text(driver))
    assert "找到 0 条" in count_heading(driver)
    assert f"未找到与“{query}”相符的证书或公示" in text
    assert BUILD_DATE in text
    assert options["authority_name"] in text and options["authority_contact"] in text
    assert driver.find_elements(By.CSS_SELECTOR, ".mt-verify-result a") == []


def test_the_query_is_shown_as_text_not_markup(driver, url):
    open_verify(driver, url)
    query = '<img src=x onerror="window.__pwned=1">'
    assert ask(driver, query, typed=False) == []
    assert f"“{query}”" in result_text(driver)
    assert driver.find_elements(By.CSS_SELECTOR, ".mt-verify-result img") == []
    assert driver.execute_script("return window.__pwned") is None


# --- deep links and the address ------------------------------------------------------------------------

def test_deep_link_fills_the_box_and_shows_the_result(driver, url):
    query = "ＺＸＧＪ－２０２６－００１２"
    open_verify(driver, url, query)
    wait_for_result(driver)
    assert [h["number"] for h in hits(driver)] == [ZIXUN_NOW]
    assert driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] input[name=q]").get_attribute("value") == query
    assert parse_qs(urlsplit(driver.current_url).query) == {"q": [query]}, "the address keeps the query"
    # Material's own search also reads ?q=: its overlay must not cover the result.
    assert driver.execute_script("return document.querySelector('input[data-md-toggle=search]').checked") is False
    assert driver.find_element(By.CSS_SELECTOR, ".mt-verify-result").is_displayed()
    assert_clean(driver, "verify deep link")


def test_deep_link_by_credit_code_lists_current_first(driver, url, demo):
    open_verify(driver, url, organisation(demo, "2026-shili-zixun")["credit_code"])
    wait_for_result(driver)
    assert [h["number"] for h in hits(driver)] == [ZIXUN_NOW, ZIXUN_OLD]


def test_submitting_updates_the_address_without_a_reload(driver, url):
    open_verify(driver, url)
    driver.execute_script("window.__same_page = true")
    ask(driver, "zxgj 2026 0012")
    assert parse_qs(urlsplit(driver.current_url).query) == {"q": ["zxgj 2026 0012"]}
    assert urlsplit(driver.current_url).path.endswith("/verify/")
    assert driver.execute_script("return window.__same_page") is True, "the page was reloaded"
    ask(driver, "ZXGJ-2023-0007")
    assert parse_qs(urlsplit(driver.current_url).query) == {"q": ["ZXGJ-2023-0007"]}
    driver.refresh()  # the address now holds the query: reloading shows the same result
    wait_for_result(driver)
    assert [h["number"] for h in hits(driver)] == [ZIXUN_OLD]


@pytest.mark.parametrize("number", [ZIXUN_NOW, "ZXGJ-2026-0045"])
def test_certificate_page_links_to_the_verify_page_for_its_number(driver, url, demo, number):
    body = article(parse_html(demo.site / "certificates" / number / "index.html")).text
    section = squash(body[body.index("如何核验"):])
    assert "maturity verify" not in section, "visitors cannot run the command: they have no repository"
    assert "数据摘要" in section and "JSON" in section
    driver.get(f"{url}/certificates/{number}/")
    link = driver.find_element(By.CSS_SELECTOR, "a.mt-verify-link")
    assert link.get_attribute("href") == f"{url}/verify/?q={number}"
    link.click()
    wait_for_result(driver)
    assert [h["number"] for h in hits(driver)] == [number]


# --- the policy ----------------------------------------------------------------------------------------

def test_no_csp_violation_on_the_page_whatever_is_asked(driver, url, demo):
    open_verify(driver, url)
    assert_clean(driver, "verify (loaded)")
    for query in ("ZXGJ20260012", organisation(demo, "2026-shili-zixun")["credit_code"], "示例", "ZXGJ-2099-0001", "示"):
        driver.get_log("browser")  # drop the report of assert_clean's own probe
        ask(driver, query)
        assert_clean(driver, f"verify {query!r}")


# --- the script's own pieces (run in chromium) --------------------------------------------------------

NORMALISED = [
    ("ＺＸＧＪ－２０２６－００１２", "ZXGJ-2026-0012"),
    (" zxgj-2026-0012 ", "ZXGJ-2026-0012"),
    ("ZXGJ\u3000\u00a02026\t0012", "ZXGJ20260012"),
    ("\u200bZX\u200cGJ\u200d\u2060\ufeff\u00ad", "ZXGJ"),
    ("\u2010\u2011\u2012\u2013\u2014\u2015\uff0d\ufe63\u2212-", "-" * 10),
    ("示例（北京）管理咨询", "示例(北京)管理咨询"),
    ("９１１１０１０８ｍａ０１ｘｌ０ｋ７７", "91110108MA01XL0K77"),
    ("", ""),
]


@pytest.mark.parametrize("raw, expected", NORMALISED, ids=lambda v: v.encode("unicode_escape").decode()[:30])
def test_the_scripts_normaliser(driver, url, raw, expected):
    open_verify(driver, url)
    assert driver.execute_script("return window.maturityVerify.normalise(arguments[0])", raw) == expected
    assert driver.execute_script("return window.maturityVerify.compact(arguments[0])", raw) == expected.replace("-", "")


def synthetic(n: int) -> dict:
    """A certificates.json with ``n`` certificates of organisations all called 测试…咨询, in every status."""
    statuses = ["expired", "valid", "revoked", "suspended", "surveillance_overdue"]
    certs = []
    for i in range(n):
        certs.append({"number": f"TEST-2026-{i:04d}", "organisation": {"name": f"测试{i:02d}咨询有限公司", "credit_code": f"91110000TEST{i:06d}"},
                      "level": 1 + i % 5, "status": statuses[i % 5], "issued": f"20{20 + i % 7}-0{1 + i % 9}-1{i % 10}",
                      "valid_until": "2030-01-01", "surveillance_due": None, "events": [], "url": f"/certificates/TEST-2026-{i:04d}/"})
    return {"schema_version": 2, "generated": "2026-11-21", "certificates": certs,
            "announcements": [{"assessment": "x", "organisation": {"name": "测试公示咨询有限公司", "credit_code": "91110000ANNOUNCE01"},
                               "level": 2, "status": "announced", "start": "2026-11-18", "last_day": "2026-11-24",
                               "how_to_object": "书面提出"}]}


def test_find_orders_current_then_announcements_then_history_newest_first(driver, url):
    open_verify(driver, url)
    order = driver.execute_script(
        "return window.maturityVerify.find(arguments[0], '测试').map(function (r) {"
        " return [r.record.status, r.record.issued || r.record.start]; })", synthetic(30))
    assert len(order) == 31
    assert_current_first([tuple(x) for x in order])


def test_more_than_twenty_hits_are_cut_with_a_note(driver, url):
    open_verify(driver, url)
    data = synthetic(30)
    data["certificates"][0]["organisation"]["name"] = '<img src=x onerror="window.__pwned=1">测试'
    # The page fetches certificates.json when asked: answer with the synthetic register instead.
    driver.execute_script("var data = arguments[0]; window.fetch = function () {"
                          " return Promise.resolve({ok: true, json: function () { return Promise.resolve(data); }}); };", data)
    found = ask(driver, "测试")
    assert len(found) == 20
    assert "找到 31 条" in count_heading(driver)
    more = driver.find_element(By.CSS_SELECTOR, ".mt-verify-result .mt-verify-more").text
    assert "前 20 条" in more and "另有 11 条" in more
    assert driver.find_elements(By.CSS_SELECTOR, ".mt-verify-result img") == []
    assert driver.execute_script("return window.__pwned") is None


def test_unreadable_data_is_said_and_the_next_query_tries_again(driver, url):
    open_verify(driver, url)
    driver.execute_script("window.__fetch = window.fetch; window.fetch = function () { return Promise.reject(new Error('offline')); };")
    box = driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] input[name=q]")
    box.send_keys(ZIXUN_NOW)
    driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(lambda d: "无法读取证书数据" in result_text(d))
    driver.execute_script("window.fetch = window.__fetch")
    assert [h["number"] for h in ask(driver, ZIXUN_NOW)] == [ZIXUN_NOW]


def test_not_found_text_comes_from_the_settings(tmp_path):
    """Rendered server-side: the authority's name and contact, escaped; without a contact, whom to contact."""
    from maturity.publish import build, urls
    from maturity.settings import PageSettings, Settings

    env = build.environment(Settings(root=tmp_path))
    links = urls.Links(True, urls.VERIFY)

    def none_text(pages: PageSettings) -> str:
        html = env.get_template("verify.html").render(links=links, build_date=BUILD_DATE, pages=pages,
                                                      status_names={}, level_names={})
        node = parse_html(html).find("div", cls="mt-verify-none")
        assert node is not None and "hidden" in node.attrs
        return squash(node.text), html

    text, _ = none_text(PageSettings(authority_name="某省评估管理机构", authority_contact=""))
    assert "请联系某省评估管理机构" in text and BUILD_DATE in text
    text, html = none_text(PageSettings(authority_name="机构", authority_contact='电话 1 <script>alert(1)</script>'))
    assert "电话 1 <script>alert(1)</script>" in text and "<script>alert(1)" not in html
