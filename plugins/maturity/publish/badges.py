"""Badges (SVG) an organisation can embed, and QR codes for certificate pages."""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

import segno

from maturity import i18n
from maturity.publish.records import PublicRecord

BADGE_COLOURS = {"valid": "#2e7d32", "surveillance_overdue": "#ef6c00", "suspended": "#c62828", "revoked": "#6d4c41",
                 "expired": "#757575", "announced": "#1565c0", "pending": "#1565c0", "none": "#9e9e9e"}


def _text_width(text: str) -> int:
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text) + 12


def badge_svg(organisation: str, level_name: str | None, status: str) -> str:
    """A small shields-style badge: “成熟度 | 三星 · 有效”; text escaped, no external fonts."""
    left = "服务能力成熟度"
    right = f"{level_name} · {i18n.t('status.' + status)}" if level_name else "无有效证书"
    lw, rw = _text_width(left), _text_width(right)
    colour = BADGE_COLOURS.get(status if level_name else "none", "#9e9e9e")
    title = xml_escape(f"{organisation}：{right}", {'"': "&quot;"})  # also used as an attribute value
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{lw + rw}" height="20" role="img" aria-label="{title}">'
            f"<title>{title}</title>"
            f'<rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{rw}" height="20" fill="{colour}"/>'
            f'<g fill="#fff" font-family="system-ui, \'PingFang SC\', \'Microsoft YaHei\', sans-serif" font-size="11" text-anchor="middle">'
            f'<text x="{lw / 2}" y="14">{xml_escape(left)}</text><text x="{lw + rw / 2}" y="14">{xml_escape(right)}</text></g></svg>\n')


def organisation_badge(records: list[PublicRecord], name: str) -> str:
    """The badge of an organisation: its best current certificate, else its latest status."""
    current = [r for r in records if r.standing.is_current]
    if current:
        best = max(current, key=lambda r: (r.standing.status == "valid", r.standing.certificate.level, r.standing.certificate.issued))
        return badge_svg(name, best.assessment.model.level_name(best.standing.certificate.level), best.standing.status)
    announced = [r for r in records if r.standing.status == "announced"]
    if announced:
        return badge_svg(name, announced[-1].assessment.model.level_name(announced[-1].level), "announced")
    return badge_svg(name, None, "none")


def qr_svg(url: str, label: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, title=label, svgclass="maturity-qr")
