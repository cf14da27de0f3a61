"""The few narrative fields that may use Markdown, rendered and then sanitised.

Which fields: ``objectives``, ``conclusion.summary``, ``adherence`` and the findings of each
assessment domain (``achievements``, ``gaps``, ``recommendations``). Everything else is plain
text, escaped. Markdown's output is cleaned by nh3 (the Rust ``ammonia`` sanitiser) with a short
list of tags and only http(s) links, so raw HTML, event handlers and ``javascript:`` URLs written
into a field never become active content.
"""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup, escape

MARKDOWN_FIELDS = ("objectives", "conclusion.summary", "adherence", "achievements", "gaps", "recommendations")
TAGS = {"p", "br", "strong", "em", "code", "ul", "ol", "li", "a", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}}
_MARKUP = re.compile(r"[*_`\[\]<>#&\\|]|^\s*[-+]\s|^\s*\d+\.\s|\n", re.MULTILINE)


def render(text: str | None) -> Markup:
    """A field's text as safe HTML (a paragraph or a few blocks)."""
    if not text:
        return Markup("")
    text = str(text)
    if not _MARKUP.search(text):  # plain text, the common case: no Markdown to run
        return Markup(f"<p>{escape(text)}</p>")
    html = markdown.markdown(text, output_format="html")
    return Markup(nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https"},
                            link_rel="nofollow noopener noreferrer", strip_comments=True))


def render_inline(text: str | None) -> Markup:
    """Like :func:`render`, without the surrounding paragraph (for use inside a sentence or cell)."""
    html = str(render(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
