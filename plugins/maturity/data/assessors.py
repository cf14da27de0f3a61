"""The authority's register of assessors (``assessors.yml``) and the assessment teams that refer to it.

The authority certifies and manages assessors (guide 6.3 c); the register lists each one with the
qualifications the authority granted — grade, certificate number, issuer, validity — and, where the
practitioner-management scheme (004) applies, an occupation category and level. A team member in
``assessment.yml`` may name a registered assessor (``assessor: A0012``) instead of writing the name,
employer and qualification inline; inline entries keep working, and a repository without the file
has no register (the feature is off).

Qualifications are a history, not a single value: a renewal or a promotion adds an entry, so an
assessment from years ago is checked against what was valid then. Nothing in the register is
published by itself: the report pages show a member's name (as ``team_names`` allows), role,
employer and the grade valid on the assessment dates — never an id, certificate number, validity,
occupation or conflict of interest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from maturity import i18n
from maturity.data.evidence import as_date
from maturity.data.text import normalised
from maturity.data.yamlfile import Document
from maturity.diagnostics import Collector

DEFAULT_FILE = "assessors.yml"
GRADES = ("assessor", "senior_assessor", "technical_expert")  # their names: i18n "grades.*"
LEADER_GRADES = ("assessor", "senior_assessor")  # 8.3.4: the leader has the overall assessment competence


@dataclass(frozen=True)
class Qualification:
    grade: str
    number: str  # the qualification certificate's number: never published
    issuer: str
    valid_from: dt.date
    valid_until: dt.date  # inclusive

    @property
    def label(self) -> str:
        return i18n.t(f"grades.{self.grade}")


@dataclass(frozen=True)
class Assessor:
    id: str
    name: str
    organisation: str
    qualifications: tuple[Qualification, ...]
    conflicts: tuple[str, ...] = ()
    occupation: tuple[str, str] | None = None  # (category, level) of the practitioner-management scheme
    pointer: tuple = ()  # where the entry stands in the register

    def coverage(self, grades: tuple[str, ...] = GRADES) -> list[tuple[dt.date, dt.date]]:
        """The periods during which the assessor held one of ``grades``, adjoining validities joined."""
        spans = sorted((q.valid_from, q.valid_until) for q in self.qualifications
                       if q.grade in grades and q.valid_from <= q.valid_until)
        merged: list[list[dt.date]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1] + dt.timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(s, e) for s, e in merged]

    def qualified(self, period: tuple[dt.date, dt.date], grades: tuple[str, ...] = GRADES) -> bool:
        """Whether one of ``grades`` was valid on every day of ``period``."""
        start, end = period
        return any(s <= start and end <= e for s, e in self.coverage(grades))

    def held(self, period: tuple[dt.date, dt.date]) -> list[Qualification]:
        """The qualifications valid on some day of ``period``: the highest grade first, then the latest."""
        start, end = period
        found = [q for q in self.qualifications if q.valid_from <= end and start <= q.valid_until]
        return sorted(found, key=lambda q: (_RANK.get(q.grade, len(_RANK)), -q.valid_from.toordinal()))

    def shown_grade(self, period: tuple[dt.date, dt.date]) -> str:
        """The qualification a report shows: the highest grade valid on the last day of the team's work."""
        end = period[1]
        on_end = [q for q in self.held(period) if q.valid_from <= end <= q.valid_until]
        return on_end[0].label if on_end else ""


_RANK = {grade: n for n, grade in enumerate(("senior_assessor", "assessor", "technical_expert"))}


@dataclass
class AssessorRegister:
    path: str  # as shown in diagnostics
    document: Document | None  # None: the file could not be used (its problems are reported)
    assessors: dict[str, Assessor] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.document is not None


def load_assessor_register(file: Path | None, reader, out: Collector) -> AssessorRegister | None:
    """The register at ``file``; None when there is no such file (no register: the feature is off)."""
    if file is None or not file.exists():
        return None
    register = AssessorRegister(reader.display(file), None)
    doc, ok = reader.checked(file, "assessors", out)
    if not ok:
        return register
    ok = True
    for i, raw in enumerate(doc.data["assessors"]):
        pointer = ("assessors", i)
        qualifications = []
        for j, q in enumerate(raw["qualifications"]):
            start, end = as_date(q["valid_from"]), as_date(q["valid_until"])
            if end < start:
                out.error(doc.at(*pointer, "qualifications", j, "valid_until"), "MAT707", id=raw["id"], start=start, end=end)
                ok = False
                continue
            qualifications.append(Qualification(q["grade"], q["number"], q["issuer"], start, end))
        if raw["id"] in register.assessors:
            first = register.assessors[raw["id"]]
            out.error(doc.at(*pointer, "id"), "MAT700", id=raw["id"], line=doc.at(*first.pointer, "id").line)
            ok = False
            continue
        occupation = raw.get("occupation")
        register.assessors[raw["id"]] = Assessor(
            raw["id"], raw["name"], raw["organisation"], tuple(qualifications), tuple(raw.get("conflicts", ())),
            (occupation["category"], occupation.get("level", "")) if occupation else None, pointer)
    _check_numbers(doc, out)
    if ok:
        register.document = doc
    return register


def _check_numbers(doc: Document, out: Collector) -> None:
    """One qualification certificate number belongs to one qualification (compared as people read them)."""
    seen: dict[str, tuple] = {}
    for i, raw in enumerate(doc.data["assessors"]):
        for j, q in enumerate(raw["qualifications"]):
            key = normalised(q["number"])
            if key in seen:
                out.error(doc.at("assessors", i, "qualifications", j, "number"), "MAT700.number", number=q["number"],
                          line=doc.at(*seen[key]).line)
            else:
                seen[key] = ("assessors", i, "qualifications", j, "number")


# -- the team of an assessment ----------------------------------------------------------------------

@dataclass(frozen=True)
class TeamMember:
    """One entry of an assessment's ``team``, with what the register says filled in."""

    index: int  # its position in ``team``
    role: str
    name: str
    organisation: str
    qualification: str
    responsibility: str = ""
    assessor: str | None = None  # the register id it refers to
    registered: Assessor | None = None  # the register's entry, when the id is known


def team_period(record: dict) -> tuple[dt.date, dt.date] | None:
    """The dates the team works on: the on-site dates when recorded, else the other dates of its work.

    Third-party assessment: the on-site dates (8.3.7–8.3.12); before those are known, the dates from the
    acceptance on (the team is formed after it, 8.3.4: acceptance, document reviews, plan, report).
    Self-assessment: from its start to its report. None: nothing dated yet, so nothing to check against.
    """
    dates = record.get("dates")
    dates = dates if isinstance(dates, dict) else {}  # only schema-valid records come here; still no traceback
    on_site = [d for d in (as_date(dates.get("on_site_start")), as_date(dates.get("on_site_end"))) if d]
    if on_site:
        return min(on_site), max(on_site)
    if record.get("kind") == "self":
        days = [as_date(dates.get(k)) for k in ("started", "report")]
    else:
        days = [as_date(dates.get(k)) for k in ("accepted", "plan_confirmed", "report")]
        days += [as_date(r.get("date")) for r in record.get("document_reviews") or () if isinstance(r, dict)]
    days = [d for d in days if d]
    return (min(days), max(days)) if days else None


def resolve_team(record: dict, register: AssessorRegister | None) -> list[TeamMember]:
    """The team as people read it: inline entries as written, references completed from the register."""
    period = team_period(record)
    members = []
    for i, m in enumerate(record.get("team") or ()):
        ref = m.get("assessor")
        known = register.assessors.get(ref) if register is not None and ref is not None else None
        qualification = m.get("qualification", "")
        if known is not None and not qualification and period is not None:
            qualification = known.shown_grade(period)
        members.append(TeamMember(
            i, m["role"], m.get("name") or (known.name if known else ""),
            m.get("organisation") or (known.organisation if known else ""), qualification,
            m.get("responsibility", ""), ref, known))
    return members
