"""Unscored is a state, and a result exists only from the stage at which the guide concludes."""

from __future__ import annotations

import json
import re

from conftest import A, S, ZIXUN, expect, find, listing
from maturity.data.model import load_model
from maturity.repository import load_repository
from test_cli import run

MODEL, _ = load_model(None)
ENTRY = re.compile(r"(?m)^(    (?P<rid>[A-Z]{2}-[A-Z]+-\d-\d\d): \{score: )([^,}]+)")


def unscore(demo, rel: str, n: int) -> list[str]:
    """Make the first ``n`` requirements of ``rel`` unscored (score: null); return their ids."""
    text = demo.read(rel)
    rids = [m["rid"] for m in ENTRY.finditer(text)][:n]
    count = iter(range(n))
    text = ENTRY.sub(lambda m: m.group(1) + "null" if next(count, None) is not None else m.group(0), text)
    demo.write(rel, text)
    return rids


def test_an_unscored_requirement_is_not_a_zero(demo):
    (rid,) = unscore(demo, "assessments/2026-shili-pingtai/scores.yml", 1)  # document review: no conclusion yet
    repo = demo.load()
    result = repo.results["2026-shili-pingtai"]
    assert result.unscored == (rid,)
    assert not result.complete and result.applied is None, "a level with an unscored requirement has no A"
    assert result.recommended_level is None and not result.conforms
    assert not [d for d in repo.diagnostics if d.path.startswith("assessments/2026-shili-pingtai")], listing(repo.diagnostics)


def test_unscored_at_the_stage_of_conclusion_is_an_error(demo):
    rids = unscore(demo, S, 2)
    repo = demo.load()
    for rid in rids:
        d = expect(repo, "MAT210", S, demo.line_of(S, f"    {rid}:"))
        assert rid in d.message and "已提交评估管理机构" in d.message


def test_a_submitted_assessment_needs_its_report_date_conclusion_and_no_placeholder(demo):
    demo.drop_line(A, "  report: 2026-04-11")
    demo.replace(A, "body: 示例第三方评估中心", "body: 待填写评估机构名称")
    text = demo.read(A)
    text = re.sub(r"(?ms)^conclusion:\n(  .*\n)+", "", text)
    demo.write(A, text)
    repo = demo.load()
    stage = demo.line_of(A, "stage: submitted")
    keys = {d.key for d in find(repo.diagnostics, "MAT411", A, stage)}
    assert keys == {"MAT411.report", "MAT411.conclusion"}, listing(repo.diagnostics)
    d = expect(repo, "MAT412", A, demo.line_of(A, "body: 待填写"))
    assert "待填写" in d.message


def test_before_the_conclusion_placeholders_and_unscored_are_fine(demo):
    demo.replace("assessments/2026-shili-pingtai/assessment.yml", "body: 示例第三方评估中心", "body: 待填写评估机构名称")
    unscore(demo, "assessments/2026-shili-pingtai/scores.yml", 5)
    repo = demo.load()
    assert not [d for d in repo.errors if "pingtai" in d.path], listing(repo.errors)


def test_new_writes_every_requirement_unscored_and_the_folder_is_valid_and_formatted(demo):
    r = run("new", "2027-ceshi", "--organisation", "shili-zixun", "--name", "示例管理咨询有限公司",
            "--credit-code", "91110108MA01XL0K77", "--region", "北京市", "--category", "specialised.management.strategy",
            "--level", "2", cwd=demo.root)
    assert r.returncode == 0, r.stderr
    scores = demo.read("assessments/2027-ceshi/scores.yml")
    assert "不满足" not in scores.split("\n", 2)[2], "new must not pre-fill 不满足 (a score of 0)"
    lines = [line for line in scores.split("\n") if re.match(r"^    [A-Z]", line)]
    assert len(lines) == len(MODEL.requirements_at(2)) and all("{score: null}" in line for line in lines)
    repo = load_repository(demo.root, display_base=demo.root)
    assert not [d for d in repo.diagnostics if "2027-ceshi" in d.path and d.is_error], listing(repo.diagnostics)
    assert not repo.results["2027-ceshi"].complete
    fmt = run("fmt", "--check", "assessments/2027-ceshi", cwd=demo.root)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_score_json_and_text_say_unfinished_and_in_progress(demo):
    unscore(demo, "assessments/2026-shili-pingtai/scores.yml", 3)
    r = run("score", "assessments/2026-shili-pingtai", "--format", "json", cwd=demo.root)
    data = json.loads(r.stdout)
    assert data["schema_version"] == 2 and data["stage"] == "document_review" and data["concluded"] is False
    assert data["complete"] is False and len(data["unscored"]) == 3
    assert data["conforms"] is None and data["recommended_level"] is None and "3" not in data["levels"]
    text = run("score", "assessments/2026-shili-pingtai", cwd=demo.root).stdout
    assert "进行中" in text and "3 条要求待评分" in text and "推荐等级" not in text


def test_sheet_round_trips_the_unscored_state(demo, tmp_path):
    from openpyxl import load_workbook
    rids = unscore(demo, "assessments/2026-shili-pingtai/scores.yml", 2)
    sheet = tmp_path / "s.xlsx"
    assert run("sheet", "export", "assessments/2026-shili-pingtai", "-o", sheet, cwd=demo.root).returncode == 0
    ws = load_workbook(sheet)["评分表"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[2].value == rids[0])
    assert row[4].value in (None, "")
    before = demo.read("assessments/2026-shili-pingtai/scores.yml")
    r = run("sheet", "import", sheet, "assessments/2026-shili-pingtai", cwd=demo.root)
    assert r.returncode == 0 and demo.read("assessments/2026-shili-pingtai/scores.yml") == before, r.stdout + r.stderr
    # clearing a score in the sheet makes the requirement unscored again (not 不满足)
    wb = load_workbook(sheet)
    ws = wb["评分表"]
    target = next(r for r in ws.iter_rows(min_row=2) if r[4].value not in (None, ""))
    target[4].value = None
    wb.save(sheet)
    r = run("sheet", "import", sheet, "assessments/2026-shili-pingtai", cwd=demo.root)
    assert r.returncode == 0, r.stderr
    assert f"{target[2].value}: {{score: null" in demo.read("assessments/2026-shili-pingtai/scores.yml")


def test_no_review_announcement_or_certificate_before_the_report(demo):
    pub = "assessments/2026-shili-pingtai/publication.yml"  # document review: no report yet
    demo.write(pub, "review:\n  date: 2026-09-01\n  decision: confirmed\n  members: [吴专家]\n")
    d = expect(demo.load(), "MAT617", pub, 1)
    assert "文件审查" in d.message and "8.4" in d.message


def test_in_progress_hide_keeps_the_assessment_off_the_site(demo):
    from dataclasses import replace

    from maturity import gate
    from maturity.settings import load_settings

    settings = load_settings(demo.root)
    shown = gate.prepare(settings, display_base=demo.root, history=lambda *_: (None, None)).site
    assert shown.page("assessments/2026-shili-pingtai/index.md") is not None
    hidden_settings = replace(settings, pages=replace(settings.pages, in_progress="hide"))
    hidden = gate.prepare(hidden_settings, display_base=demo.root, history=lambda *_: (None, None)).site
    assert hidden.page("assessments/2026-shili-pingtai/index.md") is None
    assert hidden.page("organisations/shili-pingtai/index.md") is None
    assert "示例企业服务平台有限公司" not in hidden.page("assessments/index.md").html
