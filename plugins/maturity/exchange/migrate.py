"""``maturity migrate``: an assessment carried to another model (or another version of its model).

What is carried: the score, evidence and notes of every requirement the target model keeps with the
same wording at the applied level, and the findings of every assessment domain it keeps. What is not:
a re-worded requirement stays listed with its evidence and notes but unscored (待评分) — the old score
answered another text; a requirement new at the applied level is added unscored; a requirement the
target drops at this level is reported with its score and notes (they stay in git history). Nothing is
computed with made-up zeros, and nothing is written when anything is wrong.

A certified assessment is not migrated: its certificate stays tied to the model version it was issued
under (the digest would no longer match). A later assessment (surveillance, renewal) uses the new model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from maturity import i18n
from maturity.data.assessment import RECORD, SCORES, Assessment
from maturity.data.model import Model
from maturity.exchange.model_diff import same_text
from maturity.exchange.rewrite import RewriteError, load_canonical, with_data

FINDINGS = ("achievements", "gaps", "recommendations")


class Refused(Exception):
    """Nothing was written; ``problems`` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Dropped:
    id: str
    score: object  # as written (number, label or None)
    note: str


@dataclass
class Plan:
    record: tuple[Path, str]  # (file, new text)
    scores: tuple[Path, str]
    carried: list[str] = field(default_factory=list)
    reworded: list[str] = field(default_factory=list)  # kept unscored: the wording changed
    added: list[str] = field(default_factory=list)  # new at the applied level: unscored
    dropped: list[Dropped] = field(default_factory=list)
    dropped_domains: list[str] = field(default_factory=list)  # findings of domains the target does not assess


def plan(a: Assessment, target: Model, display) -> Plan:
    """The files ``a`` becomes under ``target``; Refused when it cannot or need not be migrated."""
    source = a.model
    if source is None or a.scores_doc is None:
        raise Refused([i18n.t("writers.fix_first")])
    if source.key == target.key:
        raise Refused([i18n.t("migrate.same", model=target.key)])
    if (a.publication or {}).get("certificate"):
        raise Refused([i18n.t("migrate.certified", model=source.key)])
    if a.applied_level not in target.level_numbers:
        raise Refused([i18n.t("migrate.no_level", level=a.applied_level, model=target.key)])
    record_path, scores_path = a.folder / RECORD, a.folder / SCORES
    try:
        record_text, record_doc = load_canonical(record_path, display(record_path), "assessment", None)
        scores_text, scores_doc = load_canonical(scores_path, display(scores_path), "scores", source)
    except RewriteError as exc:
        raise Refused(exc.problems) from None

    old_blocks: dict = scores_doc.data
    old_entries = {rid: entry for block in old_blocks.values() for rid, entry in block["requirements"].items()}
    p = Plan((record_path, ""), (scores_path, ""))
    data: dict = {}
    for ad in target.assessment_domains_at(a.applied_level):
        old_block = old_blocks.get(ad.code, {})
        block = {key: old_block[key] for key in FINDINGS if key in old_block}
        requirements = {}
        for req in ad.requirements_at(a.applied_level):
            entry = old_entries.get(req.id)
            before = source.requirement(req.id)
            if entry is None:
                requirements[req.id] = {"score": None}
                p.added.append(req.id)
            elif before is not None and same_text(before.text, req.text):
                requirements[req.id] = dict(entry)
                p.carried.append(req.id)
            else:
                requirements[req.id] = {**entry, "score": None}
                p.reworded.append(req.id)
        block["requirements"] = requirements
        data[ad.code] = {k: block[k] for k in (*FINDINGS, "requirements") if k in block}
    kept = {rid for block in data.values() for rid in block["requirements"]}
    p.dropped = [Dropped(rid, e.get("score"), e.get("note", "")) for rid, e in old_entries.items() if rid not in kept]
    p.dropped_domains = [code for code, block in old_blocks.items()
                         if code not in data and any(block.get(key) for key in FINDINGS)]

    record = dict(record_doc.data)
    record["model"] = target.key
    try:
        p.record = (record_path, with_data(record_text, record_doc, "assessment", None, record))
        p.scores = (scores_path, with_data(scores_text, scores_doc, "scores", target, data))
    except RewriteError as exc:
        raise Refused(exc.problems) from None
    return p


__all__ = ["Dropped", "Plan", "Refused", "plan"]
