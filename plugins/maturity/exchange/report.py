"""Results as plain data: the documented JSON of ``maturity score`` and what pages show."""

from __future__ import annotations

from maturity import i18n
from maturity.data.model import Model
from maturity.scoring import AssessmentResult, display, exact

RESULT_SCHEMA_VERSION = 2  # 2: stage, concluded, complete and unscored; conforms is null until complete


def result_json(model: Model, a, result: AssessmentResult | None, diagnostics=()) -> dict:
    """The JSON object of one assessment's result (all figures at the applied level)."""
    out = {
        "schema_version": RESULT_SCHEMA_VERSION,
        "id": a.id,
        "organisation": {"id": a.organisation["id"], "name": a.organisation["name"], "credit_code": a.organisation["credit_code"]},
        "kind": a.kind,
        "model": model.id,
        "applied_level": a.applied_level,
        "stage": a.stage,
        "concluded": a.concluded,  # the guide's stage of conclusion reached: the figures are a result
        "valid": not any(d.is_error for d in diagnostics),
        "complete": False,  # every requirement of the applied level scored
        "unscored": [],
        "levels": {},
        "conforms": None,
        "recommended_level": None,
        "domains": {},
        "assessment_domains": {},
        "exact": {"levels": {}, "domains": {}, "assessment_domains": {}},
        "diagnostics": [d.as_dict() for d in diagnostics],
    }
    if result is None:
        return out
    out["complete"] = result.complete
    out["unscored"] = list(result.unscored)
    for level, r in result.levels.items():
        out["levels"][str(level)] = {"score": float(r.score), "requirements": r.requirements, "conforms": r.conforms}
        out["exact"]["levels"][str(level)] = exact(r.score)
    applied = result.applied
    if applied is not None:
        out["conforms"] = result.conforms
        out["recommended_level"] = result.recommended_level
        out["domains"] = {k: float(v) for k, v in applied.domains.items()}
        out["assessment_domains"] = {k: float(v) for k, v in applied.assessment_domains.items()}
        out["exact"]["domains"] = {k: exact(v) for k, v in applied.domains.items()}
        out["exact"]["assessment_domains"] = {k: exact(v) for k, v in applied.assessment_domains.items()}
    return out


def result_text(model: Model, a, result: AssessmentResult | None) -> str:
    def t(key: str, **args) -> str:
        return i18n.t(f"score.{key}", **args)

    lines = [f"{a.id}  {a.organisation['name']}（{a.organisation['credit_code']}）",
             t("header", kind=t(f"kind_{a.kind}"), level=model.level_name(a.applied_level), stage=i18n.t(f"stages.{a.stage}")), ""]
    if not a.concluded:
        lines += [t("in_progress"), ""]
    if result is not None and not result.complete:
        lines += [t("incomplete", n=len(result.unscored)) if result.unscored else t("not_computable"), ""]
    if result is None or not result.levels:
        return "\n".join(lines).rstrip()
    lines.append(t("table_head"))
    for level, r in result.levels.items():
        verdict = t("conforms") if r.conforms else t("fails")
        lines.append(f"{model.level_name(level)}    {display(r.score) + '（' + exact(r.score) + '）':<24} {r.requirements:<8} {verdict}")
    applied = result.applied
    if applied is not None:
        verdict = t("conforms") if applied.conforms else t("fails")
        lines += ["", t("verdict_self" if a.is_self_assessment else "verdict", verdict=verdict,
                        level=model.level_name(a.applied_level), a=display(applied.score), exact=exact(applied.score),
                        threshold=display(model.threshold), recommended=model.level_name(result.recommended_level))]
        lines += ["", t("domains")]
        for cd in model.capability_domains:
            if cd.code in applied.domains:
                lines.append(f"  {cd.code:<4} {cd.name:<8} {display(applied.domains[cd.code])}")
        lines.append(t("assessment_domains"))
        width = max(7, *(len(ad.code) for ad in model.assessment_domains))  # longer codes stay in their column
        for ad in model.assessment_domains:
            if ad.code in applied.assessment_domains:
                lines.append(f"  {ad.code:<{width}} {ad.name:<10} {display(applied.assessment_domains[ad.code])}")
    return "\n".join(lines)


def model_json(model: Model) -> dict:
    return {
        "id": model.id,
        "version": model.version,
        "key": model.key,
        "status": model.status,
        "title": model.title,
        "requirements_status": model.requirements_status,
        "requirements_notice": model.requirements_notice,
        "threshold": float(model.threshold),
        "levels": [{"level": lv.level, "name": lv.name, "description": lv.description,
                    "assessment_domains": len(model.assessment_domains_at(lv.level)),
                    "requirements": len(model.requirements_at(lv.level))} for lv in model.levels],
        "scale": [{"label": s.label, "label_en": s.label_en, "value": float(s.value)} for s in model.scale],
        "capability_domains": [{
            "code": cd.code, "name": cd.name, "name_en": cd.name_en,
            "assessment_domains": [{
                "code": ad.code, "name": ad.name, "name_en": ad.name_en, "levels": list(ad.levels),
                "requirements": [{"id": r.id, "levels": sorted(r.levels), "text": r.text} for r in ad.requirements],
            } for ad in cd.assessment_domains],
        } for cd in model.capability_domains],
    }


def model_text(model: Model) -> str:
    lines = [f"{model.title}（{model.id}）"]
    if model.status != "in_force":  # a draft or a superseded version says so before anything else
        lines.append(i18n.t("cli.model_version", version=model.version, status=i18n.t("model_status." + model.status)))
    if model.requirements_status in ("drafted", "draft_standard"):
        lines.append(i18n.t("cli.requirements_" + model.requirements_status))
    lines.append("")
    width = max((len(ad.code) for ad in model.assessment_domains), default=6) + 1  # codes of any length stay apart
    header = "评估域".ljust(15 + width) + "  ".join(lv.name for lv in model.levels)
    lines.append(header)
    for cd in model.capability_domains:
        lines.append(f"{cd.code} {cd.name}")
        for ad in cd.assessment_domains:
            cells = "  ".join(f"{len(ad.requirements_at(lv.level)):>4}" if ad.assessed_at(lv.level) else "   ·" for lv in model.levels)
            lines.append(f"  {ad.code:<{width}}{ad.name:<12}{cells}")
    lines.append("")
    lines.append("各等级评估域数 / 要求数：" + "，".join(
        f"{lv.name} {len(model.assessment_domains_at(lv.level))}/{len(model.requirements_at(lv.level))}" for lv in model.levels))
    return "\n".join(lines)
