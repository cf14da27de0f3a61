"""Guide 8.4: the authority's review, the announcement (公示) in working days, objections, certificates,
their status on a build date, tamper evidence, and what the published site offers about them.

Expected dates are worked out by hand from the State Council's 2026 holiday notice (国办发明电〔2025〕7号):

  中秋节 9月25日（周五）至27日（周日）放假；国庆节 10月1日（周四）至7日（周三）放假调休，9月20日（周日）、10月10日（周六）上班；
  春节 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班；劳动节 5月1日至5日放假，5月9日（周六）上班；
  端午节 6月19日（周五）至21日（周日）放假。

The calendar package is never used as the oracle.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import feedparser
import jsonschema
import pytest

from conftest import P, PROJECT, ZIXUN, expect, find, listing
from site_helpers import (BROWSER_MISSING, BUILD_DATE, article, chromium, copy_demo, have_browser,
                          mkdocs_build, parse_html, read_yaml, serve, squash)

from maturity.settings import PublicationSettings, SettingsError, from_options, load_settings
from maturity.diagnostics import Severity
from maturity.data.publication import announcement_of, certificate_of, standing
from maturity.data.workdays import WorkingCalendar

D = dt.date
W = Severity.WARNING
S = f"{ZIXUN}/scores.yml"
KECHUANG_P = "assessments/2026-shili-kechuang/publication.yml"
FUHUA_P = "assessments/2025-shili-fuhua/publication.yml"
DANBAO_P = "assessments/2026-shili-danbao/publication.yml"
SHUZI_P = "assessments/2026-shili-shuzi/publication.yml"
XINXI_P = "assessments/2026-shili-xinxi/publication.yml"
SCHEMA = PROJECT / "plugins" / "maturity" / "schemas" / "certificates.schema.json"

ENTRY = Path(sys.executable).parent / "maturity"
CMD = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "maturity.cli"]

# The demo on the pinned build date 2026-11-21, worked out by hand from the publication.yml files.
DEMO_STATUS = {
    "2023-shili-zixun": ("ZXGJ-2023-0007", "expired", "已到期"),  # valid until 2026-05-19
    "2025-shili-fuhua": ("ZXGJ-2025-0031", "surveillance_overdue", "监督逾期"),  # issued 2025-11-12, no surveillance
    "2026-shili-zixun": ("ZXGJ-2026-0012", "valid", "有效"),
    "2026-shili-shuzi": ("ZXGJ-2026-0020", "revoked", "撤销"),  # revoked 2026-10-20
    "2026-shili-danbao": ("ZXGJ-2026-0045", "suspended", "暂停"),  # suspended 2026-10-15
}
CURRENT = {"ZXGJ-2026-0012", "ZXGJ-2025-0031", "ZXGJ-2026-0045"}
HISTORY = {"ZXGJ-2023-0007", "ZXGJ-2026-0020"}


def run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run(CMD + [str(a) for a in args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env=full, timeout=120)


def append(demo, rel: str, text: str) -> None:
    body = demo.read(rel)
    demo.write(rel, body.rstrip("\n") + "\n" + text.rstrip("\n") + "\n")


def with_mkdocs_yml(demo, **replacements: str) -> None:
    """Put the project's mkdocs.yml into the copy, with some plugin options replaced (``key: value`` lines)."""
    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    for key, value in replacements.items():
        text, n = re.subn(rf"(?m)^(\s+{key}:).*$", lambda m: f"{m.group(1)} {value}", text)
        assert n == 1, key
    demo.write("mkdocs.yml", text)


# =============================================================================================
# Diagnostics MAT603–MAT614
# =============================================================================================

def test_untouched_demo_has_no_publication_problems(demo):
    repo = demo.load()
    assert [d for d in repo.diagnostics if d.code.startswith("MAT6") and d.code != "MAT616"] == [], listing(repo.diagnostics)
    assert [d.key for d in repo.diagnostics if d.code == "MAT616"] == ["MAT616.no_git"]  # a copy outside git: said, not failed


def test_mat603_announcement_of_a_self_assessment(demo):
    demo.write(XINXI_P, "announcement:\n  start: 2026-08-03\n  level: 2\n")
    expect(demo.load(), "MAT603", XINXI_P, demo.line_of(XINXI_P, "announcement:"))


def test_mat604_certificate_without_announcement(demo):
    text = demo.read(P)
    start, end = text.index("announcement:"), text.index("certificate:")
    demo.write(P, text[:start] + text[end:])
    repo = demo.load()
    d = expect(repo, "MAT604", P, demo.line_of(P, "certificate:"))
    assert "announcement" in d.message


@pytest.mark.parametrize("issued, flagged", [("2025-11-10", True), ("2025-11-07", True), ("2025-11-11", False)])
def test_mat605_issued_before_the_announcement_closed(demo, issued, flagged):
    # 公示 from Tue 2025-11-04, 5 working days: 4, 5, 6, 7, 10 November -> the last day is Mon 2025-11-10.
    demo.replace(FUHUA_P, "issued: 2025-11-12", f"issued: {issued}")
    repo = demo.load()
    if flagged:
        d = expect(repo, "MAT605", FUHUA_P, demo.line_of(FUHUA_P, "issued:"))
        assert "2025-11-10" in d.message
    else:
        assert not find(repo.diagnostics, "MAT605"), listing(repo.diagnostics)


@pytest.mark.parametrize("old, new, words", [
    ("outcome: rejected", "outcome: upheld", "upheld"),
    ("outcome: rejected, closed: 2026-05-20", "outcome: pending", "未办结"),
    ("closed: 2026-05-20", "closed: 2026-05-26", "未办结"),  # closed only after the certificate (2026-05-25)
], ids=["upheld", "pending", "closed-after-issue"])
def test_mat606_objection_upheld_or_open_at_issue(demo, old, new, words):
    demo.replace(P, old, new)
    d = expect(demo.load(), "MAT606", P, demo.line_of(P, "certificate:"))
    assert words in d.message


def test_mat606_not_for_a_withdrawn_objection_closed_before_issue(demo):
    demo.replace(P, "outcome: rejected", "outcome: withdrawn")
    assert not find(demo.load().diagnostics, "MAT606")


def test_mat607_announcement_without_confirmed_review(demo):
    demo.replace(KECHUANG_P, "  decision: confirmed", "  decision: returned\n  reasons: 证据清单不完整，退回补充")
    repo = demo.load()
    d = expect(repo, "MAT607", KECHUANG_P, demo.line_of(KECHUANG_P, "announcement:"))
    assert "8.4.2" in d.message
    assert len(find(repo.diagnostics, "MAT607")) == 1  # the reasons are given


def test_mat607_returned_without_reasons(demo):
    demo.replace(KECHUANG_P, "  decision: confirmed", "  decision: returned")
    repo = demo.load()
    d = expect(repo, "MAT607", KECHUANG_P, demo.line_of(KECHUANG_P, "decision: returned"))
    assert "reasons" in d.message
    expect(repo, "MAT607", KECHUANG_P, demo.line_of(KECHUANG_P, "announcement:"))


def test_mat608_number_scheme_from_mkdocs_yml(demo):
    demo.replace(P, "number: ZXGJ-2026-0012", "number: ZX-2026-0012")
    # without mkdocs.yml the default scheme (letters-year-serial) accepts the number
    assert not find(demo.load().diagnostics, "MAT608")
    with_mkdocs_yml(demo)  # the demo's scheme: '^ZXGJ-\d{4}-\d{4}$'
    repo = demo.load()
    d = expect(repo, "MAT608", P, demo.line_of(P, "number: ZX-2026-0012"))
    assert "ZX-2026-0012" in d.message
    assert len(find(repo.diagnostics, "MAT608")) == 1


def test_mat608_number_scheme_from_settings(demo):
    repo = demo.load(publication=PublicationSettings(certificate_number=r"^ZXGJ-\d{4}-\d{5}$"))
    assert len(find(repo.diagnostics, "MAT608")) == len(DEMO_STATUS)
    expect(repo, "MAT608", P, demo.line_of(P, "number: ZXGJ-2026-0012"))


EVENT_CASES = [
    # (file, events appended or one event added, needle of the flagged line, words in the message)
    (P, "  events:\n    - {kind: restored, date: 2026-06-10, reason: 核查完毕}", "kind: restored", "暂停中"),
    (SHUZI_P, "    - {kind: surveillance, date: 2026-11-02, reason: 年度监督}", "kind: surveillance", "撤销后"),
    (P, "  events:\n    - {kind: surveillance, date: 2026-05-01, reason: 年度监督}", "kind: surveillance", "早于"),
    (P, "  events:\n    - {kind: suspended, date: 2026-06-10}", "kind: suspended", "原因"),
    (P, "  events:\n    - {kind: revoked, date: 2026-06-10}", "kind: revoked", "原因"),
    (P, "  events:\n    - {kind: reissued, date: 2026-06-10, reason: 更正评分录入错误}", "kind: reissued", "digest"),
    (DANBAO_P, "    - {kind: suspended, date: 2026-10-20, reason: 再次投诉}", "再次投诉", "已处于暂停"),
]


@pytest.mark.parametrize("rel, events, needle, words", EVENT_CASES,
                         ids=["restored-without-suspension", "after-revoked", "before-issue", "suspended-without-reason",
                              "revoked-without-reason", "reissued-without-digest", "already-suspended"])
def test_mat609_event_sequence(demo, rel, events, needle, words):
    append(demo, rel, events)
    repo = demo.load()
    d = expect(repo, "MAT609", rel, demo.line_of(rel, needle))
    assert words in d.message, d


def test_mat609_not_for_a_well_formed_history(demo):
    append(demo, P, "  events:\n"
                    "    - {kind: suspended, date: 2026-07-01, reason: 收到投诉，暂停待核查}\n"
                    "    - {kind: restored, date: 2026-08-01, reason: 核查完毕，投诉不成立}\n"
                    "    - {kind: surveillance, date: 2027-05-10, reason: 年度监督审核通过}\n"
                    "    - {kind: revoked, date: 2027-09-01, reason: 机构申请注销}")
    repo = demo.load()
    assert not find(repo.diagnostics, "MAT609"), listing(repo.diagnostics)
    assert repo.errors == [], listing(repo.errors)


def test_mat610_score_changed_after_issue(demo):
    demo.replace(S, "SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 0.8,")
    repo = demo.load()
    d = expect(repo, "MAT610", P, demo.line_of(P, "digest:"))
    assert "ZXGJ-2026-0012" in d.message
    assert len(find(repo.diagnostics, "MAT610")) == 1
    assert "2026-shili-zixun" in repo.invalid_assessments()


def test_mat610_evidence_changed_after_issue(demo):
    # E030 is cited by SS-SDM-3-02 of the certified 2026 assessment; its record date is part of the digest
    demo.replace("evidence/shili-zixun/register.yml", "id: E030\n    title: 服务变更记录（2）\n    method: system_demo\n    record_date: 2025-10-31",
                 "id: E030\n    title: 服务变更记录（2）\n    method: system_demo\n    record_date: 2025-10-30")
    expect(demo.load(), "MAT610", P, demo.line_of(P, "digest:"))


def test_narrative_fields_are_not_sealed(demo):
    demo.replace(S, "SS-SDM-3-02: {score: 0.5, evidence: [E030], note: 已有制度，执行记录不足。}",
                 "SS-SDM-3-02: {score: 0.5, evidence: [E030], note: 已有制度，执行记录不足（措辞已修订）。}")
    demo.replace(S, "gaps: 战略决策的量化分析和记录完整性仍有不足。", "gaps: 战略决策的量化分析仍有不足。")
    repo = demo.load()
    assert not find(repo.diagnostics, "MAT610"), listing(repo.diagnostics)


def test_mat611_missing_digest(demo):
    demo.drop_line(P, "digest: sha256:")
    repo = demo.load()
    expect(repo, "MAT611", P, demo.line_of(P, "certificate:"))
    assert not find(repo.diagnostics, "MAT610")
    r = run("verify", ".", cwd=demo.root)
    assert r.returncode == 1 and "没有记录数据摘要" in r.stdout, r.stdout


def test_mat612_unknown_calendar_year_is_a_warning(demo):
    demo.replace(KECHUANG_P, "start: 2026-11-18", "start: 2031-03-03")
    repo = demo.load()
    d = expect(repo, "MAT612", KECHUANG_P, demo.line_of(KECHUANG_P, "start: 2031-03-03"), W)
    assert "2031" in d.message
    assert repo.errors == [], listing(repo.errors)
    # counted with weekends only: Mon 3 – Fri 7 March 2031
    a = repo.assessment("2026-shili-kechuang")
    assert announcement_of(a, repo.settings.publication, repo.settings.publication.calendar()).last_day == D(2031, 3, 7)


@pytest.mark.parametrize("settings", [PublicationSettings(holidays=(D(2031, 3, 5),)),
                                      PublicationSettings(workdays=(D(2031, 1, 26),))], ids=["holidays", "workdays"])  # 26 Jan 2031: a Sunday
def test_mat612_not_when_the_year_is_configured(demo, settings):
    demo.replace(KECHUANG_P, "start: 2026-11-18", "start: 2031-03-03")
    repo = demo.load(publication=settings)
    assert not find(repo.diagnostics, "MAT612"), listing(repo.diagnostics)
    a = repo.assessment("2026-shili-kechuang")
    last = announcement_of(a, repo.settings.publication, repo.settings.publication.calendar()).last_day
    assert last == (D(2031, 3, 10) if settings.holidays else D(2031, 3, 7))  # Wed 5 March off -> Mon 10 March


def test_mat612_not_when_mkdocs_yml_configures_the_year(demo):
    demo.replace(KECHUANG_P, "start: 2026-11-18", "start: 2031-03-07")
    with_mkdocs_yml(demo, holidays="[2031-01-01, 2031-03-10]", workdays="[2031-03-08]")  # unquoted YAML dates
    repo = demo.load()
    assert not find(repo.diagnostics, "MAT612"), listing(repo.diagnostics)
    a = repo.assessment("2026-shili-kechuang")
    # Fri 7 (1), Sat 8 worked (2), Mon 10 off, Tue 11 (3), Wed 12 (4), Thu 13 (5)
    assert announcement_of(a, repo.settings.publication, repo.settings.publication.calendar()).last_day == D(2031, 3, 13)


@pytest.mark.parametrize("outcome", ["rejected", "withdrawn", "upheld"])
def test_mat614_closed_objection_without_handling(demo, outcome):
    demo.replace(P, "handling: 经核查，相关问题已在评估中扣分并列入改进措施, outcome: rejected",
                 f"outcome: {outcome}")
    d = expect(demo.load(), "MAT614", P, demo.line_of(P, "received: 2026-05-13"))
    assert "handling" in d.message


def test_mat614_not_for_a_pending_objection(demo):
    demo.replace(KECHUANG_P, "  level: 2", "  level: 2\n  objections:\n    - {received: 2026-11-19, summary: 反映服务收费不透明, outcome: pending}")
    repo = demo.load()
    assert not find(repo.diagnostics, "MAT614"), listing(repo.diagnostics)
    assert repo.errors == [], listing(repo.errors)


# --- the settings ------------------------------------------------------------------------------

def test_settings_read_from_mkdocs_yml(demo):
    with_mkdocs_yml(demo, announcement_days="7", validity_years="2", surveillance_months="6",
                    holidays="[2031-01-01, '2031-01-02']")
    s = load_settings(demo.root).publication
    assert (s.announcement_days, s.validity_years, s.surveillance_months) == (7, 2, 6)
    assert s.certificate_number == r"^ZXGJ-\d{4}-\d{4}$"
    assert "objection@example.org" in s.objection_contact
    assert s.holidays == (D(2031, 1, 1), D(2031, 1, 2))


@pytest.mark.parametrize("options", [{"holidays": ["2031-02-30"]}, {"workdays": "2031-01-04"},
                                     {"certificate_number": "^(ZXGJ"}])
def test_bad_settings_are_reported_not_a_traceback(demo, options):
    with pytest.raises(SettingsError):
        from_options(options)
    key, value = next(iter(options.items()))
    with_mkdocs_yml(demo, **{key: json.dumps(value)})
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and key in r.stderr, r.stderr


# =============================================================================================
# Working days
# =============================================================================================

@pytest.mark.parametrize("start, days, last", [
    # Wed 30 Sept (1); 1–7 Oct off; Thu 8 (2), Fri 9 (3), Sat 10 worked (4), Sun 11 off, Mon 12 (5)
    (D(2026, 9, 30), 5, D(2026, 10, 12)),
    # Fri 18 Sept (1), Sat 19 off, Sun 20 worked (2), Mon 21 (3), Tue 22 (4), Wed 23 (5)
    (D(2026, 9, 18), 5, D(2026, 9, 23)),
    # Thu 24 (1), Fri 25 Mid-Autumn off, 26–27 weekend, Mon 28 (2), 29 (3), 30 (4), 1–7 Oct off, Thu 8 Oct (5)
    (D(2026, 9, 24), 5, D(2026, 10, 8)),
    # starting on a holiday: Thu 1 Oct is not counted; 8, 9, 10 (worked Saturday), 12, 13
    (D(2026, 10, 1), 5, D(2026, 10, 13)),
    # Fri 13 Feb (1), Sat 14 worked (2), 15–23 Spring Festival, Tue 24 (3), 25 (4), Thu 26 (5)
    (D(2026, 2, 13), 5, D(2026, 2, 26)),
    # Thu 30 Apr (1), 1–5 May off, Wed 6 (2), Thu 7 (3), Fri 8 (4), Sat 9 worked (5)
    (D(2026, 4, 30), 5, D(2026, 5, 9)),
    # Thu 18 June (1), 19–21 Dragon Boat, Mon 22 (2), Tue 23 (3)
    (D(2026, 6, 18), 3, D(2026, 6, 23)),
    # the demo's announcement: Wed 18 Nov, Thu 19, Fri 20, Mon 23, Tue 24
    (D(2026, 11, 18), 5, D(2026, 11, 24)),
])
def test_last_day_follows_the_official_2026_schedule(start, days, last):
    calendar = WorkingCalendar()
    assert calendar.last_day(start, days) == last
    assert calendar.unknown_years == set()


def test_official_days_off_and_make_up_working_days():
    c = WorkingCalendar()
    assert all(not c.is_working_day(D(2026, 10, d)) for d in range(1, 8))
    assert not c.is_working_day(D(2026, 9, 25))  # Mid-Autumn, a Friday
    assert c.is_working_day(D(2026, 9, 20)) and c.is_working_day(D(2026, 10, 10))  # Sunday and Saturday worked
    assert not c.is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_extra_holidays_and_workdays_override_the_official_schedule():
    # an extra day off on Fri 9 Oct: 30 Sept, 8, 10, 12, 13 Oct
    assert WorkingCalendar(holidays=frozenset({D(2026, 10, 9)})).last_day(D(2026, 9, 30), 5) == D(2026, 10, 13)
    # the make-up Saturday declared a day off after all: 30 Sept, 8, 9, 12, 13 Oct
    assert WorkingCalendar(holidays=frozenset({D(2026, 10, 10)})).last_day(D(2026, 9, 30), 5) == D(2026, 10, 13)
    # an official holiday declared a working day: 30 Sept, 7, 8, 9, 10 Oct
    assert WorkingCalendar(workdays=frozenset({D(2026, 10, 7)})).last_day(D(2026, 9, 30), 5) == D(2026, 10, 10)
    # an ordinary Sunday declared a working day: 30 Sept, 8, 9, 10, 11 Oct
    assert WorkingCalendar(workdays=frozenset({D(2026, 10, 11)})).last_day(D(2026, 9, 30), 5) == D(2026, 10, 11)


def test_announcement_in_the_golden_week_through_the_repository(demo):
    demo.replace(KECHUANG_P, "date: 2026-11-16", "date: 2026-09-29")
    demo.replace(KECHUANG_P, "start: 2026-11-18", "start: 2026-09-30")
    repo = demo.load()
    a = repo.assessment("2026-shili-kechuang")
    assert announcement_of(a, repo.settings.publication, repo.settings.publication.calendar()).last_day == D(2026, 10, 12)
    assert standing(a, repo.settings.publication, repo.settings.publication.calendar(), D(2026, 10, 12)).status == "announced"
    assert standing(a, repo.settings.publication, repo.settings.publication.calendar(), D(2026, 10, 13)).status == "pending"


def test_announcement_days_setting_and_per_announcement_override(demo):
    with_mkdocs_yml(demo, announcement_days="3")
    repo = demo.load()
    a = repo.assessment("2026-shili-kechuang")
    assert announcement_of(a, repo.settings.publication, repo.settings.publication.calendar()).last_day == D(2026, 11, 20)  # Wed, Thu, Fri
    demo.replace(KECHUANG_P, "  level: 2", "  level: 2\n  working_days: 7")
    repo = demo.load()
    a = repo.assessment("2026-shili-kechuang")
    # 18, 19, 20, 23, 24, 25, 26 November
    assert announcement_of(a, repo.settings.publication, repo.settings.publication.calendar()).last_day == D(2026, 11, 26)


# =============================================================================================
# Status on a build date
# =============================================================================================

def status_on(repo, aid: str, day: dt.date):
    return standing(repo.assessment(aid), repo.settings.publication, repo.settings.publication.calendar(), day)


@pytest.mark.parametrize("aid", sorted(DEMO_STATUS))
def test_demo_certificates_on_the_build_date(demo, aid):
    repo = demo.load()
    number, status, label = DEMO_STATUS[aid]
    st = status_on(repo, aid, D(2026, 11, 21))
    assert st.certificate.number == number
    assert (st.status, st.label) == (status, label)


def test_demo_announcement_on_the_build_date(demo):
    repo = demo.load()
    st = status_on(repo, "2026-shili-kechuang", D(2026, 11, 21))
    assert (st.status, st.label, st.certificate) == ("announced", "公示中", None)
    assert st.announcement.start == D(2026, 11, 18) and st.announcement.last_day == D(2026, 11, 24)
    # not in publication at all: the self-assessment and the assessment without a review
    assert status_on(repo, "2026-shili-xinxi", D(2026, 11, 21)) is None
    assert status_on(repo, "2026-shili-pingtai", D(2026, 11, 21)) is None


def test_announcement_becomes_pending_after_its_last_day(demo):
    repo = demo.load()
    assert status_on(repo, "2026-shili-kechuang", D(2026, 11, 17)) is None  # not yet started
    assert status_on(repo, "2026-shili-kechuang", D(2026, 11, 24)).status == "announced"  # the last day counts
    st = status_on(repo, "2026-shili-kechuang", D(2026, 11, 25))
    assert (st.status, st.label) == ("pending", "公示期满，待发证")


def test_certificate_issued_later_than_the_build_date(demo):
    repo = demo.load()
    # 2026-shili-zixun: 公示 11–15 May 2026, issued 25 May
    assert status_on(repo, "2026-shili-zixun", D(2026, 5, 13)).status == "announced"
    assert status_on(repo, "2026-shili-zixun", D(2026, 5, 20)).status == "pending"
    assert status_on(repo, "2026-shili-zixun", D(2026, 5, 25)).status == "valid"


def test_past_valid_until_is_expired(demo):
    repo = demo.load()
    assert status_on(repo, "2025-shili-fuhua", D(2028, 11, 11)).status == "surveillance_overdue"
    assert status_on(repo, "2025-shili-fuhua", D(2028, 11, 12)).status == "expired"
    assert status_on(repo, "2026-shili-danbao", D(2029, 8, 31)).status == "suspended"
    assert status_on(repo, "2026-shili-danbao", D(2029, 9, 1)).status == "expired"  # expired outranks suspended
    assert status_on(repo, "2026-shili-shuzi", D(2030, 1, 1)).status == "revoked"  # revoked outranks expired


def test_surveillance_due_after_the_months_set(demo):
    repo = demo.load()
    st = status_on(repo, "2025-shili-fuhua", D(2026, 11, 12))
    assert (st.status, st.surveillance_due) == ("valid", D(2026, 11, 12))  # due that day: not yet overdue
    st = status_on(repo, "2025-shili-fuhua", D(2026, 11, 13))
    assert (st.status, st.surveillance_due) == ("surveillance_overdue", D(2026, 11, 12))


def test_recorded_surveillance_makes_the_overdue_certificate_valid(demo):
    append(demo, FUHUA_P, "  events:\n    - {kind: surveillance, date: 2026-11-20, reason: 年度监督审核通过}")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)
    st = status_on(repo, "2025-shili-fuhua", D(2026, 11, 21))
    assert (st.status, st.surveillance_due) == ("valid", D(2027, 11, 12))
    assert status_on(repo, "2025-shili-fuhua", D(2026, 11, 19)).status == "surveillance_overdue"  # not yet recorded


def test_restored_certificate_is_valid_again(demo):
    append(demo, DANBAO_P, "    - {kind: restored, date: 2026-11-20, reason: 核查完毕，投诉不成立}")
    repo = demo.load()
    assert repo.errors == [], listing(repo.errors)
    assert status_on(repo, "2026-shili-danbao", D(2026, 11, 19)).status == "suspended"
    assert status_on(repo, "2026-shili-danbao", D(2026, 11, 21)).status == "valid"


def test_valid_until_defaults_to_the_validity_years(demo):
    demo.drop_line(P, "valid_until:")
    repo = demo.load()
    assert certificate_of(repo.assessment("2026-shili-zixun"), repo.settings.publication).valid_until == D(2029, 5, 24)
    repo = demo.load(publication=PublicationSettings(validity_years=2, surveillance_months=6))
    a = repo.assessment("2026-shili-zixun")
    assert certificate_of(a, repo.settings.publication).valid_until == D(2028, 5, 24)
    assert standing(a, repo.settings.publication, repo.settings.publication.calendar(), D(2026, 11, 21)).surveillance_due == D(2026, 11, 25)


# =============================================================================================
# Tamper evidence: maturity digest / verify / validate
# =============================================================================================

def _git(root: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="评估管理机构", GIT_AUTHOR_EMAIL="authority@example.org",
               GIT_COMMITTER_NAME="评估管理机构", GIT_COMMITTER_EMAIL="authority@example.org",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root, env=env,
                   check=True, capture_output=True, timeout=60)


def test_digest_of_each_demo_assessment_matches_its_certificate(demo):
    for aid, (number, _, _) in DEMO_STATUS.items():
        r = run("digest", f"assessments/{aid}", cwd=demo.root)
        assert r.returncode == 0, r.stderr
        recorded = read_yaml(demo.path(f"assessments/{aid}/publication.yml"))["certificate"]["digest"]
        assert r.stdout.strip().splitlines()[-1] == recorded, aid
    # the same from inside the folder
    r = run("digest", ".", cwd=demo.path(ZIXUN))
    assert r.stdout.strip() == read_yaml(demo.path(P))["certificate"]["digest"]
    shown = run("digest", ZIXUN, "--show", cwd=demo.root).stdout
    form = json.loads(shown[: shown.rindex("}") + 1])
    assert form["organisation"]["credit_code"] == "91110108MA01XL0K77" and "SS-SDM-3-02" in form["scores"]


def test_verify_passes_on_the_untouched_demo(demo):
    r = run("verify", ".", cwd=demo.root)
    assert r.returncode == 0, r.stdout + r.stderr
    for number, _, _ in DEMO_STATUS.values():
        assert f"✓ 证书 {number}" in r.stdout
    assert "5 张一致，0 张不一致" in r.stdout


def test_edited_score_fails_validate_and_verify(demo):
    demo.replace(S, "SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 0.8,")
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 1
    line = demo.line_of(P, "digest:")
    assert re.search(rf"^{re.escape(P)}:{line}:\d+: 错误 MAT610 .*ZXGJ-2026-0012", r.stdout, re.M), r.stdout
    r = run("verify", ".", cwd=demo.root)
    assert r.returncode == 1
    assert "✗ 证书 ZXGJ-2026-0012" in r.stdout and "4 张一致，1 张不一致" in r.stdout


def changed_score(output: str, rid: str) -> tuple[Fraction, Fraction] | None:
    """(old, new) from “要求 <rid> 得分 <old> → <new>” in a MAT610 message (written 1/2 or 0.5 alike)."""
    m = re.search(rf"MAT610 .*要求 {re.escape(rid)} 得分 ([0-9./]+) → ([0-9./]+?)[。；…]", output)
    return (Fraction(m.group(1)), Fraction(m.group(2))) if m else None


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_in_git_mat610_names_the_change_and_a_reissue_clears_it(demo):
    _git(demo.root, "init", "-q")
    _git(demo.root, "add", "-A")
    _git(demo.root, "commit", "-q", "-m", "评估数据与证书")
    demo.replace(S, "SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 0.8,")

    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 1
    assert "ZXGJ-2026-0012" in r.stdout
    assert changed_score(r.stdout, "SS-SDM-3-02") == (Fraction("0.5"), Fraction("0.8")), r.stdout
    assert "SS-SDM-3-01" not in r.stdout  # only what changed is named
    assert run("verify", ".", cwd=demo.root).returncode == 1

    # the authority re-issues: records the new digest
    r = run("digest", ZIXUN, cwd=demo.root)
    new = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", new) and new != read_yaml(demo.path(P))["certificate"]["digest"]
    append(demo, P, f"  events:\n    - {{kind: reissued, date: 2026-11-20, reason: 更正评分录入错误, digest: {new}}}")
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 0, r.stdout
    r = run("verify", ".", cwd=demo.root)
    assert r.returncode == 0 and new in r.stdout, r.stdout

    # committed, then another change: the message compares with the re-issued version
    _git(demo.root, "commit", "-q", "-am", "重新签发 ZXGJ-2026-0012")
    demo.replace(S, "SS-SDM-3-01: {score: 1,", "SS-SDM-3-01: {score: 0.8,")
    r = run("validate", ".", cwd=demo.root)
    assert r.returncode == 1
    assert changed_score(r.stdout, "SS-SDM-3-01") == (Fraction(1), Fraction("0.8")), r.stdout
    assert "SS-SDM-3-02" not in r.stdout


# =============================================================================================
# The published site (the real `mkdocs build --strict`, build date 2026-11-21)
# =============================================================================================

@pytest.fixture(scope="module")
def certificates(built):
    return json.loads((built.site / "certificates.json").read_text(encoding="utf-8"))


def organisation_names(root: Path) -> dict[str, str]:
    out = {}
    for record in sorted((root / "assessments").glob("*/assessment.yml")):
        org = read_yaml(record)["organisation"]
        out[org["id"]] = org["name"]
    return out


def sections(html_text: str) -> dict[str, str]:
    """The certificates page's text by section (h2 id)."""
    body = html_text[html_text.index('<article'):html_text.index("</article>")]
    parts = re.split(r'(<h2 id="[^"]+")', body)
    out = {}
    for marker, content in zip(parts[1::2], parts[2::2]):
        out[re.search(r'id="([^"]+)"', marker).group(1)] = marker + content
    return out


def status_cells(section_html: str) -> dict[str, str]:
    """Certificate number -> the text of its row's status cell."""
    doc = parse_html(section_html)
    out = {}
    for tr in doc.find_all("tr"):
        cell = tr.find("span", cls="mt-status")
        link = tr.find("a")
        if cell is not None and link is not None:
            out[link.text.strip()] = cell.text.strip()
    return out


def test_certificates_page_sections(built):
    page = (built.site / "certificates" / "index.html").read_text(encoding="utf-8")
    parts = sections(page)
    assert {"valid", "surveillance_overdue", "suspended", "announced", "history"} <= set(parts)
    current = {**status_cells(parts["valid"]), **status_cells(parts["surveillance_overdue"]), **status_cells(parts["suspended"])}
    history = status_cells(parts["history"])
    labels = {number: label for number, _, label in DEMO_STATUS.values()}
    assert current == {n: labels[n] for n in CURRENT}
    assert history == {n: labels[n] for n in HISTORY}
    # each section holds exactly its status: a suspended certificate is never listed as valid
    assert set(status_cells(parts["valid"]).values()) == {"有效"}
    assert set(status_cells(parts["suspended"]).values()) == {"暂停"}
    assert "有效证书" in parts["valid"] and "历史证书" in parts["history"]
    announced = squash(parse_html(parts["announced"]).text)
    assert "公示中" in announced and "示例科技创新服务有限公司" in announced and "2026-11-24" in announced
    contact = read_yaml(built.root / "mkdocs.yml")["plugins"][1]["maturity"]["objection_contact"]
    assert contact in announced
    assert not any(n in parts["announced"] for n in labels)
    assert f"证书状态按 {BUILD_DATE} 计算" in page


def test_certificates_json(built, certificates):
    assert certificates["schema_version"] == 2
    assert certificates["generated"] == BUILD_DATE
    records = {c["number"]: c for c in certificates["certificates"]}
    assert len(records) == len(certificates["certificates"]) == len(DEMO_STATUS)
    for aid, (number, status, label) in DEMO_STATUS.items():
        c = records[number]
        for key in ("number", "organisation", "level", "status", "issued", "valid_until", "digest", "url"):
            assert key in c, (number, key)
        pub = read_yaml(built.root / "assessments" / aid / "publication.yml")["certificate"]
        org = read_yaml(built.root / "assessments" / aid / "assessment.yml")["organisation"]
        assert (c["organisation"]["name"], c["organisation"]["credit_code"]) == (org["name"], org["credit_code"])
        assert (c["status"], c["level"], c["model"]) == (status, pub["level"], "T/ZXGJXH 002—2023")
        assert "status_label" not in c and "level_name" not in c, "JSON carries codes, not labels"
        assert (c["issued"], c["valid_until"], c["digest"]) == (str(pub["issued"]), str(pub["valid_until"]), pub["digest"])
        assert c["url"] == f"https://maturity.example.org/certificates/{number}/"
    (ann,) = certificates["announcements"]
    assert (ann["assessment"], ann["status"], ann["start"], ann["last_day"]) == ("2026-shili-kechuang", "announced", "2026-11-18", "2026-11-24")


def test_certificates_json_matches_its_schema(certificates):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(certificates), key=lambda e: list(e.path))
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # every property is documented, in Chinese
    def walk(node):
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                assert re.search(r"[\u4e00-\u9fff]", json.dumps(sub, ensure_ascii=False)), name
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(schema)
    # and the schema is not a rubber stamp
    broken = json.loads(json.dumps(certificates))
    broken["certificates"][0]["status"] = "valid-ish"
    assert list(validator.iter_errors(broken))


def test_one_json_file_per_certificate(built, certificates):
    for c in certificates["certificates"]:
        path = built.site / "certificates" / f"{c['number']}.json"
        assert json.loads(path.read_text(encoding="utf-8")) == c
        assert c["json"] == f"https://maturity.example.org/certificates/{c['number']}.json"
    assert len(list((built.site / "certificates").glob("*.json"))) == len(certificates["certificates"])


def test_feed(built):
    feed = feedparser.parse((built.site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title and feed.feed.updated_parsed
    assert feed.entries
    for e in feed.entries:
        assert e.link.startswith("https://maturity.example.org/"), e
        assert e.updated_parsed, e
        assert e.id and e.title
    titles = {(e.title, dt.date(*e.updated_parsed[:3]).isoformat(), e.link) for e in feed.entries}

    def has(words, date, link_part):
        return any(all(w in t for w in words) and d == date and link_part in link for t, d, link in titles)

    names = organisation_names(built.root)
    build_date = D.fromisoformat(BUILD_DATE)
    for folder in sorted((built.root / "assessments").glob("*")):
        pub_file = folder / "publication.yml"
        if not pub_file.exists():
            continue
        pub = read_yaml(pub_file) or {}
        org = read_yaml(folder / "assessment.yml")["organisation"]
        name = names[org["id"]]
        ann, cert = pub.get("announcement"), pub.get("certificate")
        if ann and ann["start"] <= build_date:
            assert has(["公示", name], ann["start"].isoformat(), "/"), (folder.name, "announcement")
        if cert:
            link = f"/certificates/{cert['number']}/"
            assert has(["发证", name, cert["number"]], cert["issued"].isoformat(), link), (folder.name, "issue")
            for ev in cert.get("events", []):
                if ev["date"] <= build_date:
                    label = {"surveillance": "年度监督", "suspended": "暂停", "restored": "恢复", "revoked": "撤销",
                             "reissued": "重新签发"}[ev["kind"]]
                    assert has([label, cert["number"]], ev["date"].isoformat(), link), (folder.name, ev)
    assert has(["公示", "示例科技创新服务有限公司"], "2026-11-18", "/assessments/2026-shili-kechuang/")
    assert has(["暂停", "ZXGJ-2026-0045"], "2026-10-15", "/certificates/ZXGJ-2026-0045/")
    assert has(["撤销", "ZXGJ-2026-0020"], "2026-10-20", "/certificates/ZXGJ-2026-0020/")


def test_badges(built):
    names = organisation_names(built.root)
    expected = {"shili-danbao": "五星 · 暂停", "shili-fuhua": "二星 · 监督逾期", "shili-kechuang": "二星 · 公示中",
                "shili-zixun": "三星 · 有效",  # the valid 2026 certificate, not the expired 2023 one
                "shili-shuzi": "无有效证书", "shili-pingtai": "无有效证书", "shili-xinxi": "无有效证书",
                "shili-zonghe": "无有效证书"}  # assessed under the 003 model, not yet reviewed
    badges = sorted((built.site / "badges").glob("*.svg"))
    assert {b.stem for b in badges} == set(names)
    for badge in badges:
        root = ET.fromstring(badge.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text == f"{names[badge.stem]}：{expected[badge.stem]}", (badge.name, title.text)
        assert root.get("aria-label") == title.text


def test_organisation_page_has_the_badge_snippet(built):
    doc = parse_html(built.site / "organisations" / "shili-zixun" / "index.html")
    code = " ".join(c.text for c in article(doc).find_all("code"))
    assert '<a href="https://maturity.example.org/organisations/shili-zixun/">' in code
    assert '<img src="https://maturity.example.org/badges/shili-zixun.svg"' in code
    img = article(doc).find("img", alt="示例管理咨询有限公司 服务能力成熟度")
    assert img is not None and (built.site / "organisations" / "shili-zixun" / img.get("src")).resolve().is_file()


@pytest.mark.parametrize("number", sorted(n for n, _, _ in DEMO_STATUS.values()))
def test_certificate_page_has_an_inline_qr_code(built, number):
    doc = parse_html(built.site / "certificates" / number / "index.html")
    body = article(doc)
    svg = body.find("svg", cls="maturity-qr")
    assert svg is not None
    title = svg.find("title")
    assert title is not None and number in title.text
    assert svg.find_all("path") or svg.find_all("rect")
    assert f"https://maturity.example.org/certificates/{number}/" in body.find("figcaption").text
    labels = {n: label for n, _, label in DEMO_STATUS.values()}
    assert body.find("span", cls="mt-status").text.strip() == labels[number]


def test_verify_page_and_its_script(built):
    page = built.site / "verify" / "index.html"
    assert page.is_file()
    doc = parse_html(page)
    form = article(doc).find("form")
    assert form is not None and "data-mt-verify" in form.attrs
    assert (page.parent / form.get("data-source")).resolve() == (built.site / "certificates.json").resolve()
    assert form.find("input", name="q") is not None and form.find("button") is not None
    scripts = [s.get("src") for s in doc.find_all("script") if s.get("src") and "maturity" in s.get("src")]
    assert scripts, "the verify page does not load the maturity script"
    js = (page.parent / scripts[0].split("?")[0]).resolve()
    assert js.is_file()
    text = js.read_text(encoding="utf-8")
    assert "data-mt-verify" in text and "credit_code" in text and "certificates" in text


def test_pending_announcement_on_a_later_build_date(tmp_path):
    """Build date 2026-11-25 (written unquoted), holidays and workdays for 2031 as unquoted YAML dates."""
    copy_demo(tmp_path, build_date="2026-11-25")
    config = tmp_path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^(\s+build_date:).*$', r"\1 2026-11-25", text)
    text = re.sub(r"(?m)^(\s+holidays:).*$", r"\1 [2031-01-01]", text)
    text = re.sub(r"(?m)^(\s+workdays:).*$", r"\1 [2031-01-04]", text)
    config.write_text(text, encoding="utf-8")
    build = mkdocs_build(tmp_path)
    assert build.returncode == 0, build.output
    data = json.loads((build.site / "certificates.json").read_text(encoding="utf-8"))
    assert data["generated"] == "2026-11-25"
    (ann,) = data["announcements"]
    assert (ann["assessment"], ann["status"]) == ("2026-shili-kechuang", "pending")
    parts = sections((build.site / "certificates" / "index.html").read_text(encoding="utf-8"))
    announced, pending = squash(parse_html(parts["announced"]).text), squash(parse_html(parts["pending"]).text)
    assert "示例科技创新服务有限公司" not in announced, "an announcement that has ended is not 公示中"
    assert "示例科技创新服务有限公司" in pending and "公示期满，待发证" in pending and "2026-11-24" in pending


# =============================================================================================
# The verify page in a real browser
# =============================================================================================

needs_browser = pytest.mark.skipif(not have_browser(), reason=BROWSER_MISSING)


@pytest.fixture(scope="module")
def served(built):
    yield from serve(built.site)


@needs_browser
def test_verify_page_in_the_browser(built, served, tmp_path):
    pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium(tmp_path / "profile")
    try:
        driver.get(f"{served}/verify/")
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
        box = driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] input[name=q]")
        button = driver.find_element(By.CSS_SELECTOR, "form[data-mt-verify] button")
        result = driver.find_element(By.CSS_SELECTOR, ".mt-verify-result")

        def ask(text: str, expect_text: str) -> str:
            box.clear()
            box.send_keys(text)
            driver.execute_script("arguments[0].textContent = ''", result)
            button.click()
            WebDriverWait(driver, 20).until(lambda d: expect_text in result.text)
            return result.text

        shown = ask("ZXGJ-2026-0045", "暂停")
        assert "示例融资担保服务有限公司" in shown and "五星" in shown and "2029-08-31" in shown
        danbao = read_yaml(built.root / "assessments" / "2026-shili-danbao" / "assessment.yml")["organisation"]
        shown = ask(danbao["credit_code"].lower(), "ZXGJ-2026-0045")  # a credit code, in any case
        assert "暂停" in shown
        shown = ask("zxgj-2023-0007", "已到期")
        assert "ZXGJ-2023-0007" in shown
        kechuang = read_yaml(built.root / "assessments" / "2026-shili-kechuang" / "assessment.yml")["organisation"]
        shown = ask(kechuang["credit_code"], "公示中")
        assert "2026-11-24" in shown
        ask("ZXGJ-2099-0001", "未找到")
        link = result.find_elements(By.TAG_NAME, "a")
        assert link == []
        severe = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()
