"""Guide 8.4: the authority's review (复核确认), the announcement (公示) and the certificate.

Recorded in ``publication.yml``; the status of each certificate is computed for a build date,
so the published site changes with the calendar and with nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maturity import i18n
from maturity.data.assessment import Assessment
from maturity.settings import PublicationSettings
from maturity.data.dates import add_months
from maturity.data.evidence import as_date
from maturity.data.workdays import WorkingCalendar

STATUSES = ("announced", "pending", "valid", "surveillance_overdue", "suspended", "revoked", "expired")
CURRENT = ("valid", "surveillance_overdue", "suspended")
EVENTS = ("surveillance", "suspended", "restored", "revoked", "reissued")
OUTCOMES = ("upheld", "rejected", "withdrawn", "pending")


@dataclass(frozen=True)
class Objection:
    received: dt.date
    summary: str
    handling: str
    outcome: str
    closed: dt.date | None


@dataclass(frozen=True)
class Announcement:
    start: dt.date
    last_day: dt.date  # the last day to object
    level: int | None
    objections: tuple[Objection, ...]

    @property
    def upheld(self) -> bool:
        return any(o.outcome == "upheld" for o in self.objections)


@dataclass(frozen=True)
class StatusEvent:
    kind: str
    date: dt.date
    reason: str
    digest: str | None = None


@dataclass(frozen=True)
class Certificate:
    number: str
    level: int
    issued: dt.date
    valid_until: dt.date
    digest: str | None
    events: tuple[StatusEvent, ...]
    assessment_id: str

    @property
    def sealed_digest(self) -> str | None:
        """The digest in force: the latest re-issue's, else the one recorded at issue."""
        for e in reversed(self.events):
            if e.kind == "reissued" and e.digest:
                return e.digest
        return self.digest


@dataclass(frozen=True)
class Standing:
    """Where an assessment stands in publication on a given date."""

    status: str
    announcement: Announcement | None
    certificate: Certificate | None
    surveillance_due: dt.date | None = None

    @property
    def label(self) -> str:
        return i18n.t(f"status.{self.status}")

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT


def is_reviewed(a: Assessment) -> bool:
    review = (a.publication or {}).get("review")
    return bool(review) and review["decision"] == "confirmed"


def announcement_of(a: Assessment, settings: PublicationSettings, calendar: WorkingCalendar) -> Announcement | None:
    raw = (a.publication or {}).get("announcement")
    if not raw:
        return None
    start = as_date(raw["start"])
    days = raw.get("working_days", settings.announcement_days)
    objections = tuple(Objection(as_date(o["received"]), o["summary"], o.get("handling", ""), o.get("outcome", "pending"),
                                 as_date(o.get("closed"))) for o in raw.get("objections", []))
    return Announcement(start, calendar.last_day(start, days), raw.get("level"), objections)


def certificate_of(a: Assessment, settings: PublicationSettings | None = None) -> Certificate | None:
    raw = (a.publication or {}).get("certificate")
    if not raw:
        return None
    settings = settings or PublicationSettings()
    issued = as_date(raw["issued"])
    until = as_date(raw.get("valid_until")) or add_months(issued, 12 * settings.validity_years) - dt.timedelta(days=1)
    events = tuple(StatusEvent(e["kind"], as_date(e["date"]), e.get("reason", ""), e.get("digest"))
                   for e in raw.get("events", []))
    return Certificate(raw["number"], raw["level"], issued, until, raw.get("digest"), events, a.id)


def standing(a: Assessment, settings: PublicationSettings, calendar: WorkingCalendar, today: dt.date) -> Standing | None:
    """The publication status on ``today``; None when the assessment is not in publication."""
    if not is_reviewed(a):
        return None
    ann = announcement_of(a, settings, calendar)
    cert = certificate_of(a, settings)
    if cert is None or cert.issued > today:
        if ann is None or ann.start > today:
            return None
        return Standing("announced" if today <= ann.last_day else "pending", ann, None)
    past = [e for e in cert.events if e.date <= today]
    if any(e.kind == "revoked" for e in past):
        return Standing("revoked", ann, cert)
    if today > cert.valid_until:
        return Standing("expired", ann, cert)
    suspension = [e for e in past if e.kind in ("suspended", "restored")]
    if suspension and suspension[-1].kind == "suspended":
        return Standing("suspended", ann, cert)
    done = sum(1 for e in past if e.kind == "surveillance")
    due = add_months(cert.issued, settings.surveillance_months * (done + 1))
    if due < today and due <= cert.valid_until:
        return Standing("surveillance_overdue", ann, cert, due)
    return Standing("valid", ann, cert, due if due <= cert.valid_until else None)
