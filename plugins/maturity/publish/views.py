"""What the page templates show, prepared in Python: templates stay simple, and the rules stay testable.

- requirement rows of a report, the timeline of its dates, the evidence it cites, its charts;
- personal names as the authority's settings allow (PIPL: staff of the assessed organisation masked by default);
- the status of a certificate, with when and why it was suspended or revoked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maturity import i18n
from maturity.data.assessment import Assessment
from maturity.data.evidence import as_date
from maturity.publish import charts
from maturity.scoring import display, exact

ZH = i18n.translator("zh")


def localised(thing, tr: i18n.Translator = ZH, field: str = "name") -> str:
    """A model's name for a level, domain or scale value (``name``, ``label``, ``title``) in the words of ``tr``:
    the English edition uses ``<field>_en`` where the model gives one, else the Chinese."""
    own = getattr(thing, field)
    return (getattr(thing, f"{field}_en", "") or own) if tr.lang == "en" else own


def level_name(model, number: int | None, tr: i18n.Translator = ZH) -> str:
    """A level's name in ``model``, in the words of ``tr``."""
    if tr.lang != "en":
        return model.level_name(number)
    if number is None:
        return tr("page.no_level")
    found = next((lv for lv in model.levels if lv.level == number), None)
    return localised(found, tr) if found else tr("page.level_number", n=number)


@dataclass(frozen=True)
class RequirementRow:
    """One line of a report's requirement table, ready to print (templates stay simple and fast)."""

    id: str
    text: str
    score: str
    label: str
    css: str
    evidence: tuple[str, ...]
    note: str
    untranslated: bool = False  # the English edition shows the Chinese text: the model has no text_en


def requirement_rows(model, a: Assessment, tr: i18n.Translator = ZH) -> dict[str, list[RequirementRow]]:
    shown = {s.value: (display(s.value, 1), localised(s, tr, "label"), f"mt-s{int(s.value * 10)}") for s in model.scale}
    unscored = ("—", tr("diff.unscored"), "mt-unscored")
    english = tr.lang == "en"
    rows: dict[str, list[RequirementRow]] = {}
    for ad in model.assessment_domains_at(a.applied_level):
        out = rows[ad.code] = []
        for r in ad.requirements_at(a.applied_level):
            s = a.scores.get(r.id)
            score, label, css = shown[s.value] if s is not None and s.value is not None else unscored
            text = (r.text_en or r.text) if english else r.text
            out.append(RequirementRow(r.id, text, score, label, css, s.evidence if s else (), s.note if s else "",
                                      english and not r.text_en))
    return rows


DATED_STEPS = ("started", "applied", "accepted", "plan_confirmed", "on_site_start", "on_site_end", "report", "submitted")


def timeline(a: Assessment, tr: i18n.Translator = ZH) -> list[tuple[str, str, str]]:
    """Every dated step of the assessment, in date order (8.3.13 d: dates and places)."""
    rec = a.record
    steps = []
    for n, key in enumerate(DATED_STEPS):
        if rec.get("dates", {}).get(key):
            steps.append((as_date(rec["dates"][key]), n, tr(f"steps.{key}"), ""))
    for i, r in enumerate(rec.get("document_reviews", [])):
        detail = r["conclusion"] + (tr("punct.open") + r["notes"] + tr("punct.close") if r.get("notes") else "")
        steps.append((as_date(r["date"]), 10 + i, tr("steps.document_review", round=r.get("round", i + 1)), detail))
    for i, m in enumerate(rec.get("meetings", [])):
        detail = m.get("place", "")
        steps.append((as_date(m["date"]), 20 + i, tr(f"meetings.{m['kind']}"), detail))
    steps = sorted((s for s in steps if s[0] is not None), key=lambda s: (s[0], s[1]))
    return [(day.isoformat(), label, detail) for day, _, label, detail in steps]


def evidence_cited(a: Assessment, register) -> dict:
    """The evidence items this assessment cites, by id (unknown ids are impossible for a published one)."""
    return {ref: register.items[ref] for ref in a.cited if register and ref in register.items}


def report_charts(model, a: Assessment, result, tr: i18n.Translator = ZH) -> dict:
    applied = result.applied
    out = {}
    if applied is not None:
        axes = [(localised(cd, tr), applied.domains[cd.code]) for cd in model.capability_domains if cd.code in applied.domains]
        out["radar"] = charts.radar(f"radar-{a.id}", axes, model.threshold, tr)
    out["bars"] = charts.level_bars(f"bars-{a.id}", [(level_name(model, lv, tr), r.score, r.conforms) for lv, r in result.levels.items()],
                                    model.threshold, tr)
    columns = [level_name(model, lv, tr) for lv in result.levels]
    rows = []
    for ad in model.assessment_domains:
        values = [r.assessment_domains.get(ad.code) for r in result.levels.values()]
        if any(v is not None for v in values):
            rows.append((localised(ad, tr), values))
    out["heatmap"] = charts.heatmap(f"heat-{a.id}", rows, columns, tr)
    return out


# -- personal names ------------------------------------------------------------------------------------

def person(name: str, policy: str, tr: i18n.Translator = ZH) -> str:
    """A person's name as the policy allows: full, masked (刘**: the family name only), or hidden."""
    if policy == "full" or not name:
        return name
    if policy == "masked":
        return name.strip()[:1] + "**"
    return tr("page.name_hidden")


# -- certificate status -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusLine:
    """What a visitor must see first about a certificate: its status, its dates, and why."""

    status: str
    label: str
    issued: dt.date | None
    valid_until: dt.date | None
    since: dt.date | None  # when a suspension or revocation took effect
    reason: str  # why it was suspended or revoked
    surveillance_due: dt.date | None


def status_line(standing) -> StatusLine:
    cert = standing.certificate
    since, reason = None, ""
    if cert is not None and standing.status in ("suspended", "revoked"):
        event = next((e for e in reversed(cert.events) if e.kind == standing.status), None)
        if event is not None:
            since, reason = event.date, event.reason
    return StatusLine(standing.status, standing.label, cert.issued if cert else None, cert.valid_until if cert else None,
                      since, reason, standing.surveillance_due)


def figure(value) -> dict:
    """A score as shown (truncated) with its exact value for the title attribute."""
    return {"shown": display(value), "exact": exact(value)}


def footer_values(pages) -> dict:
    """What the footer partial shows: the filing numbers, and the digits the 公安 register looks up."""
    return {"icp_number": pages.icp_number, "police_number": pages.police_number,
            "police_code": "".join(ch for ch in pages.police_number if ch.isascii() and ch.isdigit())}
