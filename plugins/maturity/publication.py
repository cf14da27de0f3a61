"""Guide 8.4: the authority's review (复核确认) and the certificate, as recorded in ``publication.yml``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maturity.assessment import Assessment
from maturity.diagnostics import Collector
from maturity.evidence import as_date
from maturity.model import Model


@dataclass(frozen=True)
class Certificate:
    number: str
    level: int
    issued: dt.date
    valid_until: dt.date
    assessment_id: str


def certificate_of(a: Assessment) -> Certificate | None:
    cert = (a.publication or {}).get("certificate")
    if not cert:
        return None
    return Certificate(cert["number"], cert["level"], as_date(cert["issued"]), as_date(cert["valid_until"]), a.id)


def is_reviewed(a: Assessment) -> bool:
    review = (a.publication or {}).get("review")
    return bool(review) and review["decision"] == "confirmed"


def check_publication(a: Assessment, model: Model, result, out: Collector) -> None:
    doc, pub = a.publication_doc, a.publication
    if doc is None:
        return
    review, cert = pub.get("review"), pub.get("certificate")
    if a.is_self_assessment and (review or cert):
        out.error(doc.at(), "MAT603", "自评估结果不经复核、不发证书；publication.yml 只用于第三方评估。Self-assessments are not certified.")
        return
    report = a.date("report")
    if review and report and as_date(review["date"]) < report:
        out.error(doc.at("review", "date"), "MAT406", f"复核日期早于评估报告日期（{report}）。Dates out of order.")
    if not cert:
        return
    if not review or review["decision"] != "confirmed":
        out.error(doc.key_at("certificate"), "MAT600", "发证须有评估管理机构专家组“confirmed”的复核确认结果（指南 8.4.1）。Certificate without a confirmed review.")
    elif as_date(cert["issued"]) < as_date(review["date"]):
        out.error(doc.at("certificate", "issued"), "MAT406", "发证日期早于复核日期。Dates out of order.")
    if as_date(cert["valid_until"]) <= as_date(cert["issued"]):
        out.error(doc.at("certificate", "valid_until"), "MAT406", "有效期截止日期应晚于发证日期。Dates out of order.")
    recommended = result.recommended_level if result else None
    if recommended is None or cert["level"] > recommended:
        shown = model.level_name(recommended)
        out.error(doc.at("certificate", "level"), "MAT601", f"证书等级（{cert['level']} 星）高于评估结果的推荐等级（{shown}）。Certificate level above the recommended level.")


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
