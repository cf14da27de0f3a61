"""``maturity announce``: the announcement (公示, guide 8.4.2) recorded in ``publication.yml``, or nothing.

An announcement follows the authority's confirmed review of a concluded third-party assessment, at
no higher level than the recommended one. Its last day to object is counted in working days with
the repository's calendar, as the site counts it. An announcement already recorded is never
changed: only what it leaves out (its level, its length) may be added, when the rest is the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from maturity import i18n
from maturity.checks.publication import check_publication
from maturity.data.assessment import PUBLICATION, Assessment
from maturity.data.evidence import as_date
from maturity.data.yamlfile import DateText, parse_yaml
from maturity.diagnostics import Collector
from maturity.repository import DisplayPath
from maturity.exchange.rewrite import RewriteError, load_canonical, with_data

MAX_DAYS = 60  # the schema's bound for working_days


class Refused(Exception):
    """Nothing was written; ``problems`` says why, ``usage`` whether the request (2) or the data (1) is at fault."""

    def __init__(self, problems: list[str], usage: bool = True) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.usage = usage


@dataclass
class Plan:
    path: Path
    text: str | None  # None: the announcement is recorded already, exactly so
    start: dt.date
    days: int
    last_day: dt.date
    level: int
    unknown_years: list[int] = field(default_factory=list)  # counted with weekends only (MAT612)


def plan(repo, a: Assessment, start: dt.date, days: int | None = None, level: int | None = None) -> Plan:
    """What ``announce`` will write for ``a`` (loaded in ``repo``); Refused when it may not be announced."""
    model, settings = a.model or repo.model, repo.settings.publication
    path = a.folder / PUBLICATION
    broken = [d for d in repo.errors if d.path in (a.record_doc.path, a.scores_doc.path if a.scores_doc else None)]
    if a.scores_doc is None or broken:
        raise Refused([str(d) for d in broken or repo.errors] + [i18n.t("writers.fix_first")], usage=False)
    if a.is_self_assessment:
        raise Refused([i18n.t("diagnostics.MAT603.message")])
    if not a.concluded:
        raise Refused([i18n.t("writers.announce.not_concluded", stage=i18n.t(f"stages.{a.stage}"))])
    shown = DisplayPath()(path)
    if not path.is_file():
        raise Refused([i18n.t("writers.announce.no_review", file=shown)])
    review = (a.publication or {}).get("review")
    if a.publication is not None and (not review or review["decision"] != "confirmed"):
        raise Refused([i18n.t("writers.announce.no_review", file=shown)])
    try:  # also reports the errors of a publication.yml the repository could not load
        text, doc = load_canonical(path, shown, "publication", model)
    except RewriteError as exc:
        raise Refused(exc.problems, usage=False) from exc
    review = doc.data.get("review")
    if not review or review["decision"] != "confirmed":
        raise Refused([i18n.t("writers.announce.no_review", file=shown)])
    if start < as_date(review["date"]):
        raise Refused([i18n.t("writers.announce.before_review", start=start, review=review["date"])])
    result = repo.results.get(a.id)
    recommended = result.recommended_level if result else None
    if recommended is None:
        raise Refused([i18n.t("writers.announce.no_level")])
    existing = doc.data.get("announcement")
    if level is None:  # the level recorded, else the recommended one
        level = existing.get("level") if existing and existing.get("level") is not None else recommended
    if level not in model.level_numbers or level > recommended:
        shown_level = model.level_name(level) if level in model.level_numbers else level
        raise Refused([i18n.t("diagnostics.MAT601.announcement", level=shown_level, recommended=model.level_name(recommended))])
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise Refused([i18n.t("writers.announce.days", max=MAX_DAYS)])

    announcement = _completed(existing, start, days, level, settings.announcement_days, model)
    effective = days if days is not None else announcement.get("working_days", settings.announcement_days)
    calendar = settings.calendar()
    last_day = calendar.last_day(start, effective)
    out = Plan(path, None, start, effective, last_day, level, sorted(calendar.unknown_years))
    if announcement == existing:
        return out  # recorded already, exactly so: nothing to write
    data = {**doc.data, "announcement": announcement}
    try:
        out.text = with_data(text, doc, "publication", model, data)
    except RewriteError as exc:
        raise Refused(exc.problems, usage=False) from exc
    _no_new_errors(repo, a, out.text, doc.path)
    return out


def _completed(existing: dict | None, start: dt.date, days: int | None, level: int, default_days: int, model) -> dict:
    """The announcement to record: a new one, or the existing one with what it leaves out added."""
    if not existing:
        new = {"start": DateText(start.isoformat())}
        if days is not None:
            new["working_days"] = days
        new["level"] = level
        return new
    conflicts = []
    if as_date(existing["start"]) != start:
        conflicts.append(i18n.t("writers.announce.differs_start", recorded=existing["start"], given=start))
    if existing.get("level") is not None and existing["level"] != level:
        conflicts.append(i18n.t("writers.announce.differs_level", recorded=model.level_name(existing["level"]),
                                given=model.level_name(level)))
    recorded_days = existing.get("working_days", default_days)
    if days is not None and recorded_days != days:
        conflicts.append(i18n.t("writers.announce.differs_days", recorded=recorded_days, given=days))
    if conflicts:
        raise Refused(conflicts + [i18n.t("writers.announce.exists")])
    completed = dict(existing)
    if "level" not in completed:
        completed["level"] = level
    return completed


def _no_new_errors(repo, a: Assessment, text: str, display: str) -> None:
    """The rules of guide 8.4 on the new file: what they report that the old file did not, stops the write
    (e.g. a certificate issued before the announcement would end, MAT605)."""
    new_doc, _ = parse_yaml(text, display)
    before, after = Collector(), Collector()
    settings = repo.settings.publication
    result = repo.results.get(a.id)
    model = a.model or repo.model
    check_publication(a, model, result, settings, settings.calendar(), before)
    changed = dataclasses.replace(a, publication=new_doc.data, publication_doc=new_doc)
    check_publication(changed, model, result, settings, settings.calendar(), after)
    old = {(d.code, d.message) for d in before.items if d.is_error}
    new = [d for d in after.items if d.is_error and (d.code, d.message) not in old]
    if new:
        raise Refused([str(d) for d in new] + [i18n.t("writers.not_written", file=display)])
