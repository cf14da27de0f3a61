"""What changed between two models (or two versions of one): requirements added, removed, re-worded,
moved between levels or between assessment domains, and the changes to levels, scale and threshold.

Requirements are matched by id: a model file never gives an id a new meaning (a deleted requirement's
id is not reused), so the same id on both sides is the same requirement, perhaps re-worded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from maturity.data.model import Model, Requirement


@dataclass(frozen=True)
class RequirementChange:
    id: str
    kind: str  # added, removed, reworded, levels, domain
    old: str | None = None  # the old text, levels or domain (as text)
    new: str | None = None


@dataclass
class ModelDiff:
    old: Model
    new: Model
    requirements: list[RequirementChange] = field(default_factory=list)
    model: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new): levels, scale, threshold

    @property
    def is_empty(self) -> bool:
        return not self.requirements and not self.model

    def of_kind(self, kind: str) -> list[RequirementChange]:
        return [c for c in self.requirements if c.kind == kind]


def same_text(a: str, b: str) -> bool:
    """Equal but for line breaks and runs of spaces, which a model file's folding may change."""
    return " ".join(a.split()) == " ".join(b.split())


def _levels(r: Requirement) -> str:
    return ",".join(str(lv) for lv in sorted(r.levels))


def compare_models(old: Model, new: Model) -> ModelDiff:
    d = ModelDiff(old, new)
    every = lambda m: [r for ad in m.assessment_domains for r in ad.requirements]  # noqa: E731 — model order
    order = [r.id for r in every(new)] + [r.id for r in every(old) if new.requirement(r.id) is None]
    for rid in order:
        ro, rn = old.requirement(rid), new.requirement(rid)
        if ro is None:
            d.requirements.append(RequirementChange(rid, "added", None, rn.text))
            continue
        if rn is None:
            d.requirements.append(RequirementChange(rid, "removed", ro.text, None))
            continue
        if not same_text(ro.text, rn.text):
            d.requirements.append(RequirementChange(rid, "reworded", ro.text, rn.text))
        if ro.levels != rn.levels:
            d.requirements.append(RequirementChange(rid, "levels", _levels(ro), _levels(rn)))
        if ro.assessment_domain != rn.assessment_domain:
            d.requirements.append(RequirementChange(rid, "domain", ro.assessment_domain, rn.assessment_domain))
    levels = lambda m: "、".join(f"{lv.level} {lv.name}" for lv in m.levels)  # noqa: E731
    scale = lambda m: "、".join(f"{float(s.value):g} {s.label}" for s in m.scale)  # noqa: E731
    for what, f in (("levels", levels), ("scale", scale), ("threshold", lambda m: f"{float(m.threshold):g}")):
        if f(old) != f(new):
            d.model.append((what, f(old), f(new)))
    return d


def to_json(d: ModelDiff) -> dict:
    return {
        "old": d.old.key, "new": d.new.key,
        "model": [{"what": what, "old": o, "new": n} for what, o, n in d.model],
        "requirements": [{"id": c.id, "kind": c.kind, "old": c.old, "new": c.new} for c in d.requirements],
    }


__all__ = ["ModelDiff", "RequirementChange", "compare_models", "same_text", "to_json"]
