"""The maturity model as data: capability domains, assessment domains, levels, requirements.

The model file is YAML (``models/t-zxgjxh-002-2023.yml`` by default); nothing about the
standard's content lives in code. Which requirements apply at a level is read from each
requirement's ``levels`` list, so the cumulative rule is data too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from importlib import resources
from pathlib import Path, PurePosixPath

from maturity.data import schema
from maturity.diagnostics import Collector, Diagnostic
from maturity.data.yamlfile import load_yaml


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    levels: frozenset[int]
    assessment_domain: str
    text_en: str = ""  # the English edition's text; empty: the Chinese text is shown with a note


@dataclass(frozen=True)
class AssessmentDomain:
    code: str
    name: str
    name_en: str
    levels: tuple[int, ...]
    requirements: tuple[Requirement, ...]
    capability_domain: str

    def assessed_at(self, level: int) -> bool:
        return level in self.levels

    def requirements_at(self, level: int) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if level in r.levels)


@dataclass(frozen=True)
class CapabilityDomain:
    code: str
    name: str
    name_en: str
    assessment_domains: tuple[AssessmentDomain, ...]


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    name_en: str
    description: str


@dataclass(frozen=True)
class ScaleValue:
    label: str
    label_en: str
    value: Fraction


STATUSES = ("in_force", "superseded", "draft")  # of a model version (a standard in force, replaced, or a draft)


@dataclass
class Model:
    id: str
    title: str
    requirements_status: str
    requirements_notice: str
    levels: tuple[Level, ...]
    scale: tuple[ScaleValue, ...]
    threshold: Fraction
    capability_domains: tuple[CapabilityDomain, ...]
    source: str = ""
    version: str = "1"
    status: str = "in_force"
    title_en: str = ""
    guide: str = ""  # the assessment guide whose process and formulas apply
    citation: str = ""  # how an assessment's criteria cite this model (default: id and title)
    _requirements: dict[str, Requirement] = field(default_factory=dict, repr=False)
    _assessment_domains: dict[str, AssessmentDomain] = field(default_factory=dict, repr=False)
    _score_lookup: dict = field(default_factory=dict, repr=False)
    built_in: bool = field(default=False, repr=False, compare=False)  # a file of this tool's (maturity/models)

    def __post_init__(self) -> None:
        for cd in self.capability_domains:
            for ad in cd.assessment_domains:
                self._assessment_domains[ad.code] = ad
                for r in ad.requirements:
                    self._requirements[r.id] = r

    def cache_text(self) -> str:
        """All this model holds, as the build cache keys what was made from it (``repr``); a built-in model named by
        its file within this tool, not by where the tool is installed: its text is in the tool's fingerprint, and a
        new installation path (a tool installed outside the checkout, in a Python or virtual environment whose path
        changes) must not make every remembered verdict and page unusable."""
        if not self.built_in:
            return repr(self)
        # A copy with look-ups of its own (the copy fills them again): this model's are not touched.
        return repr(replace(self, source=f"maturity/models/{PurePosixPath(self.source).name}", _requirements={},
                            _assessment_domains={}, _score_lookup={}))

    @property
    def criteria(self) -> list[str]:
        """The documents an assessment against this model names as its criteria (8.3.13 e)."""
        return [self.citation or f"{self.id} {self.title}", *([self.guide] if self.guide else [])]

    @property
    def key(self) -> str:
        """The model and its version, as an assessment names it: ``T/ZXGJXH 002—2023@1``."""
        return f"{self.id}@{self.version}"

    # -- look-ups -----------------------------------------------------------------
    @property
    def level_numbers(self) -> tuple[int, ...]:
        return tuple(lv.level for lv in self.levels)

    def level(self, number: int) -> Level:
        return next(lv for lv in self.levels if lv.level == number)

    def level_name(self, number: int | None) -> str:
        if number is None:
            return "未达到任何等级"
        found = next((lv for lv in self.levels if lv.level == number), None)
        return found.name if found else f"{number} 级"

    def requirement(self, rid: str) -> Requirement | None:
        return self._requirements.get(rid)

    def assessment_domain(self, code: str) -> AssessmentDomain | None:
        return self._assessment_domains.get(code)

    @property
    def assessment_domains(self) -> tuple[AssessmentDomain, ...]:
        return tuple(self._assessment_domains.values())

    def assessment_domains_at(self, level: int) -> tuple[AssessmentDomain, ...]:
        return tuple(ad for ad in self._assessment_domains.values() if ad.assessed_at(level))

    def requirements_at(self, level: int) -> tuple[Requirement, ...]:
        return tuple(r for ad in self.assessment_domains_at(level) for r in ad.requirements_at(level))

    @property
    def scale_denominator(self) -> int:
        """The least common denominator of the scale's values (10 for 1, 0.8, 0.5, 0)."""
        d = 1
        for s in self.scale:
            d = d * s.value.denominator // math.gcd(d, s.value.denominator)
        return d

    def score_value(self, raw) -> Fraction | None:
        """The exact value of a score written as a number or as its Chinese label."""
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)) or (isinstance(raw, float) and not math.isfinite(raw)):
            return None  # .nan and .inf are numbers to YAML, on no scale (and no Fraction)
        lookup = self._score_lookup
        if not lookup:
            for s in self.scale:  # labels, and numbers by their exact value (0.8 is 4/5)
                lookup[("label", s.label)] = s.value
                lookup[("number", s.value)] = s.value
        key = (type(raw), raw)  # the same few values in every file: each worked out once
        if key not in lookup:
            lookup[key] = lookup.get(("label", raw)) if isinstance(raw, str) else \
                lookup.get(("number", Fraction(str(raw)) if isinstance(raw, float) else Fraction(raw)))
        return lookup[key]

    def scale_label(self, value: Fraction) -> str:
        return next(s.label for s in self.scale if s.value == value)


def default_model_path() -> Path:
    return Path(str(resources.files("maturity").joinpath("models", "t-zxgjxh-002-2023.yml")))


def load_model(path: Path | str | None = None, display: str | None = None) -> tuple[Model | None, list[Diagnostic]]:
    """Load and check a model file; return the model (None when unusable) and diagnostics."""
    file = Path(path) if path else default_model_path()
    shown = display or str(file)
    out = Collector()
    if not file.is_file():
        out.error(_loc(shown), "MAT055", path=shown)
        return None, out.items
    doc, diags = load_yaml(file, shown, max_bytes=16 * 1024 * 1024, follow_symlinks=True)  # named by the site, not a contributor
    out.extend(diags)
    if doc is None or not schema.check(doc, "model", out):
        return None, out.items
    model = _build(doc, out)
    return (None if out.has_errors else model), out.items


def _loc(path: str):
    from maturity.diagnostics import Location
    return Location(path, 0, 0)


def _build(doc, out: Collector) -> Model:
    data = doc.data
    levels = tuple(Level(lv["level"], lv["name"], lv.get("name_en", ""), lv.get("description", "")) for lv in data["levels"])
    numbers = [lv.level for lv in levels]
    if numbers != list(range(1, len(numbers) + 1)):
        out.error(doc.at("levels"), "MAT054.order")
    scale = tuple(ScaleValue(s["label"], s.get("label_en", ""), Fraction(str(s["value"]))) for s in data["scale"])
    if len({s.value for s in scale}) != len(scale) or len({s.label for s in scale}) != len(scale):
        out.error(doc.at("scale"), "MAT053")
    threshold = Fraction(str(data["threshold"]))

    seen_codes: dict[str, tuple] = {}
    seen_ids: dict[str, tuple] = {}
    domains = []
    for i, cd in enumerate(data["capability_domains"]):
        _unique(doc, out, seen_codes, cd["code"], ("capability_domains", i, "code"))
        ads = []
        for j, ad in enumerate(cd["assessment_domains"]):
            here = ("capability_domains", i, "assessment_domains", j)
            _unique(doc, out, seen_codes, ad["code"], here + ("code",))
            if not ad["code"].startswith(cd["code"] + "-"):
                out.error(doc.at(*here, "code"), "MAT056.domain", code=ad["code"], parent=cd["code"])
            ad_levels = tuple(sorted(set(ad["levels"])))
            for lv in ad_levels:
                if lv not in numbers:
                    out.error(doc.at(*here, "levels"), "MAT054.undefined", domain=ad["code"], level=lv)
            reqs = []
            for k, r in enumerate(ad["requirements"]):
                where = here + ("requirements", k)
                _unique(doc, out, seen_ids, r["id"], where + ("id",))
                if not r["id"].startswith(ad["code"] + "-"):
                    out.error(doc.at(*where, "id"), "MAT056.requirement", id=r["id"], parent=ad["code"])
                stray = sorted(set(r["levels"]) - set(ad_levels))
                if stray:
                    out.error(doc.at(*where, "levels"), "MAT051", id=r["id"], levels=stray, domain=ad["code"])
                reqs.append(Requirement(r["id"], r["text"], frozenset(r["levels"]), ad["code"], r.get("text_en", "")))
            domain = AssessmentDomain(ad["code"], ad["name"], ad.get("name_en", ""), ad_levels, tuple(reqs), cd["code"])
            for lv in ad_levels:
                if not domain.requirements_at(lv):
                    out.error(doc.at(*here, "levels"), "MAT052", domain=ad["code"], level=lv)
            ads.append(domain)
        domains.append(CapabilityDomain(cd["code"], cd["name"], cd.get("name_en", ""), tuple(ads)))
    return Model(
        id=data["id"], title=data["title"], title_en=data.get("title_en", ""),
        version=str(data.get("version", "1")), status=data.get("status", "in_force"),
        guide=data.get("guide", ""), citation=data.get("citation", ""),
        requirements_status=data.get("requirements_status", "official"),
        requirements_notice=data.get("requirements_notice", ""),
        levels=levels, scale=scale, threshold=threshold, capability_domains=tuple(domains), source=doc.path,
    )


def _unique(doc, out: Collector, seen: dict, key: str, pointer: tuple) -> None:
    if key in seen:
        first = doc.at(*seen[key])
        out.error(doc.at(*pointer), "MAT050", id=key, first=first.line)
    else:
        seen[key] = pointer
