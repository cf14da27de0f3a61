"""The few narrative fields that may use Markdown, rendered and then sanitised.

Which fields: ``objectives``, ``conclusion.summary``, ``adherence`` and the findings of each
assessment domain (``achievements``, ``gaps``, ``recommendations``). Everything else is plain
text, escaped. The parser is markdown-it-py (CommonMark) with only the rules report prose needs;
its output is cleaned by nh3 (the Rust ``ammonia`` sanitiser) with a short list of tags and only
http(s) links, so raw HTML, event handlers and ``javascript:`` URLs written into a field never
become active content.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

MARKDOWN_FIELDS = ("objectives", "conclusion.summary", "adherence", "achievements", "gaps", "recommendations")
TAGS = {"p", "br", "strong", "em", "code", "ul", "ol", "li", "a", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}}
# Paragraphs, lists, blockquotes; emphasis, inline code, links (inline and <autolinks>), line breaks,
# backslash escapes and entities. Not enabled: headings (a heading in a field would break the page
# outline), images, tables, code blocks, rules, reference definitions and raw HTML (shown as text).
BLOCK_RULES = ("paragraph", "list", "blockquote")
INLINE_RULES = ("text", "newline", "escape", "backticks", "emphasis", "link", "autolink", "entity")
# Characters (and line starts) that these rules react to; text without any is a paragraph as it stands.
_MARKUP = re.compile(r"[*_`\[\]<>&\\]|^\s*[-+]\s|^\s*\d+[.)]\s|\n", re.MULTILINE)


@cache
def _parser() -> MarkdownIt:
    """A CommonMark parser that stays linear on pathological input (Python-Markdown's links were quadratic)."""
    options = {"html": False, "linkify": False, "typographer": False, "breaks": False}
    return MarkdownIt("zero", options).enable([*BLOCK_RULES, *INLINE_RULES])


def _clean(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https"},
                     link_rel="nofollow noopener noreferrer", strip_comments=True)


def render(text: str | None) -> Markup:
    """A field's text as safe HTML (a paragraph or a few blocks)."""
    if not text:
        return Markup("")
    text = str(text)
    if not _MARKUP.search(text):  # plain text, the common case: no Markdown to run
        return Markup(f"<p>{escape(text)}</p>")
    return Markup(_clean(_parser().render(text)).strip())


def render_inline(text: str | None) -> Markup:
    """Like :func:`render`, without the surrounding paragraph (for use inside a sentence or cell)."""
    html = str(render(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
