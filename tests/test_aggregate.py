"""Federation (``maturity aggregate``): provincial registers combined into one listing and one look-up page.

Two registers are built from the demo (its real certificates.json, produced by ``maturity.gate.prepare``):
"beijing" as built, "shanghai" renumbered and moved to another site. Every source is a local file — no
network. Checked: the combined certificates.json validates against the published schema and marks each
record with its source; a certificate number in two sources is reported and both records are kept; a
source that fails (schema, control characters, javascript:/http:/foreign links, size, not JSON) is named,
left out whole, and the rest is still published; the pages link to each authority's site, carry a CSP and
load nothing from elsewhere; and, in chromium, the look-up page finds a certificate of each source.
"""

from __future__ import annotations

import copy
import io
import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import BROWSER_MISSING, copy_demo, have_browser, parse_html, serve  # noqa: E402

from maturity import gate  # noqa: E402
from maturity.cli import main  # noqa: E402
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE  # noqa: E402
from maturity.data.schema import schema_text  # noqa: E402
from maturity.exchange import aggregate as federation  # noqa: E402
from maturity.settings import load_settings  # noqa: E402

BJ_SITE, SH_SITE = "https://maturity.example.org/", "https://sh.example.org/"


@pytest.fixture(scope="module")
def demo_register(tmp_path_factory) -> dict:
    """The demo's certificates.json, as its build publishes it."""
    root = tmp_path_factory.mktemp("demo")
    copy_demo(root)
    publication = gate.prepare(load_settings(root), display_base=root, history=lambda *_: (None, None))
    asset = next(a for a in publication.site.assets if a.path == "certificates.json")
    data = json.loads(asset.content)
    assert data["certificates"], "the demo should publish certificates"
    return data


def shanghai(register: dict, *, keep: str | None = None) -> dict:
    """Another province: numbers ZXGJ- -> SHGJ- (except ``keep``), pages on sh.example.org, names prefixed."""
    data = copy.deepcopy(register)
    for c in data["certificates"]:
        if c["number"] != keep:
            c["number"] = c["number"].replace("ZXGJ", "SHGJ")
        for key in ("url", "json"):
            c[key] = c[key].replace(BJ_SITE, SH_SITE).replace("ZXGJ", "SHGJ")
        c["organisation"]["name"] = "沪" + c["organisation"]["name"]
    for a in data["announcements"]:
        a["organisation"]["name"] = "沪" + a["organisation"]["name"]
    return data


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def config(folder: Path, sources: list[tuple[str, str, str, object]]) -> Path:
    """aggregate.yml with (id, name, site, register data or register text) per source, files beside it."""
    lines = ["title: 全国证书汇总（测试）", "authority: 示例全国协会", "sources:"]
    for sid, name, site, data in sources:
        file = folder / f"{sid}.json"
        if isinstance(data, (bytes, str)):
            file.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        elif data is not None:
            write_json(file, data)
        lines.append(f"  - {{id: {sid}, name: {name}, site: \"{site}\", register: {file.name}}}")
    path = folder / "aggregate.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str, capsys) -> tuple[int, str, str]:
    code = main(["aggregate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def schema() -> dict:
    return json.loads(schema_text("certificates"))


@pytest.fixture
def two(tmp_path, demo_register):
    """Two good sources, no number shared."""
    return config(tmp_path, [("beijing", "北京示例协会", BJ_SITE, demo_register),
                             ("shanghai", "上海示例协会", SH_SITE, shanghai(demo_register))])


# --- the combined register --------------------------------------------------------------------------------

def test_two_sources_combine_into_a_valid_register_with_each_records_source(two, tmp_path, demo_register, capsys):
    out = tmp_path / "out"
    code, stdout, stderr = run(str(two), "--out", str(out), capsys=capsys)
    assert code == EXIT_OK, stderr
    assert "2 个来源" in stdout and stderr == ""
    combined = json.loads((out / "certificates.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(combined)
    n = len(demo_register["certificates"])
    assert len(combined["certificates"]) == 2 * n
    assert len(combined["announcements"]) == 2 * len(demo_register["announcements"])
    for c in combined["certificates"]:
        site = BJ_SITE if c["number"].startswith("ZXGJ") else SH_SITE
        assert c["source"] == {"id": "beijing" if site == BJ_SITE else "shanghai",
                               "name": "北京示例协会" if site == BJ_SITE else "上海示例协会", "site": site}
        assert c["url"].startswith(site) and c["json"].startswith(site)
    assert all(a["source"]["id"] in ("beijing", "shanghai") for a in combined["announcements"])
    # The record's own digest is carried through unchanged; the source's file is identified by its SHA-256.
    original = {c["number"]: c["digest"] for c in demo_register["certificates"]}
    assert {c["number"]: c["digest"] for c in combined["certificates"] if c["source"]["id"] == "beijing"} == original
    import hashlib
    bj = next(s for s in combined["sources"] if s["id"] == "beijing")
    assert bj["sha256"] == hashlib.sha256((two.parent / "beijing.json").read_bytes()).hexdigest()
    assert bj["status"] == "ok" and bj["certificates"] == n and bj["generated"] == demo_register["generated"]
    assert combined["duplicates"] == []
    assert combined["generated"] == demo_register["generated"]
    # The combined file reads back through the project's own typed reader.
    from maturity.publish.records import CertificateRegister
    again = CertificateRegister.from_json(combined)
    assert {c.source.id for c in again.certificates} == {"beijing", "shanghai"}


def test_a_site_register_is_unchanged_and_still_valid(demo_register):
    """Records without a source (every site's own certificates.json) write no "source" key."""
    from maturity.publish.records import CertificateRegister
    assert "source" not in json.dumps(demo_register)
    assert CertificateRegister.from_json(demo_register).to_json() == demo_register
    jsonschema.Draft202012Validator(schema()).validate(demo_register)


def test_a_number_in_two_sources_is_reported_and_both_records_kept(tmp_path, demo_register, capsys):
    shared = demo_register["certificates"][0]["number"]
    path = config(tmp_path, [("beijing", "北京示例协会", BJ_SITE, demo_register),
                             ("shanghai", "上海示例协会", SH_SITE, shanghai(demo_register, keep=shared))])
    code, _, stderr = run(str(path), "--out", str(tmp_path / "out"), capsys=capsys)
    assert code == EXIT_INVALID
    assert f"证书编号 {shared} 同时出现在 北京示例协会（beijing）、上海示例协会（shanghai）" in stderr
    combined = json.loads((tmp_path / "out" / "certificates.json").read_text(encoding="utf-8"))
    assert combined["duplicates"] == [{"number": shared, "sources": ["beijing", "shanghai"]}]
    both = [c for c in combined["certificates"] if c["number"] == shared]
    assert [c["source"]["id"] for c in both] == ["beijing", "shanghai"]
    assert both[0]["url"].startswith(BJ_SITE) and both[1]["url"].startswith(SH_SITE)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "重复的证书编号" in index and shared in index


def test_numbers_differing_only_in_width_case_or_dashes_are_duplicates(demo_register):
    assert federation.number_key("ＺＸＧＪ－2026－0012") == federation.number_key("zxgj 20260012") == "ZXGJ20260012"


# --- a source that fails is named and left out whole ---------------------------------------------------------

def hostile(register: dict) -> dict[str, tuple[object, str]]:
    """Broken or hostile registers, with the words the report must contain."""
    def changed(fn):
        data = copy.deepcopy(register)
        fn(data)
        return data

    def name(data, value):
        data["certificates"][-1]["organisation"]["name"] = value

    def url(data, value):
        data["certificates"][-1]["url"] = value

    return {
        "schema": (changed(lambda d: d["certificates"][-1].pop("level")), "不符合 certificates.schema.json"),
        "extra-key": (changed(lambda d: d["certificates"][-1].update(secret="x")), "不符合 certificates.schema.json"),
        "version": (changed(lambda d: d.update(schema_version=1)), "格式版本 1 不受支持"),
        "control": (changed(lambda d: name(d, "机构\x1b[31m")), "控制字符"),
        "bidi": (changed(lambda d: name(d, "机构\u202e构机")), "U+202E"),
        "newline": (changed(lambda d: name(d, "机构\n伪造的一行")), "含有换行"),
        "javascript": (changed(lambda d: url(d, "javascript:alert(1)")), "不是 https 网址"),
        "http": (changed(lambda d: url(d, "http://maturity.example.org/certificates/x/")), "不是 https 网址"),
        "foreign": (changed(lambda d: url(d, "https://evil.example.net/certificates/x/")), "不在该机构的站点"),
        "repeated": (changed(lambda d: d["certificates"].append(copy.deepcopy(d["certificates"][0]))), "出现了不止一次"),
        "not-json": ("<html>not found</html>", "不是有效的 JSON"),
        "nan": ('{"schema_version": 2, "generated": "2026-01-01", "certificates": [], "announcements": [], "x": NaN}',
                "不是有效的 JSON"),
        "deep": ("[" * 100_000 + "]" * 100_000, "JSON"),
        "latin1": ("{\"x\": \"\xe9\"}".encode("latin-1"), "不是 UTF-8"),
        "missing": (None, "找不到文件"),
    }


def test_each_failing_source_is_named_and_left_out_whole(tmp_path, demo_register, capsys):
    cases = hostile(demo_register)
    sources = [("beijing", "北京示例协会", BJ_SITE, demo_register)]
    sources += [(f"bad-{key}", f"坏来源{key}", BJ_SITE, data) for key, (data, _) in cases.items()]
    path = config(tmp_path, sources)
    out = tmp_path / "out"
    code, stdout, stderr = run(str(path), "--out", str(out), capsys=capsys)
    assert code == EXIT_INVALID
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    for key, (_, words) in cases.items():
        line = next((x for x in lines if f"来源 bad-{key}（坏来源{key}）未汇总" in x), None)
        assert line is not None, (key, stderr)
        assert words in line, (key, line)
    combined = json.loads((out / "certificates.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(combined)
    # Only the good source's records: nothing of a failed source, not even its valid records.
    assert {c["source"]["id"] for c in combined["certificates"]} == {"beijing"}
    assert len(combined["certificates"]) == len(demo_register["certificates"])
    failed = {s["id"]: s for s in combined["sources"] if s["status"] == "failed"}
    assert set(failed) == {f"bad-{k}" for k in cases}
    assert all(s["certificates"] == 0 and s["sha256"] is None and s["error"] for s in failed.values())
    # The pages say which sources are missing, so a visitor does not take absence for "no certificate".
    for page in ("index.html", "verify.html", "certificates-1.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "以下来源本次未能汇总" in text and "坏来源javascript" in text
        assert "\x1b" not in text and "\u202e" not in text
        assert all(a.get("href", "").startswith(("https://", "certificates", "index.html", "verify.html"))
                   for a in parse_html(text).find_all("a"))  # the refused link is named in the report, never linked


def test_a_source_over_the_size_limit_is_refused(tmp_path, demo_register, capsys):
    padded = dict(demo_register)
    path = config(tmp_path, [("beijing", "北京示例协会", BJ_SITE, demo_register),
                             ("big", "大文件", BJ_SITE, json.dumps(padded) + " " * (2 * 1024 * 1024))])
    code, _, stderr = run(str(path), "--out", str(tmp_path / "out"), "--max-size", "1", capsys=capsys)
    assert code == EXIT_INVALID
    assert "来源 big（大文件）未汇总：超过大小上限 1048576 字节" in stderr


def test_read_limited_refuses_rather_than_cuts():
    assert federation.read_limited(io.BytesIO(b"x" * 10), 10) == b"x" * 10
    with pytest.raises(federation.SourceError, match="超过大小上限"):
        federation.read_limited(io.BytesIO(b"x" * 11), 10)


def test_nothing_readable_writes_nothing(tmp_path, capsys):
    path = config(tmp_path, [("gone", "缺失", BJ_SITE, None)])
    code, _, stderr = run(str(path), "--out", str(tmp_path / "out"), capsys=capsys)
    assert code == EXIT_INVALID
    assert "没有一个来源可以汇总，未写入任何文件" in stderr
    assert not (tmp_path / "out").exists()


def test_relative_links_are_resolved_against_the_sources_site(tmp_path, demo_register):
    data = copy.deepcopy(demo_register)
    number = data["certificates"][0]["number"]
    data["certificates"][0]["url"] = f"certificates/{number}/"
    data["certificates"][0]["json"] = f"/certificates/{number}.json"
    source = federation.Source("beijing", "北京", BJ_SITE, "x.json")
    register = federation.read_register(json.dumps(data).encode(), source)
    assert register.certificates[0].url == f"{BJ_SITE}certificates/{number}/"
    assert register.certificates[0].json == f"{BJ_SITE}certificates/{number}.json"


# --- the configuration ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, words", [
    ('{id: a, name: 甲, site: "http://a.example.org/", register: a.json}', "site"),
    ('{id: a, name: 甲, site: "javascript:alert(1)", register: a.json}', "site"),
    ('{id: a, name: 甲, site: "https://a.example.org/", register: "http://a.example.org/certificates.json"}', "不接受 http 网址"),
    ('{id: a, name: 甲, site: "https://a.example.org/", register: "ftp://a.example.org/c.json"}', "不接受 ftp 网址"),
    ('{id: A B, name: 甲, site: "https://a.example.org/", register: a.json}', "sources/0/id"),
    ('{id: a, name: 甲, site: "https://a.example.org/", register: a.json, token: x}', "token"),
])
def test_a_bad_configuration_is_refused_before_anything_is_read(tmp_path, entry, words, capsys):
    path = tmp_path / "aggregate.yml"
    path.write_text(f"sources:\n  - {entry}\n", encoding="utf-8")
    code, _, stderr = run(str(path), "--out", str(tmp_path / "out"), capsys=capsys)
    assert code == EXIT_USAGE
    assert words in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_repeated_source_ids_and_a_missing_file_are_usage_errors(tmp_path, capsys):
    path = tmp_path / "aggregate.yml"
    path.write_text("sources:\n" + '  - {id: a, name: 甲, site: "https://a.example.org/", register: a.json}\n' * 2,
                    encoding="utf-8")
    assert run(str(path), "--out", str(tmp_path / "o"), capsys=capsys)[0] == EXIT_USAGE
    code, _, stderr = run(str(tmp_path / "nope.yml"), "--out", str(tmp_path / "o"), capsys=capsys)
    assert code == EXIT_USAGE and "无法读取汇总配置" in stderr


def test_a_redirect_to_plain_http_is_refused():
    import urllib.request
    handler = federation._HttpsOnly()
    request = urllib.request.Request("https://a.example.org/certificates.json")
    with pytest.raises(federation.SourceError, match="重定向到非 https"):
        handler.redirect_request(request, None, 302, "Found", {}, "http://a.example.org/certificates.json")


# --- the pages ----------------------------------------------------------------------------------------------------

def test_the_pages_link_to_each_authoritys_site_and_load_nothing_from_elsewhere(two, tmp_path, demo_register, capsys):
    out = tmp_path / "out"
    assert run(str(two), "--out", str(out), "--page-size", "3", capsys=capsys)[0] == EXIT_OK
    total = 2 * len(demo_register["certificates"])
    listings = sorted(out.glob("certificates-*.html"))
    assert len(listings) == -(-total // 3)
    rows, sites = 0, set()
    for page in [out / "index.html", out / "verify.html", *listings]:
        text = page.read_text(encoding="utf-8")
        doc = parse_html(text)
        policy = [m for m in doc.find_all("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
        assert len(policy) == 1 and "script-src 'self'" in policy[0].get("content"), page.name
        for node in doc.find_all("script") + doc.find_all("link"):
            ref = node.get("src") or node.get("href")
            assert ref is None or not re.match(r"[a-z]+:|//", ref), (page.name, ref)  # only the folder's own files
            if ref:
                assert (out / ref).is_file(), ref
        for a in doc.find_all("a"):
            href = a.get("href") or ""
            assert href.startswith(("https://", "certificates", "index.html", "verify.html")), href
            if a.get("data-mt-source"):
                sites.add((a.get("data-mt-source"), href))
        for tr in doc.find_all("tr", **{"data-mt-source": "beijing"}) + doc.find_all("tr", **{"data-mt-source": "shanghai"}):
            rows += 1
            site = BJ_SITE if tr.get("data-mt-source") == "beijing" else SH_SITE
            links = [a.get("href") for a in tr.find_all("a")]
            assert links[0].startswith(site) and site in links  # the certificate page, the authority's site
            assert re.search(r"sha256:[0-9a-f]{64}", tr.text) or "—" in tr.text
    assert rows == total
    assert sites == {("beijing", BJ_SITE), ("shanghai", SH_SITE)}


def test_html_in_the_data_is_shown_as_text(tmp_path, demo_register, capsys):
    data = copy.deepcopy(demo_register)
    data["certificates"][0]["organisation"]["name"] = '<img src=x onerror=alert(1)>"机构'
    path = config(tmp_path, [("beijing", '北京<script>alert(1)</script>', BJ_SITE, data)])
    assert run(str(path), "--out", str(tmp_path / "out"), capsys=capsys)[0] == EXIT_OK
    for page in tmp_path.joinpath("out").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text, page.name


# --- in a browser -------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not have_browser(), reason=BROWSER_MISSING)
def test_the_verify_page_finds_a_certificate_of_each_source(two, tmp_path, demo_register, capsys):
    pytest.importorskip("selenium", reason="browser tests need selenium (pip install -e '.[test]')")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from site_helpers import chromium
    from test_csp_browser import LISTENER, assert_clean

    out = tmp_path / "out"
    assert run(str(two), "--out", str(out), capsys=capsys)[0] == EXIT_OK
    number = demo_register["certificates"][0]["number"]
    wanted = {"beijing": (number, BJ_SITE), "shanghai": (number.replace("ZXGJ", "SHGJ"), SH_SITE)}
    driver = chromium(tmp_path / "profile")
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER})
        for base in serve(out):
            for sid, (cert, site) in wanted.items():
                driver.get_log("browser")  # each page starts with an empty console (assert_clean's probe logs)
                driver.get(f"{base}/verify.html?q={cert}")
                WebDriverWait(driver, 20).until(
                    lambda d: d.find_elements(By.CSS_SELECTOR, ".mt-verify-result .mt-verify-hit"))
                hits = driver.find_elements(By.CSS_SELECTOR, ".mt-verify-result .mt-verify-hit")
                assert len(hits) == 1, [h.text for h in hits]
                hit = hits[0]
                assert cert in hit.text
                links = [a.get_attribute("href") for a in hit.find_elements(By.TAG_NAME, "a")]
                assert any(h.startswith(site + "certificates/") for h in links), links
                source = hit.find_element(By.CSS_SELECTOR, ".mt-verify-source")
                assert sid in source.text
                assert source.find_element(By.TAG_NAME, "a").get_attribute("href") == site
                assert "数据摘要" in hit.text
                assert_clean(driver, f"verify {sid}")
    finally:
        driver.quit()
