"""Property tests (Hypothesis, derandomised: the same examples on every run).

(a) Whatever bytes, text or YAML-like document is fed to the loader — on its own or as the
    ``assessment.yml``, ``scores.yml`` or ``publication.yml`` of a repository — nothing raises,
    and every diagnostic has a path, a code ``MATnnn`` and a Chinese message.
(b) Any valid assignment of the four scale values (as numbers or Chinese labels) loads without
    errors in the scores file and scores exactly: A is the mean over the level's requirements,
    computed here with fractions, and the level conforms iff A ≥ 4/5.
(c) Random edits of valid demo files (delete, duplicate or swap lines, change a character) never
    produce a traceback in validation, formatting or page building.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CHINESE, CODE, PROJECT, check_invariants
from maturity.exchange import fmt
from maturity.diagnostics import Collector
from maturity.data.model import load_model
from maturity.publish import build_site
from maturity.settings import Settings as Config, SiteSettings
from maturity.repository import load_repository
from maturity.data.yamlfile import load_yaml, parse_yaml

MODEL, _ = load_model(None)
PROPS = settings(derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def assert_diagnostics_sound(diagnostics) -> None:
    for d in diagnostics:
        assert d.path, d
        assert CODE.match(d.code), d
        assert CHINESE.search(d.message), d


# --- (a) anything in, located diagnostics out ---------------------------------------------------

YAML_TOKENS = [
    "id", "score", "requirements", "SS-DM", "SS-DM-1-01", "organisation", "name", "items", ": ", ":", "- ", "-", "[", "]",
    "{", "}", ", ", "\n", "  ", "    ", "\t", "&a ", "*a", "!!str ", "!!python/object:os.system ", "!x ", "? ", "---\n",
    "...\n", "'", '"', "''", "# 注释", "|\n", ">-\n", "2026-02-30", "2026-01-05", "2026-01-05T10:00:00Z", "1e309", ".inf",
    ".nan", "-1", "0.8", "1", "0x1F", "0o17", "1_000", "1:30:00", "~", "null", "true", "no", "<<", "评分", "全部满足",
    "\ufeff", "\u2028", "\x85", "\\u00e9", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "=", "@", "`", "9" * 5000,
]
yamlish = st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)
random_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(PROPS, max_examples=200)
@given(text=st.one_of(yamlish, random_text))
def test_parse_yaml_never_raises(text):
    doc, diags = parse_yaml(text, "x/scores.yml")
    assert_diagnostics_sound(diags)
    assert (doc is None) == any(d.is_error for d in diags)
    for d in diags:
        assert d.path == "x/scores.yml"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bytes")


@settings(PROPS, max_examples=150)
@given(data=st.one_of(st.binary(max_size=400), yamlish.map(lambda s: s.encode("utf-8", "surrogatepass")),
                      st.binary(max_size=50).map(lambda b: b"\xef\xbb\xbfid: x\n" + b)))
def test_load_yaml_of_any_bytes_never_raises(scratch, data):
    path = scratch / "assessment.yml"
    path.write_bytes(data)
    doc, diags = load_yaml(path, "a/assessment.yml", max_bytes=300)
    assert_diagnostics_sound(diags)
    check_invariants(diags)


def _copy_assessment(root: Path, aid: str, org: str) -> None:
    shutil.copytree(PROJECT / "assessments" / aid, root / "assessments" / aid)
    shutil.copytree(PROJECT / "evidence" / org, root / "evidence" / org)


@pytest.fixture(scope="module")
def one(tmp_path_factory) -> Path:
    """A repository with one third-party assessment (2026-shili-zixun, certified) and its evidence."""
    root = tmp_path_factory.mktemp("one")
    _copy_assessment(root, "2026-shili-zixun", "shili-zixun")
    repo = load_repository(root, model=MODEL, display_base=root)
    assert not repo.errors, repo.errors
    return root


FOLDER = "assessments/2026-shili-zixun"


@settings(PROPS, max_examples=200)
@given(name=st.sampled_from(["assessment.yml", "scores.yml", "publication.yml"]),
       content=st.one_of(yamlish, random_text, st.binary(max_size=200)))
def test_repository_with_a_generated_file_never_raises(one, name, content):
    path = one / FOLDER / name
    original = path.read_bytes()
    try:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        repo = load_repository(one, model=MODEL, display_base=one)
        assert_diagnostics_sound(repo.diagnostics)
        check_invariants(repo.diagnostics)
    finally:
        path.write_bytes(original)


# --- (b) valid scores score exactly -------------------------------------------------------------

SCALE = {"1": Fraction(1), "1.0": Fraction(1), "0.8": Fraction(4, 5), "0.80": Fraction(4, 5), "0.5": Fraction(1, 2),
         "0.50": Fraction(1, 2), "0": Fraction(0), "0.0": Fraction(0),
         "全部满足": Fraction(1), "大部分满足": Fraction(4, 5), "部分满足": Fraction(1, 2), "不满足": Fraction(0)}
REQUIREMENT = re.compile(r"^(\s+)([A-Z]{2}-[A-Z]+-\d-\d\d): \{score: ([^,}]+)(.*)$")


@pytest.fixture(scope="module")
def pingtai(tmp_path_factory) -> Path:
    """A third-party assessment applying for level 3, without publication (no certificate to keep sealed)."""
    root = tmp_path_factory.mktemp("pingtai")
    _copy_assessment(root, "2026-shili-pingtai", "shili-pingtai")
    return root


LEVEL3 = [r.id for r in MODEL.requirements_at(3)]


@settings(PROPS, max_examples=200)
@given(written=st.lists(st.sampled_from(sorted(SCALE)), min_size=len(LEVEL3), max_size=len(LEVEL3)))
def test_valid_scores_score_exactly(pingtai, written):
    path = pingtai / "assessments/2026-shili-pingtai/scores.yml"
    original = path.read_text(encoding="utf-8")
    drawn = dict(zip(LEVEL3, written))
    lines, replaced = [], set()
    for line in original.split("\n"):
        m = REQUIREMENT.match(line)
        if m and m.group(2) in drawn:
            line = f"{m.group(1)}{m.group(2)}: {{score: {drawn[m.group(2)]}{m.group(4)}"
            replaced.add(m.group(2))
        lines.append(line)
    assert replaced == set(LEVEL3), "every requirement of level 3 is on its own line in the demo's scores.yml"
    try:
        path.write_text("\n".join(lines), encoding="utf-8")
        repo = load_repository(pingtai, model=MODEL, display_base=pingtai)
        scores_errors = [d for d in repo.errors if d.path.endswith("scores.yml")]
        assert not scores_errors, scores_errors
        result = repo.results["2026-shili-pingtai"]
        expected_levels = {}
        for level in (1, 2, 3):
            ids = [r.id for r in MODEL.requirements_at(level)]
            a = sum((SCALE[drawn[i]] for i in ids), Fraction(0)) / len(ids)
            expected_levels[level] = a
            assert result.levels[level].score == a
            assert result.levels[level].requirements == len(ids)
            assert result.levels[level].conforms == (a >= Fraction(4, 5))
        assert result.applied.score == expected_levels[3]
        assert result.conforms == (expected_levels[3] >= Fraction(4, 5))
        passing = [lv for lv, a in expected_levels.items() if a >= Fraction(4, 5)]
        assert result.recommended_level == (max(passing) if passing else None)
        # C per assessment domain, formula (1)
        for ad in MODEL.assessment_domains_at(3):
            ids = [r.id for r in ad.requirements_at(3)]
            assert result.applied.assessment_domains[ad.code] == sum((SCALE[drawn[i]] for i in ids), Fraction(0)) / len(ids)
    finally:
        path.write_text(original, encoding="utf-8")


# --- (c) random edits of valid files -------------------------------------------------------------

EDIT_CHARS = [":", "-", " ", "\t", "[", "]", "{", "}", "'", '"', "#", "&", "*", "!", "|", ">", "\n", "0", "9", "a", "中",
              "\x00", "\ufeff", "%", "@", "?", ",", "\\", "\u3000"]
TARGETS = [f"{FOLDER}/assessment.yml", f"{FOLDER}/scores.yml", f"{FOLDER}/publication.yml", "evidence/shili-zixun/register.yml"]


@st.composite
def edited(draw):
    target = draw(st.sampled_from(TARGETS))
    lines = (PROJECT / target).read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "char"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:k] + draw(st.sampled_from(EDIT_CHARS)) + lines[i][k + 1:]
    return target, "\n".join(lines)


@settings(PROPS, max_examples=200)
@given(change=edited())
def test_edited_demo_files_never_crash(one, change):
    target, text = change
    path = one / target
    original = path.read_bytes()
    try:
        path.write_bytes(text.encode("utf-8"))
        config = Config(root=one, build_date=dt.date(2026, 11, 21), site=SiteSettings(url="https://example.org/"))
        repo = load_repository(config, model=MODEL, display_base=one)
        check_invariants(repo.diagnostics)
        out = Collector()
        fmt.format_file(path, target, MODEL, out)  # formatting a broken file reports, never raises
        assert_diagnostics_sound(out.items)
        if not repo.errors:
            site = build_site(repo)
            assert site.pages
    finally:
        path.write_bytes(original)
