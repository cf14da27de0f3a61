"""A Content-Security-Policy for every finished HTML page: only the site's own scripts and styles run.

:func:`with_policy` takes a page exactly as it will be written and returns it with
``<meta http-equiv="Content-Security-Policy">`` early in ``<head>``. Scripts and styles must come from
the site itself (``'self'``); the theme's few inline ``<script>`` and ``<style>`` elements are allowed
by their SHA-256 hashes, computed per page because their text depends on the page's depth
(Material's ``__md_scope=new URL("../..",location)``).

What the page's *content* holds — generated reports and certificates, hand-written Markdown, the
overview — is never trusted: it is blanked out before the page is read, so an inline script or style
inside it gets no hash, and if escaping or sanitising ever let one through, the browser still refuses
to run it. (Hashing every script on the page would let an injected script vouch for itself.)

The page is read by a small tokenizer (:func:`read`) that follows the HTML standard where it matters
here: comments, the raw text of ``<script>``, ``<style>``, ``<title>``, ``<textarea>``, ``<noscript>``
and the like, quoted attribute values, repeated attributes (the first counts). Its limits: it does not
know the script-data escape states (a script holding ``<!--<script>``) or foreign content (a
``<script>`` inside ``<svg>``, whose character references the browser decodes). There the hash it
computes does not match what the browser would run, so that script is blocked, never wrongly allowed.
Import maps and speculation rules get no hash either: they are blocked. A meta policy cannot set
``frame-ancestors``, ``report-uri``/``report-to`` or ``sandbox``; the server has to send those as
headers (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass

# The HTML standard's JavaScript MIME type essences: <script type=...> with one of these runs as a classic script.
JAVASCRIPT_TYPES = frozenset({
    "application/ecmascript", "application/javascript", "application/x-ecmascript", "application/x-javascript",
    "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1", "text/javascript1.2",
    "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
    "text/x-ecmascript", "text/x-javascript",
})
# Elements whose content is text up to their end tag: a "<script" inside them is not a script.
RAW_TEXT = frozenset({"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript"})
HTML_SUFFIXES = (".html", ".htm")
META_NAME = "content-security-policy"

_MARKUP = re.compile(r"""
    <!--(?:-?>|.*?(?:--!?>|\Z))                                     # a comment (also <!--> and <!--->)
  | <[!?][^>]*(?:>|\Z)                                             # doctype, bogus comment
  | </(?P<end>[A-Za-z][^\s/>]*)[^>]*(?:>|\Z)                       # an end tag
  | <(?P<name>[A-Za-z][^\s/>]*)(?P<attrs>(?:[^"'>]++|"[^"]*+"|'[^']*+')*+)(?:>|\Z)   # a start tag
""", re.S | re.X)  # (possessive quantifiers: no backtracking, whatever the page holds)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")


@dataclass(frozen=True)
class Inline:
    """An inline <script> or <style> element: where its text lies in the page, and whether it runs."""

    tag: str
    text_start: int
    text_end: int
    executable: bool  # scripts: JavaScript or a module; styles: always


@dataclass(frozen=True)
class Head:
    """What the insertion point depends on, as offsets in the page (None: not there)."""

    head_end: int | None  # just after <head ...>
    charset_end: int | None  # just after <meta charset=...>
    first_resource: int | None  # the first <script>, <style> or <link> (of any kind)
    has_policy: bool  # a CSP meta before </head> or <body>: where browsers apply it


def attributes(text: str) -> dict[str, str]:
    """A start tag's attributes, names in lower case, values with character references resolved."""
    out: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(text):
        value = next((v for v in m.group(2, 3, 4) if v is not None), "")
        out.setdefault(m.group(1).lower(), html.unescape(value))  # a browser keeps the first of repeated attributes
    return out


def runs(attrs: dict[str, str]) -> bool:
    """Whether a browser runs an inline <script> with these attributes (HTML: "prepare the script element")."""
    if "type" in attrs:
        kind = attrs["type"]
    elif attrs.get("language"):
        kind = "text/" + attrs["language"]
    else:
        kind = ""
    kind = kind.strip().lower()
    return kind == "" or kind == "module" or kind in JAVASCRIPT_TYPES


def read(page: str) -> tuple[list[Inline], Head]:
    """The inline scripts and styles of a page, and the landmarks of its <head>."""
    inline: list[Inline] = []
    head_end = charset_end = first_resource = None
    has_policy = in_body = False
    pos = 0
    while (m := _MARKUP.search(page, pos)) is not None:
        pos = m.end()
        if m.group("end"):
            in_body = in_body or m.group("end").lower() == "head"
            continue
        name = (m.group("name") or "").lower()
        if not name:
            continue  # a comment or doctype
        attrs = attributes(m.group("attrs")) if name in ("script", "meta") else {}
        if name in ("script", "style", "link") and first_resource is None:
            first_resource = m.start()
        if name == "head" and head_end is None:
            head_end = pos
        elif name == "body":
            in_body = True
        elif name == "meta" and not in_body:
            if "charset" in attrs and charset_end is None:
                charset_end = pos
            has_policy = has_policy or attrs.get("http-equiv", "").strip().lower() == META_NAME
        elif name == "plaintext":
            break  # everything after it is text
        if name in RAW_TEXT:
            close = re.compile(rf"</{name}[\s/>]", re.I).search(page, pos)  # (re caches the compiled pattern)
            if close is None:
                break  # unclosed to the end: a browser does not run such a script
            end = close.start()
            if name == "style" or (name == "script" and "src" not in attrs):
                inline.append(Inline(name, pos, end, name == "style" or runs(attrs)))
            pos = end
    return inline, Head(head_end, charset_end, first_resource, has_policy)


def source_hash(text: str) -> str:
    """The CSP hash source of an element's text, as the browser sees it (line breaks normalised by its parser)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def blanked(page: str, untrusted: str) -> str:
    """The page with every occurrence of the untrusted content replaced by spaces (offsets unchanged)."""
    if not untrusted.strip():
        return page
    return page.replace(untrusted, " " * len(untrusted))


def trusted_hashes(page: str, inline: list[Inline], tag: str) -> list[str]:
    """The hashes of the executable inline ``tag`` elements, in page order, once each."""
    hashes: list[str] = []
    for el in inline:
        if el.tag == tag and el.executable:
            h = source_hash(page[el.text_start:el.text_end])
            if h not in hashes:
                hashes.append(h)
    return hashes


def policy(script_hashes: list[str], style_hashes: list[str], wasm: bool = False) -> str:
    """The policy text. Each part, and why, is in docs/security.md ("内容安全策略").

    ``wasm``: the page runs WebAssembly (Pagefind's search page), which needs 'wasm-unsafe-eval'; it lets the
    page compile WebAssembly only, not run JavaScript from strings, and no other page gets it."""
    return "; ".join((
        "default-src 'self'",
        " ".join(["script-src 'self'", *(["'wasm-unsafe-eval'"] if wasm else []), *script_hashes]),
        # No 'unsafe-inline': neither Material nor the site writes a style attribute, and the styles
        # Material's scripts set at run time go through the CSSOM, which CSP does not restrict.
        " ".join(["style-src 'self'", *style_hashes]),
        "img-src 'self' data:",  # Material's icons are data: SVG images in its stylesheet (mask-image)
        "font-src 'self'",
        "connect-src 'self'",  # the search index, certificates.json
        "worker-src 'self'",  # Material's search worker
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ))


def insertion_point(page: str, head: Head) -> int:
    """Right after <meta charset>, else after <head>, and always before the first script, style or stylesheet."""
    limit = head.first_resource if head.first_resource is not None else len(page)
    for candidate in (head.charset_end, head.head_end):
        if candidate is not None and candidate <= limit:
            return candidate
    # No usable <head>: after the doctype and <html>, where the parser still opens the head (never before
    # the doctype, which would switch the page to quirks mode).
    return _START.match(page).end()


_START = re.compile(r"\ufeff?\s*(?:<!--.*?-->\s*)*(?:<!doctype[^>]*>)?\s*(?:<!--.*?-->\s*)*(?:<html\b[^>]*>)?", re.I | re.S)


def meta_tag(text: str) -> str:
    # The policy holds only keywords and base64, but an attribute value must hold whatever it is given.
    return f'<meta http-equiv="Content-Security-Policy" content="{text.replace("&", "&amp;").replace(chr(34), "&quot;")}">'


def with_policy(page: str, *, untrusted: str = "", wasm: bool = False) -> str:
    """``page`` with its Content-Security-Policy meta tag; unchanged if it already has one in <head>.

    ``untrusted`` is the page's content as the theme inserted it (MkDocs' ``page.content``): it is
    blanked out before the page is read, so nothing inside it gets a hash.
    """
    visible = blanked(page, untrusted)
    inline, head = read(visible)
    if head.has_policy:
        return page
    text = policy(trusted_hashes(visible, inline, "script"), trusted_hashes(visible, inline, "style"), wasm)
    at = insertion_point(visible, head)
    return page[:at] + meta_tag(text) + page[at:]


def with_policy_if_html(name: str, text: str) -> str:
    """A theme template's output (404.html, sitemap.xml, ...): HTML gets its policy, anything else is left alone."""
    return with_policy(text) if name.lower().endswith(HTML_SUFFIXES) else text
