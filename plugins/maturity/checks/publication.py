"""Guide 8.4 checked: the review, the announcement, the certificate and its status events (MAT6xx)."""

from __future__ import annotations

from maturity import i18n
from maturity.data.assessment import Assessment
from maturity.data.evidence import as_date
from maturity.data.model import Model
from maturity.data.publication import Certificate, announcement_of, certificate_of
from maturity.data.workdays import WorkingCalendar
from maturity.data.text import normalised, slug
from maturity.diagnostics import Collector
from maturity.settings import PublicationSettings


def check_publication(a: Assessment, model: Model, result, settings: PublicationSettings, calendar: WorkingCalendar,
                      out: Collector) -> None:
    doc, pub = a.publication_doc, a.publication
    if doc is None:
        return
    review, raw_ann, raw_cert = pub.get("review"), pub.get("announcement"), pub.get("certificate")
    if a.is_self_assessment and (review or raw_ann or raw_cert):
        out.error(doc.at(), "MAT603")
        return
    if (review or raw_ann or raw_cert) and not a.concluded:
        first = "review" if review else "announcement" if raw_ann else "certificate"
        out.error(doc.key_at(first), "MAT617", stage=i18n.t(f"stages.{a.stage}"))
    confirmed = bool(review) and review["decision"] == "confirmed"
    report = a.date("report")
    if review and report and as_date(review["date"]) < report:
        out.error(doc.at("review", "date"), "MAT406.review_before_report", report=report)
    if review and review["decision"] == "returned" and not review.get("reasons"):
        out.error(doc.at("review", "decision"), "MAT607.reasons")
    recommended = result.recommended_level if result else None
    ann = announcement_of(a, settings, calendar)
    if ann is not None:
        if not confirmed:
            out.error(doc.key_at("announcement"), "MAT607.announcement")
        elif ann.start < as_date(review["date"]):
            out.error(doc.at("announcement", "start"), "MAT406.announcement_before_review")
        if ann.level is not None and (recommended is None or ann.level > recommended):
            out.error(doc.at("announcement", "level"), "MAT601.announcement", level=model.level_name(ann.level), recommended=model.level_name(recommended))
        for i, o in enumerate(ann.objections):
            if o.received < ann.start:
                out.error(doc.at("announcement", "objections", i, "received"), "MAT406.objection_before_announcement")
            elif o.received > ann.last_day:
                out.warning(doc.at("announcement", "objections", i, "received"), "MAT406.objection_late", last_day=ann.last_day)
            if o.closed and o.closed < o.received:
                out.error(doc.at("announcement", "objections", i, "closed"), "MAT406.objection_closed_before_received")
            if o.outcome != "pending" and not o.handling:
                out.error(doc.at("announcement", "objections", i), "MAT614")
    if calendar.unknown_years:
        years = "、".join(str(y) for y in sorted(calendar.unknown_years))
        out.warning(doc.at("announcement", "start") if raw_ann else doc.at(), "MAT612", years=years)
    cert = certificate_of(a, settings)
    if cert is None:
        return
    if not confirmed:
        out.error(doc.key_at("certificate"), "MAT600")
    elif cert.issued < as_date(review["date"]):
        out.error(doc.at("certificate", "issued"), "MAT406.issued_before_review")
    if ann is None:
        out.error(doc.key_at("certificate"), "MAT604")
    else:
        if cert.issued <= ann.last_day:
            out.error(doc.at("certificate", "issued"), "MAT605", last_day=ann.last_day)
        if ann.upheld:
            out.error(doc.key_at("certificate"), "MAT606.upheld")
        open_ = [o for o in ann.objections if o.outcome == "pending" or (o.closed and o.closed > cert.issued)]
        if open_:
            out.error(doc.key_at("certificate"), "MAT606.open")
    if "valid_until" in pub["certificate"] and cert.valid_until <= cert.issued:
        out.error(doc.at("certificate", "valid_until"), "MAT406.valid_until")
    if recommended is None or cert.level > recommended:
        out.error(doc.at("certificate", "level"), "MAT601.certificate", level=model.level_name(cert.level), recommended=model.level_name(recommended))
    if not settings.number_matches(cert.number):
        out.error(doc.at("certificate", "number"), "MAT608", number=cert.number, pattern=settings.certificate_number)
    if not cert.digest:
        out.error(doc.key_at("certificate"), "MAT611")
    _check_events(doc, cert, out)


def _check_events(doc, cert: Certificate, out: Collector) -> None:
    state, last = "valid", cert.issued
    for i, e in enumerate(cert.events):
        where = doc.at("certificate", "events", i)
        if e.date < last:
            out.error(doc.at("certificate", "events", i, "date"), "MAT609.order", event=i18n.t(f"events.{e.kind}"), date=e.date, previous=last)
        last = max(last, e.date)
        if state == "revoked":
            out.error(where, "MAT609.after_revocation")
        elif e.kind == "restored" and state != "suspended":
            out.error(where, "MAT609.restored")
        elif e.kind == "suspended" and state == "suspended":
            out.error(where, "MAT609.already_suspended")
        elif e.kind == "reissued" and not e.digest:
            out.error(where, "MAT609.reissue_digest")
        if e.kind in ("suspended", "restored", "revoked"):
            state = {"suspended": "suspended", "restored": "valid", "revoked": "revoked"}[e.kind]
        if e.kind in ("suspended", "revoked") and not e.reason:
            out.error(where, "MAT609.reason", event=i18n.t(f"events.{e.kind}"))


def check_certificate_numbers(assessments: list[Assessment], out: Collector) -> None:
    """Numbers are unique as people read them and as the site names their pages (ZXGJ-1 and ZXGJ.1 share a page)."""
    seen: dict[str, Assessment] = {}
    for a in assessments:
        cert = certificate_of(a)
        if cert is None:
            continue
        key = slug(normalised(cert.number))
        if key in seen:
            out.error(a.publication_doc.at("certificate", "number"), "MAT602", number=cert.number, other=seen[key].id)
        else:
            seen[key] = a
