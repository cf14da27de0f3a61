"""Hostile text in the data never becomes active content on the site.

A catalogue of payloads (script tags, event handlers, ``javascript:`` links in HTML and Markdown,
style elements, CSS expressions, SVG ``foreignObject``, template syntax, XML and comment breakers) is
planted into every free-text field of every assessment — found by walking each data file along its
JSON Schema, so that a new text field is covered without changing this test — and the data is kept
valid (quoted by ``yaml.safe_dump``, registers re-hashed, certificates re-sealed).  One real strict
build follows; each output is then read with a tolerant standard-library parser:

* HTML: no <script> but the site's own, no on* attribute, no ``javascript:`` URL, no payload in a
  <style> element or a comment, no <iframe>/<object>/<embed>/<base>/<foreignObject>; the payloads
  are shown as text, and template syntax literally;
* SVG charts and badges parse as XML and contain only drawing elements;
* certificates.json, the per-certificate JSON and the Atom feed parse and carry the payloads as text;
* the search index has no unescaped ``<script``.

Evidence URLs other than http(s) are a validation error (MAT307) and are never linked.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from security_helpers import (  # noqa: E402  (security_helpers puts tests/ on sys.path)
    ATTRIBUTE_BREAKOUT,
    HOSTILE_TOKENS,
    copy_demo,
    hostile_build,
    load,
    mkdocs_build,
    scan_html,
    site_files,
    url_scheme,
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The demo with the payloads planted, built (strict) once per session: (build, planter)."""
    return hostile_build(tmp_path_factory)


@pytest.fixture(scope="module")
def site(hostile) -> Path:
    return hostile[0].site


@pytest.fixture(scope="module")
def outputs(site):
    return site_files(site)


@pytest.fixture(scope="module")
def pages(outputs):
    return {f.rel: f.raw for f in outputs if f.rel.endswith(".html")}


def test_every_text_field_was_planted(hostile):
    fields = "\n".join(hostile[1].fields)
    for needle in ("organisation/name", "organisation/region", "organisation/address", "objectives", "scope/organisation",
                   "scope/functions", "team/0/name", "team/0/organisation", "meetings/0/place", "meetings/0/chair",
                   "conclusion/summary", "conclusion/suggestions", "adherence", "disagreements/0/topic",
                   "improvement_actions/0/action", "achievements", "gaps", "recommendations", "/note",
                   "register.yml:items/0/title", "review/members/0", "review/reasons", "objections/0/summary",
                   "events/0/reason", "organisation_participants/0/name"):
        assert needle in fields, f"no field {needle!r} was planted"
    assert len(hostile[1].fields) > 500


def _resolve(page: str, src: str) -> str:
    """A script's path in the site: relative to the page, or from the root (404.html uses /assets/...)."""
    if src.startswith("/") and not src.startswith("//"):
        return posixpath.normpath(src.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), src))


SITE_INLINE_SCRIPTS = ("__md_scope=new URL(", "var target=document.getElementById(location.hash.slice(1))")


def test_only_the_sites_own_scripts(pages):
    bad = []
    for rel, text in pages.items():
        for el in scan_html(text).elements:
            if el.tag != "script":
                continue
            attrs = dict(el.attrs)
            src = attrs.get("src")
            if src:
                if url_scheme(src) or src.startswith("//") or not _resolve(rel, src).startswith("assets/"):
                    bad.append(f"{rel}:{el.line}: script src={src}")
            elif attrs.get("type") == "application/json" and attrs.get("id") in ("__config", "mt-verify-labels"):
                json.loads(el.text)  # data, not code: the browser does not run it
                if any(t in el.text for t in HOSTILE_TOKENS):
                    bad.append(f"{rel}:{el.line}: payload in the theme's configuration script")
            elif not el.text.strip().startswith(SITE_INLINE_SCRIPTS) or any(t in el.text for t in HOSTILE_TOKENS):
                bad.append(f"{rel}:{el.line}: inline script {el.text[:80]!r}")
    assert not bad, "\n".join(bad)


def test_no_event_handler_attributes(pages):
    bad = []
    for rel, text in pages.items():
        for el in scan_html(text).elements:
            for name, value in el.attrs:
                if not name.lower().startswith("on"):
                    continue
                bad.append(f"{rel}:{el.line}: <{el.tag} {name}={value!r}>")  # the site writes none (CSP forbids them)
    assert not bad, "\n".join(bad)


URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "background", "cite", "srcset", "srcdoc"}


def test_no_script_urls(pages):
    bad = []
    for rel, text in pages.items():
        for el in scan_html(text).elements:
            for name, value in el.attrs:
                if name.lower() in URL_ATTRIBUTES and url_scheme(value or "") in ("javascript", "vbscript", "data"):
                    bad.append(f"{rel}:{el.line}: <{el.tag} {name}={value!r}>")
                if name.lower() == "content" and "javascript:" in (value or "").lower():
                    bad.append(f"{rel}:{el.line}: <{el.tag} {name}={value!r}>")
    assert not bad, "\n".join(bad)


def test_no_dangerous_elements_styles_or_comments(pages):
    bad = []
    for rel, text in pages.items():
        s = scan_html(text)
        for el in s.elements:
            attrs = dict(el.attrs)
            if el.tag in ("iframe", "object", "embed", "base", "foreignobject", "frame", "frameset", "applet", "math", "mglyph"):
                bad.append(f"{rel}:{el.line}: <{el.tag}>")
            if el.tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
                bad.append(f"{rel}:{el.line}: <meta http-equiv=refresh>")
            if el.tag == "style" and any(t in el.text for t in HOSTILE_TOKENS):
                bad.append(f"{rel}:{el.line}: payload in <style>: {el.text[:80]!r}")
            style = attrs.get("style") or ""
            if any(t in style for t in HOSTILE_TOKENS) or "url(" in style:
                bad.append(f"{rel}:{el.line}: style attribute {style!r}")
        for comment in s.comments:
            if any(t in comment for t in HOSTILE_TOKENS) or re.search(r"F\d{3}", comment):
                bad.append(f"{rel}: payload in a comment or CDATA section: {comment[:80]!r}")
    assert not bad, "\n".join(bad)


def test_payloads_are_shown_as_text(pages):
    """The checks above are not vacuous: the payloads are on the pages, as text."""
    report = scan_html(pages["assessments/2026-shili-zixun/index.html"])
    text = "".join(report.data)
    assert '<script>alert("XSS")</script>' in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "</title><script>alert(1)</script>" in text
    # the page title holds the organisation's name: as text, in <title> and in the header
    raw = pages["assessments/2026-shili-zixun/index.html"]
    title = re.search(r"<title>(.*?)</title>", raw, flags=re.S).group(1)
    assert "<" not in title and "</title><script>alert(1)</script>" in html.unescape(title)
    kechuang = "".join(scan_html(pages["organisations/shili-kechuang/index.html"]).data)
    assert ATTRIBUTE_BREAKOUT in kechuang


def test_badge_embed_code_is_safe_to_copy(pages):
    """The embed code on an organisation page, as a visitor copies it, is HTML with the name as an attribute value."""
    checked = 0
    for rel, page in pages.items():
        if not re.fullmatch(r"organisations/[^/]+/index\.html", rel):
            continue
        code = re.search(r"<pre><code>(.*?)</code></pre>", page, flags=re.S)
        assert code, f"{rel}: no embed code"
        copied = scan_html(html.unescape(code.group(1)))  # the text shown on the page is what gets pasted
        tags = [el.tag for el in copied.elements]
        assert tags == ["a", "img"], f"{rel}: embed code parses as {tags}"
        img = dict(copied.elements[1].attrs)
        assert not [n for n, _ in copied.elements[1].attrs if n.lower().startswith("on")], f"{rel}: {img}"
        assert img["alt"].endswith(" 服务能力成熟度") and img["alt"].startswith(("F", "示例")), img
        checked += 1
    assert checked >= 7
    kechuang = re.search(r"<pre><code>(.*?)</code></pre>", pages["organisations/shili-kechuang/index.html"], flags=re.S)
    alt = dict(scan_html(html.unescape(kechuang.group(1))).elements[1].attrs)["alt"]
    assert alt == f"{ATTRIBUTE_BREAKOUT} 服务能力成熟度"


def test_template_syntax_is_rendered_literally(outputs, pages):
    for f in outputs:
        assert "TPL49TPL" not in f.raw and "TPL49TPL" not in f.normalised, f"template evaluated in {f.rel}"
        assert "RAWa" not in f.normalised and "LOOPa" not in f.normalised, f"template loop evaluated in {f.rel}"
    text = "".join(scan_html(pages["assessments/2026-shili-zixun/index.html"]).data)
    assert "TPL{{ 7*7 }}TPL" in text
    assert "{% for x in 'ab' %}LOOP{{ x }}{% endfor %}" in text
    assert "{% raw %}" in text


def _svgs(text: str) -> list[str]:
    return re.findall(r"<svg\b[^>]*\bclass=\"maturity-(?:chart|qr)\".*?</svg>", text, flags=re.S)


SVG_TAGS = {"svg", "title", "desc", "rect", "g", "text", "polygon", "line", "path", "polyline", "circle"}


def _check_svg(source: str, where: str) -> list[str]:
    try:
        root = ET.fromstring(source)
    except ET.ParseError as exc:
        return [f"{where}: not well-formed XML ({exc})"]
    bad = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag not in SVG_TAGS:
            bad.append(f"{where}: <{tag}> in an SVG")
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or (local == "href" and url_scheme(value)):
                bad.append(f"{where}: <{tag} {local}={value!r}>")
    return bad


def test_charts_and_badges_are_inert_svg(outputs, pages):
    bad = []
    charts = 0
    for rel, text in pages.items():
        for svg in _svgs(text):
            charts += 1
            bad += _check_svg(svg, rel)
    badges = [f for f in outputs if f.rel.startswith("badges/")]
    assert charts >= 10 and badges
    for f in badges:
        bad += _check_svg(f.raw, f.rel)
    assert not bad, "\n".join(bad)
    kechuang = ET.fromstring(next(f.raw for f in badges if f.rel == "badges/shili-kechuang.svg"))
    assert ATTRIBUTE_BREAKOUT in kechuang.get("aria-label"), "the badge's label should hold the name as text"
    assert ATTRIBUTE_BREAKOUT in kechuang.find("{http://www.w3.org/2000/svg}title").text


def _names(root: Path) -> set[str]:
    return {load(p)["organisation"]["name"] for p in root.glob("assessments/*/assessment.yml")}


def test_json_carries_payloads_as_plain_text(hostile, outputs):
    names = _names(hostile[0].root)
    data = json.loads(next(f.raw for f in outputs if f.rel == "certificates.json"))
    assert data["certificates"]
    for record in data["certificates"] + data["announcements"]:
        assert record["organisation"]["name"] in names
    reasons = [e["reason"] for c in data["certificates"] for e in c["events"]]
    assert any("<script>alert(" in r for r in reasons)
    for f in outputs:
        if re.fullmatch(r"certificates/[^/]+\.json", f.rel):
            assert json.loads(f.raw)["organisation"]["name"] in names


def test_feed_parses_and_carries_payloads_as_text(hostile, outputs):
    raw = next(f.raw for f in outputs if f.rel == "feed.xml")
    root = ET.fromstring(raw)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert entries
    for e in entries:
        for child in ("a:title", "a:summary"):
            el = e.find(child, ns)
            assert el is not None and len(el) == 0, f"markup inside an Atom {child}"
    titles = " ".join(e.find("a:title", ns).text for e in entries)
    assert "<script>alert(" in titles  # as text, because it was escaped
    parsed = feedparser.parse(raw.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(entries)
    for e in parsed.entries:
        assert e.title_detail.type == "text/plain"
        assert not e.link.lower().startswith("javascript")


def test_search_index_has_no_markup_from_data(outputs):
    f = next(f for f in outputs if f.rel == "search/search_index.json")
    assert "<script" not in f.raw.lower()
    docs = json.loads(f.raw)["docs"]
    bad = []
    for doc in docs:  # the theme shows titles and texts of results as HTML: read them as HTML
        for key in ("title", "text"):
            value = doc.get(key) or ""
            for el in scan_html(value).elements:
                attrs = dict(el.attrs)
                if el.tag in ("script", "style", "img", "svg", "iframe", "object", "embed", "base", "meta", "math"):
                    bad.append(f"{doc['location']} {key}: <{el.tag}>")
                if any(n.lower().startswith("on") for n in attrs) or any(
                        url_scheme(attrs.get(n) or "") in ("javascript", "vbscript", "data") for n in URL_ATTRIBUTES):
                    bad.append(f"{doc['location']} {key}: <{el.tag} {attrs}>")
    assert not bad, "\n".join(bad[:20])
    titles = " ".join(html.unescape(d["title"]) for d in docs)
    assert "</title><script>alert(1)</script>" in titles.replace("\u200b", ""), "payload titles are indexed, as text"


def test_no_template_or_payload_outside_the_site_folder(hostile):
    """Building never writes outside site/ (e.g. a payload used as a path)."""
    root = hostile[0].root
    allowed = {"mkdocs.yml", "docs", "templates", "assessments", "evidence", "assessors.yml", "site", ".cache"}
    assert {p.name for p in root.iterdir()} <= allowed
    # the build cache holds its own files only, named by the tool, never by the data
    cached = {p.relative_to(root).as_posix() for p in (root / ".cache").rglob("*")}
    assert all(re.fullmatch(r"\.cache/maturity(/(\.gitignore|checked-[0-9a-f]{16}\.sqlite|rendered-[0-9a-f]{16}\.sqlite|history-[0-9a-f]{16}\.json))?", p)
               for p in cached), cached


# --- evidence URLs ---------------------------------------------------------------------------------

BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>", "data:image/svg+xml;base64,PHN2Zz4=", "vbscript:msgbox(1)",
            "//evil.example/x", "file:///etc/passwd", "https:alert(1)", "http:/x"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_evidence_url_other_than_http_is_mat307(demo, url):
    from conftest import R, check_invariants
    text = demo.read(R)
    old = "url: https://www.example.com/shili-zixun/e009.html"
    assert text.count(old) == 1
    demo.write(R, text.replace(old, "url: " + json.dumps(url)))
    line = demo.line_of(R, "id: E009") + 5
    repo = demo.load()
    check_invariants(repo.diagnostics)
    hits = [d for d in repo.errors if d.code == "MAT307" and d.path == R]
    assert hits, f"no MAT307 for {url!r}:\n" + "\n".join(map(str, repo.diagnostics))
    assert hits[0].line == line


def test_script_url_evidence_is_never_linked(tmp_path):
    root = tmp_path / "repo"
    copy_demo(root)
    register = root / "evidence" / "shili-zixun" / "register.yml"
    text = register.read_text(encoding="utf-8")
    register.write_text(text.replace("url: https://www.example.com/shili-zixun/e009.html", "url: 'javascript:alert(1)'")
                        .replace("url: https://www.example.com/shili-zixun/e027.html", "url: 'data:text/html,<script>alert(2)</script>'"),
                        encoding="utf-8")
    strict = mkdocs_build(root)
    assert strict.returncode != 0 and "MAT307" in strict.output
    lenient = mkdocs_build(root, strict=False)
    assert lenient.returncode == 0, lenient.output
    for f in site_files(lenient.site):
        assert "javascript:alert" not in f.raw.lower() and "data:text/html" not in f.raw.lower(), f.rel
    assert not (lenient.site / "assessments" / "2026-shili-zixun" / "index.html").exists()
