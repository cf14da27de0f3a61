"""The register of assessors (assessors.yml, guide 6.3 c) and the teams that refer to it (4 a, 6.2, 8.3.4).

Each test edits a copy of the demo (whose teams of danbao and kechuang refer to the register) and expects
the diagnostic's code at the right file and line.
"""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import A, ASSESSORS, PINGTAI_A, XINXI, expect, find, listing
from maturity import gate
from maturity.data.assessors import team_period
from maturity.diagnostics import Severity
from maturity.settings import load_settings

DANBAO = "assessments/2026-shili-danbao/assessment.yml"  # on site 2026-06-26 … 2026-06-28
KECHUANG = "assessments/2026-shili-kechuang/assessment.yml"  # on site 2026-09-04 … 2026-09-06
XINXI_A = f"{XINXI}/assessment.yml"  # a self-assessment, 2026-07-01 … 2026-07-31
R = ASSESSORS
LEADER_QUALIFICATION = "valid_from: 2022-07-01, valid_until: 2027-06-30"  # A0012's senior_assessor


def write_config(root, options: str) -> None:
    (root / "mkdocs.yml").write_text(f"site_name: 测试\nplugins:\n  - search\n  - maturity:\n{options}", encoding="utf-8")


# --- the demo ----------------------------------------------------------------------------------------

def test_the_demo_register_is_read_and_its_teams_resolved(demo):
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)
    assert sorted(repo.assessors.assessors) == ["A0012", "A0027", "E0003"]
    team = repo.assessment("2026-shili-danbao").team
    assert [(m.name, m.role, m.organisation, m.qualification) for m in team] == [
        ("王评审", "leader", "示例第三方评估中心", "高级评估师"),
        ("李评估", "member", "示例第三方评估中心", "评估师"),
        ("赵专家", "expert", "示例大学经济管理学院", "技术专家")]
    kechuang = repo.assessment("2026-shili-kechuang").team
    assert kechuang[2].assessor is None and kechuang[2].qualification == "教授", "inline entries keep working"


def test_the_qualification_shown_is_the_one_valid_then(demo):
    """A0012 was 评估师 until 2022-06-30 and 高级评估师 since: each report shows the grade of its own dates."""
    demo.replace(DANBAO, "on_site_start: 2026-06-26", "on_site_start: 2021-06-26")
    demo.replace(DANBAO, "on_site_end: 2026-06-28", "on_site_end: 2021-06-28")
    repo = demo.load()
    assert repo.assessment("2026-shili-danbao").team[0].qualification == "评估师"
    assert repo.assessment("2026-shili-kechuang").team[0].qualification == "高级评估师"
    leader = demo.line_of(DANBAO, "assessor: A0012")
    assert not [d for d in repo.diagnostics if d.path == DANBAO and d.line == leader], listing(repo.diagnostics)
    expect(repo, "MAT702", DANBAO, demo.line_of(DANBAO, "assessor: A0027"))  # 李评估 was certified in 2024 only


def test_a_promotion_during_the_work_is_no_gap(demo):
    """评估师 until 2026-06-27, 高级评估师 from 2026-06-28: qualified every day; the report shows the grade at the end."""
    demo.replace(R, LEADER_QUALIFICATION, "valid_from: 2022-07-01, valid_until: 2026-06-27")
    demo.replace(R, "{grade: senior_assessor, number: PG-2022-0107", "{grade: assessor, number: PG-2022-0107")
    demo.replace(R, "      - {grade: assessor, number: PG-2022-0107",
                 "      - {grade: senior_assessor, number: PG-2026-0311, issuer: 示例评估管理机构, valid_from: 2026-06-28, "
                 "valid_until: 2031-06-27}\n      - {grade: assessor, number: PG-2022-0107")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)
    assert repo.assessment("2026-shili-danbao").team[0].qualification == "高级评估师"


def test_without_the_file_there_is_no_register_and_inline_teams_are_as_before(demo):
    demo.path(R).unlink()
    repo = demo.load()
    assert repo.assessors is None
    assert {d.path for d in repo.errors} == {DANBAO, KECHUANG}, listing(repo.errors)
    d = expect(repo, "MAT701", DANBAO, demo.line_of(DANBAO, "assessor: A0012"))
    assert "assessors.yml" in d.message and "请" in d.message
    expect(repo, "MAT701", KECHUANG, demo.line_of(KECHUANG, "assessor: A0027"))
    assert repo.invalid_assessments() == {"2026-shili-danbao", "2026-shili-kechuang"}


def test_the_register_path_is_a_setting(demo):
    (demo.root / "registers").mkdir()
    shutil.move(demo.path(R), demo.root / "registers" / "people.yml")
    write_config(demo.root, "      assessors: registers/people.yml\n")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)
    assert repo.assessors.path == "registers/people.yml"
    write_config(demo.root, "      assessors: ''\n")  # empty: no register, whatever files exist
    d = expect(demo.load(), "MAT701", DANBAO, demo.line_of(DANBAO, "assessor: A0012"))
    assert d.key == "MAT701.no_register"


# --- references --------------------------------------------------------------------------------------

def test_mat701_unknown_id_with_a_suggestion(demo):
    demo.replace(DANBAO, "{assessor: A0027, role: member}", "{assessor: A0072, role: member}")
    d = expect(demo.load(), "MAT701", DANBAO, demo.line_of(DANBAO, "assessor: A0072"))
    assert "A0072" in d.message and "A0027" in d.message and "assessors.yml" in d.message


@pytest.mark.parametrize("written, code", [
    ("Ａ００２７", "MAT024"),  # full-width: not an ASCII id
    ('"A0027\\u200b"', "MAT024"),  # a zero-width space inside
    ('"A0027\\n"', "MAT019"),  # a line break would pass a ^…$ pattern in Python
    ("0027", "MAT020"),  # read as the number 27: quote it
    ("a" * 40, "MAT024"),  # too long for an id
])
def test_a_reference_is_a_full_ascii_id(demo, written, code):
    demo.replace(DANBAO, "{assessor: A0027, role: member}", f"{{assessor: {written}, role: member}}")
    repo = demo.load()
    expect(repo, code, DANBAO, demo.line_of(DANBAO, "role: member"))
    assert not find(repo.diagnostics, "MAT701"), "a malformed id is reported once, as malformed"


def test_an_entry_names_a_registered_assessor_or_a_person(demo):
    demo.replace(DANBAO, "{assessor: A0027, role: member}", "{role: member, qualification: 评估师}")
    repo = demo.load()
    hits = find(repo.diagnostics, "MAT022", DANBAO, demo.line_of(DANBAO, "role: member"))
    assert {dict(d.args)["key"] for d in hits} == {"name", "organisation"}, listing(repo.diagnostics)


def test_mat708_the_same_assessor_twice(demo):
    demo.replace(DANBAO, "{assessor: E0003, role: expert}", "{assessor: A0027, role: expert}")
    repo = demo.load()
    d = expect(repo, "MAT708", DANBAO, demo.line_of(DANBAO, "assessor: A0027", 2))
    assert str(demo.line_of(DANBAO, "assessor: A0027")) in d.message


def test_mat706_written_values_must_agree_with_the_register(demo):
    demo.replace(KECHUANG, "{assessor: A0012, role: leader,", "{assessor: A0012, name: 王评申, role: leader,")
    demo.replace(KECHUANG, "{assessor: A0027, role: member}",
                 "{assessor: A0027, role: member, organisation: 示例评估中心, qualification: 高级评估师}")
    repo = demo.load()
    line = demo.line_of(KECHUANG, "assessor: A0012")
    d = expect(repo, "MAT706", KECHUANG, line)
    assert "王评申" in d.message and "王评审" in d.message
    hits = find(repo.diagnostics, "MAT706", KECHUANG, demo.line_of(KECHUANG, "assessor: A0027"))
    assert {d.key for d in hits} == {"MAT706.organisation", "MAT706.qualification"}, listing(hits)


def test_written_values_are_compared_as_people_read_them(demo):
    demo.replace(KECHUANG, "{assessor: A0012, role: leader,", '{assessor: A0012, name: "王\\u200b评审", role: leader,')
    demo.replace(KECHUANG, "{assessor: A0027, role: member}",
                 "{assessor: A0027, role: member, organisation: 示例第三方评估中心 , qualification: 评估师}")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)


# --- qualifications on the assessment dates ---------------------------------------------------------

def test_mat702_expired_during_the_on_site_work(demo):
    demo.replace(R, LEADER_QUALIFICATION, "valid_from: 2022-07-01, valid_until: 2026-06-27")
    repo = demo.load()
    d = expect(repo, "MAT702", DANBAO, demo.line_of(DANBAO, "assessor: A0012"))
    assert d.key == "MAT702.expired" and "2026-06-27" in d.message and "2026-06-28" in d.message
    expect(repo, "MAT702", KECHUANG, demo.line_of(KECHUANG, "assessor: A0012"))
    assert {d.code for d in repo.errors} == {"MAT702"}, listing(repo.errors)


def test_mat702_not_yet_valid(demo):
    demo.replace(R, "valid_from: 2024-03-01, valid_until: 2029-02-28", "valid_from: 2026-09-05, valid_until: 2031-09-04")
    repo = demo.load()
    d = expect(repo, "MAT702", DANBAO, demo.line_of(DANBAO, "assessor: A0027"))
    assert d.key == "MAT702.not_yet" and "2026-09-05" in d.message
    expect(repo, "MAT702", KECHUANG, demo.line_of(KECHUANG, "assessor: A0027"))  # from the second day only


def test_a_renewal_on_the_next_day_covers_the_dates(demo):
    demo.replace(R, LEADER_QUALIFICATION, "valid_from: 2022-07-01, valid_until: 2026-06-26}\n"
                 "      - {grade: senior_assessor, number: PG-2026-0311, issuer: 示例评估管理机构, valid_from: 2026-06-27, "
                 "valid_until: 2031-06-26")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)


def test_mat703_the_leader_of_a_third_party_team_is_an_assessor(demo):
    demo.replace(DANBAO, "{assessor: A0012, role: leader}", "{assessor: A0012, role: expert}")
    demo.replace(DANBAO, "{assessor: E0003, role: expert}", "{assessor: E0003, role: leader}")
    repo = demo.load()
    d = expect(repo, "MAT703", DANBAO, demo.line_of(DANBAO, "assessor: E0003"))
    assert "技术专家" in d.message and "8.3.4" in d.message
    assert not find(repo.diagnostics, "MAT702"), "valid, only not an assessor's qualification"


def test_a_self_assessment_leader_needs_no_assessor_grade(demo):
    """6.1 a: the self-assessment team is led by the executive in charge; an outside expert may join (6.1 e)."""
    demo.replace(XINXI_A, "  - {name: 周质量, role: member", "  - {assessor: E0003, role: expert}\n  - {name: 周质量, role: member")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)
    demo.replace(R, "valid_from: 2023-01-01, valid_until: 2027-12-31", "valid_from: 2023-01-01, valid_until: 2026-07-15")
    d = expect(demo.load(), "MAT702", XINXI_A, demo.line_of(XINXI_A, "assessor: E0003"))
    assert "2026-07-01" in d.message and "2026-07-31" in d.message  # started … report


def test_before_the_on_site_work_the_dates_from_acceptance_count(demo):
    """pingtai is in document review: accepted 2026-08-08, first review 2026-08-13."""
    demo.replace(PINGTAI_A, "  - {name: 王评审, role: leader, organisation: 示例第三方评估中心, qualification: 高级评估师}",
                 "  - {assessor: A0012, role: leader}")
    assert demo.load().errors == []
    demo.replace(R, LEADER_QUALIFICATION, "valid_from: 2022-07-01, valid_until: 2026-08-10")
    d = expect(demo.load(), "MAT702", PINGTAI_A, demo.line_of(PINGTAI_A, "assessor: A0012"))
    assert "2026-08-08" in d.message and "2026-08-13" in d.message


def test_an_undated_team_is_not_checked_against_dates():
    assert team_period({"kind": "third_party", "dates": {"applied": "2026-08-03"}}) is None
    assert team_period({"kind": "self", "dates": {}}) is None
    assert team_period({"kind": "third_party", "dates": {"on_site_start": "2026-09-04"}}) == (
        team_period({"kind": "self", "dates": {"started": "2026-09-04"}}))
    assert team_period({"kind": "third_party", "dates": "x", "document_reviews": [1, None]}) is None  # no traceback


# --- roles and size ----------------------------------------------------------------------------------

def test_mat704_a_third_party_team_has_members(demo):
    demo.replace(A, "{name: 李评估, role: member,", "{name: 李评估, role: expert,")
    d = expect(demo.load(), "MAT704", A, demo.line_of(A, "team:"))
    assert "8.3.4" in d.message and "已提交" in d.message


def test_mat704_not_before_the_team_is_formed(demo):
    """At application and acceptance the team may not exist yet (8.3.4 follows 8.3.3): `maturity new` writes a leader only."""
    demo.replace(PINGTAI_A, "{name: 李评估, role: member,", "{name: 李评估, role: expert,")
    expect(demo.load(), "MAT704", PINGTAI_A, demo.line_of(PINGTAI_A, "team:"))
    demo.replace(PINGTAI_A, "stage: document_review", "stage: accepted")
    assert not find(demo.load().diagnostics, "MAT704")


def test_mat704_not_for_a_self_assessment(demo):
    demo.replace(XINXI_A, "role: member", "role: expert")
    assert not find(demo.load().diagnostics, "MAT704")


# --- independence --------------------------------------------------------------------------------------

def test_mat705_the_register_says_the_assessor_works_for_the_assessed_organisation(demo):
    # A department of the assessed organisation, with a full-width space: it is the organisation (4 a).
    demo.replace(R, "    name: 李评估\n    organisation: 示例第三方评估中心",
                 "    name: 李评估\n    organisation: 示例融资担保服务有限公司　风控部")
    repo = demo.load()
    d = expect(repo, "MAT705", DANBAO, demo.line_of(DANBAO, "assessor: A0027"))
    assert d.key == "MAT705.employer" and "李评估" in d.message
    assert not find(repo.diagnostics, "MAT705", KECHUANG)


def test_mat705_zero_width_characters_do_not_hide_the_employer(demo):
    demo.replace(R, "    name: 李评估\n    organisation: 示例第三方评估中心",
                 '    name: 李评估\n    organisation: "示例融资\\u200b担保服务有限公司"')
    expect(demo.load(), "MAT705", DANBAO, demo.line_of(DANBAO, "assessor: A0027"))


def test_mat705_a_declared_conflict(demo):
    """李评估 must not assess 示例管理咨询有限公司 (the register's conflicts: a former employer)."""
    demo.replace(A, "  - {name: 李评估, role: member, organisation: 示例第三方评估中心, qualification: 评估师}",
                 "  - {assessor: A0027, role: member}")
    d = expect(demo.load(), "MAT705", A, demo.line_of(A, "assessor: A0027"))
    assert d.key == "MAT705.conflict" and "示例管理咨询有限公司" in d.message


def test_inline_members_are_still_checked_by_mat401_and_references_not_twice(demo):
    demo.replace(A, "{name: 李评估, role: member, organisation: 示例第三方评估中心",
                 "{name: 李评估, role: member, organisation: 示例管理咨询有限公司")
    expect(demo.load(), "MAT401", A, demo.line_of(A, "李评估"))
    demo.replace(A, "  - {name: 李评估, role: member, organisation: 示例管理咨询有限公司, qualification: 评估师}",
                 "  - {assessor: A0027, role: member, organisation: 示例管理咨询有限公司}")
    repo = demo.load()
    line = demo.line_of(A, "assessor: A0027")
    assert not find(repo.diagnostics, "MAT401"), listing(repo.diagnostics)
    expect(repo, "MAT705", A, line)  # the register's conflict
    expect(repo, "MAT706", A, line)  # the written employer is not the register's


# --- the register itself -----------------------------------------------------------------------------

def test_mat700_an_id_twice(demo):
    demo.replace(R, "  - id: E0003", "  - id: A0027")
    repo = demo.load()
    d = expect(repo, "MAT700", R, demo.line_of(R, "id: A0027", 2))
    assert str(demo.line_of(R, "id: A0027")) in d.message
    assert repo.invalid_assessments() == {"2026-shili-danbao", "2026-shili-kechuang"}, "their teams cannot be trusted"


def test_mat700_a_certificate_number_twice(demo):
    demo.replace(R, "number: ZJ-2023-0003", "number: pg-2024-0027")
    d = expect(demo.load(), "MAT700", R, demo.line_of(R, "pg-2024-0027"))
    assert d.key == "MAT700.number"


def test_mat707_validity_reversed(demo):
    demo.replace(R, "valid_from: 2024-03-01, valid_until: 2029-02-28", "valid_from: 2024-03-01, valid_until: 2019-02-28")
    repo = demo.load()
    expect(repo, "MAT707", R, demo.line_of(R, "valid_until: 2019-02-28"))
    assert not find(repo.diagnostics, "MAT701") and not find(repo.diagnostics, "MAT702"), "no cascade"


@pytest.mark.parametrize("old, new, code, needle", [
    ("valid_until: 2029-02-28", "valid_until: 9999-12-31", "MAT024", "9999-12-31"),  # outside the dates the tool accepts
    ("valid_until: 2029-02-28", "valid_until: 2029-02-30", "MAT024", "2029-02-30"),
    ("valid_until: 2029-02-28", "valid_until: '2029-2-28'", "MAT024", "2029-2-28"),
    ("grade: assessor, number: PG-2024-0027", "grade: 高级评估师, number: PG-2024-0027", "MAT023", "grade: 高级评估师"),
    ("number: PG-2024-0027", "number: ＰＧ-2024-0027", "MAT024", "ＰＧ-2024"),
    ("  - id: A0027\n", "  - id: A 0027\n", "MAT024", "id: A 0027"),
    ("    name: 李评估\n", '    name: "李\\x1b[2J评估"\n', "MAT018", "name: \"李"),
    ("    name: 李评估\n", '    name: "李评估\\n2026-01-01: 错误 MAT000 伪造"\n', "MAT019", "name: \"李"),
    ("    name: 李评估\n", "    name: " + "长" * 501 + "\n", "MAT025", "name: 长"),
    ("    name: 李评估\n", "    name: 李评估\n    phone: '13800000000'\n", "MAT021", "phone:"),  # no personal detail beyond the format
])
def test_hostile_or_wrong_values_in_the_register_are_located(demo, old, new, code, needle):
    demo.replace(R, old, new)
    repo = demo.load()
    expect(repo, code, R, demo.line_of(R, needle))
    assert repo.invalid_assessments() >= {"2026-shili-danbao", "2026-shili-kechuang"}


def test_a_numeric_id_is_written_in_quotes(demo):
    """YAML reads 0027 as the number 27: quoted, it is the id '0027' on both sides."""
    demo.replace(R, "  - id: A0027\n", "  - id: 0027\n")
    expect(demo.load(), "MAT020", R, demo.line_of(R, "id: 0027"))
    demo.replace(R, "  - id: 0027\n", "  - id: '0027'\n")
    demo.replace(DANBAO, "{assessor: A0027, role: member}", "{assessor: '0027', role: member}")
    demo.replace(KECHUANG, "{assessor: A0027, role: member}", "{assessor: '0027', role: member}")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)


@pytest.mark.parametrize("content, code", [
    ("", "MAT006"),
    ("assessors: [\n", "MAT010"),
    ("- id: A0012\n", "MAT020"),
    ("assessors:\n  - {id: A0012, name: x, organisation: y, qualifications: []}\n", "MAT025"),
])
def test_a_broken_register_is_reported_once_and_nothing_is_published_from_it(demo, content, code):
    demo.write(R, content)
    repo = demo.load()
    assert find(repo.diagnostics, code, R), listing(repo.diagnostics)
    assert not find(repo.diagnostics, "MAT701"), "no unknown-id noise from a register that cannot be read"
    assert {"2026-shili-danbao", "2026-shili-kechuang"} <= repo.invalid_assessments()


def test_binary_register(demo):
    demo.path(R).write_bytes(b"assessors: []\n\x00\x01")
    repo = demo.load()
    assert find(repo.diagnostics, "MAT003", R), listing(repo.diagnostics)
    assert {"2026-shili-danbao", "2026-shili-kechuang"} <= repo.invalid_assessments()


# --- what is published ---------------------------------------------------------------------------------

def site_text(demo) -> tuple[str, dict[str, str]]:
    publication = gate.prepare(load_settings(demo.root), display_base=demo.root, history=lambda *_: (None, None))
    assert publication.site is not None
    pages = {p.src_uri: p.html + (p.search_html or "") + (p.find_html or "") for p in publication.site.pages}
    everything = "\n".join(pages.values()) + "\n".join(str(a.content) for a in publication.site.assets)
    return everything, pages


def participants(html: str) -> str:
    return re.search(r"<h3>评估组.*?</table>", html, re.S).group(0)


def test_the_register_is_never_published_beyond_names_employers_and_grades(demo):
    everything, pages = site_text(demo)
    for secret in ("PG-2019-0012", "PG-2022-0107", "PG-2024-0027", "ZJ-2023-0003", "A0012", "A0027", "E0003",
                   "评估咨询服务人员", "2027-06-30", "2029-02-28"):
        assert secret not in everything, secret
    danbao = participants(pages["assessments/2026-shili-danbao/index.md"])
    assert "王评审" in danbao and "高级评估师" in danbao and "技术专家" in danbao


@pytest.mark.parametrize("policy, shown, absent", [("masked", "王**", "王评审"), ("hidden", "（不公开）", "王评审")])
def test_team_names_policy_applies_to_registered_assessors(demo, policy, shown, absent):
    write_config(demo.root, f"      team_names: {policy}\n")
    _, pages = site_text(demo)
    danbao = participants(pages["assessments/2026-shili-danbao/index.md"])
    assert absent not in danbao and "李评估" not in danbao
    assert (shown in danbao) if policy == "masked" else ("王" not in danbao), danbao


def test_the_gate_passes_on_the_demo_with_the_register(demo):
    publication = gate.prepare(load_settings(demo.root), display_base=demo.root, history=lambda *_: (None, None))
    assert publication.failures() == [], listing(publication.failures())
    assert all(d.severity is not Severity.ERROR for d in publication.diagnostics)


def test_fmt_keeps_the_register_of_assessors_in_the_canonical_layout(demo):
    from test_cli import run

    assert run("fmt", "--check", ".", cwd=demo.root).returncode == 0
    text = demo.read("assessors.yml")
    demo.write("assessors.yml", text.replace("\n  - id:", "\n\n\n  - id:", 1))  # blank lines fmt removes
    r = run("fmt", "--check", ".", cwd=demo.root)
    assert r.returncode == 1 and "assessors.yml" in r.stderr + r.stdout
    assert run("fmt", ".", cwd=demo.root).returncode == 0
    assert demo.read("assessors.yml") == text
