"""How figures are shown: never better than they are.

Every score (A, B, C, and the scale's values) is shown truncated to two decimals, not rounded:
a level score of 853/1070 = 0.7971… is shown as 0.79, never as 0.80 beside a threshold of 0.80,
and a passing 0.8049… as 0.80. Truncation can only understate a figure, by less than 0.01, so a
displayed A is on the same side of any two-decimal threshold as the exact A. The exact value is
always available as a fraction (:func:`exact`): JSON carries it, pages show it on hover.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache


@lru_cache(maxsize=4096)  # pages show the same few values many times
def display(value: Fraction, digits: int = 2) -> str:
    """``value`` truncated toward zero to ``digits`` decimals (for display only; decisions use the exact value)."""
    scaled = value * 10**digits
    n = int(scaled)  # int() truncates toward zero
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(n), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"


def exact(value: Fraction) -> str:
    """The exact value as a reduced fraction, e.g. "853/1070"; whole numbers as themselves."""
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
