"""The Markdown fields: what they render, what the sanitiser keeps, and that rendering stays linear.

Python-Markdown's link parsing was quadratic or worse: 20,000 ``[`` took about two minutes, so one field
could hang a site build that validation had passed in a second. markdown-it-py is linear; each
pathological input below, at 100,000 characters, renders in about a second or less here. The ceiling is a
generous bound, not a benchmark: the old code took more than two minutes for three of these inputs.
"""

from __future__ import annotations

import math
import multiprocessing
import resource
import signal
import time
from html.parser import HTMLParser

import pytest

from maturity.publish.richtext import TAGS, render, render_inline

CEILING = 5.0  # CPU seconds for one 100,000-character input; quadratic code is minutes past it
WALL_GUARD = 120  # seconds on the clock before giving up on the child (it is stopped at the ceiling anyway)

PATHOLOGICAL = {
    "open brackets": "[" * 100_000,
    "close brackets": "]" * 100_000,
    "asterisks": "*" * 100_000,
    "underscores": "_" * 100_000,
    "backticks": "`" * 100_000,
    "unclosed links": "[a](" * 25_000,
    "angle brackets": "<" * 100_000,
    "nested quotes": "> " * 50_000,
    "nested lists": "- " * 50_000,
    "emphasis runs": "*a" * 50_000,
    "image openers": "![" * 50_000,
    "backslashes": "\\" * 100_000,
    "nested emphasis": "*a " * 33_000,
    "entity openers": "&#" * 50_000,
}


# --- what a reader sees -----------------------------------------------------------------------------

def test_plain_text_is_an_escaped_paragraph():
    assert render("评估组依据准则开展评估。") == "<p>评估组依据准则开展评估。</p>"
    assert render("A & B <x>") == "<p>A &amp; B &lt;x&gt;</p>"
    assert render("") == "" and render(None) == ""
    assert render_inline("一句话。") == "一句话。"


def test_the_markdown_the_fields_offer():
    html = render("有 *强调*、**加粗**、`代码` 和[链接](https://example.org/a \"说明\")。")
    assert "<em>强调</em>" in html and "<strong>加粗</strong>" in html and "<code>代码</code>" in html
    assert '<a href="https://example.org/a" title="说明" rel="nofollow noopener noreferrer">链接</a>' in html
    assert render("<https://example.org>") == (
        '<p><a href="https://example.org" rel="nofollow noopener noreferrer">https://example.org</a></p>')
    assert render("- 一\n- 二\n\n1. 甲\n2. 乙") == "<ul>\n<li>一</li>\n<li>二</li>\n</ul>\n<ol>\n<li>甲</li>\n<li>乙</li>\n</ol>"
    assert render("> 引用") == "<blockquote>\n<p>引用</p>\n</blockquote>"
    assert render("第一段\n\n第二段") == "<p>第一段</p>\n<p>第二段</p>"


def test_line_breaks():
    assert render("第一行\n第二行") == "<p>第一行\n第二行</p>"  # a soft break, as the reader wrote it
    assert render("第一行  \n第二行") == "<p>第一行<br>\n第二行</p>"
    assert render("第一行\\\n第二行") == "<p>第一行<br>\n第二行</p>"


def test_inline_drops_only_a_single_paragraph():
    assert render_inline("**要点**：说明") == "<strong>要点</strong>：说明"
    assert render_inline("一\n\n二") == "<p>一</p>\n<p>二</p>"


@pytest.mark.parametrize("text", ["# 标题", "## 标题", "标题\n===", "标题\n---"])
def test_no_headings(text):
    """A heading in a field would break the report's outline: the line stays text."""
    html = render(text)
    assert "<h" not in html and "标题" in html


def test_no_images_tables_rules_or_code_blocks():
    assert "<img" not in render("![图](https://example.org/a.png)")
    assert "<table" not in render("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<hr" not in render("前\n\n---\n\n后")
    assert "<pre" not in render("```\ncode\n```") and "<pre" not in render("前\n\n    缩进")


@pytest.mark.parametrize("text", [
    '<script>alert("XSS")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">a</a>',
    "<!-- comment --> <b>粗</b>",
])
def test_raw_html_is_text(text):
    html = render(text)
    assert html.startswith("<p>&lt;") and "<script" not in html and "<img" not in html and "<b>" not in html
    assert "<!--" not in html


@pytest.mark.parametrize("text", [
    "[x](javascript:alert(1))", '[y](JaVaScRiPt:alert(1) "t")', "[z](data:text/html,x)", "[w](vbscript:x)",
    "<javascript:alert(1)>", "[v](ftp://example.org/f)", "[u](mailto:a@example.org)", "<a@example.org>",
])
def test_only_http_links(text):
    html = render(text)  # the text may stay as it was written, shown as text
    assert_well_formed(html)
    for attrs in Tags.of(html).attributes("a"):
        assert "href" not in attrs or attrs["href"].startswith(("http://", "https://")), attrs


# --- bounded work --------------------------------------------------------------------------------------

def _render_in_child(text: str, conn) -> None:
    # The machine is shared (other suites may run beside this one): count this process's CPU time, not the clock,
    # and let the kernel stop the child a second past the ceiling.
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(CEILING) + 1, hard))
    start = time.process_time()
    html = str(render(text))
    conn.send((time.process_time() - start, html))
    conn.close()


def timed_render(text: str) -> tuple[float, str]:
    """CPU seconds and output of one render, in a child process: a regression fails at the ceiling, not hours later."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_in_child, args=(text, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(WALL_GUARD):
            pytest.fail(f"no result after {WALL_GUARD} s")
        return receiver.recv()
    except EOFError:  # the child ended without a result
        child.join()
        if child.exitcode == -signal.SIGXCPU:
            pytest.fail(f"rendering used more than {CEILING} s of CPU time (the child was stopped)")
        pytest.fail(f"rendering failed in the child (exit code {child.exitcode})")
    finally:
        child.kill()
        child.join()


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_renders_in_bounded_time(name):
    seconds, html = timed_render(PATHOLOGICAL[name])
    assert seconds < CEILING, f"{name}: {seconds:.1f} s of CPU time"
    assert_well_formed(html)
    assert "javascript:" not in html.lower()


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_gives_well_formed_output(name):
    html = str(render(PATHOLOGICAL[name][:2_000]))  # the same shapes, small: the checks without the wait
    assert_well_formed(html)
    assert "javascript:" not in html.lower()


# --- helpers ---------------------------------------------------------------------------------------------

class Tags(HTMLParser):
    """Every element of a fragment, checked for nesting as it is read."""

    VOID = {"br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.seen: list[tuple[str, dict]] = []
        self.problems: list[str] = []

    @classmethod
    def of(cls, html: str) -> "Tags":
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()

    def handle_comment(self, data):
        self.problems.append(f"comment {data[:40]!r}")

    def attributes(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.seen if name == tag]


def assert_well_formed(html: str) -> None:
    """Only the sanitiser's tags, properly nested and closed, no comments, no script and no script URL."""
    assert "<script" not in html.lower()
    tags = Tags.of(html)
    assert not tags.problems, tags.problems[:5]
    assert not tags.open, f"unclosed: {tags.open[:5]}"
    assert {name for name, _ in tags.seen} <= TAGS, {name for name, _ in tags.seen} - TAGS
    for _, attrs in tags.seen:
        assert not any(value and "javascript:" in value.lower() for value in attrs.values()), attrs
