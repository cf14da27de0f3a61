"""The team of an assessment against the authority's register of assessors (guide 4 a, 6.2, 6.3 c, 8.3.4).

Only entries that name a registered assessor (``assessor: A0012``) are checked here; inline entries
are checked by :func:`maturity.checks.rules.check_record` as before. Every problem is reported at the
entry's ``assessor:`` line (or at the written value that disagrees with the register).
"""

from __future__ import annotations

from maturity.data.assessment import Assessment
from maturity.data.assessors import LEADER_GRADES, AssessorRegister, TeamMember, team_period
from maturity.data.text import normalised, suggestion
from maturity.diagnostics import Collector


def check_team_references(a: Assessment, register: AssessorRegister | None, register_file: str, out: Collector) -> None:
    """References to the register: known ids, written values that agree, independence, valid qualifications."""
    doc = a.record_doc
    refs = [m for m in a.team if m.assessor is not None]
    if not refs:
        return
    if register is None:
        for m in refs:
            out.error(doc.at("team", m.index, "assessor"), "MAT701.no_register", id=m.assessor, file=register_file)
        return
    if not register.usable:  # its own problems are reported in it; the assessments that use it are not published
        return
    period = team_period(a.record)
    first: dict[str, TeamMember] = {}
    for m in refs:
        where = doc.at("team", m.index, "assessor")
        if m.assessor in first:
            out.error(where, "MAT708", id=m.assessor, line=doc.at("team", first[m.assessor].index, "assessor").line)
            continue
        first[m.assessor] = m
        known = m.registered
        if known is None:
            out.error(where, "MAT701", id=m.assessor, file=register.path, hint=suggestion(m.assessor, register.assessors))
            continue
        _check_written(a, m, period, out)
        if not a.is_self_assessment:
            _check_independence(a, m, out)
        if period is not None:
            _check_qualification(a, m, period, out)


def _check_written(a: Assessment, m: TeamMember, period, out: Collector) -> None:
    """What the entry writes beside the reference must be what the register says."""
    doc, written, known = a.record_doc, a.record["team"][m.index], m.registered
    for key, registered in (("name", known.name), ("organisation", known.organisation)):
        value = written.get(key)
        if value is not None and normalised(value) != normalised(registered):
            out.error(doc.at("team", m.index, key), f"MAT706.{key}", id=known.id, written=value, registered=registered)
    value = written.get("qualification")
    if value is not None:
        held = known.held(period) if period is not None else list(known.qualifications)
        labels = list(dict.fromkeys(q.label for q in held))
        if normalised(value) not in {normalised(label) for label in labels}:
            out.error(doc.at("team", m.index, "qualification"), "MAT706.qualification", id=known.id, written=value,
                      registered="、".join(labels) or "—")


def _check_independence(a: Assessment, m: TeamMember, out: Collector) -> None:
    """A third-party team member works neither for the assessed organisation nor for one the register says to avoid."""
    org = normalised(a.organisation["name"])
    if not org:
        return
    known = m.registered
    where = a.record_doc.at("team", m.index, "assessor")

    def related(name: str) -> bool:  # the organisation itself, a department or branch of it, or the group it is in
        other = normalised(name)
        return bool(other) and (org in other or other in org)

    if related(known.organisation):
        out.error(where, "MAT705.employer", id=known.id, name=known.name, employer=known.organisation)
        return
    for conflict in known.conflicts:
        if related(conflict):
            out.error(where, "MAT705.conflict", id=known.id, name=known.name, conflict=conflict)
            return


def _check_qualification(a: Assessment, m: TeamMember, period, out: Collector) -> None:
    """A qualification valid on the dates of the team's work; the leader of a third-party team an assessor's one."""
    known = m.registered
    where = a.record_doc.at("team", m.index, "assessor")
    start, end = period
    if not known.qualified(period):
        spans = known.coverage()
        begun = [e for s, e in spans if s <= start]
        if begun:
            out.error(where, "MAT702.expired", id=known.id, name=known.name, until=max(begun), start=start, end=end)
        else:
            out.error(where, "MAT702.not_yet", id=known.id, name=known.name, since=min((s for s, _ in spans), default="—"),
                      start=start, end=end)
        return
    if m.role == "leader" and not a.is_self_assessment and not known.qualified(period, LEADER_GRADES):
        out.error(where, "MAT703", id=known.id, name=known.name, start=start, end=end,
                  held="、".join(dict.fromkeys(q.label for q in known.held(period))))
