"""Guide clause 9, formulas (1)–(4), on hand-computed cases; and the demo results against an independent oracle."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest
import yaml

from conftest import DEMO_ASSESSMENTS, MODEL_FILE, PROJECT, expect, listing
from maturity.diagnostics import Severity
from maturity.data.model import load_model
from maturity.repository import load_repository
from maturity.scoring import display, level_result

MODEL, _ = load_model(None)

X = ["AA-X-1-01", "AA-X-1-02", "AA-X-2-01", "AA-X-2-02"]
Y = ["AA-Y-2-01", "AA-Y-2-02", "AA-Y-2-03"]
Z = ["BB-Z-1-01", "BB-Z-2-01", "BB-Z-2-02"]
SCORES = "assessments/2026-mini/scores.yml"
LABEL = {1: "全部满足", 0.8: "大部分满足", 0.5: "部分满足", 0: "不满足"}


def scores(x, y, z) -> dict:
    return dict(zip(X, x)) | dict(zip(Y, y)) | dict(zip(Z, z))


# A case where A is neither the mean of the B's nor the mean of the C's:
#   C(AA-X) = 4/4 = 1,  C(AA-Y) = (0 + 0.5 + 0)/3 = 1/6,  C(BB-Z) = (0.8 + 0.5 + 0.5)/3 = 3/5
#   B(AA) = (1 + 1/6)/2 = 7/12,  B(BB) = 3/5
#   A = (4 + 0.5 + 1.8)/10 = 63/100  (mean of B = 71/120, mean of C = 53/90)
#   level 1: (1 + 1 + 0.8)/3 = 14/15, C(AA-X) = 1, C(BB-Z) = 4/5, B(AA) = 1, B(BB) = 4/5
DIFFERS = scores([1, 1, 1, 1], [0, 0.5, 0], [0.8, 0.5, 0.5])


@pytest.fixture(scope="module")
def mini_model(tmp_path_factory):
    from conftest import MINI_MODEL
    path = tmp_path_factory.mktemp("model") / "mini.yml"
    path.write_text(MINI_MODEL, encoding="utf-8")
    model, diags = load_model(path)
    assert model is not None, listing(diags)
    return model


def exact(values: dict) -> dict:
    return {rid: F(str(v)) for rid, v in values.items()}


def test_formulas_1_to_3_on_a_hand_computed_case(mini_model):
    r = level_result(mini_model, 2, exact(DIFFERS))
    assert r.requirements == 10
    assert r.assessment_domains == {"AA-X": F(1), "AA-Y": F(1, 6), "BB-Z": F(3, 5)}
    assert r.domains == {"AA": F(7, 12), "BB": F(3, 5)}
    assert r.score == F(63, 100)
    assert r.score != sum(r.domains.values()) / 2 == F(71, 120)
    assert r.score != sum(r.assessment_domains.values()) / 3 == F(53, 90)
    assert r.conforms is False

    r1 = level_result(mini_model, 1, exact(DIFFERS))
    assert (r1.requirements, r1.score, r1.conforms) == (3, F(14, 15), True)
    assert r1.assessment_domains == {"AA-X": F(1), "BB-Z": F(4, 5)}
    assert r1.domains == {"AA": F(1), "BB": F(4, 5)}


def test_unscored_requirement_gives_no_result(mini_model):
    values = exact(DIFFERS)
    del values["AA-Y-2-02"]
    assert level_result(mini_model, 2, values) is None
    assert level_result(mini_model, 1, values) is not None  # not a requirement of level 1


def test_through_the_repository(mini):
    mini.write(DIFFERS, level=2)
    repo = mini.load()
    assert repo.errors == [], listing(repo.errors)
    result = repo.results["2026-mini"]
    assert sorted(result.levels) == [1, 2]
    assert result.levels[2].score == F(63, 100) and result.levels[1].score == F(14, 15)
    assert result.applied is result.levels[2]
    assert result.conforms is False
    # recommended level: the highest level ≤ the applied one whose A ≥ 0.8
    assert result.recommended_level == 1
    assert result.inconsistent_levels == []
    assert not [d for d in repo.diagnostics if d.code == "MAT500"]


def test_a_exactly_0_8_conforms(mini):
    # (1+1+1+1 + 1+0.5+0.5 + 0.5+0.5+1) / 10 = 8/10
    mini.write(scores([1, 1, 1, 1], [1, 0.5, 0.5], [0.5, 0.5, 1]))
    result = mini.load().results["2026-mini"]
    assert result.levels[2].score == F(4, 5)
    assert result.levels[2].conforms and result.conforms
    assert result.levels[1].score == F(5, 6)  # (1 + 1 + 0.5)/3
    assert result.recommended_level == 2


def test_ten_times_0_8_is_exactly_0_8(mini):
    # in binary floating point ten 0.8s sum to just under 8: exact arithmetic is what makes A = 0.8 conform
    assert sum([0.8] * 10) / 10 < 0.8
    mini.write(scores([0.8] * 4, [0.8] * 3, [0.8] * 3))
    result = mini.load().results["2026-mini"]
    assert result.levels[2].score == F(4, 5) and result.levels[2].conforms
    assert result.levels[1].score == F(4, 5) and result.levels[1].conforms
    assert result.recommended_level == 2


def test_a_just_under_0_8_does_not_conform(mini):
    # (4 + 1+0.8+0.5 + 0.8+0.8+0) / 10 = 7.9/10
    mini.write(scores([1, 1, 1, 1], [1, 0.8, 0.5], [0.8, 0.8, 0]))
    result = mini.load().results["2026-mini"]
    assert result.levels[2].score == F(79, 100)
    assert not result.levels[2].conforms and not result.conforms
    assert result.levels[1].score == F(14, 15)
    assert result.recommended_level == 1


def test_lower_level_fails_while_higher_passes_warns_mat500(mini):
    # level 1: (0 + 0.5 + 0.5)/3 = 1/3 fails; level 2: (0 + 0.5 + 0.5 + 7)/10 = 4/5 passes
    mini.write(scores([0, 0.5, 1, 1], [1, 1, 1], [0.5, 1, 1]))
    repo = mini.load()
    result = repo.results["2026-mini"]
    assert result.levels[1].score == F(1, 3) and not result.levels[1].conforms
    assert result.levels[2].score == F(4, 5) and result.levels[2].conforms
    assert result.recommended_level == 2
    assert result.inconsistent_levels == [(1, 2)]
    d = expect(repo, "MAT500", SCORES, 1, Severity.WARNING)
    assert "一星" in d.message and "二星" in d.message
    assert repo.errors == [], listing(repo.errors)


def test_nothing_passes(mini):
    mini.write(scores([0] * 4, [0] * 3, [0] * 3))
    result = mini.load().results["2026-mini"]
    assert result.levels[1].score == 0 and result.levels[2].score == 0
    assert result.recommended_level is None and not result.conforms


def test_chinese_labels_equal_numbers(mini):
    mini.write(DIFFERS, aid="2026-mini")
    mini.write({rid: LABEL[v] for rid, v in DIFFERS.items()}, aid="2026-mini-labels")
    text = (mini.root / "assessments" / "2026-mini-labels" / "scores.yml").read_text(encoding="utf-8")
    assert "大部分满足" in text and "score: 0.8" not in text
    repo = mini.load()
    assert repo.errors == [], listing(repo.errors)
    numbers, labels = repo.results["2026-mini"], repo.results["2026-mini-labels"]
    assert numbers.levels == labels.levels
    assert labels.levels[2].score == F(63, 100)


def test_only_levels_up_to_the_applied_one(mini):
    mini.write(DIFFERS, level=1)
    repo = mini.load()
    assert repo.errors == [], listing(repo.errors)
    result = repo.results["2026-mini"]
    assert sorted(result.levels) == [1]
    assert result.applied.score == F(14, 15) and result.conforms and result.recommended_level == 1


def test_unscored_requirement_through_the_repository(mini):
    values = dict(DIFFERS)
    del values["AA-Y-2-03"]
    mini.write(values)
    repo = mini.load()
    # AA-X: on line 1, its requirements on lines 3–6, so the AA-Y key is on line 7
    assert (mini.root / SCORES).read_text(encoding="utf-8").split("\n")[6] == "AA-Y:"
    d = expect(repo, "MAT203", SCORES, 7)
    assert "AA-Y-2-03" in d.message
    result = repo.results["2026-mini"]
    assert result.applied is None and not result.conforms
    assert sorted(result.levels) == [1]


def test_applied_level_missing_from_the_model(mini):
    # the schema allows 1–5 stars; the mini model has only two levels
    mini.write(DIFFERS, level=2, applied=3)
    repo = mini.load()
    record = "assessments/2026-mini/assessment.yml"
    d = expect(repo, "MAT023", record, 9)
    assert (mini.root / record).read_text(encoding="utf-8").split("\n")[8] == "applied_level: 3"
    assert "1、2" in d.message
    result = repo.results["2026-mini"]
    assert sorted(result.levels) == [1, 2] and result.applied is None and not result.conforms
    assert result.recommended_level is None, "no recommendation while the applied level cannot be computed"
    assert repo.model.level_name(3) == "3 级"


def test_display_truncates_never_rounds_up():
    assert display(F(1, 200)) == "0.00"
    assert display(F(7, 8)) == "0.87"
    assert display(F(177, 200)) == "0.88"  # 0.885
    assert display(F(4, 5)) == "0.80"
    assert display(F(1)) == "1.00"
    assert display(F(63, 100), 1) == "0.6"
    assert display(F(79, 100), 0) == "0"
    assert display(F(853, 1070)) == "0.79"  # 0.797…: the example, once printed as 0.80


def test_display_never_crosses_the_threshold_for_any_p_of_the_model():
    """For every level's p, every A near the threshold (scores are tenths) is shown on its own side of 0.80."""
    for level in MODEL.level_numbers:
        p = len(MODEL.requirements_at(level))
        for units in range(8 * p - 30, 8 * p + 30):  # A = units / (10 p): the sums the scale can make
            a = F(units, 10 * p)
            if not 0 <= a <= 1:
                continue
            shown = F(display(a))
            assert (shown >= MODEL.threshold) == (a >= MODEL.threshold), (level, p, a, display(a))
            assert shown <= a < shown + F(1, 100)


# --- the demo data against an independent oracle -------------------------------------------------
VALUE = {1: F(1), 0.8: F(4, 5), 0.5: F(1, 2), 0: F(0),
         "全部满足": F(1), "大部分满足": F(4, 5), "部分满足": F(1, 2), "不满足": F(0)}


def oracle(model: dict, scores: dict, level: int):
    """Formulas (1)–(3) straight from the YAML, without the package."""
    values = {rid: VALUE[e["score"]] for block in scores.values() for rid, e in block["requirements"].items()}
    c, b, all_values = {}, {}, []
    for cd in model["capability_domains"]:
        cs = []
        for ad in cd["assessment_domains"]:
            if level not in ad["levels"]:
                continue
            xs = [values[r["id"]] for r in ad["requirements"] if level in r["levels"]]
            c[ad["code"]] = sum(xs, F(0)) / len(xs)
            cs.append(c[ad["code"]])
            all_values += xs
        if cs:
            b[cd["code"]] = sum(cs, F(0)) / len(cs)
    return sum(all_values, F(0)) / len(all_values), len(all_values), b, c


@pytest.fixture(scope="module")
def demo_repo():
    repo = load_repository(PROJECT, display_base=PROJECT)  # read only
    assert repo.errors == [], listing(repo.errors)
    return repo


def test_demo_results_match_the_oracle(demo_repo):
    assert len(demo_repo.assessments) == DEMO_ASSESSMENTS
    for a in demo_repo.assessments:
        # the oracle reads each assessment's own model file as plain YAML
        model = yaml.safe_load(Path(a.model.source).read_text(encoding="utf-8"))
        scores = yaml.safe_load((a.folder / "scores.yml").read_text(encoding="utf-8"))
        result = demo_repo.results[a.id]
        assert sorted(result.levels) == [lv for lv in a.model.level_numbers if lv <= a.applied_level], a.id
        for level, r in result.levels.items():
            score, p, b, c = oracle(model, scores, level)
            assert (r.score, r.requirements, r.domains, r.assessment_domains) == (score, p, b, c), (a.id, level)
            assert r.conforms == (score >= F(4, 5))
        passing = [lv for lv in result.levels if oracle(model, scores, lv)[0] >= F(4, 5)]
        assert result.recommended_level == max(passing, default=None)


def test_demo_has_a_failing_assessment_with_a_lower_recommendation(demo_repo):
    # 2026-shili-shuzi applied for four stars and does not conform; its recommendation is lower
    result = demo_repo.results["2026-shili-shuzi"]
    assert result.applied_level == 4 and not result.conforms
    assert result.recommended_level is not None and result.recommended_level < 4
