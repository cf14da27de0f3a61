"""The unified social credit code (统一社会信用代码) of GB 32100: 18 characters, one check character."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for i = 1..17


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    check = 31 - total % 31
    return CHARSET[0 if check == 31 else check]


def problem(code: str) -> tuple[str, dict] | None:
    """Why ``code`` is not a valid credit code, as (MAT101 message variant, its arguments); None when valid."""
    if not isinstance(code, str) or len(code) != 18:
        return "length", {}
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return "chars", {"chars": "".join(bad)}
    if not code[2:8].isascii() or not code[2:8].isdigit():  # the registering authority's region code (GB/T 2260)
        return "region", {"region": code[2:8]}
    expected = check_character(code[:17])
    if code[17] != expected:
        return "check", {"expected": expected, "actual": code[17]}
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
