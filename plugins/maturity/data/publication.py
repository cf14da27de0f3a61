"""Guide 8.4: the authority's review (复核确认), the announcement (公示) and the certificate.

Recorded in ``publication.yml``; the status of each certificate is computed for a build date,
so the published site changes with the calendar and with nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maturity.data.assessment import Assessment
from maturity.settings import PublicationSettings
from maturity.data.dates import add_months
from maturity.diagnostics import Collector
from maturity.data.evidence import as_date
from maturity.data.model import Model
from maturity.data.workdays import WorkingCalendar

STATUS = {
    "announced": "公示中",
    "pending": "公示结束，待发证",
    "valid": "有效",
    "surveillance_overdue": "监督逾期",
    "suspended": "暂停",
    "revoked": "撤销",
    "expired": "已过期",
}
CURRENT = ("valid", "surveillance_overdue", "suspended")
EVENTS = {"surveillance": "年度监督", "suspended": "暂停", "restored": "恢复", "revoked": "撤销", "reissued": "重新签发"}
OUTCOMES = {"upheld": "异议成立", "rejected": "异议不成立", "withdrawn": "已撤回", "pending": "处理中"}


@dataclass(frozen=True)
class Objection:
    received: dt.date
    summary: str
    handling: str
    outcome: str
    closed: dt.date | None


@dataclass(frozen=True)
class Announcement:
    start: dt.date
    last_day: dt.date  # the last day to object
    level: int | None
    objections: tuple[Objection, ...]

    @property
    def upheld(self) -> bool:
        return any(o.outcome == "upheld" for o in self.objections)


@dataclass(frozen=True)
class StatusEvent:
    kind: str
    date: dt.date
    reason: str
    digest: str | None = None


@dataclass(frozen=True)
class Certificate:
    number: str
    level: int
    issued: dt.date
    valid_until: dt.date
    digest: str | None
    events: tuple[StatusEvent, ...]
    assessment_id: str

    @property
    def sealed_digest(self) -> str | None:
        """The digest in force: the latest re-issue's, else the one recorded at issue."""
        for e in reversed(self.events):
            if e.kind == "reissued" and e.digest:
                return e.digest
        return self.digest


@dataclass(frozen=True)
class Standing:
    """Where an assessment stands in publication on a given date."""

    status: str
    announcement: Announcement | None
    certificate: Certificate | None
    surveillance_due: dt.date | None = None

    @property
    def label(self) -> str:
        return STATUS[self.status]

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT


def is_reviewed(a: Assessment) -> bool:
    review = (a.publication or {}).get("review")
    return bool(review) and review["decision"] == "confirmed"


def announcement_of(a: Assessment, settings: PublicationSettings, calendar: WorkingCalendar) -> Announcement | None:
    raw = (a.publication or {}).get("announcement")
    if not raw:
        return None
    start = as_date(raw["start"])
    days = raw.get("working_days", settings.announcement_days)
    objections = tuple(Objection(as_date(o["received"]), o["summary"], o.get("handling", ""), o.get("outcome", "pending"),
                                 as_date(o.get("closed"))) for o in raw.get("objections", []))
    return Announcement(start, calendar.last_day(start, days), raw.get("level"), objections)


def certificate_of(a: Assessment, settings: PublicationSettings | None = None) -> Certificate | None:
    raw = (a.publication or {}).get("certificate")
    if not raw:
        return None
    settings = settings or PublicationSettings()
    issued = as_date(raw["issued"])
    until = as_date(raw.get("valid_until")) or add_months(issued, 12 * settings.validity_years) - dt.timedelta(days=1)
    events = tuple(StatusEvent(e["kind"], as_date(e["date"]), e.get("reason", ""), e.get("digest"))
                   for e in raw.get("events", []))
    return Certificate(raw["number"], raw["level"], issued, until, raw.get("digest"), events, a.id)


def standing(a: Assessment, settings: PublicationSettings, calendar: WorkingCalendar, today: dt.date) -> Standing | None:
    """The publication status on ``today``; None when the assessment is not in publication."""
    if not is_reviewed(a):
        return None
    ann = announcement_of(a, settings, calendar)
    cert = certificate_of(a, settings)
    if cert is None or cert.issued > today:
        if ann is None or ann.start > today:
            return None
        return Standing("announced" if today <= ann.last_day else "pending", ann, None)
    past = [e for e in cert.events if e.date <= today]
    if any(e.kind == "revoked" for e in past):
        return Standing("revoked", ann, cert)
    if today > cert.valid_until:
        return Standing("expired", ann, cert)
    suspension = [e for e in past if e.kind in ("suspended", "restored")]
    if suspension and suspension[-1].kind == "suspended":
        return Standing("suspended", ann, cert)
    done = sum(1 for e in past if e.kind == "surveillance")
    due = add_months(cert.issued, settings.surveillance_months * (done + 1))
    if due < today and due <= cert.valid_until:
        return Standing("surveillance_overdue", ann, cert, due)
    return Standing("valid", ann, cert, due if due <= cert.valid_until else None)


def check_publication(a: Assessment, model: Model, result, settings: PublicationSettings, calendar: WorkingCalendar,
                      out: Collector) -> None:
    doc, pub = a.publication_doc, a.publication
    if doc is None:
        return
    review, raw_ann, raw_cert = pub.get("review"), pub.get("announcement"), pub.get("certificate")
    if a.is_self_assessment and (review or raw_ann or raw_cert):
        out.error(doc.at(), "MAT603", "自评估结果不经复核、不发证书；publication.yml 只用于第三方评估。Self-assessments are not certified.")
        return
    confirmed = bool(review) and review["decision"] == "confirmed"
    report = a.date("report")
    if review and report and as_date(review["date"]) < report:
        out.error(doc.at("review", "date"), "MAT406", f"复核日期早于评估报告日期（{report}）。Dates out of order.")
    if review and review["decision"] == "returned" and not review.get("reasons"):
        out.error(doc.at("review", "decision"), "MAT607", "复核结论为退回（returned）时须写明理由 reasons。Reasons required when returned.")
    recommended = result.recommended_level if result else None
    ann = announcement_of(a, settings, calendar)
    if ann is not None:
        if not confirmed:
            out.error(doc.key_at("announcement"), "MAT607", "公示须在专家组复核确认（confirmed）之后进行（指南 8.4.2）。Announcement without a confirmed review.")
        elif ann.start < as_date(review["date"]):
            out.error(doc.at("announcement", "start"), "MAT406", "公示开始日期早于复核日期。Dates out of order.")
        if ann.level is not None and (recommended is None or ann.level > recommended):
            out.error(doc.at("announcement", "level"), "MAT601", f"公示等级（{ann.level} 星）高于推荐等级（{model.level_name(recommended)}）。Announced level above the recommended level.")
        for i, o in enumerate(ann.objections):
            if o.received < ann.start:
                out.error(doc.at("announcement", "objections", i, "received"), "MAT406", "异议收到日期早于公示开始日期。Dates out of order.")
            elif o.received > ann.last_day:
                out.warning(doc.at("announcement", "objections", i, "received"), "MAT406", f"异议在公示期（截至 {ann.last_day}）之后收到。Objection after the period.")
            if o.closed and o.closed < o.received:
                out.error(doc.at("announcement", "objections", i, "closed"), "MAT406", "异议办结日期早于收到日期。Dates out of order.")
            if o.outcome != "pending" and not o.handling:
                out.error(doc.at("announcement", "objections", i), "MAT614", "已办结的异议须记录处理情况 handling。Handling required.")
    if calendar.unknown_years:
        years = "、".join(str(y) for y in sorted(calendar.unknown_years))
        out.warning(doc.at("announcement", "start") if raw_ann else doc.at(), "MAT612",
                    f"日历数据不含 {years} 年的法定节假日和调休，公示期按周末计算；请在 mkdocs.yml 的 holidays / workdays 中补充。Holiday data missing.")
    cert = certificate_of(a, settings)
    if cert is None:
        return
    if not confirmed:
        out.error(doc.key_at("certificate"), "MAT600", "发证须有评估管理机构专家组“confirmed”的复核确认结果（指南 8.4.1）。Certificate without a confirmed review.")
    elif cert.issued < as_date(review["date"]):
        out.error(doc.at("certificate", "issued"), "MAT406", "发证日期早于复核日期。Dates out of order.")
    if ann is None:
        out.error(doc.key_at("certificate"), "MAT604", "发证前须经公示（publication.yml 缺少 announcement）。Certificate without an announcement.")
    else:
        if cert.issued <= ann.last_day:
            out.error(doc.at("certificate", "issued"), "MAT605", f"公示期至 {ann.last_day} 结束，证书须在公示期结束后签发。Issued before the announcement closed.")
        if ann.upheld:
            out.error(doc.key_at("certificate"), "MAT606", "公示期内有成立的异议（upheld），不得发证。Certificate despite an upheld objection.")
        open_ = [o for o in ann.objections if o.outcome == "pending" or (o.closed and o.closed > cert.issued)]
        if open_:
            out.error(doc.key_at("certificate"), "MAT606", "发证时仍有未办结的异议。Objection still open at issue.")
    if "valid_until" in pub["certificate"] and cert.valid_until <= cert.issued:
        out.error(doc.at("certificate", "valid_until"), "MAT406", "有效期截止日期应晚于发证日期。Dates out of order.")
    if recommended is None or cert.level > recommended:
        out.error(doc.at("certificate", "level"), "MAT601", f"证书等级（{cert.level} 星）高于评估结果的推荐等级（{model.level_name(recommended)}）。Certificate level above the recommended level.")
    if not settings.number_matches(cert.number):
        out.error(doc.at("certificate", "number"), "MAT608", f"证书编号 {cert.number} 不符合编号规则 {settings.certificate_number}。Number does not match the scheme.")
    if not cert.digest:
        out.error(doc.key_at("certificate"), "MAT611", "证书缺少签发时的数据摘要 digest；运行 maturity digest 评估目录 生成。Certificate digest missing.")
    _check_events(doc, cert, out)


def _check_events(doc, cert: Certificate, out: Collector) -> None:
    state, last = "valid", cert.issued
    for i, e in enumerate(cert.events):
        where = doc.at("certificate", "events", i)
        if e.date < last:
            out.error(doc.at("certificate", "events", i, "date"), "MAT609", f"状态事件“{EVENTS[e.kind]}”的日期（{e.date}）早于前一事件或发证日期（{last}）。Events out of order.")
        last = max(last, e.date)
        if state == "revoked":
            out.error(where, "MAT609", "证书撤销后不能再有状态事件。No events after revocation.")
        elif e.kind == "restored" and state != "suspended":
            out.error(where, "MAT609", "只有暂停中的证书才能恢复。Restored without a suspension.")
        elif e.kind == "suspended" and state == "suspended":
            out.error(where, "MAT609", "证书已处于暂停状态。Already suspended.")
        elif e.kind == "reissued" and not e.digest:
            out.error(where, "MAT609", "重新签发须记录新的数据摘要 digest。Reissue without a digest.")
        if e.kind in ("suspended", "restored", "revoked"):
            state = {"suspended": "suspended", "restored": "valid", "revoked": "revoked"}[e.kind]
        if e.kind in ("suspended", "revoked") and not e.reason:
            out.error(where, "MAT609", f"“{EVENTS[e.kind]}”须写明原因 reason。Reason required.")


def check_certificate_numbers(assessments: list[Assessment], out: Collector) -> None:
    seen: dict[str, Assessment] = {}
    for a in assessments:
        cert = certificate_of(a)
        if cert is None:
            continue
        if cert.number in seen:
            out.error(a.publication_doc.at("certificate", "number"), "MAT602", f"证书编号 {cert.number} 与评估 {seen[cert.number].id} 重复。Duplicate certificate number.")
        else:
            seen[cert.number] = a
