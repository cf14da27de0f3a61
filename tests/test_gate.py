"""One gate: ``maturity check`` reaches the verdict of ``mkdocs build --strict``, on every mutation tried.

The strict build is real (MkDocs, Material, search with jieba, the plugin) and runs in a subprocess;
``check`` runs in this process through :func:`maturity.gate.check`, as the command does. Each case
mutates a copy of the demo site's data, then both must pass or both must fail — and neither may
end in a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity import gate
from maturity.settings import load_settings
from site_helpers import mkdocs_build

ZIXUN = "assessments/2026-shili-zixun"
FILES = [f"{ZIXUN}/assessment.yml", f"{ZIXUN}/scores.yml", f"{ZIXUN}/publication.yml", "evidence/shili-zixun/register.yml",
         "assessments/2026-shili-kechuang/publication.yml", "assessments/2026-shili-xinxi/scores.yml"]
TRACEBACK = "Traceback (most recent call last)"


def verdicts(root: Path) -> tuple[bool, bool, str]:
    """(check passes, strict build passes, build output)."""
    publication = gate.check(load_settings(root), display_base=root)
    build = mkdocs_build(root)
    assert TRACEBACK not in build.output, build.output[-4000:]
    return not publication.failures(), build.returncode == 0, build.output


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the cases the issue names, each with the verdict both must reach ------------------------------

CASES = {
    "untouched": ([], True),
    "warning only (MAT206), which validate passes": (
        [(f"{ZIXUN}/scores.yml", "SS-SDM-3-01: {score: 1, evidence: [E024], note:", "SS-SDM-3-01: {score: 1, note:")], False),
    "applied_level 3.0": ([(f"{ZIXUN}/assessment.yml", "applied_level: 3", "applied_level: 3.0")], False),
    "a date in year 1": ([(f"{ZIXUN}/assessment.yml", "  report: 2026-04-11", "  report: 0001-01-01")], False),
    "authority dates in year 9999": ([(f"{ZIXUN}/publication.yml", "  valid_until: 2029-05-24", "  valid_until: 9999-12-31")], False),
    "an evidence URL https://[x": ([("evidence/shili-zixun/register.yml", "    class: public\n", "    class: public\n    url: 'https://[x'\n")], False),
    "a control character written as an escape": (
        [(f"{ZIXUN}/assessment.yml", "  name: 示例管理咨询有限公司", '  name: "示例管理咨询\\x1b[2J有限公司"')], False),
    "an id with a trailing line break": ([(f"{ZIXUN}/assessment.yml", "id: 2026-shili-zixun", 'id: "2026-shili-zixun\\n"')], False),
    "40,000 [ in a Markdown field": ([(f"{ZIXUN}/assessment.yml", "objectives: ", "objectives: " + "[" * 40_000 + " ")], False),
}


@pytest.mark.parametrize("name", list(CASES))
def test_check_and_strict_build_agree(site_copy, name):
    edits, expected = CASES[name]
    for rel, old, new in edits:
        edit(site_copy, rel, old, new)
    passes, builds, output = verdicts(site_copy)
    assert passes == builds == expected, f"check {passes}, build {builds}, expected {expected}\n{output[-3000:]}"


def test_a_wrong_model_path_fails_both(site_copy):
    edit(site_copy, "mkdocs.yml", "      model: null", "      model: no-such-model.yml")
    passes, builds, output = verdicts(site_copy)
    assert not passes and not builds and "MAT055" in output


def test_a_generated_page_over_a_hand_written_one_fails_both(site_copy):
    (site_copy / "docs" / "verify").mkdir(parents=True, exist_ok=True)
    (site_copy / "docs" / "verify" / "index.md").write_text("# 手写页\n", encoding="utf-8")
    publication = gate.check(load_settings(site_copy), display_base=site_copy)
    assert [d.code for d in publication.failures()] == ["MAT902"]
    assert mkdocs_build(site_copy).returncode != 0


# --- and on mutations nobody listed -------------------------------------------------------------

VALUES = ["3.0", "0.8", "-1", "1e309", "null", "''", "[]", "{}", "true", "0001-01-01", "9999-12-31", "2026-02-30",
          '"\\x01"', '"\\u202e"', '"x\\n"', '"\\ud800"', "ＺＸＧＪ-２０２６-００１２", "https://[x", "javascript:alert(1)",
          '"' + "长" * 600 + '"', "[" * 50, "!!int 3", "&a x", "*a", "全部满足", "E999", "../../etc/passwd"]


@st.composite
def mutations(draw):
    rel = draw(st.sampled_from(FILES))
    op = draw(st.sampled_from(["value", "value", "drop", "duplicate"]))
    value = draw(st.one_of(st.sampled_from(VALUES),
                           st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(
                               lambda t: json.dumps(t, ensure_ascii=False))))
    return rel, op, draw(st.integers(min_value=0, max_value=10_000)), value


def apply_mutation(root: Path, rel: str, op: str, n: int, value: str) -> str:
    path = root / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    candidates = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    i = candidates[n % len(candidates)]
    if op == "drop":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    else:
        head, sep, _ = lines[i].partition(": ")
        lines[i] = f"{head}{sep or ': '}{value}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"{rel}:{i + 1} {op} {value[:40]!r}"


@settings(derandomize=True, deadline=None, database=None, max_examples=24,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(change=mutations())
def test_check_equals_the_strict_build_on_generated_mutations(pristine, tmp_path_factory, change):
    root = tmp_path_factory.mktemp("gate-mutation")
    shutil.rmtree(root)
    shutil.copytree(pristine, root)
    what = apply_mutation(root, *change)
    passes, builds, output = verdicts(root)
    assert passes == builds, f"{what}: check {'passes' if passes else 'fails'}, the strict build {'passes' if builds else 'fails'}\n{output[-3000:]}"


def test_a_broken_site_template_is_a_diagnostic_in_both(site_copy):
    """A template of the site's own that fails: MAT900 (located, no traceback), and both fail."""
    (site_copy / "templates" / "verify.html").write_text("{{ no_such_thing.attribute }}", encoding="utf-8")
    passes, builds, output = verdicts(site_copy)
    assert not passes and not builds and "MAT900" in output


def test_invalid_generated_xml_and_unreadable_files_are_diagnostics(site_copy):
    """The last line of defence (MAT901, MAT903): made to fire by hand, since the data checks prevent both."""
    from maturity.publish import outputs
    from maturity.publish.site import Asset, Site
    broken = Site(assets=[Asset("feed.xml", "<feed><entry></feed>"), Asset("x.json", "{")])
    assert [d.code for d in outputs.check(broken, "templates")] == ["MAT901", "MAT901"]
    evidence = site_copy / "evidence" / "shili-zixun" / "files" / "E001.md"
    evidence.chmod(0)
    try:
        if os.access(evidence, os.R_OK):
            pytest.skip("root reads any file: an unreadable file cannot be made here")
        publication = gate.check(load_settings(site_copy), display_base=site_copy)
        assert {"MAT302", "MAT903"} & {d.code for d in publication.failures()}
    finally:
        evidence.chmod(0o644)
