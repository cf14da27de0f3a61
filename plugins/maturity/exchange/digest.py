"""Tamper evidence: one sha256 over a canonical form of what a certificate attests.

The canonical form holds the model's id, the organisation, kind and applied level, every score
with its evidence references, and the hash (or URL) and record date of each cited evidence
item — as JSON with sorted keys and no spaces, so the same data always gives the same digest.
Notes, team lists and other narrative fields are not part of it: they can be corrected without
touching what the certificate attests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction
import json

from maturity import i18n
from maturity.data.assessment import Assessment
from maturity.data.evidence import EvidenceRegister
from maturity.scoring import exact

DIGEST_VERSION = 1
PREFIX = "sha256:"


def canonical(a: Assessment, register: EvidenceRegister | None, model_id: str) -> dict:
    scores = {rid: {"score": exact(s.value) if s.value is not None else repr(s.raw), "evidence": sorted(s.evidence)}
              for rid, s in a.scores.items()}
    cited = sorted({ref for s in a.scores.values() for ref in s.evidence})  # from the scores themselves, never remembered
    evidence = {}
    for ref in cited:
        item = register.items.get(ref) if register else None
        evidence[ref] = None if item is None else {
            "sha256": item.sha256, "url": item.url, "record_date": item.record_date.isoformat() if item.record_date else None}
    org = a.organisation
    return {
        "v": DIGEST_VERSION,
        "model": model_id,
        "id": a.id,
        "organisation": {"name": org["name"], "credit_code": org["credit_code"]},
        "kind": a.kind,
        "applied_level": a.applied_level,
        "scores": scores,
        "evidence": evidence,
    }


def digest(a: Assessment, register: EvidenceRegister | None, model_id: str) -> str:
    text = json.dumps(canonical(a, register, model_id), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Difference:
    """One difference between what was certified and what the data says now, and what it is about."""

    key: str  # changes.<key> in the catalogue
    args: tuple[tuple[str, str], ...]
    target: tuple[str, str] | None  # ("requirement", id), ("evidence", id), ("field", name)

    def text(self, lang: str = i18n.DEFAULT) -> str:
        return i18n.t(f"changes.{self.key}", lang, **dict(self.args))


def difference_items(old: dict, new: dict) -> list[Difference]:
    """What changed between two canonical forms, most specific first."""
    out: list[Difference] = []

    def say(key: str, target, **args) -> None:
        out.append(Difference(key, tuple(args.items()), target))

    for key in ("model", "id", "kind", "applied_level", "organisation"):
        if old.get(key) != new.get(key):
            say("field", ("field", key), field=i18n.t(f"changes.fields.{key}"))
    o, n = old.get("scores", {}), new.get("scores", {})
    for rid in sorted(set(o) | set(n)):
        if rid not in n:
            say("score_removed", None, id=rid)
        elif rid not in o:
            say("score_added", ("requirement", rid), id=rid)
        elif o[rid]["score"] != n[rid]["score"]:
            say("score", ("requirement", rid), id=rid, old=_shown(o[rid]["score"]), new=_shown(n[rid]["score"]))
        elif o[rid]["evidence"] != n[rid]["evidence"]:
            say("references", ("requirement", rid), id=rid)
    o, n = old.get("evidence", {}), new.get("evidence", {})
    for ref in sorted(set(o) | set(n)):
        if o.get(ref) != n.get(ref) and ref in o and ref in n:
            say("evidence", ("evidence", ref), id=ref)
    return out


def differences(old: dict, new: dict, lang: str = i18n.DEFAULT) -> list[str]:
    """What changed between two canonical forms, most specific first, in ``lang``."""
    return [d.text(lang) for d in difference_items(old, new)]


def _shown(exact_text: str) -> str:
    """An exact score such as "4/5" as people write it: 0.8."""
    try:
        return f"{float(Fraction(exact_text)):g}"
    except (ValueError, ZeroDivisionError):
        return exact_text
