"""The certificate register as data: what ``certificates.json`` holds, with a writer and a reader.

:class:`PublicRecord` is an assessment in publication as the build sees it (with its
:class:`~maturity.data.publication.Standing` on the build date). :class:`CertificateRecord`,
:class:`AnnouncementRecord` and :class:`CertificateRegister` are the published form: typed,
written by :meth:`CertificateRegister.to_json` and read back by :meth:`CertificateRegister.from_json`
(another site — a federation listing — reads what this one wrote). JSON carries codes
(``status: suspended``), never labels: a reader shows them in its own language.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from maturity.data.assessment import Assessment
from maturity.data.publication import Standing, standing
from maturity.scoring import exact
from maturity.publish import urls
from maturity.scoring import AssessmentResult
from maturity.settings import PublicationSettings, Settings

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class PublicRecord:
    """One assessment in publication: announced, certified, or with a past certificate."""

    assessment: Assessment
    standing: Standing
    result: AssessmentResult

    @property
    def level(self) -> int | None:
        if self.standing.certificate:
            return self.standing.certificate.level
        return self.standing.announcement.level if self.standing.announcement else None


def public_records(published: list[Assessment], results: dict, settings: PublicationSettings, today: dt.date) -> list[PublicRecord]:
    out = []
    for a in published:
        st = standing(a, settings, settings.calendar(), today)
        if st is not None:
            out.append(PublicRecord(a, st, results[a.id]))
    return out


# -- the published form ------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrganisationRef:
    name: str
    credit_code: str
    region: str | None = None

    def to_json(self) -> dict:
        out = {"name": self.name, "credit_code": self.credit_code}
        if self.region is not None:
            out["region"] = self.region
        return out

    @classmethod
    def from_json(cls, data: dict) -> "OrganisationRef":
        return cls(data["name"], data["credit_code"], data.get("region"))


@dataclass(frozen=True)
class SourceRef:
    """Only in a federation listing (``maturity aggregate``): the authority whose site published a record."""

    id: str
    name: str
    site: str

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "site": self.site}

    @classmethod
    def from_json(cls, data: dict | None) -> "SourceRef | None":
        return None if data is None else cls(data["id"], data["name"], data["site"])


@dataclass(frozen=True)
class EventRecord:
    kind: str
    date: dt.date
    reason: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "date": self.date.isoformat(), "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict) -> "EventRecord":
        return cls(data["kind"], dt.date.fromisoformat(data["date"]), data["reason"])


@dataclass(frozen=True)
class CertificateRecord:
    number: str
    organisation: OrganisationRef
    level: int
    status: str
    issued: dt.date
    valid_until: dt.date
    surveillance_due: dt.date | None
    events: tuple[EventRecord, ...]
    announcement: tuple[dt.date, dt.date] | None  # (start, last day)
    digest: str | None
    model: str
    assessment: str
    score: str | None  # A of the certificate's level, exact ("853/1070")
    url: str
    json: str
    model_version: str | None = None  # the version of the model the certificate was issued under
    source: SourceRef | None = None  # only in a federation listing

    def to_json(self) -> dict:
        return _with_source(self.source, {
            "number": self.number,
            "organisation": self.organisation.to_json(),
            "level": self.level,
            "status": self.status,
            "issued": self.issued.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "surveillance_due": self.surveillance_due.isoformat() if self.surveillance_due else None,
            "events": [e.to_json() for e in self.events],
            "announcement": None if self.announcement is None else {
                "start": self.announcement[0].isoformat(), "last_day": self.announcement[1].isoformat()},
            "digest": self.digest,
            "model": self.model,
            "model_version": self.model_version,
            "assessment": self.assessment,
            "score": self.score,
            "url": self.url,
            "json": self.json,
        })

    @classmethod
    def from_json(cls, data: dict) -> "CertificateRecord":
        ann = data.get("announcement")
        day = dt.date.fromisoformat
        return cls(
            data["number"], OrganisationRef.from_json(data["organisation"]), data["level"], data["status"],
            day(data["issued"]), day(data["valid_until"]),
            day(data["surveillance_due"]) if data.get("surveillance_due") else None,
            tuple(EventRecord.from_json(e) for e in data.get("events", [])),
            (day(ann["start"]), day(ann["last_day"])) if ann else None,
            data.get("digest"), data["model"], data["assessment"], data.get("score"), data["url"], data["json"],
            data.get("model_version"), SourceRef.from_json(data.get("source")),
        )


@dataclass(frozen=True)
class AnnouncementRecord:
    assessment: str
    organisation: OrganisationRef
    level: int | None
    status: str
    start: dt.date
    last_day: dt.date
    how_to_object: str
    source: SourceRef | None = None  # only in a federation listing

    def to_json(self) -> dict:
        return _with_source(self.source, {
            "assessment": self.assessment, "organisation": self.organisation.to_json(), "level": self.level,
            "status": self.status, "start": self.start.isoformat(), "last_day": self.last_day.isoformat(),
            "how_to_object": self.how_to_object})

    @classmethod
    def from_json(cls, data: dict) -> "AnnouncementRecord":
        return cls(data["assessment"], OrganisationRef.from_json(data["organisation"]), data.get("level"),
                   data["status"], dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["last_day"]),
                   data["how_to_object"], SourceRef.from_json(data.get("source")))


def _with_source(source: SourceRef | None, out: dict) -> dict:
    if source is not None:  # a site's own register has no "source": its output is unchanged
        out["source"] = source.to_json()
    return out


@dataclass(frozen=True)
class CertificateRegister:
    """``certificates.json``: every certificate (current and past) and every running announcement."""

    generated: dt.date
    certificates: tuple[CertificateRecord, ...]
    announcements: tuple[AnnouncementRecord, ...]
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict:
        return {"schema_version": self.schema_version, "generated": self.generated.isoformat(),
                "certificates": [c.to_json() for c in self.certificates],
                "announcements": [a.to_json() for a in self.announcements]}

    @classmethod
    def from_json(cls, data: dict) -> "CertificateRegister":
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"certificates.json 的格式版本 {data.get('schema_version')!r} 不受支持（应为 {SCHEMA_VERSION}）")
        return cls(dt.date.fromisoformat(data["generated"]),
                   tuple(CertificateRecord.from_json(c) for c in data["certificates"]),
                   tuple(AnnouncementRecord.from_json(a) for a in data["announcements"]))

    def dumps(self) -> str:
        return dumps(self.to_json())

    @classmethod
    def loads(cls, text: str) -> "CertificateRegister":
        return cls.from_json(json.loads(text))


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


# -- from the build's records to the published form ------------------------------------------------

def _organisation(a: Assessment, region: bool = True) -> OrganisationRef:
    org = a.organisation
    return OrganisationRef(org["name"], org["credit_code"], org["region"] if region else None)


def certificate_record(r: PublicRecord, settings: Settings) -> CertificateRecord:
    a, st, cert = r.assessment, r.standing, r.standing.certificate
    model = a.model
    site = settings.site
    level = r.result.levels.get(cert.level)
    return CertificateRecord(
        number=cert.number, organisation=_organisation(a), level=cert.level, status=st.status,
        issued=cert.issued, valid_until=cert.valid_until, surveillance_due=st.surveillance_due,
        events=tuple(EventRecord(e.kind, e.date, e.reason) for e in cert.events),
        announcement=(st.announcement.start, st.announcement.last_day) if st.announcement else None,
        digest=cert.sealed_digest, model=model.id, model_version=model.version, assessment=a.id,
        score=exact(level.score) if level is not None else None,
        url=urls.absolute(site.url, urls.url_of(urls.certificate_uri(cert.number), site.directory_urls)),
        json=urls.absolute(site.url, urls.certificate_json_path(cert.number)),
    )


def certificate_register(records: list[PublicRecord], settings: Settings, today: dt.date) -> CertificateRegister:
    certified = sorted((r for r in records if r.standing.certificate is not None), key=lambda r: r.standing.certificate.number)
    announced = sorted((r for r in records if r.standing.status in ("announced", "pending")),
                       key=lambda r: (r.standing.announcement.start, r.assessment.id))
    return CertificateRegister(
        generated=today,
        certificates=tuple(certificate_record(r, settings) for r in certified),
        announcements=tuple(AnnouncementRecord(r.assessment.id, _organisation(r.assessment, region=False), r.level,
                                               r.standing.status, r.standing.announcement.start,
                                               r.standing.announcement.last_day, settings.publication.objection_contact)
                            for r in announced),
    )
