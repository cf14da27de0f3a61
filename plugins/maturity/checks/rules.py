"""The checks of one assessment against the model, the guide's process and its evidence."""

from __future__ import annotations

import datetime as dt

from maturity.data import classification
from maturity.data import uscc
from maturity.data.text import normalised, suggestion
from maturity.data.assessment import (FORMAL_STAGES, ON_SITE_STAGES, PLACEHOLDER, REVIEW_FAILED, SELF_STAGES, Assessment)
from maturity import i18n
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
        key, args = why
        out.error(doc.at("organisation", "credit_code"), f"MAT101.{key}", **args)
    if org["category"] not in classification.categories():
        out.error(doc.at("organisation", "category"), "MAT102", code=org["category"],
                  hint=suggestion(org["category"], classification.categories()))
    _check_stage(a, out)
    _check_team(a, out)
    _check_conditions(a, out)
    _check_document_reviews(a, out)
    _check_dates(a, out)


def _check_stage(a: Assessment, out: Collector) -> None:
    allowed = SELF_STAGES if a.is_self_assessment else FORMAL_STAGES
    if a.stage not in allowed:
        out.error(a.record_doc.at("stage"), "MAT410", stage=a.stage, kind=i18n.t(f"kinds.{a.kind}"), allowed="、".join(allowed))


# From the document review on, the third-party team is formed (8.3.4 comes before 8.3.5).
TEAM_FORMED_STAGES = ("document_review",) + ON_SITE_STAGES


def _check_team(a: Assessment, out: Collector) -> None:
    doc, team = a.record_doc, a.team
    if not any(m.role == "leader" for m in team):
        clause = "指南 6.1 a" if a.is_self_assessment else "指南 8.3.4"
        out.error(doc.key_at("team") if team else doc.at(), "MAT400", clause=clause)
    if a.is_self_assessment:
        return
    if a.stage in TEAM_FORMED_STAGES and not any(m.role == "member" for m in team):
        # 8.3.4: at least one leader and 若干名 (some) members; experts advise, they are not members.
        out.error(doc.key_at("team") if team else doc.at("stage"), "MAT704", stage=i18n.t(f"stages.{a.stage}"))
    # Compared as people read them: full-width and half-width alike, zero-width characters ignored;
    # a department or branch of the assessed organisation ("…有限公司质量部") is the organisation too.
    # Entries that name a registered assessor are checked against the register (MAT705).
    org_name = normalised(a.organisation["name"])
    for m in team:
        if m.assessor is None and org_name and org_name in normalised(m.organisation):
            out.error(doc.at("team", m.index, "organisation"), "MAT401", name=m.name)


def _check_conditions(a: Assessment, out: Collector) -> None:
    doc, rec = a.record_doc, a.record
    for key in ("a", "b", "c", "d"):  # e (part-time experts) is 宜, optional
        if rec.get("eligibility", {}).get(key) is False:
            out.error(doc.at("eligibility", key), "MAT404", key=key, label=i18n.t(f"eligibility.{key}"))
    if a.is_self_assessment:
        return
    conds = rec.get("application_conditions")
    if conds is None:
        out.error(doc.at(), "MAT403.missing")
        return
    for key, ok in conds.items():
        if ok is False:
            out.error(doc.at("application_conditions", key), "MAT403.not_met", key=key)


def _check_document_reviews(a: Assessment, out: Collector) -> None:
    if a.is_self_assessment:
        return
    doc, reviews = a.record_doc, a.record.get("document_reviews", [])
    on_site = a.stage in ON_SITE_STAGES
    if on_site and not reviews:
        out.error(doc.at("stage"), "MAT408")
        return
    if not reviews:
        return
    latest = max(range(len(reviews)), key=lambda i: (as_date(reviews[i]["date"]), i))
    if reviews[latest]["conclusion"] != REVIEW_FAILED:
        return
    if on_site:
        out.error(doc.at("stage"), "MAT402.stage", conclusion=REVIEW_FAILED)
    for i, m in enumerate(a.record.get("meetings", [])):
        if m["kind"] in ("opening", "closing", "findings"):
            out.error(doc.at("meetings", i), "MAT402.meeting", conclusion=REVIEW_FAILED)


def _check_dates(a: Assessment, out: Collector) -> None:
    """Dates follow the process of clause 8: each present date is not before the previous one."""
    doc, rec = a.record_doc, a.record
    chain: list[tuple[str, dt.date, tuple]] = []

    def add(label, value, *pointer):
        d = as_date(value)
        if d:
            chain.append((label, d, pointer))

    def step(name: str) -> str:
        return i18n.t(f"date_names.{name}")

    dates = rec.get("dates", {})
    add(step("started"), dates.get("started"), "dates", "started")
    add(step("applied"), dates.get("applied"), "dates", "applied")
    add(step("accepted"), dates.get("accepted"), "dates", "accepted")
    for i, r in sorted(enumerate(rec.get("document_reviews", [])), key=lambda x: (x[1].get("round", x[0] + 1))):
        add(i18n.t("date_names.document_review", round=r.get("round", i + 1)), r["date"], "document_reviews", i, "date")
    add(step("plan_confirmed"), dates.get("plan_confirmed"), "dates", "plan_confirmed")
    for i, m in enumerate(rec.get("meetings", [])):
        if m["kind"] in ("launch", "opening"):
            add(i18n.t(f"date_names.{m['kind']}"), m["date"], "meetings", i, "date")
    add(step("on_site_start"), dates.get("on_site_start"), "dates", "on_site_start")
    add(step("on_site_end"), dates.get("on_site_end"), "dates", "on_site_end")
    for i, m in enumerate(rec.get("meetings", [])):
        if m["kind"] == "closing":
            add(i18n.t("date_names.closing"), m["date"], "meetings", i, "date")
    add(step("report"), dates.get("report"), "dates", "report")
    add(step("submitted"), dates.get("submitted"), "dates", "submitted")
    latest = None
    for label, d, pointer in chain:
        if latest and d < latest[1]:
            out.error(doc.at(*pointer), "MAT406.process", label=label, date=d, previous=latest[0], previous_date=latest[1])
        elif not latest or d >= latest[1]:
            latest = (label, d)


def check_partial_scores(a: Assessment, model: Model, register: EvidenceRegister, out: Collector) -> None:
    """A scores.yml with schema errors: the evidence references of its well-formed lines, checked in the same pass."""
    doc = a.partial_doc
    if doc is None or not isinstance(doc.data, dict):
        return
    for code, block in doc.data.items():
        requirements = block.get("requirements") if isinstance(block, dict) else None
        for rid, entry in (requirements.items() if isinstance(requirements, dict) else ()):
            refs = entry.get("evidence") if isinstance(entry, dict) else None
            for j, ref in enumerate(refs if isinstance(refs, list) else ()):
                if isinstance(ref, str) and ref not in register.items:
                    out.error(doc.at(code, "requirements", rid, "evidence", j), "MAT207", ref=ref,
                              register=register.path or f"evidence/{register.organisation}/register.yml",
                              hint=suggestion(ref, register.items))


def check_scores(a: Assessment, model: Model, register: EvidenceRegister, out: Collector) -> None:
    """scores.yml against the model at the applied level, and its evidence references."""
    level = a.applied_level
    if level not in model.level_numbers:  # a model file with fewer levels than the schema's 1–5
        out.error(a.record_doc.at("applied_level"), "MAT023.level", level=level, model=model.id, allowed="、".join(map(str, model.level_numbers)))
        return
    doc = a.scores_doc
    if doc is None:
        return
    for code, block in doc.data.items():
        ad = model.assessment_domain(code)
        if ad is None:
            out.error(doc.key_at(code), "MAT200", code=code, hint=suggestion(code, [ad.code for ad in model.assessment_domains]))
            continue
        if not ad.assessed_at(level):
            out.warning(doc.key_at(code), "MAT208", code=code, name=ad.name, level=model.level_name(level))
        wanted = {r.id for r in ad.requirements_at(level)}
        for rid, entry in block["requirements"].items():
            where = lambda: doc.key_at(code, "requirements", rid)  # noqa: E731 — located only when reported
            req = model.requirement(rid)
            if req is None:
                out.error(where(), "MAT202", id=rid, hint=suggestion(rid, [r.id for r in model.requirements_at(level)]))
                continue
            if req.assessment_domain != code:
                out.error(where(), "MAT205", id=rid, domain=req.assessment_domain, listed=code)
                continue
            if rid not in wanted and ad.assessed_at(level):
                out.warning(where(), "MAT204", id=rid, level=model.level_name(level))
            _check_evidence_refs(a, code, rid, entry, register, out)
    for ad in model.assessment_domains_at(level):
        block = doc.data.get(ad.code)
        listed = block["requirements"] if block else {}
        for r in ad.requirements_at(level):
            if r.id not in listed:
                where = doc.key_at(ad.code) if block else doc.at()
                out.error(where, "MAT203", level=model.level_name(level), id=r.id, domain=ad.name)


def _check_evidence_refs(a, code, rid, entry, register: EvidenceRegister, out: Collector) -> None:
    doc = a.scores_doc
    refs = entry.get("evidence", [])
    for j, ref in enumerate(refs):
        if ref not in register.items:
            out.error(doc.at(code, "requirements", rid, "evidence", j), "MAT207",
                      ref=ref, register=register.path or f"evidence/{register.organisation}/register.yml",
                      hint=suggestion(ref, register.items))
    value = a.scores[rid].value
    if value and not refs:
        out.warning(doc.at(code, "requirements", rid, "score"), "MAT206", id=rid)


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
        found = i18n.t("diagnostics.MAT405.found", date=earliest) if earliest else i18n.t("diagnostics.MAT405.none")
        out.error(a.record_doc.at("dates", "applied"), "MAT405", found=found, limit=limit, applied=applied)


def check_concluded(a: Assessment, model: Model, result, out: Collector) -> None:
    """What the stage of conclusion needs: every requirement scored, the report's date and conclusion, no placeholder."""
    if not a.concluded:
        return
    doc, rec, stage = a.record_doc, a.record, i18n.t(f"stages.{a.stage}")
    if a.scores_doc is not None and result is not None:
        for rid in result.unscored:
            req = model.requirement(rid)
            out.error(a.scores_doc.key_at(req.assessment_domain, "requirements", rid), "MAT210", id=rid, stage=stage,
                      level=model.level_name(a.applied_level))
    needed = [("report", ("dates", "report"))] + ([("submitted", ("dates", "submitted"))] if a.stage == "submitted" else [])
    for what, pointer in needed:
        if not rec.get(pointer[0], {}).get(pointer[1]):
            out.error(doc.at("stage"), f"MAT411.{what}", stage=stage)
    if not (rec.get("conclusion") or {}).get("summary"):
        out.error(doc.at("stage"), "MAT411.conclusion", stage=stage)
    for d in (a.record_doc, a.scores_doc):
        text = d.text if d is not None else None  # once: the text is kept compressed, each read unpacks it
        if text is not None and PLACEHOLDER not in text and "\\" not in text:
            continue  # not in the text, and no escape sequence that could spell it: no value holds it
        for pointer in _placeholders(d.data if d is not None else None):
            out.error(d.at(*pointer), "MAT412", field="/".join(map(str, pointer)), stage=stage, placeholder=PLACEHOLDER)


def _placeholders(data, pointer: tuple = ()):
    """Pointers of the strings that still hold the placeholder `maturity new` wrote."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _placeholders(value, pointer + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _placeholders(value, pointer + (i,))
    elif isinstance(data, str) and PLACEHOLDER in data:
        yield pointer


def check_result(a: Assessment, model: Model, result, out: Collector) -> None:
    for lo, hi in result.inconsistent_levels:
        out.warning(a.scores_doc.at() if a.scores_doc else a.record_doc.at(), "MAT500",
                    lower=model.level_name(lo), higher=model.level_name(hi))
