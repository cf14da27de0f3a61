"""The shipped model against the guide (clause 7, Figure 1; Table 1; formula (4)) and the model-file checks."""

from __future__ import annotations

from fractions import Fraction

import pytest

from conftest import MINI_MODEL, MODEL_FILE, check_invariants, expect, listing
from maturity.exchange import report
from maturity.data.model import default_model_path, load_model

# Figure 1 of the guide, transcribed from the standard digest: the levels at which each
# assessment domain is assessed, per capability domain.
FIGURE_1 = {
    "SS": {"SS-SDM": [3, 4, 5], "SS-DM": [1, 2, 3, 4, 5], "SS-SI": [1, 2, 3, 4, 5], "SS-RM": [2, 3, 4, 5]},
    "SD": {"SD-DI": [2, 3, 4, 5], "SD-SC": [1, 2, 3, 4, 5], "SD-SL": [2, 3, 4, 5], "SD-SM": [3, 4, 5],
           "SD-SCO": [1, 2, 3, 4, 5], "SD-CAP": [4, 5], "SD-SQ": [1, 2, 3, 4, 5], "SD-PM": [2, 3, 4, 5]},
    "ST": {"ST-RD": [3, 4, 5], "ST-PS": [3, 4, 5], "ST-SE": [3, 4, 5], "ST-SA": [1, 2, 3, 4, 5], "ST-CM": [3, 4, 5]},
    "SO": {"SO-SO": [1, 2, 3, 4, 5], "SO-PR": [2, 3, 4, 5], "SO-IP": [1, 2, 3, 4, 5], "SO-SC": [1, 2, 3, 4, 5],
           "SO-COM": [1, 2, 3, 4, 5]},
    "CI": {"CI-SP": [3, 4, 5], "CI-MA": [2, 3, 4, 5], "CI-IE": [3, 4, 5], "CI-KM": [2, 3, 4, 5], "CI-TM": [3, 4, 5]},
}
NAMES = {"SS-SDM": "战略决策", "SS-DM": "需求管理", "SS-SI": "服务投资", "SS-RM": "风险管理", "SD-DI": "设计与创新",
         "SD-SC": "服务目录", "SD-SL": "服务级别", "SD-SM": "供应商管理", "SD-SCO": "安全和连续性", "SD-CAP": "服务承载",
         "SD-SQ": "服务质量", "SD-PM": "项目管理", "ST-RD": "发布和部署", "ST-PS": "规划与支持", "ST-SE": "服务评估",
         "ST-SA": "服务资产", "ST-CM": "变更管理", "SO-SO": "服务组织", "SO-PR": "计划与请求", "SO-IP": "事件和问题",
         "SO-SC": "服务合规", "SO-COM": "服务沟通", "CI-SP": "持续改进策略与规划", "CI-MA": "度量与分析",
         "CI-IE": "改进执行", "CI-KM": "知识管理", "CI-TM": "变革管理"}


@pytest.fixture(scope="module")
def model():
    m, diags = load_model()
    assert m is not None and diags == [], listing(diags)
    return m


def test_default_model_is_the_shipped_file():
    assert default_model_path().resolve() == MODEL_FILE.resolve()


def test_five_capability_domains_and_27_assessment_domains(model):
    assert [cd.code for cd in model.capability_domains] == list(FIGURE_1)
    assert [cd.name for cd in model.capability_domains] == ["服务战略", "服务设计", "服务转化", "服务运营", "服务持续改进"]
    assert len(model.assessment_domains) == 27
    for cd in model.capability_domains:
        assert {ad.code: list(ad.levels) for ad in cd.assessment_domains} == FIGURE_1[cd.code]
        for ad in cd.assessment_domains:
            assert ad.name == NAMES[ad.code]
            assert ad.capability_domain == cd.code


def test_matrix_counts(model):
    assert [len(model.assessment_domains_at(lv)) for lv in (1, 2, 3, 4, 5)] == [10, 17, 26, 27, 27]
    assert {ad.code for ad in model.assessment_domains} - {ad.code for ad in model.assessment_domains_at(3)} == {"SD-CAP"}


def test_levels_scale_threshold(model):
    assert model.level_numbers == (1, 2, 3, 4, 5)
    assert [lv.name for lv in model.levels] == ["一星", "二星", "三星", "四星", "五星"]
    assert [(s.label, s.value) for s in model.scale] == [
        ("全部满足", Fraction(1)), ("大部分满足", Fraction(4, 5)), ("部分满足", Fraction(1, 2)), ("不满足", Fraction(0))]
    assert model.threshold == Fraction(4, 5)
    assert model.requirements_status == "drafted" and "起草" in model.requirements_notice


def test_every_assessed_cell_has_at_least_two_requirements_introduced_there(model):
    for ad in model.assessment_domains:
        for level in ad.levels:
            introduced = [r for r in ad.requirements if min(r.levels) == level]
            assert len(introduced) >= 2, (ad.code, level)
        # and nothing at a level where the domain is not assessed
        for r in ad.requirements:
            assert r.levels <= set(ad.levels), r.id


def test_requirements_are_cumulative(model):
    for ad in model.assessment_domains:
        for level in ad.levels[1:]:
            lower = {r.id for r in ad.requirements_at(level - 1)}
            here = {r.id for r in ad.requirements_at(level)}
            assert lower < here, (ad.code, level)  # a strict superset: new requirements at every level
        for r in ad.requirements:
            first = min(r.levels)
            assert sorted(r.levels) == list(range(first, 6)), r.id  # from its level up to 5 stars
            assert r.id.startswith(ad.code + "-") and int(r.id.split("-")[2]) == first, r.id


def test_level_requirement_sets(model):
    for level in model.level_numbers:
        ids = [r.id for r in model.requirements_at(level)]
        assert len(ids) == len(set(ids))
        assert set(ids) == {r.id for ad in model.assessment_domains_at(level) for r in ad.requirements if level in r.levels}
        assert all(model.requirement(rid).assessment_domain in {ad.code for ad in model.assessment_domains_at(level)} for rid in ids)


def test_score_values(model):
    assert model.score_value(1) == 1 and model.score_value(1.0) == 1
    assert model.score_value(0.8) == Fraction(4, 5) and model.score_value("大部分满足") == Fraction(4, 5)
    assert model.score_value(0.5) == Fraction(1, 2) and model.score_value("部分满足") == Fraction(1, 2)
    assert model.score_value(0) == 0 and model.score_value("不满足") == 0
    assert model.score_value("全部满足") == 1
    for wrong in (0.7, 0.75, 2, -1, "1", "0.8", "满足", True, False, None, []):
        assert model.score_value(wrong) is None, wrong
    assert model.scale_label(Fraction(1, 2)) == "部分满足"


def test_model_json_matches_the_model(model):
    data = report.model_json(model)
    assert sum(len(cd["assessment_domains"]) for cd in data["capability_domains"]) == 27
    assert [lv["assessment_domains"] for lv in data["levels"]] == [10, 17, 26, 27, 27]
    assert [lv["requirements"] for lv in data["levels"]] == [len(model.requirements_at(lv)) for lv in range(1, 6)]
    assert data["threshold"] == 0.8


# --- broken copies of a model file: MAT050–MAT056 -------------------------------------------------
def broken(tmp_path, old: str, new: str, text: str | None = None):
    text = MODEL_FILE.read_text(encoding="utf-8") if text is None else text
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path = tmp_path / "model.yml"
    path.write_text(text, encoding="utf-8")
    model, diags = load_model(path, "model.yml")
    check_invariants(diags)
    lines = text.split("\n")
    return model, diags, lambda needle, nth=1: [i + 1 for i, l in enumerate(lines) if needle in l][nth - 1]


def test_a_clean_copy_loads(tmp_path):
    model, diags, _ = broken(tmp_path, "threshold: 0.8", "threshold: 0.8")
    assert model is not None and diags == []


def test_mat050_duplicate_requirement_id(tmp_path):
    model, diags, line = broken(tmp_path, "{id: SS-DM-1-02,", "{id: SS-DM-1-01,")
    assert model is None
    d = expect(diags, "MAT050", "model.yml", line("{id: SS-DM-1-01,", 2))
    assert f"第 {line('{id: SS-DM-1-01,', 1)} 行" in d.message


def test_mat050_duplicate_domain_code(tmp_path):
    model, diags, line = broken(tmp_path, "      - code: SD-SL\n", "      - code: SD-SC\n")
    assert model is None
    expect(diags, "MAT050", "model.yml", line("- code: SD-SC", 2))


def test_mat051_requirement_at_a_level_where_the_domain_is_not_assessed(tmp_path):
    model, diags, line = broken(tmp_path, "{id: SS-SDM-3-01, levels: [3, 4, 5]", "{id: SS-SDM-3-01, levels: [2, 3, 4, 5]")
    assert model is None
    expect(diags, "MAT051", "model.yml", line("SS-SDM-3-01"))


def test_mat052_assessed_cell_without_requirements(tmp_path):
    old = "        name_en: Service capacity\n        levels: [4, 5]\n"
    model, diags, line = broken(tmp_path, old, old.replace("[4, 5]", "[3, 4, 5]"))
    assert model is None
    d = expect(diags, "MAT052", "model.yml", line("name_en: Service capacity") + 1)
    assert "SD-CAP" in d.message and "3" in d.message


@pytest.mark.parametrize("old,new", [
    ("{label: 部分满足, label_en: partially met, value: 0.5}", "{label: 部分满足, label_en: partially met, value: 0.8}"),
    ("{label: 部分满足, label_en: partially met, value: 0.5}", "{label: 大部分满足, label_en: partially met, value: 0.5}"),
])
def test_mat053_scale_must_be_unique(tmp_path, old, new):
    model, diags, line = broken(tmp_path, old, new)
    assert model is None
    expect(diags, "MAT053", "model.yml", line("{label: 全部满足"))  # the list starts on its first item


def test_mat054_levels_not_numbered_1_to_n(tmp_path):
    model, diags, line = broken(tmp_path, "  - {level: 2, name: 二星", "  - {level: 3, name: 二星")
    assert model is None
    expect(diags, "MAT054", "model.yml", line("{level: 1, name: 一星"))


def test_mat054_domain_level_not_defined(tmp_path):
    text = MODEL_FILE.read_text(encoding="utf-8")
    five = next(l for l in text.split("\n") if l.startswith("  - {level: 5,"))
    model, diags, line = broken(tmp_path, five + "\n", "")
    assert model is None
    d = expect(diags, "MAT054", "model.yml", line("        levels: [3, 4, 5]"))  # SS-SDM, the first such domain
    assert "SS-SDM" in d.message


def test_mat055_model_file_not_found(tmp_path):
    model, diags = load_model(tmp_path / "nothing.yml", "nothing.yml")
    assert model is None
    assert [(d.code, d.path, d.line) for d in diags] == [("MAT055", "nothing.yml", 0)]
    check_invariants(diags)


def test_mat056_requirement_id_prefix(tmp_path):
    model, diags, line = broken(tmp_path, "{id: SS-DM-2-01,", "{id: SS-XX-2-01,")
    assert model is None
    d = expect(diags, "MAT056", "model.yml", line("{id: SS-XX-2-01,"))
    assert "SS-DM-" in d.message


def test_mat056_domain_code_prefix(tmp_path):
    model, diags, line = broken(tmp_path, "      - code: SS-RM\n", "      - code: SD-RM\n")
    assert model is None
    expect(diags, "MAT056", "model.yml", line("- code: SD-RM"))


def test_model_file_syntax_and_schema_errors_are_located(tmp_path):
    model, diags, line = broken(tmp_path, "threshold: 0.8", "threshold: 1.5\nthreshold_x: 1")
    assert model is None
    expect(diags, "MAT025", "model.yml", line("threshold: 1.5"))
    expect(diags, "MAT021", "model.yml", line("threshold_x"))


def test_mini_model_loads(tmp_path):
    (tmp_path / "m.yml").write_text(MINI_MODEL, encoding="utf-8")
    model, diags = load_model(tmp_path / "m.yml")
    assert model is not None and diags == []
    assert [len(model.requirements_at(lv)) for lv in (1, 2)] == [3, 10]
