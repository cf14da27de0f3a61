"""The English edition (plugin option ``english``): every generated page again under /en/, from the same templates.

A real ``mkdocs build --strict`` of the demo (which turns the option on), read back as HTML; one more build
with the option off; and a real browser that opens English pages and switches language on the same page.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import (GENERATED_DIRS, article, copy_demo, have_browser, mkdocs_build,  # noqa: E402
                          parse_html, squash)

from maturity import i18n  # noqa: E402
from maturity.publish import views  # noqa: E402
from maturity.scoring import display  # noqa: E402

REPORT = "2026-shili-zixun"
CERTIFICATE = "ZXGJ-2026-0012"


def page(built, path: str):
    file = built.site / path / "index.html"
    assert file.exists(), f"{path} was not built"
    return parse_html(file)


def h1(doc) -> str:
    return squash(article(doc).find("h1").text)


def resolve(page_dir: str, href: str) -> str:
    """The site path a relative link of the page at ``page_dir`` (e.g. "en/verify/") leads to."""
    path = posixpath.normpath(posixpath.join(page_dir, href))
    return "" if path == "." else path + "/"


# --- the pages exist, in English --------------------------------------------------------------------


def test_english_pages_exist_with_english_headings(built, repo):
    a = repo.assessment(REPORT)
    name = a.organisation["name"]
    assert h1(page(built, f"en/assessments/{REPORT}")) == f"{name} · Maturity assessment report"
    assert h1(page(built, f"en/certificates/{CERTIFICATE}")) == f"Certificate {CERTIFICATE}"
    assert h1(page(built, "en/verify")) == "Verify a certificate"
    assert h1(page(built, "en/assessments")) == "Assessment results"
    assert h1(page(built, "en/certificates")) == "Certificate register"
    assert h1(page(built, f"en/organisations/{a.organisation['id']}")) == name
    home = page(built, "en")
    assert h1(home) == "Published assessment results"
    assert article(home).find("div", cls="mt-overview") is not None, "the English home page carries the overview"
    report = squash(article(page(built, f"en/assessments/{REPORT}")).text)
    for heading in ("Overall conclusion", "Results by capability domain", "Evidence", "Level score A"):
        assert heading in report
    # The Chinese page is unchanged in its language.
    assert "成熟度评估报告" in h1(page(built, f"assessments/{REPORT}"))


def test_every_generated_page_has_an_english_edition(built):
    chinese = {p.relative_to(built.site).parent.as_posix() for d in GENERATED_DIRS
               for p in (built.site / d).rglob("index.html")}
    english = {p.relative_to(built.site / "en").parent.as_posix() for p in (built.site / "en").rglob("index.html")}
    assert chinese and chinese <= english
    assert english - chinese == {"."}  # and the English home page


def test_level_names_come_from_name_en_and_a_is_the_same(built, repo):
    a = repo.assessment(REPORT)
    model = a.model
    applied = model.level(a.applied_level)
    assert applied.name_en, "the demo's model gives English level names"
    en = article(page(built, f"en/assessments/{REPORT}"))
    zh = article(page(built, f"assessments/{REPORT}"))
    levels = [squash(n.text) for n in en.find_all("span", cls="mt-level")]
    assert levels and all(not re.search(r"[一二三四五]星", x) for x in levels)
    assert f"{'★' * applied.level} {applied.name_en}" in levels
    # The displayed A: the same as the Chinese page's, truncated (never rounded up) by maturity.scoring.display.
    shown = squash(en.find("span", cls="mt-a").text)
    assert shown == squash(zh.find("span", cls="mt-a").text) == display(repo.results[a.id].applied.score)
    # Domains and scale labels in English from the model.
    text = squash(en.text)
    cd = model.capability_domains[0]
    assert cd.name_en and cd.name_en in text
    assert any(s.label_en in text for s in model.scale)
    # The model gives no English requirement texts: the Chinese text is shown (lang="zh"), with one note for the page.
    assert text.count(i18n.t("page.untranslated", "en")) == 1
    assert en.find("span", lang="zh") is not None
    cert = article(page(built, f"en/certificates/{CERTIFICATE}"))
    assert "★" in squash(cert.find("span", cls="mt-level").text)
    assert not re.search(r"[一二三四五]星", squash(cert.find("span", cls="mt-level").text))


def test_every_page_links_its_counterpart(built):
    checked = 0
    for file in sorted(built.site.rglob("index.html")):
        rel = file.relative_to(built.site).parent.as_posix()
        english = rel == "en" or rel.startswith("en/")
        generated = english or rel.startswith(GENERATED_DIRS)
        if not generated:
            continue
        doc = parse_html(file)
        link = article(doc).find("a", **{"data-mt-edition": "zh" if english else "en"})
        assert link is not None, f"{rel}: no link to the other edition"
        target = resolve(rel + "/", link.get("href"))
        expected = (rel[3:] if rel.startswith("en/") else "") if english else "en/" + rel
        assert target.rstrip("/") == expected.rstrip("/"), f"{rel}: links {target}, not its counterpart {expected}"
        assert (built.site / target / "index.html").exists()
        assert link.get("hreflang") == ("zh" if english else "en")
        checked += 1
    assert checked > 40


def test_english_pages_say_their_language_and_carry_the_policy(built):
    for path in (f"en/assessments/{REPORT}", f"en/certificates/{CERTIFICATE}", "en/verify", "en"):
        raw = (built.site / path / "index.html").read_text(encoding="utf-8")
        assert '<html lang="en"' in raw, path
        assert 'http-equiv="Content-Security-Policy"' in raw, path
    assert '<html lang="zh"' in (built.site / f"assessments/{REPORT}" / "index.html").read_text(encoding="utf-8")
    # Material's language selector names both editions.
    raw = (built.site / f"en/assessments/{REPORT}" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="en"' in raw and 'hreflang="zh"' in raw


def test_data_products_stay_single(built):
    en = built.site / "en"
    assert (built.site / "certificates.json").exists() and (built.site / "feed.xml").exists()
    assert not (en / "certificates.json").exists() and not (en / "feed.xml").exists() and not (en / "badges").exists()
    assert not list(en.rglob("*.json")) and not list(en.rglob("*.svg"))
    # The English pages link the one copy of each.
    verify = article(page(built, "en/verify"))
    form = verify.find("form")
    assert resolve("en/verify/", form.get("data-source")).rstrip("/") == "certificates.json"
    labels = json.loads(verify.find("script", id="mt-verify-labels").text)
    assert labels["words"]["status"] == "Status"
    assert labels["status"]["valid"] == "Valid"
    assert labels["levels"][labels["model"]]["3"] == "3 stars"


def test_option_off_builds_no_english_pages(tmp_path):
    copy_demo(tmp_path)
    config = tmp_path / "mkdocs.yml"
    text, n = re.subn(r"(?m)^(\s+english:).*$", r"\1 false", config.read_text(encoding="utf-8"))
    assert n == 1
    config.write_text(text, encoding="utf-8")
    build = mkdocs_build(tmp_path)
    assert build.returncode == 0, build.output
    assert not (build.site / "en").exists()
    report = (build.site / "assessments" / REPORT / "index.html").read_text(encoding="utf-8")
    assert "data-mt-edition" not in report


# --- the translator and the requirement texts -------------------------------------------------------


def test_translators_side_by_side():
    zh, en = i18n.translator("zh"), i18n.translator("en")
    assert zh("page.verify_title") == "证书查询" and en("page.verify_title") == "Verify a certificate"
    assert i18n.t("page.verify_title") == "证书查询"  # no global language was switched
    assert en("page.report_title", name="X") == "X · Maturity assessment report"
    with pytest.raises(KeyError):
        i18n.translator("fr")


def test_requirement_text_en_is_used_where_the_model_gives_it(repo):
    a = repo.assessment(REPORT)
    model = a.model
    ad = model.assessment_domains_at(a.applied_level)[0]
    first = ad.requirements_at(a.applied_level)[0]
    translated = replace(first, text_en="Write a service strategy.")
    new_ad = replace(ad, requirements=tuple(translated if r.id == first.id else r for r in ad.requirements))

    class Model:  # the model, with one requirement translated
        scale = model.scale

        def assessment_domains_at(self, level):
            return [new_ad]

    rows = views.requirement_rows(Model(), a, i18n.translator("en"))[ad.code]
    assert rows[0].text == "Write a service strategy." and not rows[0].untranslated
    assert rows[1].text == ad.requirements_at(a.applied_level)[1].text and rows[1].untranslated
    zh_rows = views.requirement_rows(Model(), a)[ad.code]
    assert zh_rows[0].text == first.text and not zh_rows[0].untranslated


# --- in a real browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(built):
    from site_helpers import serve

    yield from serve(built.site)


def _open(driver, url: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _switch(driver, lang: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.current_url
    driver.find_element(By.CSS_SELECTOR, f"article a[data-mt-edition={lang}]").click()
    WebDriverWait(driver, 20).until(lambda d: d.current_url != before
                                    and d.execute_script("return document.readyState") == "complete")


def test_browser_english_report_switches_language_on_the_same_page(driver, base_url, repo):
    from selenium.webdriver.common.by import By

    a = repo.assessment(REPORT)
    _open(driver, f"{base_url}/en/assessments/{REPORT}/")
    assert driver.find_element(By.CSS_SELECTOR, "article h1").text.endswith("Maturity assessment report")
    assert driver.find_element(By.CSS_SELECTOR, "span.mt-a").text == display(repo.results[a.id].applied.score)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    _switch(driver, "zh")
    assert driver.current_url == f"{base_url}/assessments/{REPORT}/"
    assert "成熟度评估报告" in driver.find_element(By.CSS_SELECTOR, "article h1").text
    _switch(driver, "en")
    assert driver.current_url == f"{base_url}/en/assessments/{REPORT}/"
    errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []


def test_browser_english_certificate_and_verify(driver, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(driver, f"{base_url}/en/certificates/{CERTIFICATE}/")
    assert driver.find_element(By.CSS_SELECTOR, "article h1").text == f"Certificate {CERTIFICATE}"
    assert "Valid" in driver.find_element(By.CSS_SELECTOR, ".mt-banner").text
    _switch(driver, "zh")
    assert driver.current_url == f"{base_url}/certificates/{CERTIFICATE}/"
    assert driver.find_element(By.CSS_SELECTOR, "article h1").text == f"证书 {CERTIFICATE}"
    _switch(driver, "en")
    # The certificate's verify link opens the English verify page, which looks the number up in English.
    driver.find_element(By.CSS_SELECTOR, "a.mt-verify-link").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".mt-verify-certificate"))
    assert "/en/verify/" in driver.current_url
    result = driver.find_element(By.CSS_SELECTOR, ".mt-verify-result").text
    assert "Results: 1 found" in result and "Certificate number" in result and "Valid" in result
    _switch(driver, "zh")
    assert driver.current_url.startswith(f"{base_url}/verify/")
    assert driver.find_element(By.CSS_SELECTOR, "article h1").text == "证书查询"
