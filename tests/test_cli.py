"""The installed ``maturity`` command, run as a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import DEMO_ASSESSMENTS, A, PROJECT, S, ZIXUN, credit_code, listing, is_build_cache
from maturity.repository import load_repository

ENTRY = Path(sys.executable).parent / "maturity"
CMD = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "maturity.cli"]
LOCATED = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (错误|警告) (?P<code>MAT\d{3}) ")


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(CMD + [str(a) for a in args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=60)


def snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if not is_build_cache(p, root)}


NEW = ["--name", "某某咨询有限公司", "--credit-code", credit_code("91110108MA01XL0K7"), "--region", "北京市",
       "--category", "specialised.management.strategy"]


# --- validate ----------------------------------------------------------------------------------
def test_validate_demo_exits_0():
    r = run("validate", ".", cwd=PROJECT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 个错误" in r.stdout


def test_validate_broken_copy_exits_1_with_locations(demo):
    demo.replace(A, "stage: submitted", "stage: planning")
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 1
    lines = [m for m in map(LOCATED.match, r.stdout.splitlines()) if m]
    assert any(m["path"] == A and int(m["line"]) == demo.line_of(A, "stage: planning") and m["code"] == "MAT410"
               for m in lines), r.stdout
    assert "2 个错误" in r.stdout and "MAT617" in r.stdout  # planning: no report yet, so no certificate either


@pytest.mark.parametrize("target", [".", "assessments", ZIXUN])
def test_validate_accepts_root_assessments_folder_or_one_assessment(demo, target):
    demo.replace(A, "stage: submitted", "stage: planning")
    r = run("validate", target, cwd=demo.root)
    assert r.returncode == 1 and f"{A}:{demo.line_of(A, 'stage: planning')}:" in r.stdout, r.stdout


def test_validate_json_equals_the_core(demo):
    demo.replace(A, "stage: submitted", "stage: planning")
    demo.replace(S, "    SS-SDM-3-01: {score: 1, evidence: [E024], note:", "    SS-SDM-3-01: {score: 1, note:")
    r = run("validate", ".", "--format", "json", cwd=demo.root)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    repo = load_repository(demo.root, display_base=demo.root)
    assert data["valid"] is False
    assert data["assessments"] == DEMO_ASSESSMENTS
    assert data["errors"] == len(repo.errors) >= 1
    assert data["warnings"] == sum(1 for d in repo.diagnostics if d.is_warning) >= 1
    assert data["notes"] == sum(1 for d in repo.diagnostics if d.severity.value == "note")  # MAT616: a copy outside git
    assert data["diagnostics"] == [d.as_dict() for d in repo.diagnostics]
    assert {"path", "line", "column", "code", "severity", "message"} <= set(data["diagnostics"][0])


def test_validate_json_on_valid_data():
    data = json.loads(run("validate", "--format", "json", cwd=PROJECT).stdout)
    assert data["valid"] is True and data["errors"] == 0 and data["assessments"] == DEMO_ASSESSMENTS


def test_validate_github_annotations(demo):
    demo.replace(A, "stage: submitted", "stage: planning")
    demo.replace(S, "    SS-SDM-3-01: {score: 1, evidence: [E024], note:", "    SS-SDM-3-01: {score: 1, note:")
    r = run("validate", ".", "--format", "github", cwd=demo.root)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines and all(re.match(r"^::(error|warning|notice) file=", line) for line in lines), r.stdout
    line = demo.line_of(A, "stage: planning")
    assert any(l.startswith(f"::error file={A},line={line},col=") and "title=MAT410::" in l for l in lines)
    assert any(l.startswith(f"::warning file={S},") and "title=MAT206::" in l for l in lines)
    assert "检查了" in r.stderr  # the summary is not an annotation


# --- score -------------------------------------------------------------------------------------
def test_score_json_agrees_with_the_core():
    r = run("score", ZIXUN, "--format", "json", cwd=PROJECT)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    repo = load_repository(PROJECT, display_base=PROJECT)
    result = repo.results["2026-shili-zixun"]
    assert {"id", "applied_level", "levels", "conforms", "recommended_level", "domains", "assessment_domains"} <= set(data)
    assert data["id"] == "2026-shili-zixun" and data["applied_level"] == 3 == result.applied_level
    assert set(data["levels"]) == {"1", "2", "3"}
    for level, r_level in result.levels.items():
        entry = data["levels"][str(level)]
        assert (entry["score"], entry["requirements"], entry["conforms"]) == (
            float(r_level.score), r_level.requirements, r_level.conforms)
        assert Fraction(data["exact"]["levels"][str(level)]) == r_level.score
    assert data["conforms"] is result.conforms is True
    assert data["recommended_level"] == result.recommended_level == 3
    applied = result.applied
    assert data["domains"] == {k: float(v) for k, v in applied.domains.items()}
    assert set(data["domains"]) == {"SS", "SD", "ST", "SO", "CI"}
    assert data["assessment_domains"] == {k: float(v) for k, v in applied.assessment_domains.items()}
    assert len(data["assessment_domains"]) == 26
    assert {k: Fraction(v) for k, v in data["exact"]["assessment_domains"].items()} == applied.assessment_domains
    assert data["valid"] is True and data["diagnostics"] == []


def test_score_several_gives_a_list_and_text_has_the_conclusion():
    r = run("score", ZIXUN, "assessments/2026-shili-shuzi", "--format", "json", cwd=PROJECT)
    data = json.loads(r.stdout)
    assert [d["id"] for d in data] == ["2026-shili-zixun", "2026-shili-shuzi"]  # in the order given
    assert data[1]["conforms"] is False and data[1]["recommended_level"] < 4
    text = run("score", ZIXUN, cwd=PROJECT).stdout
    assert "结论：符合三星" in text and "推荐等级：三星" in text


@pytest.mark.parametrize("folder", [ZIXUN, "assessments/2026-shili-shuzi"])  # with and without publication.yml
def test_score_on_broken_data_exits_1(demo, folder):
    scores = f"{folder}/scores.yml"
    first = next(l for l in demo.read(scores).split("\n") if "{score: 1," in l)
    demo.replace(scores, first, first.replace("{score: 1,", "{score: 0.6,"))
    r = run("score", folder, "--format", "json", cwd=demo.root)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["valid"] is False
    assert [(d["code"], d["path"], d["line"]) for d in data["diagnostics"] if d["code"] == "MAT201"] == [
        ("MAT201", scores, demo.line_of(scores, "{score: 0.6,"))]
    assert data["levels"] == {} and data["recommended_level"] is None


# --- model -------------------------------------------------------------------------------------
def test_model_json():
    r = run("model", "--format", "json", cwd=PROJECT)
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert sum(len(cd["assessment_domains"]) for cd in data["capability_domains"]) == 27
    assert [lv["assessment_domains"] for lv in data["levels"]] == [10, 17, 26, 27, 27]
    assert data["threshold"] == 0.8
    assert [s["value"] for s in data["scale"]] == [1, 0.8, 0.5, 0]


def test_model_text_and_broken_model(tmp_path):
    r = run("model", cwd=tmp_path)
    assert r.returncode == 0 and "服务承载" in r.stdout
    r = run("model", "--model", tmp_path / "missing.yml", cwd=tmp_path)
    assert r.returncode == 1 and "MAT055" in r.stderr


def test_score_with_a_custom_model(mini):
    from test_scoring import DIFFERS
    mini.write(DIFFERS, level=2, applied=3)
    r = run("score", "assessments/2026-mini", "--model", mini.model_path, cwd=mini.root)
    assert r.returncode == 1 and "MAT023" in r.stderr
    assert "二星" in r.stdout and "Traceback" not in r.stderr
    mini.write(DIFFERS, level=2)
    r = run("score", "assessments/2026-mini", "--model", mini.model_path, "--format", "json", cwd=mini.root)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["model"] == "TEST-MINI"
    assert data["exact"]["levels"] == {"1": "14/15", "2": "63/100"}
    assert data["exact"]["domains"] == {"AA": "7/12", "BB": "3/5"}
    assert data["exact"]["assessment_domains"] == {"AA-X": "1", "AA-Y": "1/6", "BB-Z": "3/5"}
    assert (data["conforms"], data["recommended_level"]) == (False, 1)


def test_validate_with_a_broken_model_exits_1(demo, tmp_path):
    bad = tmp_path / "bad-model.yml"
    bad.write_text("id: x\n", encoding="utf-8")
    r = run("validate", ".", "--model", bad, cwd=demo.root)
    assert r.returncode == 1 and "MAT022" in r.stdout


# --- new ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,level", [("third_party", 2), ("self", 1), ("third_party", 5)])
def test_new_creates_a_valid_folder(tmp_path, kind, level):
    r = run("new", "2027-my-org", "--organisation", "my-org", *NEW, "--kind", kind, "--level", level, "--root", tmp_path,
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "assessments" / "2027-my-org"
    assert (folder / "assessment.yml").is_file() and (folder / "scores.yml").is_file()
    assert (tmp_path / "evidence" / "my-org" / "register.yml").is_file()
    repo = load_repository(tmp_path, display_base=tmp_path)
    assert repo.errors == [], listing(repo.diagnostics)
    a = repo.assessment("2027-my-org")
    assert (a.kind, a.applied_level) == (kind, level)
    result = repo.results["2027-my-org"]  # every requirement listed, unscored (待评分, not "not met")
    assert result.applied is None and not result.complete and result.conforms is False
    assert set(result.unscored) == {r.id for r in repo.model.requirements_at(level)}
    assert len(a.scores) == len(repo.model.requirements_at(level))
    assert run("validate", ".", cwd=tmp_path).returncode == 0


def test_new_refuses_an_existing_folder(tmp_path):
    args = ["new", "2027-my-org", "--organisation", "my-org", *NEW, "--level", "2", "--root", tmp_path]
    assert run(*args, cwd=tmp_path).returncode == 0
    (tmp_path / "evidence" / "my-org" / "register.yml").write_text("items: []\n# kept\n", encoding="utf-8")
    before = snapshot(tmp_path)
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert "已存在" in r.stderr
    assert snapshot(tmp_path) == before


def test_new_keeps_an_existing_register(demo):
    register = demo.read("evidence/shili-zixun/register.yml")
    r = run("new", "2027-shili-zixun", "--organisation", "shili-zixun", "--name", "示例管理咨询有限公司",
            "--credit-code", "91110108MA01XL0K77", "--region", "北京市", "--category", "specialised.management.strategy",
            "--level", "4", cwd=demo.root)
    assert r.returncode == 0, r.stderr
    assert demo.read("evidence/shili-zixun/register.yml") == register
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)


@pytest.mark.parametrize("change", [
    ("--credit-code", "91110108MA01XL0K78"),  # wrong check character
    ("--credit-code", "91110108MA01XL0K7"),  # 17 characters
    ("--credit-code", "91110108MA01XLOK77"),  # letter O
    ("--category", "specialised.nothing"),
    ("--level", "6"),
    ("id", "../escape"),
    ("--organisation", "../../escape"),
    ("id", "Bad_Id"),
])
def test_new_refuses_bad_arguments(tmp_path, change):
    values = {"id": "2027-my-org", "--organisation": "my-org", "--credit-code": credit_code("91110108MA01XL0K7"),
              "--category": "specialised.management.strategy", "--level": "2"}
    values[change[0]] = change[1]
    r = run("new", values["id"], "--organisation", values["--organisation"], "--name", "某某咨询有限公司",
            "--credit-code", values["--credit-code"], "--region", "北京市", "--category", values["--category"],
            "--level", values["--level"], "--root", tmp_path / "repo", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert change[0].lstrip("-") in r.stderr
    assert not (tmp_path / "repo").exists() and not (tmp_path / "escape").exists()


def test_usage_errors_exit_2(tmp_path):
    assert run(cwd=tmp_path).returncode == 2
    assert run("validate", "--format", "xml", cwd=tmp_path).returncode == 2


@pytest.mark.parametrize("command", ["validate", "score"])
def test_a_missing_path_is_a_usage_error(tmp_path, command):
    # a typo in CI must not pass as "0 assessments checked, 0 errors"
    r = run(command, "no-such-folder", cwd=tmp_path)
    assert r.returncode == 2 and "no-such-folder" in r.stderr


# --- check: the gate, and validate --strict ------------------------------------------------------
def test_a_warning_fails_check_and_validate_strict_but_not_validate(demo):
    pingtai = "assessments/2026-shili-pingtai/scores.yml"  # not certified: a changed score is no MAT610
    demo.replace(pingtai, "    SS-SDM-3-01: {score: 1, evidence: [E014], note:", "    SS-SDM-3-01: {score: 1, note:")
    assert run("validate", ".", cwd=demo.root).returncode == 0
    strict = run("validate", ".", "--strict", cwd=demo.root)
    assert strict.returncode == 1 and "MAT206" in strict.stdout
    r = run("check", cwd=demo.root)
    assert r.returncode == 1 and "MAT206" in r.stdout and "会失败" in r.stdout


def test_check_passes_the_demo_and_says_what_it_built():
    r = run("check", "--format", "json", cwd=PROJECT)
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["passed"] and data["assessments"] == DEMO_ASSESSMENTS and data["pages"] > 20 and data["files"] > 20
    assert data["unpublished"] == []


def test_check_github_annotations(demo):
    demo.replace(A, "applied_level: 3", "applied_level: 3.0")
    r = run("check", "--format", "github", cwd=demo.root)
    assert r.returncode == 1
    assert any(line.startswith(f"::error file={A},") and "MAT020" in line for line in r.stdout.splitlines()), r.stdout
