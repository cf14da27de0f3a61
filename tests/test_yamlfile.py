"""Located YAML loading: what is refused, where problems are reported, what the data looks like."""

from __future__ import annotations


import pytest

from conftest import check_invariants
from maturity.diagnostics import Severity
from maturity.data.yamlfile import DateText, MAX_DEPTH, load_yaml, parse_yaml, read_text


def parse(text: str):
    doc, diags = parse_yaml(text, "f.yml")
    check_invariants(diags)
    return doc, diags


def only(diags, code: str):
    assert [d.code for d in diags] == [code], [str(d) for d in diags]
    return diags[0]


# --- data and locations -----------------------------------------------------------------------
def test_values_and_locations():
    text = "a: 1\nb:\n  c: [x, 'y']\n  d: {e: 2026-03-01}\nlist:\n  - one\n  - two: 2\n"
    doc, diags = parse(text)
    assert diags == []
    # A plain date is kept as its text (a str subclass), so data stays JSON-like.
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"], "d": {"e": "2026-03-01"}}, "list": ["one", {"two": 2}]}
    assert doc.values[("a",)] == (1, 4)
    assert doc.keys[("a",)] == (1, 1)
    assert doc.values[("b", "c", 1)] == (3, 10)  # the opening quote
    assert doc.keys[("b", "d")] == (4, 3)
    assert doc.values[("b", "d", "e")] == (4, 10)
    assert doc.values[("list", 1, "two")] == (7, 10)
    loc = doc.at("b", "c", 0)
    assert (loc.path, loc.line, loc.column) == ("f.yml", 3, 7)
    # a pointer below a located value falls back to the nearest located ancestor
    assert (doc.at("b", "c", 5).line, doc.at("nothing", "here").line) == (3, 1)
    assert doc.key_at("b", "d").line == 4 and doc.key_at("b", "d").column == 3
    assert doc.key_at("list", 0).line == 6  # a list item has no key: its value


def test_quoted_values_stay_text_and_plain_values_are_typed():
    doc, _ = parse("a: '1'\nb: \"0.8\"\nc: 0.8\nd: '2026-03-01'\ne: true\nf: |\n  x\ng: !!str 3\nh: 2026-03-01\n")
    assert doc.data == {"a": "1", "b": "0.8", "c": 0.8, "d": "2026-03-01", "e": True, "f": "x\n", "g": "3",
                        "h": "2026-03-01"}
    assert isinstance(doc.data["h"], DateText) and not isinstance(doc.data["d"], DateText)


def test_impossible_date_is_kept_as_text():
    # looks like a YAML timestamp but is no date: kept as text so that the schema reports it (MAT024)
    doc, diags = parse("a: 2026-02-30\nb: 2026-13-01\n")
    assert diags == []
    assert doc.data == {"a": "2026-02-30", "b": "2026-13-01"}


def test_integer_keys_become_text():
    doc, diags = parse("1: a\ntrue: b\n")
    assert diags == [] and doc.data == {"1": "a", "True": "b"}


# --- refused content --------------------------------------------------------------------------
def test_syntax_error_is_located():
    d = only(parse("a: 1\nb: c: d\n")[1], "MAT010")
    assert (d.line, d.column) == (2, 5)
    assert d.severity is Severity.ERROR


@pytest.mark.parametrize("text,line", [
    ("a:\n\tb: 1\n", 2),          # a tab where the indentation is
    ("a: 1\n\tb: 2\n", 2),
    ("a:\n  b: 1\n\t c: 2\n", 3),
])
def test_tab_indentation(text, line):
    d = only(parse(text)[1], "MAT010")
    assert d.line == line
    assert "制表符" in d.message


def test_duplicate_key_is_reported_at_the_second_key():
    d = only(parse("a: 1\nb:\n  c: 1\n  c: 2\n")[1], "MAT011")
    assert (d.line, d.column) == (4, 3)
    assert "第 3 行" in d.message  # where the first one is


def test_duplicate_key_with_a_mapping_value():
    d = only(parse("a:\n  x: 1\na:\n  y: 2\n")[1], "MAT011")
    assert d.line == 3


@pytest.mark.parametrize("text,line,column", [
    ("a: &x 1\nb: 2\n", 1, 4),
    ("a: 1\nb: *x\n", 2, 4),
    ("a: &m\n  k: v\nb: 1\n", 1, 4),
])
def test_anchors_and_aliases(text, line, column):
    d = only(parse(text)[1], "MAT012")
    assert (d.line, d.column) == (line, column)


def test_billion_laughs_is_refused_at_once():
    text = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    doc, diags = parse(text)
    assert doc is None and [d.code for d in diags] == ["MAT012"]


@pytest.mark.parametrize("text,line,column", [
    ("? [a, b]\n: c\n", 1, 3),
    ("x: 1\n? {a: 1}\n: c\n", 2, 3),
    ("x: 1\n~: c\n", 2, 1),
    ("x: 1\n1.5: c\n", 2, 1),
])
def test_keys_must_be_plain_text(text, line, column):
    d = only(parse(text)[1], "MAT013")
    assert (d.line, d.column) == (line, column)


def test_two_documents():
    d = only(parse("a: 1\n---\nb: 2\n")[1], "MAT014")
    assert d.line == 2


def test_one_document_with_explicit_start_is_fine():
    doc, diags = parse("---\na: 1\n...\n")
    assert diags == [] and doc.data == {"a": 1}


@pytest.mark.parametrize("text,line", [
    ("a: !!int '3'\n", 1),
    ("a: 1\nb: !custom x\n", 2),
    ("!!map {a: 1}\n", 1),
    ("a: !!set {x}\n", 1),
    ("a: !!python/object:os.system x\n", 1),
])
def test_tags_are_refused(text, line):
    d = only(parse(text)[1], "MAT015")
    assert d.line == line


def test_nesting_limit():
    at_limit = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"  # root mapping + 31 lists = 32
    doc, diags = parse(at_limit)
    assert diags == [] and doc is not None
    too_deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    d = only(parse(too_deep)[1], "MAT016")
    assert (d.line, d.column) == (1, 4 + MAX_DEPTH - 1)


def test_very_deep_nesting_does_not_crash():
    d = only(parse("a: " + "[" * 5000 + "]" * 5000 + "\n")[1], "MAT016")
    assert d.line == 1


# --- reading the file -----------------------------------------------------------------------
def test_read_text_checks(tmp_path):
    f = tmp_path / "x.yml"
    f.write_bytes(b"a: 1\n" * 10)
    assert read_text(f, "x.yml", max_bytes=50) == ("a: 1\n" * 10, [])
    text, diags = read_text(f, "x.yml", max_bytes=49)
    assert text is None and [(d.code, d.line) for d in diags] == [("MAT002", 0)]
    assert "49" in diags[0].message and "50" in diags[0].message

    f.write_bytes(b"a: 1\nb: \x00\n")
    assert [(d.code, d.line) for d in read_text(f, "x.yml")[1]] == [("MAT003", 1)]

    f.write_bytes("\ufeffa: 1\n".encode("utf-8"))
    text, diags = read_text(f, "x.yml")
    assert text == "a: 1\n"
    assert [(d.code, d.line, d.severity) for d in diags] == [("MAT004", 1, Severity.WARNING)]

    f.write_bytes(b"a: \xe4\xb8\x80\nbb: x\xffy\n")  # valid UTF-8 on line 1, a stray byte at line 2 column 6
    text, diags = read_text(f, "x.yml")
    assert text is None and [(d.code, d.line, d.column) for d in diags] == [("MAT005", 2, 6)]

    f.write_bytes("a: 1\n".encode("gbk") + "b: 中文\n".encode("gbk"))
    assert [d.code for d in read_text(f, "x.yml")[1]] == ["MAT005"]

    for empty in (b"", b"  \n\n\t\n"):
        f.write_bytes(empty)
        assert [(d.code, d.line) for d in read_text(f, "x.yml")[1]] == [("MAT006", 0)]

    f.write_bytes("a: 1\n".encode("utf-16"))  # NUL bytes: not a UTF-8 text file
    assert [d.code for d in read_text(f, "x.yml")[1]] == ["MAT003"]


def test_unreadable_file(tmp_path):
    (tmp_path / "dir.yml").mkdir()
    doc, diags = load_yaml(tmp_path / "dir.yml", "dir.yml")
    assert doc is None and [d.code for d in diags] == ["MAT001"]
    check_invariants(diags)


def test_load_yaml_with_bom_still_loads(tmp_path):
    f = tmp_path / "x.yml"
    f.write_bytes("\ufeffa: 1\nb: 二\n".encode("utf-8"))
    doc, diags = load_yaml(f, "x.yml")
    assert doc.data == {"a": 1, "b": "二"}
    assert doc.values[("b",)] == (2, 4)  # positions as if the BOM were not there
    assert [d.code for d in diags] == ["MAT004"]


def test_crlf_line_endings(tmp_path):
    f = tmp_path / "x.yml"
    f.write_bytes(b"a: 1\r\nb: 2\r\nb: 3\r\n")
    doc, diags = load_yaml(f, "x.yml")
    assert doc is None and [(d.code, d.line) for d in diags] == [("MAT011", 3)]


def test_an_unquoted_date_is_text_where_text_is_expected():
    """`name: 2026-01-01` is a valid (if odd) name: plain dates are kept as their text."""
    doc, diags = parse("name: 2026-01-01\nkey-2026-01-01: x\n2026-01-02: y\n")
    assert diags == []
    assert doc.data == {"name": "2026-01-01", "key-2026-01-01": "x", "2026-01-02": "y"}
