"""Guide clause 9: formulas (1)–(4), exactly, with fractions. Rounding is for display only."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

from maturity.data.model import Model


@dataclass(frozen=True, slots=True)
class LevelResult:
    """The result at one designated level."""

    level: int
    score: Fraction  # A, formula (3)
    requirements: int  # p
    conforms: bool  # formula (4)
    domains: dict[str, Fraction]  # B per capability domain, formula (2)
    assessment_domains: dict[str, Fraction]  # C per assessment domain, formula (1)


@dataclass(frozen=True)
class AssessmentResult:
    id: str
    applied_level: int
    levels: dict[int, LevelResult]  # every level ≤ applied whose requirements are all scored
    unscored: tuple[str, ...] = ()  # requirements of the applied level not scored yet (待评分)

    @property
    def applied(self) -> LevelResult | None:
        return self.levels.get(self.applied_level)

    @property
    def complete(self) -> bool:
        """Every requirement of the applied level has a score: only then is there an A (未完成 otherwise)."""
        return self.applied is not None

    @property
    def conforms(self) -> bool:
        return self.applied is not None and self.applied.conforms

    @property
    def recommended_level(self) -> int | None:
        """Project interpretation: the highest level ≤ the applied one whose A ≥ the threshold.

        None until the applied level is complete: a level computed on part of the requirements is no result.
        """
        if not self.complete:
            return None
        passing = [lv for lv, r in self.levels.items() if r.conforms]
        return max(passing, default=None)

    @property
    def inconsistent_levels(self) -> list[tuple[int, int]]:
        """(failing lower level, passing higher level) pairs — worth a warning."""
        return [(lo, hi) for lo, r in self.levels.items() if not r.conforms
                for hi, s in self.levels.items() if hi > lo and s.conforms]


def level_result(model: Model, level: int, scores: Mapping[str, Fraction]) -> LevelResult | None:
    """Formulas (1)–(4) at ``level``; None when a requirement of the level has no valid score."""
    # Sums are taken over integers — each score times the common denominator of the scale —
    # which is exact and much faster than adding fractions; each mean is one exact Fraction.
    unit = model.scale_denominator
    c: dict[str, Fraction] = {}
    total, p = 0, 0
    by_domain: dict[str, list[Fraction]] = {}
    for ad in model.assessment_domains_at(level):
        n, units = 0, 0
        for r in ad.requirements_at(level):
            value = scores.get(r.id)
            if value is None:
                return None
            units += value.numerator * (unit // value.denominator)
            n += 1
        c[ad.code] = Fraction(units, unit * n)  # (1)
        by_domain.setdefault(ad.capability_domain, []).append(c[ad.code])
        total += units
        p += n
    if p == 0:
        return None
    b = {code: sum(cs, Fraction(0)) / len(cs) for code, cs in by_domain.items()}  # (2)
    a = Fraction(total, unit * p)  # (3): over all requirements, not the mean of B or C
    return LevelResult(level, a, p, model.threshold <= a <= 1, b, c)  # (4)


def score_assessment(model: Model, assessment) -> AssessmentResult:
    values = {rid: s.value for rid, s in assessment.scores.items() if s.value is not None}
    levels = {}
    for level in model.level_numbers:
        if level > assessment.applied_level:
            break
        result = level_result(model, level, values)
        if result is not None:
            levels[level] = result
    unscored = tuple(r.id for r in model.requirements_at(assessment.applied_level)
                     if r.id in assessment.scores and assessment.scores[r.id].unscored)
    return AssessmentResult(assessment.id, assessment.applied_level, levels, unscored)
