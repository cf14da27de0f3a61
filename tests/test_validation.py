"""Validation of a copy of the demo repository: each test breaks one thing and expects the
diagnostic's code at the right file and line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
import shutil
from dataclasses import dataclass

import pytest

from conftest import (A, OLD_ZIXUN_P, P, PINGTAI_A, R, S, XINXI, ZIXUN, credit_code, evidence_line, expect, find, listing)
from maturity.diagnostics import Severity

W = Severity.WARNING


def test_untouched_demo_has_no_errors(demo):
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)
    assert len(repo.assessments) == 9
    assert set(repo.results) == {a.id for a in repo.assessments}
    assert repo.invalid_assessments() == set()


def test_paths_are_relative_to_the_display_base(demo):
    demo.replace(A, "stage: submitted", "stage: planning")
    d = demo.load().errors[0]
    assert d.path == A and not os.path.isabs(d.path)


@dataclass
class Case:
    code: str
    edits: list  # (file, old, new)
    path: str  # where the diagnostic is expected
    needle: str  # text on the expected line (after the edits)
    nth: int = 1
    offset: int = 0  # lines below the needle
    severity: Severity = Severity.ERROR
    message: str = ""  # a part of the message


CASES = [
    # --- YAML ------------------------------------------------------------------------------------
    Case("MAT010", [(A, "kind: third_party", "kind: third_party: x")], A, "kind: third_party: x"),
    Case("MAT010", [(A, "  name: 示例管理咨询有限公司", "\tname: 示例管理咨询有限公司")], A, "\tname:", message="制表符"),
    Case("MAT010", [(S, "    SS-SDM-3-02: {score: 0.5,", "    SS-SDM-3-02: {score: 0.5,,")], S, "SS-SDM-3-02"),
    Case("MAT011", [(A, "stage: submitted", "stage: submitted\nstage: reported")], A, "stage: reported"),
    Case("MAT011", [(S, "    SS-DM-1-02: {score: 1,", "    SS-DM-1-01: {score: 1,")], S, "SS-DM-1-01", nth=2),
    Case("MAT012", [(A, "body: 示例第三方评估中心", "body: &b 示例第三方评估中心")], A, "body: &b"),
    Case("MAT012", [(A, "internal_notes: 评估组内部备注，不对外发布。", "internal_notes: *notes")], A, "internal_notes: *notes"),
    Case("MAT013", [(A, "internal_notes: 评估组内部备注，不对外发布。", "internal_notes: 备注\n~: 空键")], A, "~: 空键"),
    Case("MAT013", [(S, "SS-DM:  # 需求管理", "? [SS-DM, SS-SI]\n: {requirements: {}}\nSS-DM:  # 需求管理")], S, "? [SS-DM"),
    Case("MAT014", [(P, "  valid_until: 2029-05-24\n", "  valid_until: 2029-05-24\n---\nreview: {}\n")], P, "---"),
    Case("MAT015", [(A, "applied_level: 3", "applied_level: !!int 3")], A, "applied_level: !!int"),
    Case("MAT015", [(R, "    title: 客户满意度调查报告\n", "    title: !!binary aGVsbG8=\n")], R, "!!binary"),
    Case("MAT016", [(A, "internal_notes: 评估组内部备注，不对外发布。", "internal_notes: " + "[" * 40 + "]" * 40)], A, "internal_notes: [["),
    # --- schema ----------------------------------------------------------------------------------
    Case("MAT020", [(A, "applied_level: 3", "applied_level: 三")], A, "applied_level: 三"),
    # characters a page, a feed or a terminal cannot carry, written as YAML escapes; line breaks in one-line fields
    Case("MAT018", [(A, "  name: 示例管理咨询有限公司", '  name: "示例管理\\x01咨询有限公司"')], A, "  name:", message="U+0001"),
    Case("MAT018", [(A, "  name: 示例管理咨询有限公司", '  name: "示例\\e[2J管理咨询有限公司"')], A, "  name:", message="U+001B"),
    Case("MAT018", [(A, "  name: 示例管理咨询有限公司", '  name: "示例\\u202E司公限有"')], A, "  name:", message="U+202E"),
    Case("MAT018", [(S, "    SS-SDM-3-01: {score: 1, evidence: [E024], note: 证据充分，制度与记录一致。}", '    SS-SDM-3-01: {score: 1, evidence: [E024], note: "证据\\x85充分"}')], S, "SS-SDM-3-01", message="U+0085"),
    Case("MAT019", [(A, "id: 2026-shili-zixun", 'id: "2026-shili-zixun\\n"')], A, "id: \"2026"),
    Case("MAT019", [(A, "  name: 示例管理咨询有限公司", '  name: "示例管理咨询有限公司\\n2026-11-30: 错误 MAT000 伪造的一行"')], A, "  name:"),
    Case("MAT020", [(A, "applied_level: 3", "applied_level: 3.0")], A, "applied_level: 3.0", message="整数"),
    Case("MAT024", [(A, "  report: 2026-04-11", "  report: 0001-01-01")], A, "report: 0001-01-01", message="1949"),
    Case("MAT024", [(P, "  valid_until: 2029-05-24", "  valid_until: 9999-12-31")], P, "valid_until: 9999", message="2200"),
    Case("MAT025", [(A, "body: 示例第三方评估中心", "body: " + "长" * 501)], A, "body: 长", message="501"),
    Case("MAT020", [(R, "    title: 客户满意度调查报告\n", "    title: [服务目录]\n")], R, "title: [服务目录]"),
    Case("MAT020", [(S, "    SS-SDM-3-01: {score: 1, evidence: [E024],", "    SS-SDM-3-01: {score: 1, evidence: E024,")], S, "SS-SDM-3-01"),
    Case("MAT021", [(A, "body: 示例第三方评估中心", "body: 示例第三方评估中心\ncolour: red")], A, "colour: red"),
    Case("MAT021", [(S, "    SS-SDM-3-01: {score: 1,", "    SS-SDM-3-01: {score: 1, weight: 2,")], S, "weight: 2"),
    Case("MAT021", [(P, "  decision: confirmed", "  decision: confirmed\n  decison: confirmed")], P, "decison"),
    Case("MAT022", [(A, "  - {name: 王评审, role: leader, organisation: 示例第三方评估中心, ", "  - {name: 王评审, role: leader, ")], A, "王评审"),
    Case("MAT022", [(A, "  credit_code: 91110108MA01XL0K77\n", "")], A, "organisation:", message="credit_code"),
    Case("MAT022", [(A, "kind: third_party\n", "")], A, "id: 2026-shili-zixun", message="kind"),
    Case("MAT022", [(P, "  members: [吴专家, 郑专家, 冯专家]\n", "")], P, "review:", message="members"),
    Case("MAT022", [(R, "    method: system_demo\n    record_date: 2022-12-17\n", "    method: system_demo\n")], R, "- id: E005", message="record_date"),
    Case("MAT023", [(A, "kind: third_party", "kind: thirdparty")], A, "kind: thirdparty"),
    Case("MAT023", [(A, "role: member, organisation: 示例第三方评估中心", "role: boss, organisation: 示例第三方评估中心")], A, "role: boss"),
    Case("MAT023", [(R, "    title: 客户满意度调查报告\n    method: system_demo", "    title: 客户满意度调查报告\n    method: telepathy")], R, "telepathy"),
    Case("MAT024", [(A, "  report: 2026-04-11", "  report: 2026-02-30")], A, "report: 2026-02-30", message="日期"),
    Case("MAT024", [(A, "  report: 2026-04-11", "  report: 2026-04-11 10:00:00")], A, "report: 2026-04-11 10"),
    Case("MAT024", [(R, "    record_date: 2022-12-17", "    record_date: '17.12.2022'")], R, "17.12.2022"),
    Case("MAT024", [(A, "id: 2026-shili-zixun", "id: 2026_Shili_Zixun")], A, "id: 2026_Shili_Zixun"),
    Case("MAT024", [(R, "    sha256: f371ab30b575e21722c2490b31851bec2d79a02b14dde9b11d3ccbabda8fdb0b", "    sha256: XYZ")], R, "sha256: XYZ"),
    Case("MAT024", [(S, "SS-SDM:  # 战略决策", "ss-sdm:  # 战略决策")], S, "ss-sdm:"),
    Case("MAT025", [(A, "applied_level: 3", "applied_level: 6")], A, "applied_level: 6"),
    # a Markdown field longer than its bound (the text is "text or list": the length is reported, not the type)
    Case("MAT025", [(A, "objectives: 评价示例管理咨询有限公司的通用服务能力是否达到三星级要求，识别改进机会。", "objectives: " + "评" * 25_000)],
         A, "objectives: 评评", message="25000 个字符，上限 20000"),
    Case("MAT025", [(S, "  gaps: 战略决策的量化分析和记录完整性仍有不足。", "  gaps:\n    - 记录不全。\n    - " + "缺" * 20_001)],
         S, "- 缺缺", message="SS-SDM/gaps/1"),
    Case("MAT025", [(A, "adherence: 评估组依据评估准则开展全部评估活动，未发现偏离评估准则的情况。", "adherence: '" + "*[" * 10_001 + "'")], A, "adherence: '*["),
    Case("MAT025", [(A, "objectives: 评价示例管理咨询有限公司的通用服务能力是否达到三星级要求，识别改进机会。", "objectives: ''")], A, "objectives: ''"),
    # --- the organisation ------------------------------------------------------------------------
    Case("MAT101", [(A, "credit_code: 91110108MA01XL0K77", "credit_code: 91110108MA01XL0K78")], A, "credit_code:", message="校验位"),
    Case("MAT101", [(A, "credit_code: 91110108MA01XL0K77", "credit_code: 91110108MA01XL0I77")], A, "credit_code:", message="I"),
    Case("MAT102", [(A, "category: specialised.management.strategy", "category: specialised.management.astrology")], A, "category:"),
    # --- scores ----------------------------------------------------------------------------------
    Case("MAT200", [(S, "SS-DM:  # 需求管理", "XX-YY:\n  requirements:\n    XX-YY-1-01: {score: 1, evidence: [E024]}\nSS-DM:  # 需求管理")], S, "XX-YY:"),
    Case("MAT201", [(S, "    SS-SDM-3-02: {score: 0.5,", "    SS-SDM-3-02: {score: 0.7,")], S, "SS-SDM-3-02", message="0.7"),
    Case("MAT201", [(S, "    SS-SDM-3-02: {score: 0.5,", "    SS-SDM-3-02: {score: 满足,")], S, "SS-SDM-3-02"),
    Case("MAT201", [(S, "    SS-SDM-3-02: {score: 0.5,", "    SS-SDM-3-02: {score: '0.5',")], S, "SS-SDM-3-02"),
    Case("MAT201", [(S, "    SS-SDM-3-02: {score: 0.5,", "    SS-SDM-3-02: {score: true,")], S, "SS-SDM-3-02"),
    Case("MAT202", [(S, "    SS-DM-3-02:", "    SS-DM-9-99: {score: 1, evidence: [E024]}\n    SS-DM-3-02:")], S, "SS-DM-9-99"),
    Case("MAT203", [(S, "    SS-DM-3-02: {score: 1, evidence: [E026, E032], note: 证据充分，制度与记录一致。}\n", "")], S, "SS-DM:", message="SS-DM-3-02"),
    Case("MAT204", [(S, "    SS-DM-3-02:", "    SS-DM-4-01: {score: 1, evidence: [E024]}\n    SS-DM-3-02:")], S, "SS-DM-4-01", severity=W),
    Case("MAT205", [(S, "    SS-DM-3-02:", "    SS-SI-1-01: {score: 1, evidence: [E024]}\n    SS-DM-3-02:")], S, "SS-SI-1-01: {score: 1, evidence: [E024]}", message="SS-SI"),
    Case("MAT206", [(S, "    SS-SDM-3-01: {score: 1, evidence: [E024], note:", "    SS-SDM-3-01: {score: 1, note:")], S, "SS-SDM-3-01", severity=W),
    Case("MAT206", [(S, "    SS-SDM-3-02: {score: 0.5, evidence: [E030], note:", "    SS-SDM-3-02: {score: 部分满足, evidence: [], note:")], S, "SS-SDM-3-02", severity=W),
    Case("MAT207", [(S, "    SS-SDM-3-01: {score: 1, evidence: [E024]", "    SS-SDM-3-01: {score: 1, evidence: [E999]")], S, "E999", message="E999"),
    Case("MAT208", [(S, "SS-DM:  # 需求管理", "SD-CAP:\n  requirements:\n    SD-CAP-4-01: {score: 1, evidence: [E024]}\nSS-DM:  # 需求管理")], S, "SD-CAP:", severity=W),
    # --- evidence --------------------------------------------------------------------------------
    Case("MAT301", [(R, "  - id: E002\n", "  - id: E001\n")], R, "- id: E001", nth=2),
    Case("MAT303", [(R, "    sha256: f371ab30b575e21722c2490b31851bec2d79a02b14dde9b11d3ccbabda8fdb0b", "    sha256: '" + "0" * 64 + "'")], R, "sha256: '0000", message="sha256"),
    Case("MAT303", [(R, "    sha256: f371ab30b575e21722c2490b31851bec2d79a02b14dde9b11d3ccbabda8fdb0b\n", "")], R, "- id: E005", message="sha256"),
    Case("MAT304", [(R, "    file: files/E005.md", "    file: ../shili-fuhua/files/E005.md")], R, "file: ../shili-fuhua", message=".."),
    Case("MAT304", [(R, "    file: files/E005.md", "    file: files/../../shili-fuhua/files/E005.md")], R, "file: files/../"),
    Case("MAT304", [(R, "    file: files/E005.md", "    file: /etc/hostname")], R, "file: /etc/hostname", message="绝对路径"),
    Case("MAT304", [(R, "    file: files/E005.md", "    file: 'C:\\evidence\\E005.md'")], R, "file: 'C:"),
    Case("MAT302", [(R, "    file: files/E005.md", "    file: files/E500.md")], R, "file: files/E500.md"),
    Case("MAT302", [(R, "    file: files/E005.md", "    file: ./files")], R, "file: ./files", message="不是文件"),
    Case("MAT306", [(R, "    file: files/E005.md\n", "    file: files/E005.md\n    url: https://example.org/e5\n")], R, "- id: E005"),
    Case("MAT306", [(R, "    file: files/E005.md\n    sha256: f371ab30b575e21722c2490b31851bec2d79a02b14dde9b11d3ccbabda8fdb0b\n", "")], R, "- id: E005"),
    Case("MAT307", [(R, "    file: files/E005.md\n    sha256: f371ab30b575e21722c2490b31851bec2d79a02b14dde9b11d3ccbabda8fdb0b\n", "    url: 'javascript:alert(1)'\n")], R, "javascript:"),
    Case("MAT307", [(R, "    file: files/E005.md\n    sha256: f371ab30b575e21722c2490b31851bec2d79a02b14dde9b11d3ccbabda8fdb0b\n", "    url: 'data:text/html,<script>alert(1)</script>'\n")], R, "url: 'data:"),
    Case("MAT307", [(R, "    file: files/E005.md\n    sha256: f371ab30b575e21722c2490b31851bec2d79a02b14dde9b11d3ccbabda8fdb0b\n", "    url: 'https:///nohost'\n")], R, "nohost"),
    Case("MAT406", [(R, "    collected: 2023-03-28", "    collected: 2022-12-16")], R, "collected: 2022-12-16"),
    # --- team, conditions, process -----------------------------------------------------------
    Case("MAT400", [(A, "role: leader", "role: member")], A, "team:", message="组长"),
    Case("MAT400", [(f"{XINXI}/assessment.yml", "role: leader", "role: member")], f"{XINXI}/assessment.yml", "team:", message="6.1"),
    Case("MAT401", [(A, "{name: 李评估, role: member, organisation: 示例第三方评估中心", "{name: 李评估, role: member, organisation: 示例管理咨询有限公司")], A, "李评估", message="李评估"),
    Case("MAT401", [(A, "{name: 李评估, role: member, organisation: 示例第三方评估中心", "{name: 李评估, role: member, organisation: ' 示例管理咨询有限公司 '")], A, "李评估"),
    Case("MAT402", [(PINGTAI_A, "stage: document_review", "stage: on_site")], PINGTAI_A, "stage: on_site", message="8.3.5"),
    Case("MAT403", [(A, "application_conditions: {a: true, b: true,", "application_conditions: {a: true, b: false,")], A, "application_conditions:", message="b)"),
    Case("MAT403", [(A, "application_conditions: {a: true, b: true, c: true, d: true, e: true, f: true}\n", "")], A, "id: 2026-shili-zixun"),
    Case("MAT404", [(A, "eligibility: {a: true, b: true, c: true,", "eligibility: {a: true, b: true, c: false,")], A, "eligibility:", message="c)"),
    Case("MAT406", [(A, "  accepted: 2026-03-07", "  accepted: 2026-02-27")], A, "accepted: 2026-02-27"),
    Case("MAT406", [(A, "  on_site_end: 2026-03-29", "  on_site_end: 2026-03-26")], A, "on_site_end:"),
    Case("MAT406", [(A, "  - {round: 1, date: 2026-03-12,", "  - {round: 1, date: 2026-03-06,")], A, "round: 1"),
    Case("MAT406", [(A, "  - {kind: closing, date: 2026-03-29,", "  - {kind: closing, date: 2026-03-28,")], A, "kind: closing"),
    Case("MAT406", [(P, "  date: 2026-05-08", "  date: 2026-04-10")], P, "date: 2026-04-10", message="报告"),
    Case("MAT406", [(P, "  issued: 2026-05-25", "  issued: 2026-05-07")], P, "issued:"),
    Case("MAT406", [(P, "  valid_until: 2029-05-24", "  valid_until: 2026-05-18")], P, "valid_until:"),
    Case("MAT408", [(PINGTAI_A, "stage: document_review", "stage: planned"), (PINGTAI_A, "document_reviews:\n", ""),
                    (PINGTAI_A, "  - {round: 1, date: 2026-08-13, conclusion: 不符合要求, notes: 运行证据不完整，需补充服务质量和改进记录。}\n", "")],
         PINGTAI_A, "stage: planned"),
    Case("MAT410", [(A, "stage: submitted", "stage: planning")], A, "stage: planning"),
    Case("MAT410", [(f"{XINXI}/assessment.yml", "stage: completed", "stage: submitted")], f"{XINXI}/assessment.yml", "stage: submitted"),
    # --- publication -----------------------------------------------------------------------------
    Case("MAT600", [(P, "  decision: confirmed", "  decision: returned")], P, "certificate:", message="8.4.1"),
    Case("MAT601", [(P, "  number: ZXGJ-2026-0012\n  level: 3", "  number: ZXGJ-2026-0012\n  level: 4")], P, "level: 4"),
    Case("MAT602", [(OLD_ZIXUN_P, "number: ZXGJ-2023-0007", "number: ZXGJ-2026-0012")], P, "number: ZXGJ-2026-0012", message="2023-shili-zixun"),
]


def case_id(case: Case) -> str:
    return f"{case.code}-{re.sub(r'[^A-Za-z0-9]+', '_', case.edits[0][2])[:30].strip('_')}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_mutation(demo, case: Case):
    for rel, old, new in case.edits:
        demo.replace(rel, old, new)
    repo = demo.load()
    line = demo.line_of(case.path, case.needle, case.nth) + case.offset
    d = expect(repo, case.code, case.path, line, case.severity)
    assert case.message in d.message, d
    if case.severity is W:
        # A warning alone does not make the data invalid. (Editing the scores of a certified
        # assessment is also a change after issue, MAT610, by design: tested in test_publication.py.)
        errors = [e for e in repo.errors if e.code != "MAT610"]
        assert errors == [], listing(errors)



def test_every_code_the_core_emits_is_covered():
    """The codes found in the core's source all have a test in this file (model codes: test_model.py)."""
    from conftest import PROJECT
    source = "".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT / "plugins" / "maturity").rglob("*.py")))
    emitted = set(re.findall(r'"(MAT\d{3})"', source))
    here = set(re.findall(r'"(MAT\d{3})"', "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))))
    elsewhere = {"MAT050", "MAT051", "MAT052", "MAT053", "MAT054", "MAT055", "MAT056",  # test_model.py
                 "MAT500",  # test_scoring.py
                 "MAT026"}  # the schema fallback: no schema keyword of ours reaches it
    assert emitted - here - elsewhere == set()
    assert len(emitted) > 50


# --- file-level problems -----------------------------------------------------------------------
def test_mat002_file_too_big(demo):
    size = demo.path(A).stat().st_size
    repo = demo.load(max_bytes=size - 1)
    d = expect(repo, "MAT002", A, 0)
    assert str(size) in d.message and str(size - 1) in d.message
    repo = demo.load(max_bytes=max(p.stat().st_size for p in demo.root.rglob("*.yml")))
    assert not find(repo.diagnostics, "MAT002")


def test_mat003_binary(demo):
    demo.path(S).write_bytes(demo.path(S).read_bytes() + b"\x00\x01\x02")
    expect(demo.load(), "MAT003", S, 1)


def test_mat004_bom_is_a_warning_and_the_file_still_loads(demo):
    demo.path(A).write_bytes(b"\xef\xbb\xbf" + demo.path(A).read_bytes())
    repo = demo.load()
    expect(repo, "MAT004", A, 1, W)
    assert repo.errors == [], listing(repo.errors)
    assert repo.assessment("2026-shili-zixun") is not None
    assert "2026-shili-zixun" in repo.results


def test_mat005_not_utf8(demo):
    raw = demo.path(A).read_bytes().replace("body: 示例第三方评估中心".encode(), "body: 示例".encode() + b"\xff")
    demo.path(A).write_bytes(raw)
    line = raw[: raw.index(b"body: ")].count(b"\n") + 1
    d = expect(demo.load(), "MAT005", A, line)
    assert d.column == 9  # counted in characters: "body: 示例" is 8 characters (12 bytes)


@pytest.mark.parametrize("content", ["", "\n\n   \n"])
def test_mat006_empty(demo, content):
    demo.write(P, content)
    expect(demo.load(), "MAT006", P, 0)


def test_mat001_unreadable(demo):
    demo.path(S).unlink()
    demo.path(S).mkdir()
    expect(demo.load(), "MAT001", S, 0)


def test_mat009_folder_without_record(demo):
    demo.write("assessments/2027-draft/scores.yml", "SS-DM:\n  requirements: {}\n")
    expect(demo.load(), "MAT009", "assessments/2027-draft/assessment.yml", 0)


def test_mat209_missing_scores(demo):
    demo.path(S).unlink()
    repo = demo.load()
    expect(repo, "MAT209", S, 0)
    assert "2026-shili-zixun" not in repo.results


def test_comment_only_file_is_the_wrong_type(demo):
    demo.write(P, "# nothing yet\n")
    expect(demo.load(), "MAT020", P, 1)


# --- across assessments ----------------------------------------------------------------------
def test_mat100_duplicate_assessment_id(demo):
    shutil.copytree(demo.path(ZIXUN), demo.path(ZIXUN + "-copy"))
    repo = demo.load()
    copy = f"{ZIXUN}-copy/assessment.yml"
    d = expect(repo, "MAT100", copy, demo.line_of(copy, "id: 2026-shili-zixun"))
    assert A in d.message
    assert not find(repo.diagnostics, "MAT100", A)


def test_mat103_organisation_id_for_another_entity(demo):
    other = credit_code("91110108MA01XL0K8")
    demo.replace(A, "credit_code: 91110108MA01XL0K77", f"credit_code: {other}")
    repo = demo.load()
    d = expect(repo, "MAT103", A, demo.line_of(A, "credit_code:"))
    assert "2023-shili-zixun" in d.message
    assert not find(repo.diagnostics, "MAT101")


def test_mat602_duplicate_certificate_number(demo):
    demo.replace(OLD_ZIXUN_P, "number: ZXGJ-2023-0007", "number: ZXGJ-2026-0012")
    repo = demo.load()
    assert len(find(repo.diagnostics, "MAT602")) == 1


def test_mat603_self_assessment_is_not_certified(demo):
    shutil.copy(demo.path(P), demo.path(f"{XINXI}/publication.yml"))
    rel = f"{XINXI}/publication.yml"
    expect(demo.load(), "MAT603", rel, demo.line_of(rel, "review:"))


def test_mat601_when_nothing_is_recommended(demo):
    # every score of the applied level becomes 0: the certificate exceeds "no level"
    text = re.sub(r"score: (1|0\.8|0\.5)\b", "score: 0", demo.read(S))
    demo.write(S, text)
    repo = demo.load()
    d = expect(repo, "MAT601", P, demo.line_of(P, "  level: 3", 2))  # the certificate's level
    assert "未达到任何等级" in d.message
    assert repo.results["2026-shili-zixun"].recommended_level is None


# --- evidence that needs the file system ---------------------------------------------------------
def test_mat302_missing_evidence_file(demo):
    demo.path("evidence/shili-zixun/files/E005.md").unlink()
    d = expect(demo.load(), "MAT302", R, demo.line_of(R, "file: files/E005.md"))
    assert "E005" in d.message


def test_mat303_evidence_file_changed(demo):
    with demo.path("evidence/shili-zixun/files/E005.md").open("a", encoding="utf-8") as f:
        f.write("\n篡改。\n")
    sha_line = demo.line_of(R, "file: files/E005.md") + 1
    assert demo.read(R).split("\n")[sha_line - 1].strip().startswith("sha256:")
    d = expect(demo.load(), "MAT303", R, sha_line)
    assert "E005" in d.message


def test_mat305_symlink_out_of_the_folder(demo):
    outside = demo.root / "outside.md"
    outside.write_text("外部文件\n", encoding="utf-8")
    link = demo.path("evidence/shili-zixun/files/E005.md")
    link.unlink()
    link.symlink_to(outside)
    d = expect(demo.load(), "MAT305", R, demo.line_of(R, "file: files/E005.md"))
    assert "符号链接" in d.message


def test_symlink_inside_the_folder_is_refused_too(demo):
    # Even a link that stays inside the folder: what is published is decided from the file itself,
    # and a link can be re-pointed later (or at a confidential file, or at itself).
    folder = demo.path("evidence/shili-zixun/files")
    (folder / "E005.md").rename(folder / "E005-real.md")
    (folder / "E005.md").symlink_to(folder / "E005-real.md")
    repo = demo.load()
    expect(repo, "MAT305", R, evidence_line(demo, "E005", "file"))


# --- rules that need more than one edit ------------------------------------------------------
def test_mat402_on_site_after_a_failed_review_flags_stage_and_meetings(demo):
    demo.replace(A, "conclusion: 符合要求}", "conclusion: 不符合要求}")
    repo = demo.load()
    expect(repo, "MAT402", A, demo.line_of(A, "stage: submitted"))
    expect(repo, "MAT402", A, demo.line_of(A, "kind: opening"))
    expect(repo, "MAT402", A, demo.line_of(A, "kind: closing"))


def test_a_later_passing_review_lifts_mat402(demo):
    demo.replace(A, "  - {round: 1, date: 2026-03-12, conclusion: 符合要求}",
                 "  - {round: 1, date: 2026-03-10, conclusion: 不符合要求}\n  - {round: 2, date: 2026-03-12, conclusion: 基本符合要求}")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)


@pytest.mark.parametrize("record_date,fails", [("2025-09-02", False), ("2025-09-03", True)])
def test_mat405_six_months_of_operating_evidence(demo, record_date, fails):
    """Applied 2026-03-02: evidence recorded on 2025-09-02 (six months before) is enough, a day later is not."""
    text = re.sub(r"record_date: \d{4}-\d{2}-\d{2}", f"record_date: {record_date}", demo.read(R))
    text = re.sub(r"collected: \d{4}-\d{2}-\d{2}", "collected: 2026-03-20", text)
    demo.write(R, text)
    repo = demo.load()
    hits = find(repo.diagnostics, "MAT405", A, demo.line_of(A, "  applied: 2026-03-02"))
    assert bool(hits) == fails, listing(repo.diagnostics)
    if fails:
        assert "2025-09-02" in hits[0].message and "2025-09-03" in hits[0].message


def test_months_clamp_to_the_month_end():
    import datetime as dt
    from maturity.data.dates import add_months
    assert add_months(dt.date(2026, 8, 31), -6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 8, 31), -6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 3, 2), -6) == dt.date(2025, 9, 2)
    assert add_months(dt.date(2026, 1, 15), -6) == dt.date(2025, 7, 15)
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)  # three years of validity
    assert add_months(dt.date(2025, 11, 12), 12) == dt.date(2026, 11, 12)  # a year to the surveillance


def test_self_assessment_needs_no_application_conditions(demo):
    rel = f"{XINXI}/assessment.yml"
    assert "application_conditions" not in demo.read(rel)
    repo = demo.load()
    assert not [d for d in repo.diagnostics if d.path == rel]


# --- all problems at once -------------------------------------------------------------------
def test_every_problem_is_reported_in_one_run(demo):
    danbao = "assessments/2026-shili-danbao/scores.yml"
    demo.replace(A, "credit_code: 91110108MA01XL0K77", "credit_code: 91110108MA01XL0K78")  # MAT101 (and MAT103)
    demo.replace(A, "eligibility: {a: true,", "eligibility: {a: false,")  # MAT404 in the same file
    demo.replace(S, "    SS-SDM-3-01: {score: 1, evidence: [E024]", "    SS-SDM-3-01: {score: 1, evidence: [E999]")  # MAT207
    first = next(l for l in demo.read(danbao).split("\n") if "{score: 1," in l)
    demo.replace(danbao, first, first.replace("{score: 1,", "{score: 0.6,"))  # MAT201 in another assessment
    demo.path("evidence/shili-fuhua/files/E003.md").unlink()  # MAT302 in another organisation
    demo.replace(PINGTAI_A, "kind: third_party", "kind: third_party: x")  # MAT010 in a fourth assessment
    repo = demo.load()
    expect(repo, "MAT101", A, demo.line_of(A, "credit_code:"))
    expect(repo, "MAT404", A, demo.line_of(A, "eligibility:"))
    expect(repo, "MAT207", S, demo.line_of(S, "E999"))
    expect(repo, "MAT201", danbao, demo.line_of(danbao, "{score: 0.6,"))
    expect(repo, "MAT302", "evidence/shili-fuhua/register.yml", demo.line_of("evidence/shili-fuhua/register.yml", "file: files/E003.md"))
    expect(repo, "MAT010", PINGTAI_A, demo.line_of(PINGTAI_A, "kind: third_party: x"))
    assert {"2026-shili-zixun", "2025-shili-fuhua", "2026-shili-danbao"} <= repo.invalid_assessments()
    # the untouched assessments are still loaded and scored
    assert "2026-shili-shuzi" in repo.results and "2026-shili-shuzi" not in repo.invalid_assessments()


@pytest.mark.parametrize("rel,old,new", [
    ("assessments/2026-shili-shuzi/scores.yml", "{score: 1,", "{score: 0.6,"),  # a schema error in scores.yml
    ("evidence/shili-shuzi/register.yml", "    method: ", "    method: telepathy\n    methods: "),  # in the register
    ("evidence/shili-shuzi/files/E001.md", "", "篡改"),  # an evidence file changed (MAT303 in the register)
])
def test_an_error_in_any_own_file_makes_the_assessment_invalid(demo, rel, old, new):
    text = demo.read(rel)
    demo.write(rel, text.replace(old, new, 1) if old else text + new)
    repo = demo.load()
    assert repo.errors
    assert repo.invalid_assessments() == {"2026-shili-shuzi"}, listing(repo.errors)


def test_diagnostics_are_sorted_and_unique(demo):
    demo.replace(A, "stage: submitted", "stage: planning")
    demo.replace(S, "    SS-SDM-3-02: {score: 0.5,", "    SS-SDM-3-02: {score: 0.6,")
    diags = demo.load().diagnostics
    keys = [(d.path, d.line, d.column, d.code, d.message) for d in diags]
    assert keys == sorted(keys) and len(set(diags)) == len(diags)


def test_a_number_where_text_goes_says_put_it_in_quotes(demo):
    """An unquoted all-digit value is read by YAML as a number (and loses its leading zeros)."""
    demo.replace(R, "    sha256: 93a4df9d6e66c5f96ee443bfd3cff1a9832023f657e27b5053ef005613617b1d", "    sha256: " + "0" * 64)
    d = expect(demo.load(), "MAT020", R, demo.line_of(R, "sha256: " + "0" * 64))
    assert d.key == "MAT020.quote" and "'" + "0" * 64 + "'" in d.message and "引号" in d.message


def test_one_pass_a_schema_error_does_not_hide_a_wrong_evidence_reference(demo):
    """Two mistakes in one scores.yml, of two kinds: both reported in the same run."""
    demo.replace(S, "    SS-SDM-3-02: {score: 0.5,", "    SS-SDM-3-02: {score: 0.7,")  # not on the scale (schema)
    demo.replace(S, "    SS-SDM-3-01: {score: 1, evidence: [E024],", "    SS-SDM-3-01: {score: 1, evidence: [e024],")
    repo = demo.load()
    expect(repo, "MAT201", S, demo.line_of(S, "SS-SDM-3-02:"))
    d = expect(repo, "MAT207", S, demo.line_of(S, "SS-SDM-3-01:"))
    assert "E024" in d.message, "a case slip gets its hint"
