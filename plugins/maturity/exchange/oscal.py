"""OSCAL 1.1.3 exports: one assessment as Assessment Results, a model as a Catalog (JSON).

The mapping (documented for users in ``docs/guide/oscal.md``):

- **Catalog**: capability domain → group, assessment domain → sub-group, requirement → control whose
  ``statement`` part holds the requirement's text; the levels a requirement (or a domain) applies at are
  ``level`` properties. Levels, scale and threshold are properties of the catalog's metadata.
- **Assessment Results**: one result per assessment. Every requirement of the applied level is a reviewed
  control; every *scored* requirement has one finding (its score, label and note, and the evidence it
  cites as related observations); every evidence item cited is one observation. The level result —
  whether the organisation conforms, A as an exact fraction and as displayed, the recommended (or, for a
  self-assessment, predicted) level — is a set of result properties, present only from the stage of
  conclusion on (``CONCLUDED_STAGES``), as on the site.

What the export never says: a verdict before the stage of conclusion, a score for a requirement not yet
scored (待评分 is no finding: OSCAL's finding status is only satisfied / not-satisfied, and either would
invent a result), and of evidence no more than the report page shows: a restricted item by its id, title,
dates and sha256, a confidential one by its id and sha256 — never a file path, URL or description of either.
People are not named at all.

The same data always gives the same bytes: UUIDs are uuid5 of the assessment's and requirements' ids,
timestamps come from the data's dates (Beijing time), lists are in model or id order.

This module knows nothing of MkDocs or of the command line: :mod:`maturity.cli.export` calls it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from fractions import Fraction

from maturity import i18n
from maturity.data.assessment import Assessment
from maturity.data.evidence import EvidenceItem, EvidenceRegister, as_date
from maturity.data.model import Model
from maturity.publish import urls
from maturity.scoring import AssessmentResult, display, exact

OSCAL_VERSION = "1.1.3"
# The namespace of the properties this project defines (OSCAL ``ns``). ``.example`` is reserved (RFC 2606):
# the name never resolves and can never belong to someone else. It names the vocabulary, not a site:
# every deployment uses the same value, so that readers of any site's exports understand the same names.
NS = "https://maturity.example/ns/oscal"
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)  # every UUID is uuid5(this, "<kind>/<ids>")
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")  # the data's dates are dates in China
# A model file records no date; its catalog carries this fixed time rather than the time of the export.
UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
# How evidence was collected (guide 8.3.8) → OSCAL's observation methods. The project's own method is kept
# as the property ``method``.
METHODS = {"interview": "INTERVIEW", "observation": "EXAMINE", "site_tour": "EXAMINE",
           "document_review": "EXAMINE", "system_demo": "EXAMINE"}


class Refused(Exception):
    """The data cannot be exported; ``problems`` say where and why (one line each)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def uid(*parts: object) -> str:
    """The stable UUID of a thing named by ``parts`` (e.g. ``("finding", assessment id, requirement id)``)."""
    return str(uuid.uuid5(UUID_NAMESPACE, "/".join(str(p) for p in parts)))


def prop(name: str, value: object, **more: str) -> dict:
    """A property in the project's namespace (OSCAL: a token name, a value without surrounding spaces)."""
    out = {"name": name, "ns": NS, "value": str(value)}
    out.update(more)
    return out


def stamp(day: dt.date) -> str:
    """A date of the data as an OSCAL date-time: midnight in Beijing."""
    return dt.datetime.combine(day, dt.time(0), BEIJING).isoformat()


def dumps(document: dict) -> str:
    """The export as written: UTF-8 JSON, two-space indents, OSCAL's order of fields, a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _versioned(document: dict, metadata: dict) -> dict:
    """Fill ``metadata.version`` with a hash of everything else: it changes exactly when the content does."""
    metadata["version"] = "-"
    digest = hashlib.sha256(dumps(document).encode("utf-8")).hexdigest()
    metadata["version"] = f"sha256-{digest[:16]}"
    return document


# -- a model as a catalog ------------------------------------------------------------------------------

def catalog(model: Model) -> dict:
    """The model as an OSCAL catalog: ``{"catalog": {...}}``."""
    levels = [prop("level", lv.level, remarks=f"{lv.name}：{lv.description}" if lv.description else lv.name)
              for lv in model.levels]
    scale = [prop("scale-value", exact(s.value), remarks=s.label) for s in model.scale]
    remarks = [i18n.t("oscal.catalog.remarks")]
    if model.requirements_notice:
        remarks.insert(0, model.requirements_notice)
    metadata = {
        "title": model.title,
        "last-modified": UNDATED.isoformat(),
        "version": model.version,
        "oscal-version": OSCAL_VERSION,
        "props": [prop("model", model.key), prop("model-id", model.id), prop("model-status", model.status),
                  prop("requirements-status", model.requirements_status),
                  prop("threshold", exact(model.threshold)), *levels, *scale],
        "remarks": "\n\n".join(remarks),
    }
    groups = []
    for cd in model.capability_domains:
        subgroups = []
        for ad in cd.assessment_domains:
            controls = [{
                "id": r.id,
                "class": "requirement",
                "title": r.text,
                "props": [{"name": "label", "value": r.id}, *(prop("level", lv) for lv in sorted(r.levels))],
                "parts": [{"id": f"{r.id}_smt", "name": "statement", "prose": r.text}],
            } for r in ad.requirements]
            subgroups.append({"id": ad.code, "class": "assessment-domain", "title": ad.name,
                              "props": [{"name": "label", "value": ad.code}, *_english(ad.name_en),
                                        *(prop("level", lv) for lv in ad.levels)],
                              "controls": controls})
        groups.append({"id": cd.code, "class": "capability-domain", "title": cd.name,
                       "props": [{"name": "label", "value": cd.code}, *_english(cd.name_en)], "groups": subgroups})
    return {"catalog": {"uuid": uid("catalog", model.key), "metadata": metadata, "groups": groups}}


def _english(name: str) -> list[dict]:
    return [prop("title-en", name.strip())] if name and name.strip() else []


# -- an assessment as assessment results ---------------------------------------------------------------

def record_dates(a: Assessment) -> list[dt.date]:
    """Every date in the assessment's record: its key dates, document reviews and meetings."""
    rec = a.record
    raw = [*(rec.get("dates") or {}).values(), *(r.get("date") for r in rec.get("document_reviews") or []),
           *(m.get("date") for m in rec.get("meetings") or [])]
    return sorted(d for d in map(as_date, raw) if d is not None)


def assessment_results(a: Assessment, model: Model, result: AssessmentResult,
                       register: EvidenceRegister | None, site_url: str | None = None,
                       directory_urls: bool = True) -> dict:
    """One assessment as OSCAL assessment results: ``{"assessment-results": {...}}``.

    ``model`` is the assessment's own (``a.model``); ``result`` its score (formulas 1–4); ``register`` its
    organisation's evidence register; ``site_url`` the public site, for links to the report page and to
    public evidence files (without it, no site links are written: a relative link would point beside the
    export, not to the site).
    """
    dates = record_dates(a)
    if not dates:
        where = a.record_doc.at("dates")
        raise Refused([f"{where.path}:{where.line}:{where.column}: {i18n.t('oscal.refused.no_date')}"])
    concluded = a.concluded and result.complete  # the site's rule (publish.build.has_result)
    requirements = model.requirements_at(a.applied_level)
    org = a.organisation

    cited = sorted({ref for r in requirements if r.id in a.scores for ref in a.scores[r.id].evidence})
    items = {ref: register.items[ref] for ref in cited if register is not None and ref in register.items}
    observations = [_observation(a, item, concluded, site_url, dates[0]) for item in items.values()]
    findings = [_finding(a, model, r, items) for r in requirements
                if r.id in a.scores and a.scores[r.id].value is not None]

    report_date = a.date("report")
    res: dict = {
        "uuid": uid("result", a.id),
        "title": i18n.t("oscal.result.title", kind=i18n.t(f"kinds.{a.kind}"), level=model.level_name(a.applied_level)),
        "description": _result_description(a, model, result, concluded),
        "start": stamp(dates[0]),
    }
    if concluded and report_date is not None:
        res["end"] = stamp(report_date)
    res["props"] = _result_props(a, model, result, concluded)
    if concluded and site_url:
        page = urls.absolute(site_url, urls.url_of(urls.assessment_uri(a.id), directory_urls))
        res["links"] = [{"href": page, "rel": "reference", "text": i18n.t("oscal.result.report_link")}]
    res["reviewed-controls"] = {
        "description": i18n.t("oscal.result.reviewed", level=model.level_name(a.applied_level), n=len(requirements)),
        "control-selections": [{"include-controls": [{"control-id": r.id} for r in requirements]}],
    }
    if observations:
        res["observations"] = observations
    if findings:
        res["findings"] = findings
    summary = (a.record.get("conclusion") or {}).get("summary")
    if concluded and summary:
        res["remarks"] = summary

    plan_uuid, model_uuid = uid("plan", a.id), uid("model-resource", model.key)
    metadata = {
        "title": i18n.t("oscal.title", name=org["name"], level=model.level_name(a.applied_level), id=a.id),
        "last-modified": stamp(dates[-1]),
        "version": "",
        "oscal-version": OSCAL_VERSION,
        "props": [prop("assessment", a.id), prop("model", model.key)],
        "parties": _parties(a),
    }
    document = {"assessment-results": {
        "uuid": uid("assessment-results", a.id),
        "metadata": metadata,
        "import-ap": {"href": f"#{plan_uuid}", "remarks": i18n.t("oscal.plan.remarks")},
        "results": [res],
        "back-matter": {"resources": [
            {"uuid": plan_uuid, "title": i18n.t("oscal.plan.title", id=a.id), "description": i18n.t("oscal.plan.description")},
            {"uuid": model_uuid, "title": model.title, "props": [prop("model", model.key)],
             "description": i18n.t("oscal.model.description", key=model.key)},
        ]},
    }}
    return _versioned(document, metadata)


def _parties(a: Assessment) -> list[dict]:
    org = a.organisation
    parties = [{"uuid": uid("organisation", org["id"]), "type": "organization", "name": org["name"],
                "short-name": org["id"],
                "props": [prop("role", "assessed-organisation"), prop("credit-code", org["credit_code"]),
                          *([prop("region", org["region"])] if str(org.get("region") or "").strip() else [])]}]
    body = str(a.record.get("body") or "").strip()
    if body and not a.is_self_assessment:
        parties.append({"uuid": uid("assessment-body", body), "type": "organization", "name": body,
                        "props": [prop("role", "assessment-body")]})
    return parties


def _result_description(a: Assessment, model: Model, result: AssessmentResult, concluded: bool) -> str:
    def t(key: str, **args) -> str:
        return i18n.t(f"score.{key}", **args)

    lines = [t("header", kind=t(f"kind_{a.kind}"), level=model.level_name(a.applied_level), stage=i18n.t(f"stages.{a.stage}"))]
    if not a.concluded:
        lines.append(t("in_progress"))
    if not result.complete:
        lines.append(t("incomplete", n=len(result.unscored)) if result.unscored else t("not_computable"))
    applied = result.applied
    if concluded and applied is not None:
        verdict = t("conforms") if applied.conforms else t("fails")
        lines.append(t("verdict_self" if a.is_self_assessment else "verdict", verdict=verdict,
                       level=model.level_name(a.applied_level), a=display(applied.score), exact=exact(applied.score),
                       threshold=display(model.threshold), recommended=model.level_name(result.recommended_level)))
    return "\n\n".join(lines)


def _result_props(a: Assessment, model: Model, result: AssessmentResult, concluded: bool) -> list[dict]:
    requirements = model.requirements_at(a.applied_level)
    props = [
        prop("result-status", "concluded" if concluded else "not-concluded"),
        prop("stage", a.stage),
        prop("kind", a.kind),
        prop("applied-level", a.applied_level),
        prop("requirements", len(requirements)),
        prop("unscored", len(result.unscored)),
        prop("threshold", exact(model.threshold)),
    ]
    applied = result.applied
    if concluded and applied is not None:  # a verdict only where the site shows one
        level = result.recommended_level
        props += [
            prop("conforms", "true" if applied.conforms else "false"),
            prop("level-score", exact(applied.score)),
            prop("level-score-display", display(applied.score)),
            prop("predicted-level" if a.is_self_assessment else "recommended-level", "none" if level is None else level),
        ]
    props += [prop("unscored-requirement", rid) for rid in result.unscored]
    return props


def _finding(a: Assessment, model: Model, r, items: dict[str, EvidenceItem]) -> dict:
    score = a.scores[r.id]
    value: Fraction = score.value
    label = model.scale_label(value)
    values = [s.value for s in model.scale]
    if value == max(values):
        state, reason = "satisfied", "pass"
    elif value == min(values):
        state, reason = "not-satisfied", "fail"
    else:  # met to a degree: the degree is the score, not the state (docs/guide/oscal.md)
        state, reason = "not-satisfied", "other"
    shown = i18n.t("oscal.finding.score", label=label, score=display(value, 1))
    finding = {
        "uuid": uid("finding", a.id, r.id),
        "title": f"{r.id} {r.text}",
        "description": shown,
        "props": [prop("score", exact(value)), prop("score-label", label), prop("assessment-domain", r.assessment_domain)],
        "target": {"type": "statement-id", "target-id": f"{r.id}_smt",
                   "status": {"state": state, "reason": reason, "remarks": shown}},
    }
    related = [{"observation-uuid": uid("observation", a.id, ref)} for ref in sorted(set(score.evidence)) if ref in items]
    if related:
        finding["related-observations"] = related
    if str(score.note or "").strip():
        finding["remarks"] = score.note
    return finding


def _observation(a: Assessment, item: EvidenceItem, concluded: bool, site_url: str | None, first: dt.date) -> dict:
    """One evidence item, showing what the report page shows of it (docs/guide/format.md#confidentiality).

    Public: title, description, and where it can be read. Restricted: id, title, record date, sha256.
    Confidential: id and sha256 only — not even its title or record date. Never a file path.
    """
    confidential = item.confidentiality == "confidential"
    props = [prop("evidence-id", item.id), prop("confidentiality", item.confidentiality), prop("method", item.method)]
    if item.record_date and not confidential:
        props.append(prop("record-date", item.record_date.isoformat()))
    if item.sha256:
        props.append(prop("sha256", item.sha256))
    title = i18n.t("oscal.observation.confidential_title", id=item.id) if confidential else f"{item.id} {item.title}"
    evidence: dict = {"description": title}
    if item.is_public:
        description = item.description.strip() or item.title
        href = _public_href(a, item, concluded, site_url)
        if href:
            evidence = {"href": href, **evidence}
    else:
        description = i18n.t(f"oscal.observation.{item.confidentiality}", id=item.id, title=item.title)
    return {
        "uuid": uid("observation", a.id, item.id),
        "title": title,
        "description": description,
        "props": props,
        "methods": [METHODS.get(item.method, "UNKNOWN")],
        "relevant-evidence": [evidence],
        "collected": stamp(item.collected or first),  # always a date in a valid register
    }


def _public_href(a: Assessment, item: EvidenceItem, concluded: bool, site_url: str | None) -> str | None:
    """Where a public item can be read: its URL, or its copy on the site (only once the site publishes it)."""
    if not item.publishable:
        return None
    if item.url:
        return item.url
    if item.file and concluded and site_url:
        return urls.absolute(site_url, urls.evidence_site_path(a.organisation["id"], item.file))
    return None
