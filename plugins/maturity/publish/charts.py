"""Inline SVG charts, generated at build time: readable without JavaScript and in print.

Every chart has a <title> and <desc> for screen readers; all text is escaped.
"""

from __future__ import annotations

import math
import unicodedata
from fractions import Fraction

from markupsafe import escape

from maturity import i18n
from maturity.scoring import display

ZH = i18n.translator("zh")

FONT = 'font-family="system-ui, -apple-system, \'PingFang SC\', \'Microsoft YaHei\', \'Noto Sans CJK SC\', sans-serif"'


def _open(uid: str, width: float, height: float, title: str, desc: str, x: float = 0, y: float = 0) -> str:
    return (f'<svg class="maturity-chart" xmlns="http://www.w3.org/2000/svg" viewBox="{x:g} {y:g} {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{uid}-t {uid}-d" {FONT}>'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>')


# -- how much room a label takes, without a font at hand ---------------------------------------------------
# Estimates err on the wide side: a Chinese (or other full-width) character is about 1em, anything else
# (digits, Latin, spaces, the decimal point) at most about 0.6em in the sans-serif fonts the charts name.

def text_width(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * size for ch in text)


Box = tuple[float, float, float, float]  # (left, top, right, bottom)


def text_box(x: float, y: float, text: str, size: float, anchor: str = "start") -> Box:
    """The estimated box of a one-line label centred vertically on ``y`` (dominant-baseline="middle")."""
    w = text_width(text, size)
    left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return left, y - 0.6 * size, left + w, y + 0.6 * size


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


RADAR_R = 115  # the radius of the outer ring
RADAR_LABEL = 13  # font size of the axis labels
RADAR_PAD = 8  # room left around everything drawn


def radar(uid: str, axes: list[tuple[str, Fraction]], threshold: Fraction, tr: i18n.Translator = ZH) -> str:
    """Capability-domain scores B on five (or any number of) axes, with the threshold ring.

    Drawn around (0, 0); the viewBox is then made to hold every label, however long the domain names
    (the model's or an authority's own), so that none is cut off at the sides.
    """
    r, n = RADAR_R, len(axes)
    desc = tr("charts.separator").join(f"{name} {display(v)}" for name, v in axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return r * value * math.cos(angle), r * value * math.sin(angle)

    body, boxes = [], [(-r, -r, r, r)]
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        body.append(f'<polygon points="{pts}" fill="none" stroke="#c8c8c8" stroke-width="1"/>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, float(threshold)) for i in range(n)))
    body.append(f'<polygon points="{pts}" fill="none" stroke="#c62828" stroke-width="1.5" stroke-dasharray="5 3"/>')
    for i, (name, value) in enumerate(axes):
        x, y = point(i, 1.0)
        body.append(f'<line x1="0" y1="0" x2="{x:.1f}" y2="{y:.1f}" stroke="#c8c8c8"/>')
        lx, ly = point(i, 1.22)
        anchor = "middle" if abs(lx) < 10 else ("start" if lx > 0 else "end")
        label = f"{name} {display(value)}"
        boxes.append(text_box(lx, ly, label, RADAR_LABEL, anchor))
        body.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="{RADAR_LABEL}" text-anchor="{anchor}" '
                    f'dominant-baseline="middle">{escape(label)}</text>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, float(v)) for i, (_, v) in enumerate(axes)))
    body.append(f'<polygon points="{pts}" fill="rgba(63,81,181,0.25)" stroke="#3f51b5" stroke-width="2"/>')
    # The legend goes under everything else, at the left edge.
    left, _, _, bottom = _union(boxes)
    legend = tr("charts.radar_legend", threshold=display(threshold))
    legend_y = bottom + 14
    boxes.append(text_box(left, legend_y, legend, 11))
    body.append(f'<text x="{left:.1f}" y="{legend_y:.1f}" font-size="11" dominant-baseline="middle" fill="#c62828">'
                f'{escape(legend)}</text>')
    x0, y0, x1, y1 = _union(boxes)
    x0, y0 = math.floor(x0 - RADAR_PAD), math.floor(y0 - RADAR_PAD)
    width, height = math.ceil(x1 + RADAR_PAD) - x0, math.ceil(y1 + RADAR_PAD) - y0
    return "".join([_open(uid, width, height, tr("charts.radar_title"), tr("charts.radar_desc") + desc, x0, y0), *body, "</svg>"])


def level_bars(uid: str, levels: list[tuple[str, Fraction, bool]], threshold: Fraction, tr: i18n.Translator = ZH) -> str:
    """A per level as horizontal bars against the threshold line."""
    row, width = 30, 300
    left = max([56.0] + [text_width(name, 13) + 12 for name, _, _ in levels])  # room for the longest level name
    height = row * len(levels) + 40
    desc = tr("charts.separator").join(tr("charts.bar_desc", name=name, a=display(a), verdict=tr("page.conforms" if ok else "page.fails"))
                                      for name, a, ok in levels)
    out = [_open(uid, left + width + 70, height, tr("charts.bars_title"), desc)]
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
    out.append(f'<text x="{tx:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{escape(tr("charts.threshold", threshold=display(threshold)))}</text>')
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


LEGEND_STEP = 60  # room for each key of the heatmap's legend


def heatmap(uid: str, rows: list[tuple[str, list[Fraction | None]]], columns: list[str], tr: i18n.Translator = ZH) -> str:
    """Assessment-domain scores C (rows) by level (columns); an empty cell = not assessed there."""
    cell_w, cell_h = 52, 20
    label_w = max([150.0] + [text_width(label, 12) + 10 for label, _ in rows])  # room for the longest domain name
    height = 28 + cell_h * len(rows) + 30
    width = label_w + max(cell_w * len(columns), 4 * LEGEND_STEP) + 10  # the legend's four keys fit under few columns too
    out = [_open(uid, width, height, tr("charts.heatmap_title"), tr("charts.heatmap_desc", rows=len(rows), columns=len(columns)))]
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
        x = label_w + k * LEGEND_STEP
        out.append(f'<rect x="{x}" y="{ly - 10}" width="12" height="12" fill="{colour}"/><text x="{x + 16}" y="{ly}" font-size="11">{escape(text)}</text>')
    out.append("</svg>")
    return "".join(out)
