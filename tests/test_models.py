"""Models as a registry: ids and versions, an assessment names its model, no code names a model's contents."""

from __future__ import annotations

import ast
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from conftest import A, MODEL_FILE, PROJECT, expect
from maturity.data.registry import BUILT_IN, load_registry
from maturity.exchange import digest as digests
from test_cli import run

PACKAGE = PROJECT / "plugins" / "maturity"


def model_codes() -> set[str]:
    """Every capability-domain code, assessment-domain code and requirement id of every built-in model."""
    codes = set()
    for name in BUILT_IN:
        path = PACKAGE / "models" / name
        if not path.is_file():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for cd in data["capability_domains"]:
            codes.add(cd["code"])
            for ad in cd["assessment_domains"]:
                codes.add(ad["code"])
                codes.update(r["id"] for r in ad["requirements"])
    return codes


def test_no_python_code_names_a_domain_or_requirement_of_any_model():
    codes = model_codes()
    assert len(codes) > 200
    pattern = re.compile(r"\b(" + "|".join(sorted((re.escape(c) for c in codes), key=len, reverse=True)) + r")\b")
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and not node.value.strip().startswith("\n"):
                text = node.value
                hits = [m.group() for m in pattern.finditer(text) if "-" in m.group() or text == m.group()]
                if hits:
                    found.append(f"{path.relative_to(PROJECT)}:{node.lineno}: {hits}")
    assert not found, "\n".join(found)


def test_the_registry_lists_the_built_in_models_with_versions():
    registry = load_registry(None)
    assert registry.default.key == "T/ZXGJXH 002—2023@2023" and registry.default.status == "in_force"
    r = run("model", "--list", "--format", "json", cwd=PROJECT)
    listed = {m["key"]: m for m in json.loads(r.stdout)}
    assert listed["T/ZXGJXH 002—2023@2023"]["default"] is True


def test_an_assessment_names_its_model_by_id_or_id_and_version(demo):
    demo.replace(A, "id: 2026-shili-zixun\n", "id: 2026-shili-zixun\nmodel: T/ZXGJXH 002—2023\n")
    repo = demo.load()
    assert repo.assessment("2026-shili-zixun").model.key == "T/ZXGJXH 002—2023@2023"
    assert not repo.errors
    demo.replace(A, "model: T/ZXGJXH 002—2023\n", "model: T/ZXGJXH 002—2023@2023\n")
    assert not demo.load().errors


def test_an_unknown_model_is_a_located_error(demo):
    demo.replace(A, "id: 2026-shili-zixun\n", "id: 2026-shili-zixun\nmodel: T/ZXGJXH 002—2023@1999\n")
    d = expect(demo.load(), "MAT057", A, demo.line_of(A, "model: T/ZXGJXH"))
    assert "T/ZXGJXH 002—2023@2023" in d.message, "the known models are listed"


def test_naming_the_model_does_not_change_a_certified_digest(demo):
    before = demo.load()
    a = before.assessment("2026-shili-zixun")
    sealed = digests.digest(a, before.registers["shili-zixun"], a.model.id)
    demo.replace(A, "id: 2026-shili-zixun\n", "id: 2026-shili-zixun\nmodel: T/ZXGJXH 002—2023@2023\n")
    after = demo.load()
    b = after.assessment("2026-shili-zixun")
    assert digests.digest(b, after.registers["shili-zixun"], b.model.id) == sealed
    assert not [d for d in after.errors if d.code == "MAT610"]


def test_a_model_with_another_scale_is_checked_against_its_own_scale(demo, tmp_path):
    """The scores schema no longer hard-codes the first model's four values: the model's scale decides."""
    text = MODEL_FILE.read_text(encoding="utf-8")
    text = text.replace('version: "2023"', 'version: "2099"').replace("  - {label: 大部分满足, label_en: largely met, value: 0.8}\n",
                                                                      "  - {label: 大部分满足, label_en: largely met, value: 0.75}\n")
    other = tmp_path / "revision.yml"
    other.write_text(text, encoding="utf-8")
    (demo.root / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  - maturity:\n      models: [{other}]\n", encoding="utf-8")
    pingtai = "assessments/2026-shili-pingtai"
    demo.replace(f"{pingtai}/assessment.yml", "id: 2026-shili-pingtai\n", "id: 2026-shili-pingtai\nmodel: T/ZXGJXH 002—2023@2099\n")
    repo = demo.load()
    bad = [d for d in repo.diagnostics if d.code == "MAT201" and pingtai in d.path]
    assert bad and "0.75" in bad[0].message, "0.8 is not on this model's scale"
    text = (demo.root / f"{pingtai}/scores.yml").read_text(encoding="utf-8").replace("score: 0.8,", "score: 0.75,")
    (demo.root / f"{pingtai}/scores.yml").write_text(text, encoding="utf-8")
    assert not [d for d in demo.load().diagnostics if d.code == "MAT201" and pingtai in d.path]


# --- the second built-in model: the 评价准则 of the draft 003 ------------------------------------------------
MODEL003 = "zxqy-003-pingjia"
SOURCE003 = PROJECT / "tests" / "data" / "model003-source.txt"  # the chapter, verbatim
SEEDS = PROJECT.parent / "shared" / "seeds"  # the project's source texts, where they are at hand
POINT = re.compile(r"^([a-e])[）)]\s*(.+)$")


def source003() -> dict:
    """The chapter 评价准则 of 003 read as it is written: each group (能力) with its 概述, each criterion (准则)
    with its description and its lettered points a)、b)…; headings are told apart by the line 概述 that follows
    a group's name and by the description (“…指…”) that follows a criterion's."""
    lines = [line for line in SOURCE003.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]
    assert lines[0] == "评价准则"
    groups, i = [], 1
    while i < len(lines):
        if i + 1 < len(lines) and lines[i + 1] == "概述":
            groups.append({"name": lines[i], "overview": lines[i + 2], "criteria": []})
            i += 3
            continue
        assert not POINT.match(lines[i]), f"a point without its criterion: {lines[i]}"
        criterion = {"name": lines[i], "description": lines[i + 1], "points": []}
        i += 2
        while i < len(lines) and POINT.match(lines[i]):
            letter, text = POINT.match(lines[i]).groups()
            criterion["points"].append((letter, text.strip()))
            i += 1
        groups[-1]["criteria"].append(criterion)
    return {"groups": groups}


def test_the_source_excerpt_is_the_seed_text():
    """tests/data/model003-source.txt is the seed's chapter line by line (checked where the seeds are at hand)."""
    seeds = sorted(SEEDS.glob("003_*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip("the seed texts are not beside this repository")
    seed = [line.strip() for line in seeds[0].read_text(encoding="utf-8").split("\n")]
    start = next(i for i, line in enumerate(seed) if line.endswith("评价准则"))
    excerpt = [line for line in SOURCE003.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]
    assert excerpt == ["评价准则", *(line for line in seed[start + 1:] if line)]


def test_every_lettered_point_of_003_is_a_requirement_exactly_once():
    source = source003()
    registry = load_registry(None)
    model = registry.resolve(MODEL003)
    assert (model.status, model.requirements_status, model.level_numbers) == ("draft", "draft_standard", (1,))
    groups = source["groups"]
    assert [g["name"] for g in groups] == [cd.name for cd in model.capability_domains]
    criteria = [c for g in groups for c in g["criteria"]]
    assert [c["name"] for c in criteria] == [ad.name for ad in model.assessment_domains]
    points = [(c["name"], letter, text) for c in criteria for letter, text in c["points"]]
    # counted by hand as well: 6 groups, 21 criteria, 47 lettered points, 6 criteria without points
    assert (len(groups), len(criteria), len(points)) == (6, 21, 47)
    without = [c for c in criteria if not c["points"]]
    assert [c["name"] for c in without] == ["服务客户数量", "人员规模", "服务年限", "客户满意度", "服务价值收益", "机构荣誉"]

    texts = [r.text for ad in model.assessment_domains for r in ad.requirements]
    for name, letter, text in points:
        assert texts.count(text) == 1, f"{name} {letter}): {text}"
        req = next(r for ad in model.assessment_domains for r in ad.requirements if r.text == text)
        ad = model.assessment_domain(req.assessment_domain)
        assert ad.name == name, f"{req.id} is under {ad.name}, the point under {name}"
        assert req.id.endswith(f"-1-{ord(letter) - ord('a') + 1:02d}"), f"{req.id} is {name} {letter})"
    for c in without:  # the criterion's own description is its one requirement, numbered 00
        ad = next(ad for ad in model.assessment_domains if ad.name == c["name"])
        assert [(r.id.rsplit("-", 1)[1], r.text) for r in ad.requirements] == [("00", c["description"])]
    # nothing else: every requirement is one of the two, all at the one level
    assert len(texts) == len(points) + len(without) == len(model.requirements_at(1)) == 53
    assert all(r.levels == frozenset({1}) for ad in model.assessment_domains for r in ad.requirements)


def test_003_codes_are_ascii_unique_and_apart_from_002():
    registry = load_registry(None)
    codes = {}
    for key in ("T/ZXGJXH 002—2023@2023", f"{MODEL003}@1"):
        m = registry.models[key]
        own = [cd.code for cd in m.capability_domains] + [ad.code for ad in m.assessment_domains] + \
              [r.id for ad in m.assessment_domains for r in ad.requirements]
        assert len(own) == len(set(own)), key
        assert all(c.isascii() for c in own), key
        codes[key] = set(own)
    assert not codes["T/ZXGJXH 002—2023@2023"] & codes[f"{MODEL003}@1"]


def test_model_list_shows_both_models_with_version_and_status():
    r = run("model", "--list", cwd=PROJECT)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(line.startswith("T/ZXGJXH 002—2023@2023") and "现行" in line and "（默认）" in line for line in lines), r.stdout
    assert any(line.startswith(f"{MODEL003}@1") and "草案" in line and "评价体系" in line for line in lines), r.stdout
    listed = {m["key"]: m for m in json.loads(run("model", "--list", "--format", "json", cwd=PROJECT).stdout)}
    assert (listed[f"{MODEL003}@1"]["id"], listed[f"{MODEL003}@1"]["version"]) == (MODEL003, "1")
    assert (listed[f"{MODEL003}@1"]["status"], listed[f"{MODEL003}@1"]["default"]) == ("draft", False)


@pytest.mark.parametrize("ref", [MODEL003, f"{MODEL003}@1"])
def test_model_ref_shows_the_003_model(ref):
    r = run("model", ref, cwd=PROJECT)
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[:3]
    assert head[0] == f"中小企业服务机构通用能力建设 第1部分：评价体系（{MODEL003}）"
    assert head[1] == "版本 1，草案。" and "标准草案（征求意见稿）原文" in head[2]
    assert "  BAS-CLIENTS 服务客户数量" in r.stdout, "a long code keeps its column"
    assert r.stdout.rstrip().endswith("达标 21/53")
    data = json.loads(run("model", ref, "--format", "json", cwd=PROJECT).stdout)
    assert (data["id"], data["version"], data["key"], data["status"]) == (MODEL003, "1", f"{MODEL003}@1", "draft")
    assert data["requirements_status"] == "draft_standard"
    assert [lv["name"] for lv in data["levels"]] == ["达标"] and data["threshold"] == 0.8
    # the default model's text is as it was: no version line for a model in force
    assert run("model", cwd=PROJECT).stdout.splitlines()[1] == "注意：要求条文为本项目起草，非标准原文。"


def test_the_criteria_an_assessment_cites_come_from_the_model():
    registry = load_registry(None)
    assert registry.default.criteria == ["T/ZXGJXH 002—2023 中小企业服务 服务机构 通用能力成熟度模型", "中小企业服务 服务机构 通用能力成熟度评估指南"]
    assert registry.resolve(MODEL003).criteria == ["中小企业服务机构通用能力建设 第1部分：评价体系（征求意见稿）",
                                                   "中小企业服务 服务机构 通用能力成熟度评估指南"]


NEW003 = ["--organisation", "my-org", "--name", "某某咨询有限公司", "--credit-code", "91110108MA01XL0K77", "--region", "北京市",
          "--category", "specialised.management.strategy", "--level", "1"]


def test_an_assessment_of_003_made_by_new_validates_and_scores_with_the_models_scale(tmp_path):
    r = run("new", "2027-my-org", *NEW003, "--model", MODEL003, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "assessments" / "2027-my-org"
    record = yaml.safe_load((folder / "assessment.yml").read_text(encoding="utf-8"))
    assert record["model"] == MODEL003 and record["criteria"][0].startswith("中小企业服务机构通用能力建设")
    scores_text = (folder / "scores.yml").read_text(encoding="utf-8")
    scores = yaml.safe_load(scores_text)
    model = load_registry(None).resolve(MODEL003)
    assert list(scores) == [ad.code for ad in model.assessment_domains]
    listed = {rid: v for block in scores.values() for rid, v in block["requirements"].items()}
    assert set(listed) == {r.id for r in model.requirements_at(1)} and all(v == {"score": None} for v in listed.values())
    assert "达标的全部要求" in scores_text
    assert run("validate", ".", cwd=tmp_path).returncode == 0
    assert run("fmt", "--check", ".", cwd=tmp_path).returncode == 0, "scores.yml in the order of its own model"
    data = json.loads(run("score", folder, "--format", "json", cwd=tmp_path).stdout)
    assert (data["model"], data["complete"], len(data["unscored"])) == (MODEL003, False, 53)

    # scored with the model's scale, by label and by number: 52 × 大部分满足 and one 全部满足 → A = 0.8038 ≥ 0.8
    ids = sorted(listed)
    text = scores_text.replace("{score: null}", "{score: 大部分满足}")
    text = text.replace(f"{ids[0]}: {{score: 大部分满足}}", f"{ids[0]}: {{score: 1}}")
    (folder / "scores.yml").write_text(text, encoding="utf-8")
    r = run("score", folder, "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["exact"]["levels"] == {"1": "213/265"} and data["conforms"] is True and data["recommended_level"] == 1
    assert set(data["assessment_domains"]) == {ad.code for ad in model.assessment_domains}
    text_out = run("score", folder, cwd=tmp_path).stdout
    assert "申请等级 达标" in text_out and "推荐等级：达标" in text_out and "SUS-DIGI" in text_out
    # off the scale: an error, located, and no A
    (folder / "scores.yml").write_text(text.replace(f"{ids[0]}: {{score: 1}}", f"{ids[0]}: {{score: 0.6}}"), encoding="utf-8")
    r = run("validate", ".", cwd=tmp_path)
    assert r.returncode == 1 and "MAT201" in r.stdout


def test_new_with_a_model_refuses_what_the_model_does_not_have(tmp_path):
    r = run("new", "2027-my-org", *NEW003, "--model", "no-such-model", cwd=tmp_path)
    assert r.returncode == 2 and "no-such-model" in r.stderr and f"{MODEL003}@1" in r.stderr
    r = run("new", "2027-my-org", *NEW003[:-1], "2", "--model", MODEL003, cwd=tmp_path)
    assert r.returncode == 2 and "--level：等级应为 1（1 达标）" in r.stderr
    assert not (tmp_path / "assessments").exists()
    r = run("new", "2027-my-org", *NEW003, cwd=tmp_path)  # no --model: the default, and no model: line
    assert r.returncode == 0 and "model:" not in (tmp_path / "assessments" / "2027-my-org" / "assessment.yml").read_text(encoding="utf-8")


def test_the_003_demo_assessment_validates_and_scores(demo):
    folder = "assessments/2026-shili-zonghe"
    repo = demo.load()
    bad = [d for d in repo.diagnostics if d.is_error or d.is_warning]
    assert not bad, "\n".join(map(str, bad))
    a = repo.assessment("2026-shili-zonghe")
    assert a.model.key == f"{MODEL003}@1"
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 0 and "0 个错误，0 个警告" in r.stdout, r.stdout
    r = run("score", folder, "--format", "json", cwd=demo.root)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["model"], data["valid"], data["complete"], data["concluded"]) == (MODEL003, True, True, True)
    assert data["exact"]["levels"] == {"1": "228/265"} and data["conforms"] is True and data["recommended_level"] == 1
    assert run("fmt", "--check", folder, f"evidence/shili-zonghe/register.yml", cwd=demo.root).returncode == 0
    # the other assessments keep the default model and their results
    assert repo.assessment("2026-shili-zixun").model.key == "T/ZXGJXH 002—2023@2023"


def test_the_choices_where_003_is_silent_are_data(demo, tmp_path):
    """Levels, scale and threshold live in the model file: a site that decides otherwise swaps the file, no code."""
    text = (PACKAGE / "models" / f"{MODEL003}.yml").read_text(encoding="utf-8")
    old_scale = text[text.index("scale:\n"):text.index("\n\n", text.index("scale:\n"))]
    text = text.replace('version: "1"', 'version: "2"').replace(old_scale, "scale:\n  - {label: 符合, value: 1}\n"
                                                                "  - {label: 基本符合, value: 0.5}\n  - {label: 不符合, value: 0}")
    text = text.replace("threshold: 0.8", "threshold: 0.6")
    other = tmp_path / "model003-v2.yml"
    other.write_text(text, encoding="utf-8")
    (demo.root / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  - maturity:\n      models: [{other}]\n", encoding="utf-8")
    record = "assessments/2026-shili-zonghe/assessment.yml"
    scores = "assessments/2026-shili-zonghe/scores.yml"
    demo.replace(record, f"model: {MODEL003}\n", f"model: {MODEL003}@2\n")
    bad = [d for d in demo.load().errors if d.code == "MAT201"]
    assert bad and all(d.path == scores for d in bad), "0.8 is not on the swapped scale"
    demo.write(scores, demo.read(scores).replace("score: 0.8,", "score: 基本符合,"))
    repo = demo.load()
    assert not repo.errors, "\n".join(map(str, repo.errors))
    result = repo.results["2026-shili-zonghe"]
    assert result.applied.conforms and repo.assessment("2026-shili-zonghe").model.threshold == Fraction(3, 5)


def test_the_commands_on_one_assessment_use_its_own_model(demo, tmp_path):
    """score, sheet and digest read the model the assessment names, not the site's default."""
    folder = "assessments/2026-shili-zonghe"
    sheet = tmp_path / "sheet.xlsx"
    r = run("sheet", "export", folder, "-o", sheet, cwd=demo.root)
    assert r.returncode == 0 and "（53 条要求）" in r.stdout, r.stdout + r.stderr
    r = run("sheet", "import", sheet, folder, cwd=demo.root)
    assert r.returncode == 0 and "没有修改" in r.stdout, r.stdout + r.stderr
    repo = demo.load()
    a = repo.assessment("2026-shili-zonghe")
    r = run("digest", folder, cwd=demo.root)
    assert r.stdout.strip() == digests.digest(a, repo.registers["shili-zonghe"], MODEL003)
