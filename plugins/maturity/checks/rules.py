"""The checks of one assessment against the model, the guide's process and its evidence."""

from __future__ import annotations

import datetime as dt

from maturity.data import classification
from maturity.data import uscc
from maturity.data.assessment import (FORMAL_STAGES, ON_SITE_STAGES, REVIEW_FAILED, SELF_STAGES, Assessment)
from maturity.diagnostics import Collector
from maturity.data.evidence import EvidenceRegister, as_date
from maturity.data.dates import add_months
from maturity.data.model import Model

OPERATING_MONTHS = 6  # 8.3.2 b


def check_record(a: Assessment, out: Collector) -> None:
    """assessment.yml on its own: organisation, team, conditions, process, dates."""
    doc, rec = a.record_doc, a.record
    org = rec["organisation"]
    why = uscc.problem(org["credit_code"])
    if why:
        out.error(doc.at("organisation", "credit_code"), "MAT101", f"{why}。Invalid unified social credit code.")
    if org["category"] not in classification.categories():
        out.error(doc.at("organisation", "category"), "MAT102", f"机构分类代码“{org['category']}”不存在，请使用 classification-003.yml 中的代码。Unknown category.")
    _check_stage(a, out)
    _check_team(a, out)
    _check_conditions(a, out)
    _check_document_reviews(a, out)
    _check_dates(a, out)


def _check_stage(a: Assessment, out: Collector) -> None:
    allowed = SELF_STAGES if a.is_self_assessment else FORMAL_STAGES
    if a.stage not in allowed:
        names = "、".join(allowed)
        out.error(a.record_doc.at("stage"), "MAT410", f"阶段“{a.stage}”不属于{'自评估' if a.is_self_assessment else '第三方评估'}；可选：{names}。Stage does not fit the kind.")


def _check_team(a: Assessment, out: Collector) -> None:
    doc, team = a.record_doc, a.record.get("team", [])
    if not any(m["role"] == "leader" for m in team):
        clause = "指南 6.1 a" if a.is_self_assessment else "指南 8.3.4"
        out.error(doc.key_at("team") if team else doc.at(), "MAT400", f"评估组没有组长（role: leader），{clause} 要求至少一名组长。Team has no leader.")
    if not a.is_self_assessment:
        org_name = a.organisation["name"].strip()
        for i, m in enumerate(team):
            if m["organisation"].strip() == org_name:
                out.error(doc.at("team", i, "organisation"), "MAT401", f"第三方评估组成员 {m['name']} 来自被评估方，不符合中立原则（指南 4 a）。Team member from the assessed organisation.")


def _check_conditions(a: Assessment, out: Collector) -> None:
    doc, rec = a.record_doc, a.record
    labels = {"a": "具备独立法人资格或经营资质", "b": "有固定办公场地和设施", "c": "已开展中小企业服务活动", "d": "有管理团队和专业服务人员"}
    for key, label in labels.items():
        if rec.get("eligibility", {}).get(key) is False:
            out.error(doc.at("eligibility", key), "MAT404", f"不满足评估对象要求 5 {key})：{label}。Eligibility not met.")
    if a.is_self_assessment:
        return
    conds = rec.get("application_conditions")
    if conds is None:
        out.error(doc.at(), "MAT403", "正式评估须记录申请条件 application_conditions（指南 8.3.2 a–f）。Application conditions missing.")
        return
    for key, ok in conds.items():
        if ok is False:
            out.error(doc.at("application_conditions", key), "MAT403", f"不满足申请条件 8.3.2 {key})，不能进行正式评估。Application condition not met.")


def _check_document_reviews(a: Assessment, out: Collector) -> None:
    if a.is_self_assessment:
        return
    doc, reviews = a.record_doc, a.record.get("document_reviews", [])
    on_site = a.stage in ON_SITE_STAGES
    if on_site and not reviews:
        out.error(doc.at("stage"), "MAT408", "已进入现场评估阶段，但没有文件审查记录（指南 8.3.5）。No document review before on-site work.")
        return
    if not reviews:
        return
    latest = max(range(len(reviews)), key=lambda i: (as_date(reviews[i]["date"]), i))
    if reviews[latest]["conclusion"] != REVIEW_FAILED:
        return
    if on_site:
        out.error(doc.at("stage"), "MAT402", f"最近一次文件审查结论为“{REVIEW_FAILED}”，不得开展现场评估（指南 8.3.5）。On-site stage after a failed document review.")
    for i, m in enumerate(a.record.get("meetings", [])):
        if m["kind"] in ("opening", "closing", "findings"):
            out.error(doc.at("meetings", i), "MAT402", f"最近一次文件审查结论为“{REVIEW_FAILED}”，不应记录现场评估会议（指南 8.3.5）。On-site meeting after a failed document review.")


def _check_dates(a: Assessment, out: Collector) -> None:
    """Dates follow the process of clause 8: each present date is not before the previous one."""
    doc, rec = a.record_doc, a.record
    chain: list[tuple[str, dt.date, tuple]] = []

    def add(label, value, *pointer):
        d = as_date(value)
        if d:
            chain.append((label, d, pointer))

    dates = rec.get("dates", {})
    add("开始日期", dates.get("started"), "dates", "started")
    add("申请日期", dates.get("applied"), "dates", "applied")
    add("受理日期", dates.get("accepted"), "dates", "accepted")
    for i, r in sorted(enumerate(rec.get("document_reviews", [])), key=lambda x: (x[1].get("round", x[0] + 1))):
        add(f"第 {r.get('round', i + 1)} 轮文件审查", r["date"], "document_reviews", i, "date")
    add("评估计划确认日期", dates.get("plan_confirmed"), "dates", "plan_confirmed")
    for i, m in enumerate(rec.get("meetings", [])):
        if m["kind"] in ("launch", "opening"):
            add("首次会议" if m["kind"] == "opening" else "启动会", m["date"], "meetings", i, "date")
    add("现场评估开始日期", dates.get("on_site_start"), "dates", "on_site_start")
    add("现场评估结束日期", dates.get("on_site_end"), "dates", "on_site_end")
    for i, m in enumerate(rec.get("meetings", [])):
        if m["kind"] == "closing":
            add("末次会议", m["date"], "meetings", i, "date")
    add("报告日期", dates.get("report"), "dates", "report")
    add("提交日期", dates.get("submitted"), "dates", "submitted")
    latest = None
    for label, d, pointer in chain:
        if latest and d < latest[1]:
            out.error(doc.at(*pointer), "MAT406", f"{label}（{d}）早于{latest[0]}（{latest[1]}），日期顺序不符合评估流程。Dates out of order.")
        elif not latest or d >= latest[1]:
            latest = (label, d)


def check_scores(a: Assessment, model: Model, register: EvidenceRegister, out: Collector) -> None:
    """scores.yml against the model at the applied level, and its evidence references."""
    level = a.applied_level
    if level not in model.level_numbers:  # a model file with fewer levels than the schema's 1–5
        out.error(a.record_doc.at("applied_level"), "MAT023", f"申请等级 {level} 不是模型 {model.id} 中的等级（可选：{'、'.join(map(str, model.level_numbers))}）。Level not in the model.")
        return
    doc = a.scores_doc
    if doc is None:
        return
    for code, block in doc.data.items():
        ad = model.assessment_domain(code)
        if ad is None:
            out.error(doc.key_at(code), "MAT200", f"未知的评估域代码 {code}。Unknown assessment domain.")
            continue
        if not ad.assessed_at(level):
            out.warning(doc.key_at(code), "MAT208", f"评估域 {code}（{ad.name}）在 {model.level_name(level)} 不参与评估，其得分不计入。Domain not assessed at the applied level.")
        wanted = {r.id for r in ad.requirements_at(level)}
        for rid, entry in block["requirements"].items():
            where = lambda: doc.key_at(code, "requirements", rid)  # noqa: E731 — located only when reported
            req = model.requirement(rid)
            if req is None:
                out.error(where(), "MAT202", f"未知的要求编号 {rid}。Unknown requirement.")
                continue
            if req.assessment_domain != code:
                out.error(where(), "MAT205", f"要求 {rid} 属于评估域 {req.assessment_domain}，不应列在 {code} 下。Requirement under the wrong domain.")
                continue
            if rid not in wanted and ad.assessed_at(level):
                out.warning(where(), "MAT204", f"要求 {rid} 不属于 {model.level_name(level)} 的要求，其得分不计入。Requirement outside the applied level.")
            _check_evidence_refs(a, code, rid, entry, register, out)
    for ad in model.assessment_domains_at(level):
        block = doc.data.get(ad.code)
        listed = block["requirements"] if block else {}
        for r in ad.requirements_at(level):
            if r.id not in listed:
                where = doc.key_at(ad.code) if block else doc.at()
                out.error(where, "MAT203", f"{model.level_name(level)}要求 {r.id}（{ad.name}）未评分。Requirement of the applied level not scored.")


def _check_evidence_refs(a, code, rid, entry, register: EvidenceRegister, out: Collector) -> None:
    doc = a.scores_doc
    refs = entry.get("evidence", [])
    for j, ref in enumerate(refs):
        if ref not in register.items:
            out.error(doc.at(code, "requirements", rid, "evidence", j), "MAT207",
                      f"证据 {ref} 在 evidence/{register.organisation}/register.yml 中不存在。Evidence reference resolves to nothing.")
    value = a.scores[rid].value
    if value and not refs:
        out.warning(doc.at(code, "requirements", rid, "score"), "MAT206", f"要求 {rid} 得分大于 0，但没有引用任何证据。Score above 0 without evidence.")


def check_operating_evidence(a: Assessment, register: EvidenceRegister, out: Collector) -> None:
    """8.3.2 b: evidence of at least six months of operation before the application."""
    applied = a.date("applied")
    if a.is_self_assessment or applied is None or a.scores_doc is None:
        return
    cited = {ref for s in a.scores.values() for ref in s.evidence if ref in register.items}
    dates = [register.items[ref].record_date for ref in cited if register.items[ref].record_date]
    earliest = min(dates, default=None)
    limit = add_months(applied, -OPERATING_MONTHS)
    if earliest is None or earliest > limit:
        shown = f"最早的证据记录日期为 {earliest}" if earliest else "没有带日期的证据"
        out.error(a.record_doc.at("dates", "applied"), "MAT405",
                  f"运行证据不足 6 个月：{shown}，应不晚于 {limit}（申请日期 {applied} 前 6 个月，指南 8.3.2 b）。Less than 6 months of operating evidence.")


def check_result(a: Assessment, model: Model, result, out: Collector) -> None:
    for lo, hi in result.inconsistent_levels:
        out.warning(a.scores_doc.at() if a.scores_doc else a.record_doc.at(), "MAT500",
                    f"{model.level_name(lo)}未达到 0.8，而更高的{model.level_name(hi)}达到了；推荐等级按最高符合等级确定，请复核评分。A lower level fails while a higher one passes.")
