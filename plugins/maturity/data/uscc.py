"""The unified social credit code (统一社会信用代码) of GB 32100: 18 characters, one check character."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for i = 1..17


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    check = 31 - total % 31
    return CHARSET[0 if check == 31 else check]


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, in Chinese; None when it is valid."""
    if not isinstance(code, str) or len(code) != 18:
        return "统一社会信用代码应为 18 位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return f"统一社会信用代码含有不允许的字符 {''.join(bad)}（不使用 I、O、Z、S、V 和小写字母）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误（应为 {expected}，实际为 {code[17]}）"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
