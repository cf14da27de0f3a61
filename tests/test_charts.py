"""The charts' geometry: no label may fall outside the SVG's viewBox, however long the names.

The text boxes are estimated here on their own terms (a Chinese character about 1em wide, anything else
at most 0.6em; a line about 1.2em high), from the SVG as written, not from the chart module's helpers.
The real rendering is checked in chromium by tests/test_screens.py (getBBox on a report page).
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from maturity.data.model import load_model
from maturity.publish import charts

SVG = "{http://www.w3.org/2000/svg}"
TWELVE = "服务质量持续改进与创新管理"[:12]  # an authority's own, longer domain name


def view_box(svg: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in svg.get("viewBox").split())
    return x, y, x + w, y + h


def estimated_box(text: ET.Element) -> tuple[float, float, float, float]:
    size = float(text.get("font-size"))
    content = "".join(text.itertext())
    width = sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * size for ch in content)
    x, y = float(text.get("x")), float(text.get("y"))
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor", "start")]
    if text.get("dominant-baseline") == "middle":
        top, bottom = y - 0.6 * size, y + 0.6 * size
    else:  # on the alphabetic baseline: ascenders above, descenders below
        top, bottom = y - 0.95 * size, y + 0.3 * size
    return left, top, left + width, bottom


def outside(svg_text: str) -> list[str]:
    svg = ET.fromstring(svg_text)
    x0, y0, x1, y1 = view_box(svg)
    out = []
    for text in svg.iter(f"{SVG}text"):
        left, top, right, bottom = estimated_box(text)
        if left < x0 or top < y0 or right > x1 or bottom > y1:
            out.append(f"{''.join(text.itertext())!r} at ({left:.0f}, {top:.0f})–({right:.0f}, {bottom:.0f}) "
                       f"outside {x0:.0f} {y0:.0f} {x1:.0f} {y1:.0f}")
    return out


@pytest.fixture(scope="module")
def model():
    m, _ = load_model()
    return m


def test_radar_labels_fit_with_the_models_domain_names(model):
    for score in (Fraction(0), Fraction(17, 20), Fraction(1)):
        axes = [(cd.name, score) for cd in model.capability_domains]
        assert outside(charts.radar("r", axes, model.threshold)) == []


@pytest.mark.parametrize("n", [3, 5, 6, 8])
def test_radar_labels_fit_with_a_twelve_character_name_on_every_axis(n):
    for i in range(n):  # the long name on each axis in turn: top, sides, bottom
        axes = [(TWELVE if j == i else f"能力域{j}", Fraction(9, 10)) for j in range(n)]
        problems = outside(charts.radar("r", axes, Fraction(4, 5)))
        assert problems == [], f"{n} axes, long name on axis {i}: {problems}"


def test_radar_is_no_wider_than_its_labels_need(model):
    """Margins come from the labels: the model's short names do not get the room of a twelve-character one."""
    short = ET.fromstring(charts.radar("r", [(cd.name, Fraction(1)) for cd in model.capability_domains], model.threshold))
    long = ET.fromstring(charts.radar("r", [(TWELVE, Fraction(1))] * 5, model.threshold))
    assert float(short.get("width")) < float(long.get("width"))
    assert short.get("viewBox").split()[2] == short.get("width"), "drawn at its own size, scaled only by CSS"


def test_bars_and_heatmap_labels_fit_long_names(model):
    levels = [(TWELVE[:n], Fraction(n, 12), n % 2 == 0) for n in (2, 6, 12)]
    assert outside(charts.level_bars("b", levels, Fraction(4, 5))) == []
    rows = [(TWELVE + "及其他", [Fraction(1), None, Fraction(1, 2)]), ("短", [None, Fraction(9, 10), Fraction(0)])]
    assert outside(charts.heatmap("h", rows, ["一星", "二星", "三星"])) == []
