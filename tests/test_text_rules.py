"""The rules for every string of a data file (maturity.data.text): the quick pass agrees with the located one.

:func:`check_strings` first asks :func:`clean_strings` whether anything at all breaks a rule, and only then
walks the data with a pointer per value to locate each finding. Each case here holds exactly one thing near
a rule's edge; the quick answer must be "clean" exactly when the located walk finds nothing.
"""

from __future__ import annotations

import pytest

from maturity.data.text import MAX_LINE, MAX_TEXT, MAX_URL, _report_strings, check_strings, clean_strings
from maturity.data.yamlfile import DateText, Document
from maturity.diagnostics import Collector

CASES = {
    "plain": {"name": "示例咨询有限公司", "items": [{"title": "制度", "note": "第一行\n第二行"}]},
    "tab in a name": {"name": "a\tb"},
    "line feed in a name": {"name": "a\nb"},
    "line feed in a note": {"note": "a\nb"},
    "line feed in a list under a narrative key": {"gaps": ["a\nb", "c"]},
    "line feed in a list under a one-line key": {"criteria": ["a\nb"]},
    "line feed in a key": {"a\nb": 1},
    "carriage return in a note": {"note": "a\rb"},
    "line separator in a note": {"note": "a\u2028b"},
    "bell in a note": {"note": "a\x07b"},
    "right-to-left override in a name": {"name": "abc\u202edef"},
    "bidi isolate in a key": {"k\u2066": "v"},
    "BOM inside a value": {"name": "\ufeffx"},
    "lone surrogate": {"name": "x\ud800"},
    "zero-width space (allowed, compared away)": {"name": "示例\u200b咨询"},
    "full-width letters (allowed)": {"name": "ＡＢＣ"},
    "one-line value at the limit": {"name": "x" * MAX_LINE},
    "one-line value over the limit": {"name": "x" * (MAX_LINE + 1)},
    "url at the limit": {"url": "x" * MAX_URL},
    "url over the limit": {"url": "x" * (MAX_URL + 1)},
    "narrative at the limit": {"summary": "x" * MAX_TEXT},
    "narrative over the limit": {"summary": "x" * (MAX_TEXT + 1)},
    "100,000 characters in a list item": {"criteria": ["x" * 100_000]},
    "integer key over a long value": {"notes": {1: "x" * (MAX_LINE + 1)}},
    "integer key over a line feed": {"title": {1: "a\nb"}},
    "a date (a string) with a line feed": {"date": DateText("2026-01-01\n")},
    "numbers, booleans and nulls": {"a": 1, "b": 1.5, "c": True, "d": None},
    "a bare string": "x\x00",
    "deep nesting": {"a": [[[[{"note": "ok\n", "b": [["y\n"]]}]]]]},
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_quick_pass_says_clean_exactly_when_the_walk_finds_nothing(name):
    data = CASES[name]
    found = Collector()
    walked = _report_strings(Document("x.yml", data), found)
    assert walked == (not found.items)
    assert clean_strings(data) == walked, [str(d) for d in found.items]


@pytest.mark.parametrize("name", list(CASES))
def test_check_strings_reports_what_the_walk_reports(name):
    data = CASES[name]
    quick, walked = Collector(), Collector()
    assert check_strings(Document("x.yml", data), quick) == _report_strings(Document("x.yml", data), walked)
    assert [str(d) for d in quick.items] == [str(d) for d in walked.items]
