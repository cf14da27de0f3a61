"""The bad-file catalogue: each hostile or broken file gives a located diagnostic with a stable code,
and loading goes on to report the problems of the other assessments.

Every case plants its bad file in the 2026-shili-zixun assessment (or its evidence) of a copy of the
demo repository, and one independent, known problem in another assessment (a wrong credit code in
2026-shili-pingtai): both must be reported by the same load.  A real ``mkdocs build --strict`` of a
repository with two bad files fails, lists both with their locations and says not to publish.
"""

from __future__ import annotations

import os
import re

import pytest

from conftest import A, P, PINGTAI_A, R, S, Repo, evidence_line, expect, find, listing
from security_helpers import copy_demo, mkdocs_build
from maturity.diagnostics import Severity
from maturity.data.yamlfile import DEFAULT_MAX_BYTES

PINGTAI_S = "assessments/2026-shili-pingtai/scores.yml"


def plant_other_problem(demo: Repo) -> int:
    """A known error in another assessment (a wrong check character in its credit code); returns its line."""
    demo.replace(PINGTAI_A, "credit_code: 91960154TNGCWF7NCL", "credit_code: 91960154TNGCWF7NCA")
    return demo.line_of(PINGTAI_A, "credit_code: 91960154TNGCWF7NCA")


def load_with_other(demo: Repo, **kwargs):
    line = plant_other_problem(demo)
    repo = demo.load(**kwargs)  # conftest's load checks path, MATnnn code and Chinese message of every diagnostic
    expect(repo, "MAT101", PINGTAI_A, line)
    assert "2026-shili-pingtai" in repo.results, "the other assessment is still checked and scored"
    return repo


# --- evidence paths ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["../shili-pingtai/files/E001.md", "files/../../shili-pingtai/files/E001.md",
                                  "files/../../../assessments/2026-shili-zixun/assessment.yml"])
def test_path_traversal_in_evidence_file(demo, path):
    line = evidence_line(demo, "E001", "file")
    demo.replace(R, "file: files/E001.md", f"file: {path}")
    repo = load_with_other(demo)
    d = expect(repo, "MAT304", R, line)
    assert d.column > 1


@pytest.mark.parametrize("path", ["/etc/passwd", "\\\\server\\share\\x.md", "C:\\\\evidence\\\\E001.md", "C:/evidence/E001.md"])
def test_absolute_evidence_path(demo, path):
    line = evidence_line(demo, "E001", "file")
    demo.replace(R, "file: files/E001.md", f"file: '{path}'")
    repo = load_with_other(demo)
    expect(repo, "MAT304", R, line)


def test_symlink_out_of_the_evidence_folder(demo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("机密\n", encoding="utf-8")
    target = demo.path("evidence/shili-zixun/files/E001.md")
    target.unlink()
    os.symlink(outside, target)
    line = evidence_line(demo, "E001", "file")
    repo = load_with_other(demo)
    d = expect(repo, "MAT305", R, line)
    assert "secret" not in d.message and "机密" not in d.message  # nothing of the target is shown


def test_symlink_to_a_folder_outside(demo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside-dir")
    (outside / "E001.md").write_text("x\n", encoding="utf-8")
    files = demo.path("evidence/shili-zixun/files")
    (files / "E001.md").rename(demo.path("evidence/shili-zixun/E001.md"))
    os.symlink(outside, files / "linked")
    demo.replace(R, "file: files/E001.md", "file: files/linked/E001.md")
    line = evidence_line(demo, "E001", "file")
    repo = load_with_other(demo)
    expect(repo, "MAT305", R, line)


# --- sizes, aliases, depth -------------------------------------------------------------------------

def test_file_above_max_bytes(demo):
    limit = max(p.stat().st_size for p in demo.root.rglob("*.yml")) + 1  # every other file is below it
    demo.write(A, demo.read(A) + "# " + "填充" * limit + "\n")
    repo = load_with_other(demo, max_bytes=limit)
    d = expect(repo, "MAT002", A, 0)
    assert str(limit) in d.message


def test_file_above_the_default_limit(demo):
    demo.path(S).write_bytes(demo.path(S).read_bytes() + b"#" + b"x" * DEFAULT_MAX_BYTES + b"\n")
    repo = load_with_other(demo)
    expect(repo, "MAT002", S, 0)


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_alias_bomb(demo):
    demo.write(S, "# 评分表\n" + BILLION_LAUGHS)
    repo = load_with_other(demo)
    d = expect(repo, "MAT012", S, 2)
    assert d.column == 4


def test_alias_inside_a_valid_file(demo):
    demo.replace(A, "region: 北京市", "region: &r 北京市")
    line = demo.line_of(A, "region: &r")
    repo = load_with_other(demo)
    expect(repo, "MAT012", A, line)


def test_deep_nesting(demo):
    demo.write(A, "id: x\nobjectives: " + "[" * 10_000 + "]" * 10_000 + "\n")
    repo = load_with_other(demo)
    d = expect(repo, "MAT016", A, 2)
    assert d.column < 60  # reported where the limit is crossed, not after reading everything


def test_deep_block_nesting(demo):
    demo.write(S, "".join(" " * i + "k:\n" for i in range(300)))
    repo = load_with_other(demo)
    assert find(repo.diagnostics, "MAT016", S), listing(repo.diagnostics)


# --- encodings and bytes ---------------------------------------------------------------------------

def test_not_utf8(demo):
    line = demo.line_of(A, "region: 北京市")
    demo.path(A).write_bytes(demo.path(A).read_bytes().replace("region: 北京市".encode(), "region: 北京".encode() + b"\xb1\xb1\xbe\xa9"))
    repo = load_with_other(demo)
    d = expect(repo, "MAT005", A, line)
    assert d.column == len("  region: 北京") + 1  # in characters


def test_gbk_file(demo):
    demo.path(A).write_bytes(demo.read(A).encode("gbk", errors="replace"))
    repo = load_with_other(demo)
    assert find(repo.diagnostics, "MAT005", A), listing(repo.diagnostics)


def test_control_character_is_located(demo):
    line = demo.line_of(A, "region: 北京市")
    demo.replace(A, "region: 北京市", "region: 北京\x1b市")
    repo = load_with_other(demo)
    d = expect(repo, "MAT010", A, line)
    assert d.column == len("  region: 北京") + 1 and "U+001B" in d.message


def test_bom_is_a_warning_and_the_file_loads(demo):
    demo.path(S).write_bytes(b"\xef\xbb\xbf" + demo.path(S).read_bytes())
    repo = load_with_other(demo)
    expect(repo, "MAT004", S, 1, Severity.WARNING)
    assert not [d for d in repo.errors if d.path == S], listing(repo.errors)
    assert "2026-shili-zixun" in repo.results


def test_nul_bytes_in_text(demo):
    demo.path(A).write_bytes(demo.path(A).read_bytes().replace(b"region: ", b"region: \x00", 1))
    repo = load_with_other(demo)
    expect(repo, "MAT003", A, 1)


def test_binary_file_named_scores_yml(demo):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    demo.path(S).write_bytes(png + bytes(range(256)) * 4)
    repo = load_with_other(demo)
    expect(repo, "MAT003", S, 1)
    assert "2026-shili-zixun" not in repo.results


def test_empty_file(demo):
    demo.write(S, "")
    repo = load_with_other(demo)
    expect(repo, "MAT006", S, 0)


def test_whitespace_only_file(demo):
    demo.write(A, "\n   \n\t\n")
    repo = load_with_other(demo)
    expect(repo, "MAT006", A, 0)


def test_comments_only_file(demo):
    demo.write(P, "# 只有注释\n")
    repo = load_with_other(demo)
    assert [d for d in repo.errors if d.path == P], listing(repo.diagnostics)


# --- YAML structure ----------------------------------------------------------------------------------

def test_tabs_for_indentation(demo):
    line = demo.line_of(A, "  region: 北京市")
    demo.replace(A, "  region: 北京市", "\tregion: 北京市")
    repo = load_with_other(demo)
    d = expect(repo, "MAT010", A, line)
    assert "制表符" in d.message


def test_duplicate_keys(demo):
    first = demo.line_of(A, "region: 北京市")
    demo.replace(A, "  region: 北京市\n", "  region: 北京市\n  region: 上海市\n")
    repo = load_with_other(demo)
    d = expect(repo, "MAT011", A, first + 1)
    assert f"第 {first} 行" in d.message


def test_duplicate_requirement_in_scores(demo):
    line = demo.line_of(S, "SS-SDM-3-01:")
    text = demo.read(S).split("\n")
    text.insert(line, text[line - 1].replace("score: 1,", "score: 0,"))
    demo.write(S, "\n".join(text))
    repo = load_with_other(demo)
    expect(repo, "MAT011", S, line + 1)


@pytest.mark.parametrize("yaml_text,code", [
    ("id: !!python/object/apply:os.system ['echo pwned']\n", "MAT015"),
    ("id: !!binary aGVsbG8=\n", "MAT015"),
    ("id: x\n---\nid: y\n", "MAT014"),
    ("? [a, b]\n: x\n", "MAT013"),
    ("id: [unclosed\n", "MAT010"),
])
def test_yaml_features_refused(demo, yaml_text, code):
    demo.write(A, yaml_text)
    repo = load_with_other(demo)
    assert find(repo.diagnostics, code, A), listing(repo.diagnostics)
    assert all(d.line >= 1 for d in find(repo.diagnostics, code, A))


# --- wrong types ---------------------------------------------------------------------------------------

def test_wrong_types_in_many_places(demo):
    demo.replace(A, "applied_level: 3", "applied_level: '3'")
    demo.replace(A, "  region: 北京市", "  region: [北京市, 海淀区]")
    demo.replace(A, "adherence: ", "adherence: {text: ")
    text = demo.read(A).replace("adherence: {text: 评估组依据评估准则开展全部评估活动，未发现偏离评估准则的情况。",
                                "adherence: {text: 评估组依据评估准则开展全部评估活动，未发现偏离评估准则的情况。}")
    demo.write(A, text)
    demo.replace(S, "SS-SDM-3-01: {score: 1,", "SS-SDM-3-01: {score: {value: 1},")
    demo.replace(S, "SS-SDM-3-02: {score: 0.5, evidence: [E030]", "SS-SDM-3-02: {score: 0.5, evidence: E030")
    repo = load_with_other(demo)
    expect(repo, "MAT020", A, demo.line_of(A, "applied_level: '3'"))
    expect(repo, "MAT020", A, demo.line_of(A, "region: [北京市"))
    expect(repo, "MAT020", A, demo.line_of(A, "adherence: {text"))
    expect(repo, "MAT201", S, demo.line_of(S, "SS-SDM-3-01:"))
    expect(repo, "MAT020", S, demo.line_of(S, "SS-SDM-3-02:"))


def test_organisation_as_a_list(demo):
    text = demo.read(A)
    start = text.index("organisation:\n")
    end = text.index("kind:")
    demo.write(A, text[:start] + "organisation: [示例管理咨询有限公司, 91110108MA01XL0K77]\n" + text[end:])
    repo = load_with_other(demo)
    expect(repo, "MAT020", A, demo.line_of(A, "organisation: ["))


def test_document_that_is_a_list_or_a_scalar(demo):
    demo.write(A, "- id: 2026-shili-zixun\n")
    demo.write(S, "只是一句话\n")
    repo = load_with_other(demo)
    assert find(repo.diagnostics, "MAT020", A), listing(repo.diagnostics)
    assert find(repo.diagnostics, "MAT020", S), listing(repo.diagnostics)


def test_scores_with_wrong_shapes(demo):
    demo.write(S, "SS-SDM:\n  requirements: [SS-SDM-3-01]\nSS-DM: 1\nSS-SI:\n  requirements:\n    SS-SI-1-01: 1\n")
    repo = load_with_other(demo)
    for line in (2, 3, 6):
        expect(repo, "MAT020", S, line)


@pytest.mark.parametrize("written", [".nan", ".inf", "-.inf", ".NaN"])
def test_a_score_that_is_not_a_finite_number(demo, written):
    text = demo.path(S).read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "score: 1," in row)
    demo.write(S, text.replace("score: 1,", f"score: {written},", 1))
    repo = load_with_other(demo)
    expect(repo, "MAT201", S, line)

def test_every_problem_of_several_files_in_one_load(demo):
    demo.write(S, "")
    demo.replace(R, "file: files/E001.md", "file: ../../etc/passwd")
    demo.path("assessments/2026-shili-xinxi/assessment.yml").write_bytes(b"id: \xff\n")
    repo = load_with_other(demo)
    assert find(repo.diagnostics, "MAT006", S)
    assert find(repo.diagnostics, "MAT304", R)
    assert find(repo.diagnostics, "MAT005", "assessments/2026-shili-xinxi/assessment.yml")
    assert {"2026-shili-danbao", "2026-shili-shuzi"} <= set(repo.results), "good assessments are still scored"


# --- a real strict build ---------------------------------------------------------------------------

def test_strict_build_with_two_bad_files_fails_and_names_both(tmp_path):
    root = tmp_path / "repo"
    copy_demo(root)
    bad_a = root / "assessments/2026-shili-zixun/assessment.yml"
    text = bad_a.read_text(encoding="utf-8")
    bad_a.write_text(text.replace("  region: 北京市\n", "  region: 北京市\n  region: 上海市\n"), encoding="utf-8")
    dup_line = text.split("\n").index("  region: 北京市") + 2
    bad_s = root / PINGTAI_S
    lines = bad_s.read_text(encoding="utf-8").split("\n")
    tab_line = next(i for i, line in enumerate(lines) if line.startswith("  requirements:")) + 2
    lines[tab_line - 1] = "\t" + lines[tab_line - 1].lstrip(" ")
    bad_s.write_text("\n".join(lines), encoding="utf-8")

    build = mkdocs_build(root)
    assert build.returncode != 0, build.output
    out = build.output
    assert re.search(rf"assessments/2026-shili-zixun/assessment\.yml:{dup_line}:\d+: 错误 MAT011", out), out
    assert re.search(rf"assessments/2026-shili-pingtai/scores\.yml:{tab_line}:\d+: 错误 MAT010", out), out
    assert "本次构建结果不应发布" in out, out  # the plugin's summary (mkdocs_plugin/plugin.py)
    summary = out.split("本次构建结果不应发布")[0].rsplit("评估数据有", 1)[-1]
    assert "2026-shili-pingtai" in summary and "2026-shili-zixun" in summary, summary  # zixun's record could not be read


# --- data files that are links, evidence types that must not be served ----------------------------

def test_a_data_file_that_is_a_symbolic_link(demo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "scores.yml"
    outside.write_text(demo.read(S), encoding="utf-8")
    demo.path(S).unlink()
    os.symlink(outside, demo.path(S))
    repo = load_with_other(demo)
    expect(repo, "MAT017", S, 0)


@pytest.mark.parametrize("name", ["E001.html", "E001.svg", "E001.xhtml", "E001.js"])
def test_public_evidence_of_an_active_type_is_not_published(demo, name):
    folder = demo.path("evidence/shili-zixun/files")
    (folder / "E001.md").rename(folder / name)
    demo.replace(R, "file: files/E001.md", f"file: files/{name}")
    line = evidence_line(demo, "E001", "file")
    repo = demo.load()
    expect(repo, "MAT309", R, line, Severity.WARNING)
    from maturity.publish.build import public_evidence_files
    published = [a for a in repo.assessments if a.organisation["id"] == "shili-zixun"]
    assert not any(copy.path.endswith(name) for copy in public_evidence_files(repo, published))
