"""``maturity diff`` as text (a terminal), Markdown (a pull request comment) and JSON (a machine).

Every word comes from the catalogue (``diff.*``); a flagged change (⚠) is shown before the others.
"""

from __future__ import annotations

from fractions import Fraction

from maturity import i18n
from maturity.data.model import Model
from maturity.exchange.diff import AssessmentDiff, RepositoryDiff
from maturity.scoring import display, exact


def t(key: str, **args) -> str:
    return i18n.t(f"diff.{key}", **args)


def _fig(v: Fraction | None) -> str:
    return "—" if v is None else display(v)


def _score(model: Model, v: Fraction | None) -> str:
    return t("unscored") if v is None else f"{model.scale_label(v)}({float(v):g})"


def _verdict(conforms: bool | None) -> str:
    return t("incomplete") if conforms is None else i18n.t("score.conforms") if conforms else i18n.t("score.fails")


def head_label(rd: RepositoryDiff) -> str:
    return rd.head if rd.head is not None else t("working_tree")


def headline(model: Model, d: AssessmentDiff) -> str:
    """E.g. “三星: 0.83 → 0.78，不再符合；推荐等级 三星 → 二星”."""
    if d.status == "added":
        return t("added_headline", level=model.level_name(d.new_applied), verdict=_verdict(d.new_conforms),
                 recommended=model.level_name(d.new_recommended))
    if d.status == "removed":
        return t("removed_headline")
    parts = []
    applied = d.new_applied
    lv = next((x for x in d.levels if x.level == applied), None)
    if lv and (lv.old != lv.new or d.old_conforms != d.new_conforms):
        if lv.new is None:
            verdict = t("verdict.none")
        elif d.old_conforms and not d.new_conforms:
            verdict = t("verdict.lost")
        elif not d.old_conforms and d.new_conforms:
            verdict = t("verdict.gained")
        elif d.new_conforms is not None:
            verdict = t("verdict.still_conforms") if d.new_conforms else t("verdict.still_fails")
        else:
            verdict = ""
        parts.append(f"{model.level_name(applied)}: {_fig(lv.old)} → {_fig(lv.new)}{verdict}")
    if d.old_applied != d.new_applied:
        parts.append(t("applied_changed", old=model.level_name(d.old_applied), new=model.level_name(d.new_applied)))
    if d.old_recommended != d.new_recommended:
        parts.append(t("recommended_changed", old=model.level_name(d.old_recommended), new=model.level_name(d.new_recommended)))
    return "；".join(parts) or t("unchanged")


def _status(d: AssessmentDiff) -> str:
    return t(f"status.{d.status}")


# -- text ------------------------------------------------------------------------------------------------

def render_text(rd: RepositoryDiff) -> str:
    model = rd.model
    out = [f"maturity diff {rd.base} → {head_label(rd)}"]
    if not rd.assessments and not rd.registers and not rd.assessors:
        out.append(t("nothing"))
    for d in rd.assessments:
        model = d.model or rd.model
        out += ["", f"{d.id} {d.name}（{_status(d)}）", f"  {'⚠ ' if d.conformity_changed else ''}{headline(model, d)}"]
        out += [f"  ⚠ {c.text()}" for c in d.changes if c.warn]
        if d.old_path and d.new_path and d.old_path != d.new_path:
            out.append("  " + t("moved", old=d.old_path, new=d.new_path))
        if d.scores:
            out.append("  " + t("scores_heading"))
            for s in d.scores:
                out.append(f"    {s.requirement} {_score(model, s.old)} → {_score(model, s.new)}  {s.text}")
        if d.evidence:
            out.append("  " + t("references_heading"))
            for e in d.evidence:
                out.append(f"    {e.requirement} " + " ".join([f"+{x}" for x in e.added] + [f"-{x}" for x in e.removed]))
        changed_levels = [x for x in d.levels if x.old != x.new]
        if changed_levels:
            out.append("  " + t("a_heading") + "；".join(f"{model.level_name(x.level)} {_fig(x.old)} → {_fig(x.new)}" for x in changed_levels))
        if d.domains:
            out.append("  " + t("b_heading") + "；".join(f"{x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.domains))
        if d.assessment_domains:
            out.append("  " + t("c_heading") + "；".join(f"{x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.assessment_domains))
        if d.domain_table:
            out.append("  " + t("domain_table") + "；".join(f"{code} {c}" for code, _, c in d.domain_table))
        rest = [c for c in d.changes if not c.warn]
        if rest:
            out.append("  " + t("changes_heading"))
            out += [f"    {c.text()}" for c in rest]
        for x in d.diagnostics:
            out.append(f"  {x}")
    for org, found in rd.registers:
        out += ["", t("register_heading", org=org)]
        out += [f"  {'⚠ ' if c.warn else ''}{c.text()}" for c in found]
    if rd.assessors:
        out += ["", t("assessors_heading")] + [f"  {c.text()}" for c in rd.assessors]
    for x in rd.diagnostics:
        out.append(str(x))
    return "\n".join(out)


# -- Markdown -------------------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Text inside a Markdown table or heading: no pipes, no HTML, no line breaks."""
    return (text or "").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def render_markdown(rd: RepositoryDiff) -> str:
    model = rd.model
    out = [f"## {t('md_title')}：`{rd.base}` → `{head_label(rd)}`", ""]
    if not rd.assessments and not rd.registers and not rd.assessors:
        out.append(t("nothing"))
    for d in rd.assessments:
        model = d.model or rd.model
        out += [f"### {d.id} {_md(d.name)}（{_status(d)}）", ""]
        line = headline(model, d)
        out += [f"> **⚠️ {line}**" if d.conformity_changed else f"> {line}", ""]
        flagged = [c for c in d.changes if c.warn]
        if flagged:
            out += [f"- ⚠️ **{_md(c.text())}**" for c in flagged] + [""]
        if d.scores:
            out += [t("md_scores_head"), "|---|---|---|---|"]
            out += [f"| `{s.requirement}` | {_score(model, s.old)} | {_score(model, s.new)} | {_md(s.text)} |" for s in d.scores]
            out.append("")
        if d.evidence:
            out += [t("md_references_head"), "|---|---|---|"]
            out += [f"| `{e.requirement}` | {' '.join(e.added) or '—'} | {' '.join(e.removed) or '—'} |" for e in d.evidence]
            out.append("")
        if d.levels:
            out += [t("md_levels_head"), "|---|---|---|---|"]
            for x in d.levels:
                verdict = _verdict(x.new_conforms) if x.new is not None else "—"
                if x.old_conforms is not None and x.old_conforms != x.new_conforms:
                    verdict = f"**{_verdict(x.old_conforms)} → {verdict}**"
                out.append(f"| {model.level_name(x.level)} | {_fig(x.old)} | {_fig(x.new)} | {verdict} |")
            out.append("")
        figures = [f"B {x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.domains] + \
                  [f"C {x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.assessment_domains]
        if figures:
            out += [t("figures") + "；".join(figures), ""]
        if d.domain_table:
            out += ["<details><summary>" + t("domain_table").rstrip("：") + "</summary>", "", t("md_domain_head"), "|---|---|---|"]
            out += [f"| `{code}` | {_md(name)} | {c} |" for code, name, c in d.domain_table]
            out += ["", "</details>", ""]
        rest = [c for c in d.changes if not c.warn]
        if rest:
            out += [f"- {_md(c.text())}" for c in rest] + [""]
        for x in d.diagnostics:
            out.append(f"- ❌ `{x.location}` {x.code} {_md(x.message)}")
        if d.diagnostics:
            out.append("")
    for org, found in rd.registers:
        out += [f"### {t('register_heading', org=org)}", ""]
        out += [f"- {'⚠️ **' + _md(c.text()) + '**' if c.warn else _md(c.text())}" for c in found] + [""]
    if rd.assessors:
        out += [f"### {t('assessors_heading')}", ""] + [f"- {_md(c.text())}" for c in rd.assessors] + [""]
    for x in rd.diagnostics:
        out.append(f"- ❌ `{x.location}` {x.code} {_md(x.message)}")
    return "\n".join(out).rstrip() + "\n"


# -- JSON -----------------------------------------------------------------------------------------------

def to_json(rd: RepositoryDiff) -> dict:
    model = rd.model

    def fig(v):
        return None if v is None else {"value": float(v), "exact": exact(v)}

    return {
        "base": rd.base, "head": rd.head,  # head null: the working tree
        "assessments": [{
            "id": d.id, "status": d.status, "organisation": d.name, "old_path": d.old_path, "new_path": d.new_path,
            "applied_level": {"old": d.old_applied, "new": d.new_applied},
            "conforms": {"old": d.old_conforms, "new": d.new_conforms},
            "recommended_level": {"old": d.old_recommended, "new": d.new_recommended},
            "conformity_changed": d.conformity_changed,
            "model": (d.model or model).key,
            "headline": headline(d.model or model, d),
            "scores": [{"requirement": s.requirement, "domain": s.domain, "text": s.text, "old": fig(s.old), "new": fig(s.new)} for s in d.scores],
            "evidence": [{"requirement": e.requirement, "added": list(e.added), "removed": list(e.removed)} for e in d.evidence],
            "levels": [{"level": x.level, "old": fig(x.old), "new": fig(x.new), "old_conforms": x.old_conforms, "new_conforms": x.new_conforms} for x in d.levels],
            "domains": [{"code": x.key, "old": fig(x.old), "new": fig(x.new)} for x in d.domains],
            "assessment_domains": [{"code": x.key, "old": fig(x.old), "new": fig(x.new)} for x in d.assessment_domains],
            "changes": [c.as_dict() for c in d.changes],
            "domain_table": [{"code": code, "name": name, "score": c} for code, name, c in d.domain_table],
            "diagnostics": [x.as_dict() for x in d.diagnostics],
        } for d in rd.assessments],
        "registers": [{"organisation": org, "changes": [c.as_dict() for c in found]} for org, found in rd.registers],
        "assessors": [c.as_dict() for c in rd.assessors],
        "diagnostics": [x.as_dict() for x in rd.diagnostics],
    }
