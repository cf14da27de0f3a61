"""The Atom feed of announcements, certificates and status changes (``feed.xml``)."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape as xml_escape

from maturity import i18n
from maturity.publish import urls
from maturity.publish.records import PublicRecord
from maturity.settings import SiteSettings

FEED_LIMIT = 200


def feed_entries(records: list[PublicRecord], today: dt.date) -> list[dict]:
    entries = []
    for r in records:
        a, st = r.assessment, r.standing
        name = a.organisation["name"]
        if st.announcement and st.announcement.start <= today:
            entries.append({"id": f"{a.id}/announcement", "date": st.announcement.start, "assessment": r,
                            "title": f"公示：{name}（{r.assessment.model.level_name(r.level) if r.level else ''}）",
                            "summary": f"公示期 {st.announcement.start} 至 {st.announcement.last_day}；如有异议请在公示期内提出。"})
        cert = st.certificate
        if cert is None:
            continue
        entries.append({"id": f"{a.id}/issued/{cert.number}", "date": cert.issued, "assessment": r,
                        "title": f"发证：{name} {r.assessment.model.level_name(cert.level)}（{cert.number}）",
                        "summary": f"证书 {cert.number} 签发，有效期至 {cert.valid_until}。"})
        for i, e in enumerate(cert.events):
            if e.date <= today:
                entries.append({"id": f"{a.id}/event/{i}", "date": e.date, "assessment": r,
                                "title": f"{i18n.t('events.' + e.kind)}：{name}（{cert.number}）",
                                "summary": e.reason or i18n.t("events." + e.kind)})
        expiry = cert.valid_until + dt.timedelta(days=1)
        if expiry <= today and st.status == "expired":
            entries.append({"id": f"{a.id}/expired/{cert.number}", "date": expiry, "assessment": r,
                            "title": f"到期：{name}（{cert.number}）", "summary": f"证书 {cert.number} 已于 {cert.valid_until} 到期。"})
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries[:FEED_LIMIT]


def atom_feed(records: list[PublicRecord], today: dt.date, site: SiteSettings) -> str:
    site_url, site_name, directory_urls = site.url, site.name, site.directory_urls
    entries = feed_entries(records, today)
    updated = (entries[0]["date"] if entries else today).isoformat() + "T00:00:00Z"
    base = site_url or "urn:maturity:"
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
           f"  <title>{xml_escape(site_name or '评估结果公示')} · 公示与证书状态</title>",
           f"  <id>{xml_escape(urls.absolute(site_url, 'feed.xml') if site_url else 'urn:maturity:feed')}</id>",
           f"  <updated>{updated}</updated>",
           f'  <link rel="self" href="{xml_escape(urls.absolute(site_url, "feed.xml"))}"/>',
           "  <author><name>评估管理机构</name></author>"]
    for e in entries:
        r = e["assessment"]
        cert = r.standing.certificate
        path = urls.url_of(urls.certificate_uri(cert.number), directory_urls) if cert else urls.url_of(urls.assessment_uri(r.assessment.id), directory_urls)
        link = urls.absolute(site_url, path)
        out += ["  <entry>",
                f"    <title>{xml_escape(e['title'])}</title>",
                f"    <id>{xml_escape(base.rstrip('/') + '/' + e['id'] if site_url else 'urn:maturity:' + e['id'])}</id>",
                f'    <link href="{xml_escape(link)}"/>',
                f"    <updated>{e['date'].isoformat()}T00:00:00Z</updated>",
                f"    <summary>{xml_escape(e['summary'])}</summary>",
                "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"
