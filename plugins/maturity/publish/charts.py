"""Inline SVG charts, generated at build time: readable without JavaScript and in print.

Every chart has a <title> and <desc> for screen readers; all text is escaped.
"""

from __future__ import annotations

import math
from fractions import Fraction

from markupsafe import escape

from maturity.scoring import display

FONT = 'font-family="system-ui, -apple-system, \'PingFang SC\', \'Microsoft YaHei\', \'Noto Sans CJK SC\', sans-serif"'


def _open(uid: str, width: int, height: int, title: str, desc: str) -> str:
    return (f'<svg class="maturity-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="{uid}-t {uid}-d" {FONT}>'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>')


def radar(uid: str, axes: list[tuple[str, Fraction]], threshold: Fraction) -> str:
    """Capability-domain scores B on five (or any number of) axes, with the threshold ring."""
    size, cx, cy, r = 440, 220, 185, 115
    n = len(axes)
    desc = "；".join(f"{name} {display(v)}" for name, v in axes)
    out = [_open(uid, size, 370, "能力域得分雷达图", f"各能力域得分 B：{desc}")]

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * value * math.cos(angle), cy + r * value * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="#c8c8c8" stroke-width="1"/>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, float(threshold)) for i in range(n)))
    out.append(f'<polygon points="{pts}" fill="none" stroke="#d9534f" stroke-width="1.5" stroke-dasharray="5 3"/>')
    for i, (name, value) in enumerate(axes):
        x, y = point(i, 1.0)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c8c8c8"/>')
        lx, ly = point(i, 1.22)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="13" text-anchor="{anchor}" dominant-baseline="middle">'
                   f'{escape(name)} {display(value)}</text>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, float(v)) for i, (_, v) in enumerate(axes)))
    out.append(f'<polygon points="{pts}" fill="rgba(63,81,181,0.25)" stroke="#3f51b5" stroke-width="2"/>')
    out.append(f'<text x="8" y="362" font-size="11" fill="#d9534f">虚线：判定阈值 {display(threshold)}</text>')
    out.append("</svg>")
    return "".join(out)


def level_bars(uid: str, levels: list[tuple[str, Fraction, bool]], threshold: Fraction) -> str:
    """A per level as horizontal bars against the threshold line."""
    row, left, width = 30, 56, 300
    height = row * len(levels) + 40
    desc = "；".join(f"{name} A={display(a)}{'，符合' if ok else '，不符合'}" for name, a, ok in levels)
    out = [_open(uid, left + width + 70, height, "成熟度等级得分 A 与阈值", desc)]
    for i, (name, a, ok) in enumerate(levels):
        y = 10 + i * row
        w = width * float(a)
        colour = "#2e7d32" if ok else "#c62828"
        out.append(f'<text x="{left - 8}" y="{y + 14}" font-size="13" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{width}" height="20" fill="#eeeeee"/>')
        out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="20" fill="{colour}"/>')
        out.append(f'<text x="{left + width + 6}" y="{y + 14}" font-size="13">{display(a)}{"" if ok else " ✗"}</text>')
    tx = left + width * float(threshold)
    out.append(f'<line x1="{tx:.1f}" y1="4" x2="{tx:.1f}" y2="{height - 26}" stroke="#000" stroke-width="1.5" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{tx:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">阈值 {display(threshold)}</text>')
    out.append("</svg>")
    return "".join(out)


def _heat_colour(value: Fraction) -> str:
    v = float(value)
    if v >= 0.9:
        return "#1b5e20"
    if v >= 0.8:
        return "#66bb6a"
    if v >= 0.6:
        return "#ffb74d"
    return "#e53935"


def heatmap(uid: str, rows: list[tuple[str, list[Fraction | None]]], columns: list[str]) -> str:
    """Assessment-domain scores C (rows) by level (columns); an empty cell = not assessed there."""
    label_w, cell_w, cell_h = 150, 52, 20
    height = 28 + cell_h * len(rows) + 30
    width = label_w + cell_w * len(columns) + 10
    out = [_open(uid, width, height, "评估域得分热力图", f"{len(rows)} 个评估域在 {len(columns)} 个等级的得分 C；空白表示该等级不评估此域。")]
    for j, col in enumerate(columns):
        out.append(f'<text x="{label_w + j * cell_w + cell_w / 2}" y="18" font-size="12" text-anchor="middle">{escape(col)}</text>')
    for i, (label, values) in enumerate(rows):
        y = 26 + i * cell_h
        out.append(f'<text x="{label_w - 6}" y="{y + 14}" font-size="12" text-anchor="end">{escape(label)}</text>')
        for j, v in enumerate(values):
            x = label_w + j * cell_w
            if v is None:
                out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="#f5f5f5"/>')
                continue
            fill = _heat_colour(v)
            ink = "#fff" if fill in ("#1b5e20", "#e53935") else "#000"
            out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}"/>'
                       f'<text x="{x + cell_w / 2}" y="{y + 14}" font-size="11" text-anchor="middle" fill="{ink}">{display(v)}</text>')
    ly = height - 12
    for k, (text, colour) in enumerate((("≥0.9", "#1b5e20"), ("≥0.8", "#66bb6a"), ("≥0.6", "#ffb74d"), ("<0.6", "#e53935"))):
        x = label_w + k * 60
        out.append(f'<rect x="{x}" y="{ly - 10}" width="12" height="12" fill="{colour}"/><text x="{x + 16}" y="{ly}" font-size="11">{escape(text)}</text>')
    out.append("</svg>")
    return "".join(out)
