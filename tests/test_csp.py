"""The Content-Security-Policy of every page (maturity.publish.csp), without a browser.

What a browser makes of it is in test_csp_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import PROJECT, copy_demo, mkdocs_build, parse_html  # noqa: E402

from maturity.mkdocs_plugin.plugin import MaturityPlugin  # noqa: E402
from maturity.publish import csp  # noqa: E402
from maturity.settings import SettingsError, from_options  # noqa: E402

# The example of the CSP specification (§ 8.3): <script>alert('Hello, world.');</script>.
HELLO = "alert('Hello, world.');"
HELLO_HASH = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
# Material for MkDocs 9.x's inline scripts, as in a page two folders deep.
MD_SCOPE = ('__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),'
            '__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),'
            '__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}')
MD_TARGET = ('var target=document.getElementById(location.hash.slice(1));'
             'target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))')
REST = ("style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'")


def sha256(text: str) -> str:
    """Written out independently of csp.source_hash."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page(head: str = "", body: str = "") -> str:
    return (f'<!doctype html>\n<html lang="zh">\n  <head>\n    <meta charset="utf-8">\n    <title>t</title>\n{head}'
            f"  </head>\n  <body>\n{body}  </body>\n</html>\n")


def metas(html: str) -> list[str]:
    return [m.get("content") for m in parse_html(html).find_all("meta")
            if (m.get("http-equiv") or "").lower() == "content-security-policy"]


def directives(html: str) -> dict[str, list[str]]:
    (policy,) = metas(html)
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in out, f"{name} twice in {policy}"
        out[name] = values
    return out


# --- hashes ---------------------------------------------------------------------------------------

def test_hash_of_the_specifications_example():
    assert sha256(HELLO) == HELLO_HASH
    assert csp.source_hash(HELLO) == HELLO_HASH
    out = csp.with_policy(page(body=f"<script>{HELLO}</script>\n"))
    assert directives(out)["script-src"] == ["'self'", HELLO_HASH]


def test_material_scripts_are_hashed_per_page():
    deep = page(head=f"    <script>{MD_SCOPE}</script>\n", body=f"<script>{MD_TARGET}</script>\n")
    top = deep.replace('new URL("../..",', 'new URL(".",')
    assert directives(csp.with_policy(deep))["script-src"] == ["'self'", sha256(MD_SCOPE), sha256(MD_TARGET)]
    scope_top = MD_SCOPE.replace('"../.."', '"."')
    assert directives(csp.with_policy(top))["script-src"] == ["'self'", sha256(scope_top), sha256(MD_TARGET)]
    assert sha256(scope_top) != sha256(MD_SCOPE)


def test_whole_policy_text():
    out = csp.with_policy(page(body=f"<script>{HELLO}</script>\n"))
    assert metas(out) == [f"default-src 'self'; script-src 'self' {HELLO_HASH}; {REST}"]
    assert csp.policy([], []) == f"default-src 'self'; script-src 'self'; {REST}"


def test_hash_is_of_the_exact_text_in_utf8():
    text = "\n  var 名称 = \"示例咨询\";  // 中文\n"
    out = csp.with_policy(page(body=f"<script>{text}</script>"))
    assert directives(out)["script-src"] == ["'self'", sha256(text)]
    # The browser's parser turns CR LF and CR into LF before the script's text is hashed.
    crlf = csp.with_policy(page(body="<script>a();\r\nb();\rc();</script>"))
    assert directives(crlf)["script-src"] == ["'self'", sha256("a();\nb();\nc();")]


def test_identical_scripts_are_listed_once():
    out = csp.with_policy(page(body=f"<script>{HELLO}</script><script>{HELLO}</script>"))
    assert directives(out)["script-src"] == ["'self'", HELLO_HASH]


@pytest.mark.parametrize("attrs, hashed", [
    ("", True),
    (' type=""', True),
    (' type="text/javascript"', True),
    (' type=" TEXT/JavaScript "', True),
    (' type="application/ecmascript"', True),
    (' type="module"', True),
    (' language="javascript"', True),
    (' type="application/json" id="__config"', False),
    (' type="application/ld+json"', False),
    (' type="text/plain"', False),
    (' type="text/javascript; charset=utf-8"', False),  # not a MIME type essence match: not run
    (' language="vbscript"', False),
    (' type="application/json" type="text/javascript"', False),  # the first attribute counts
    (' src="assets/x.js"', False),  # loaded from the site: 'self'
])
def test_only_scripts_the_browser_runs_are_hashed(attrs, hashed):
    out = csp.with_policy(page(body=f"<script{attrs}>{HELLO}</script>\n"))
    assert directives(out)["script-src"] == (["'self'", HELLO_HASH] if hashed else ["'self'"])


@pytest.mark.parametrize("body, script", [
    ("<!-- <script>alert(1)</script> --><script>x()</script>", "x()"),
    ("<!--><script>x()</script>", "x()"),  # <!--> is a whole comment
    ("<title><script>alert(1)</script></title><script>x()</script>", "x()"),
    ("<textarea><script>alert(1)</script></textarea><script>x()</script>", "x()"),
    ("<noscript><script>alert(1)</script></noscript><script>x()</script>", "x()"),
    ('<script data-x="a>b" data-y=\'c>d\'>x()</script>', "x()"),
    ("<SCRIPT TYPE=Module>x()</SCRIPT >", "x()"),
    ("<script>x()</script/>", "x()"),
    ('<script>var a = "</scripts>";</script>', 'var a = "</scripts>";'),
    ("<script>x()", None),  # unclosed to the end: not run
    ('<script type="application/json">{"a": "<script>alert(1)</script>"}</script>', None),
])
def test_the_page_is_read_as_a_browser_reads_it(body, script):
    out = csp.with_policy(page(body=body))
    assert directives(out)["script-src"] == ["'self'"] + ([sha256(script)] if script else [])


def test_reading_takes_linear_time_whatever_the_page_holds():
    import time
    hostile = '<a b="' + "x" * 200_000 + "<p " + "y=" * 100_000 + "<!--" + "<script " * 20_000
    start = time.perf_counter()
    csp.with_policy(page(body=hostile + f"<script>{HELLO}</script>"))
    assert time.perf_counter() - start < 2


def test_json_data_blocks_are_skipped():
    config = '{"base": "..", "features": []}'
    labels = '{"status": {"valid": "\\u6709\\u6548"}}'
    out = csp.with_policy(page(body=f'<script id="__config" type="application/json">{config}</script>\n'
                                    f'<script type="application/json" id="mt-verify-labels">{labels}</script>\n'
                                    f"<script>{MD_TARGET}</script>\n"))
    assert directives(out)["script-src"] == ["'self'", sha256(MD_TARGET)]


def test_inline_styles_are_hashed_style_attributes_are_not_allowed():
    style = ':root{--md-text-font:"Roboto"}'
    out = csp.with_policy(page(head=f"    <style>{style}</style>\n", body='<p style="color:red">x</p>\n'))
    d = directives(out)
    assert d["style-src"] == ["'self'", sha256(style)]
    assert "'unsafe-inline'" not in d["style-src"] and "'unsafe-hashes'" not in d["style-src"]


# --- what the page's content holds is never trusted --------------------------------------------------

def test_scripts_and_styles_inside_the_content_get_no_hash():
    content = ("<h1>报告</h1>\n<script>alert(1)</script>\n<style>body{display:none}</style>\n"
               '<script type="module">alert(2)</script>\n<script type="application/json" id="x">{}</script>\n')
    html = page(head=f"    <script>{MD_SCOPE}</script>\n",
                body=f'<article class="md-content__inner">{content}</article>\n<script>{MD_TARGET}</script>\n')
    out = csp.with_policy(html, untrusted=content)
    d = directives(out)
    assert d["script-src"] == ["'self'", sha256(MD_SCOPE), sha256(MD_TARGET)]
    assert d["style-src"] == ["'self'"]
    # without the content named, the same page would vouch for the injected script
    assert sha256("alert(1)") in directives(csp.with_policy(html))["script-src"]


def test_every_copy_of_the_content_is_untrusted():
    content = "<script>alert(1)</script>"
    html = page(body=f"<div>{content}</div><div>{content}</div><script>{HELLO}</script>")
    assert directives(csp.with_policy(html, untrusted=content))["script-src"] == ["'self'", HELLO_HASH]


def test_empty_content_trusts_the_theme_scripts():
    html = page(body=f"<script>{HELLO}</script>")
    assert directives(csp.with_policy(html, untrusted=""))["script-src"] == ["'self'", HELLO_HASH]
    assert directives(csp.with_policy(html, untrusted="  \n"))["script-src"] == ["'self'", HELLO_HASH]


# --- where the meta goes ------------------------------------------------------------------------------

def test_meta_right_after_charset_and_before_every_script_and_stylesheet():
    html = page(head='    <link rel="stylesheet" href="a.css">\n    <script>x()</script>\n    <script src="b.js"></script>\n')
    out = csp.with_policy(html)
    at = out.index('<meta http-equiv="Content-Security-Policy"')
    assert out[:at].endswith('<meta charset="utf-8">')
    assert at < out.index("<link") < out.index("<script")
    assert out.replace(out[at:out.index(">", at) + 1], "", 1) == html  # nothing else changed


def test_meta_after_head_when_a_script_comes_before_charset():
    html = '<!doctype html><html><head><script>x()</script><meta charset="utf-8"></head><body></body></html>'
    out = csp.with_policy(html)
    assert out.startswith('<!doctype html><html><head><meta http-equiv="Content-Security-Policy"')
    assert directives(out)["script-src"] == ["'self'", sha256("x()")]


def test_meta_without_head_element():
    out = csp.with_policy("<!DOCTYPE html>\n<html><title>t</title><script>x()</script><p>y</p></html>")
    assert out.startswith('<!DOCTYPE html>\n<html><meta http-equiv="Content-Security-Policy"')
    out = csp.with_policy("<p>fragment</p>")
    assert out.startswith('<meta http-equiv="Content-Security-Policy"')


def test_applying_twice_adds_no_second_meta():
    html = page(head=f"    <script>{MD_SCOPE}</script>\n", body=f"<script>{HELLO}</script>\n")
    once = csp.with_policy(html)
    assert csp.with_policy(once) == once
    assert csp.with_policy(once, untrusted="<p>x</p>") == once
    assert len(metas(once)) == 1


def test_a_policy_in_the_body_does_not_count():
    # A browser ignores a CSP meta outside <head>: content holding one must not switch ours off.
    injected = '<meta http-equiv="Content-Security-Policy" content="script-src *">'
    out = csp.with_policy(page(body=f"<p>{injected}</p>\n"), untrusted=f"<p>{injected}</p>\n")
    assert len(metas(out)) == 2 and metas(out)[0].startswith("default-src 'self'")


def test_only_html_templates_get_a_policy():
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset><url><loc>https://x/</loc></url></urlset>\n'
    assert csp.with_policy_if_html("sitemap.xml", xml) == xml
    html = page(body=f"<script>{HELLO}</script>")
    assert len(metas(csp.with_policy_if_html("404.html", html))) == 1


def test_the_core_does_not_import_mkdocs():
    source = Path(csp.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+mkdocs", source, flags=re.M)


# --- the plugin ------------------------------------------------------------------------------------

def plugin(**options) -> MaturityPlugin:
    p = MaturityPlugin()
    errors, _warnings = p.load_config(options)
    assert not errors, errors
    if p.config.enabled:
        p.settings = from_options({k: v for k, v in options.items()})
    return p


@pytest.mark.parametrize("options, applied", [({}, True), ({"csp": True}, True), ({"csp": False}, False),
                                              ({"enabled": False}, False)])
def test_plugin_applies_the_policy_unless_turned_off(options, applied):
    p = plugin(**options)
    html = page(body=f"<script>{HELLO}</script>")
    out = p.on_post_page(html, page=SimpleNamespace(content="<p>x</p>"), config=None)
    assert (out is not None and len(metas(out)) == 1) is applied
    assert out is None or out != html
    out = p.on_post_template(html, template_name="404.html", config=None)
    assert (out is not None and len(metas(out)) == 1) is applied
    assert p.on_post_template("<urlset/>", template_name="sitemap.xml", config=None) in (None, "<urlset/>")


def test_no_policy_in_the_preview():
    # mkdocs serve's live-reload script is inline and differs on every request: no hash could allow it.
    p = plugin()
    p.on_startup(command="serve", dirty=False)
    assert p.on_post_page(page(), page=SimpleNamespace(content=""), config=None) is None
    p.on_startup(command="build", dirty=False)
    assert len(metas(p.on_post_page(page(), page=SimpleNamespace(content=""), config=None))) == 1


def test_csp_option_is_checked():
    assert from_options({}).csp is True and from_options({"csp": False}).csp is False
    with pytest.raises(SettingsError, match="csp"):
        from_options({"csp": "no"})


# --- the built demo site -----------------------------------------------------------------------------

def inline_scripts(doc) -> list[tuple[str, bool]]:
    """(text, inside the article) of every inline script a browser runs, read with the tests' own parser."""
    article = doc.find("article", cls="md-content__inner")
    inside = set(map(id, article.iter())) if article is not None else set()
    return [(s.text, id(s) in inside) for s in doc.find_all("script")
            if s.get("src") is None and (s.get("type") or "") in ("", "text/javascript", "module")]


def test_scripts_written_into_the_content_get_no_hash_in_a_real_build(tmp_path):
    """MkDocs' page.content is found in Material's page, so the content really is left out."""
    root = tmp_path / "repo"
    copy_demo(root)
    doc = root / "docs" / "guide" / "format.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n\n<script>window.__docs = 1;</script>\n", encoding="utf-8")
    report = (PROJECT / "plugins" / "maturity" / "publish" / "templates" / "report.html").read_text(encoding="utf-8")
    (root / "templates" / "report.html").write_text(report + "\n<script>window.__template = 1;</script>\n", encoding="utf-8")
    build = mkdocs_build(root)
    assert build.returncode == 0, build.output[-3000:]
    for rel, script in (("guide/format/index.html", "window.__docs = 1;"),
                        ("assessments/2026-shili-zixun/index.html", "window.__template = 1;")):
        html = (build.site / rel).read_text(encoding="utf-8")
        assert f"<script>{script}</script>" in html, rel
        script_src = directives(html)["script-src"]
        assert sha256(script) not in script_src and len(script_src) == 3, f"{rel}: {script_src}"


def test_every_html_page_of_the_demo_has_its_policy(built):
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 20 and built.site / "404.html" in pages
    for path in pages:
        html = path.read_text(encoding="utf-8")
        rel = path.relative_to(built.site).as_posix()
        assert len(metas(html)) == 1, f"{rel}: {len(metas(html))} CSP meta tags"
        head = html[:html.index("</head>")]
        at = head.index('http-equiv="Content-Security-Policy"')
        assert at < min(i for i in (head.find("<script"), head.find("<link"), head.find("<style"), len(head)) if i >= 0), rel
        scripts = inline_scripts(parse_html(html))
        if rel.startswith("evidence/"):  # the viewer of a text evidence file: not a theme page, no inline script at all
            assert scripts == [] and directives(html)["script-src"] == ["'self'"], rel
            continue
        assert scripts and not any(inside for _, inside in scripts), f"{rel}: inline script inside the article"
        assert directives(html)["script-src"] == ["'self'"] + [sha256(text) for text, _ in scripts], rel
        assert directives(html)["style-src"] == ["'self'"], rel
    assert "Content-Security-Policy" not in (built.site / "sitemap.xml").read_text(encoding="utf-8")
