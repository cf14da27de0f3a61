"""What the authority publishes besides pages: certificate records, JSON, the Atom feed, badges, QR codes.

Everything here is derived from the repository and the build date only, so two builds of
the same data on the same date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

import segno

from maturity.data.assessment import Assessment
from maturity.authority import AuthoritySettings
from maturity.data.model import Model
from maturity.data.publication import EVENTS, STATUS, Standing, standing
from maturity.scoring import AssessmentResult

CERTIFICATES_SCHEMA_VERSION = 1
FEED_LIMIT = 200


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


def public_records(published: list[Assessment], results: dict, settings: AuthoritySettings, today: dt.date) -> list[PublicRecord]:
    out = []
    for a in published:
        st = standing(a, settings, settings.calendar(), today)
        if st is not None:
            out.append(PublicRecord(a, st, results[a.id]))
    return out


def certificate_slug(number: str) -> str:
    from maturity.publish.build import slug
    return slug(number)


def absolute(site_url: str | None, path: str) -> str:
    """A site path as an absolute URL when the site's address is known, else as a root-relative path."""
    if site_url:
        return site_url.rstrip("/") + "/" + path.lstrip("/")
    return "/" + path.lstrip("/")


def certificate_record(r: PublicRecord, model: Model, site_url: str | None, directory_urls: bool = True) -> dict:
    from maturity.publish.build import certificate_uri, url_of
    a, st, cert = r.assessment, r.standing, r.standing.certificate
    record = {
        "number": cert.number,
        "organisation": {"name": a.organisation["name"], "credit_code": a.organisation["credit_code"], "region": a.organisation["region"]},
        "level": cert.level,
        "level_name": model.level_name(cert.level),
        "status": st.status,
        "status_label": st.label,
        "issued": cert.issued.isoformat(),
        "valid_until": cert.valid_until.isoformat(),
        "surveillance_due": st.surveillance_due.isoformat() if st.surveillance_due else None,
        "events": [{"kind": e.kind, "label": EVENTS[e.kind], "date": e.date.isoformat(), "reason": e.reason} for e in cert.events],
        "announcement": None if st.announcement is None else {
            "start": st.announcement.start.isoformat(), "last_day": st.announcement.last_day.isoformat()},
        "digest": cert.sealed_digest,
        "assessment": a.id,
        "score": float(r.result.levels[cert.level].score) if cert.level in r.result.levels else None,
        "url": absolute(site_url, url_of(certificate_uri(cert.number), directory_urls)),
        "json": absolute(site_url, f"certificates/{certificate_slug(cert.number)}.json"),
    }
    return record


def certificates_json(records: list[PublicRecord], model: Model, settings: AuthoritySettings, today: dt.date,
                      site_url: str | None, directory_urls: bool = True) -> dict:
    certified = [r for r in records if r.standing.certificate is not None]
    certified.sort(key=lambda r: r.standing.certificate.number)
    announced = [r for r in records if r.standing.status in ("announced", "pending")]
    announced.sort(key=lambda r: (r.standing.announcement.start, r.assessment.id))
    return {
        "schema_version": CERTIFICATES_SCHEMA_VERSION,
        "model": model.id,
        "generated": today.isoformat(),
        "certificates": [certificate_record(r, model, site_url, directory_urls) for r in certified],
        "announcements": [{
            "assessment": r.assessment.id,
            "organisation": {"name": r.assessment.organisation["name"], "credit_code": r.assessment.organisation["credit_code"]},
            "level": r.level,
            "status": r.standing.status,
            "status_label": r.standing.label,
            "start": r.standing.announcement.start.isoformat(),
            "last_day": r.standing.announcement.last_day.isoformat(),
            "how_to_object": settings.objection_contact,
        } for r in announced],
    }


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


# -- the Atom feed ------------------------------------------------------------------

def feed_entries(records: list[PublicRecord], model: Model, today: dt.date) -> list[dict]:
    entries = []
    for r in records:
        a, st = r.assessment, r.standing
        name = a.organisation["name"]
        if st.announcement and st.announcement.start <= today:
            entries.append({"id": f"{a.id}/announcement", "date": st.announcement.start, "assessment": r,
                            "title": f"公示：{name}（{model.level_name(r.level) if r.level else ''}）",
                            "summary": f"公示期 {st.announcement.start} 至 {st.announcement.last_day}；如有异议请在公示期内提出。"})
        cert = st.certificate
        if cert is None:
            continue
        entries.append({"id": f"{a.id}/issued/{cert.number}", "date": cert.issued, "assessment": r,
                        "title": f"发证：{name} {model.level_name(cert.level)}（{cert.number}）",
                        "summary": f"证书 {cert.number} 签发，有效期至 {cert.valid_until}。"})
        for i, e in enumerate(cert.events):
            if e.date <= today:
                entries.append({"id": f"{a.id}/event/{i}", "date": e.date, "assessment": r,
                                "title": f"{EVENTS[e.kind]}：{name}（{cert.number}）",
                                "summary": e.reason or EVENTS[e.kind]})
        expiry = cert.valid_until + dt.timedelta(days=1)
        if expiry <= today and st.status == "expired":
            entries.append({"id": f"{a.id}/expired/{cert.number}", "date": expiry, "assessment": r,
                            "title": f"到期：{name}（{cert.number}）", "summary": f"证书 {cert.number} 已于 {cert.valid_until} 到期。"})
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries[:FEED_LIMIT]


def atom_feed(records: list[PublicRecord], model: Model, today: dt.date, site_url: str | None, site_name: str,
              directory_urls: bool = True) -> str:
    from maturity.publish.build import certificate_uri, url_of, assessment_uri
    entries = feed_entries(records, model, today)
    updated = (entries[0]["date"] if entries else today).isoformat() + "T00:00:00Z"
    base = site_url or "urn:maturity:"
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
           f"  <title>{xml_escape(site_name or '评估结果公示')} · 公示与证书状态</title>",
           f"  <id>{xml_escape(absolute(site_url, 'feed.xml') if site_url else 'urn:maturity:feed')}</id>",
           f"  <updated>{updated}</updated>",
           f'  <link rel="self" href="{xml_escape(absolute(site_url, "feed.xml"))}"/>',
           "  <author><name>评估管理机构</name></author>"]
    for e in entries:
        r = e["assessment"]
        cert = r.standing.certificate
        path = url_of(certificate_uri(cert.number), directory_urls) if cert else url_of(assessment_uri(r.assessment), directory_urls)
        link = absolute(site_url, path)
        out += ["  <entry>",
                f"    <title>{xml_escape(e['title'])}</title>",
                f"    <id>{xml_escape(base.rstrip('/') + '/' + e['id'] if site_url else 'urn:maturity:' + e['id'])}</id>",
                f'    <link href="{xml_escape(link)}"/>',
                f"    <updated>{e['date'].isoformat()}T00:00:00Z</updated>",
                f"    <summary>{xml_escape(e['summary'])}</summary>",
                "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


# -- badges and QR codes ------------------------------------------------------------

BADGE_COLOURS = {"valid": "#2e7d32", "surveillance_overdue": "#ef6c00", "suspended": "#c62828", "revoked": "#6d4c41",
                 "expired": "#757575", "announced": "#1565c0", "pending": "#1565c0", "none": "#9e9e9e"}


def _text_width(text: str) -> int:
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text) + 12


def badge_svg(organisation: str, level_name: str | None, status: str) -> str:
    """A small shields-style badge: “成熟度 | 三星 · 有效”; text escaped, no external fonts."""
    left = "服务能力成熟度"
    right = f"{level_name} · {STATUS[status]}" if level_name else "无有效证书"
    lw, rw = _text_width(left), _text_width(right)
    colour = BADGE_COLOURS.get(status if level_name else "none", "#9e9e9e")
    title = xml_escape(f"{organisation}：{right}", {'"': "&quot;"})  # also used as an attribute value
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{lw + rw}" height="20" role="img" aria-label="{title}">'
            f"<title>{title}</title>"
            f'<rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{rw}" height="20" fill="{colour}"/>'
            f'<g fill="#fff" font-family="system-ui, \'PingFang SC\', \'Microsoft YaHei\', sans-serif" font-size="11" text-anchor="middle">'
            f'<text x="{lw / 2}" y="14">{xml_escape(left)}</text><text x="{lw + rw / 2}" y="14">{xml_escape(right)}</text></g></svg>\n')


def organisation_badge(records: list[PublicRecord], model: Model, name: str) -> str:
    """The badge of an organisation: its best current certificate, else its latest status."""
    current = [r for r in records if r.standing.is_current]
    if current:
        best = max(current, key=lambda r: (r.standing.status == "valid", r.standing.certificate.level, r.standing.certificate.issued))
        return badge_svg(name, model.level_name(best.standing.certificate.level), best.standing.status)
    announced = [r for r in records if r.standing.status == "announced"]
    if announced:
        return badge_svg(name, model.level_name(announced[-1].level), "announced")
    return badge_svg(name, None, "none")


def qr_svg(url: str, label: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, title=label, svgclass="maturity-qr")
