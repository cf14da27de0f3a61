"""Words out of code: every message key the code uses is in the catalogue, and messages stay one line."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from maturity import i18n
from maturity.diagnostics import Diagnostic, Severity

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "maturity"
KEY = re.compile(r"^MAT\d{3}(\.[a-z_]+)?$")


def used_keys() -> set[str]:
    """Every diagnostic key written as a literal or an f-string prefix in the package's code."""
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
                keys.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if re.match(r"^MAT\d{3}\.$", head):
                    keys.add(head + "*")
    return keys


def test_every_key_the_code_uses_is_in_the_catalogue():
    zh = i18n.catalogue("zh")
    for key in sorted(used_keys()):
        code, _, variant = key.partition(".")
        if variant == "*":  # an f-string: the code names its variants from data (e.g. MAT101.{check})
            assert any(k.startswith(f"diagnostics.{code}.") and not k.endswith(".title") for k in zh), key
        elif variant:
            assert f"diagnostics.{key}" in zh, key
        else:
            assert f"diagnostics.{code}.message" in zh or any(
                k.startswith(f"diagnostics.{code}.") and not k.endswith(".title") for k in zh), key


def test_every_code_has_a_title_in_both_languages():
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    codes = {k.split(".")[1] for k in zh if k.startswith("diagnostics.")}
    for code in codes:
        assert f"diagnostics.{code}.title" in zh, code
        assert f"diagnostics.{code}.title" in en, code


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_translations_use_the_same_fields():
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    for key, text in en.items():
        assert key in zh, f"en.yml has {key}, zh.yml does not"
        assert fields(text) == fields(zh[key]), key


def test_labels_fall_back_to_chinese():
    assert i18n.labels("status", "en")["valid"] == i18n.labels("status", "en")["valid"]
    assert set(i18n.labels("status", "en")) == set(i18n.labels("status"))


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "\x1b[31mred", "x\u202eevil", "zero\u200bwidth", "\ud800", "t\tab", "\x85next"])
def test_a_message_is_one_visible_line_whatever_the_value(value):
    d = Diagnostic.make("a\nb.yml", 3, 4, "MAT301", Severity.ERROR, id=value)
    text = str(d)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\u202e" not in text
    assert "\u200b" not in text and "\x85" not in text
    assert text.isprintable() or "\t" not in text


def test_long_values_are_cut():
    d = Diagnostic.make("x.yml", 1, 1, "MAT301", Severity.ERROR, id="长" * 100_000)
    assert len(d.message) < i18n.MAX_SHOWN + 200


ACTION = re.compile("请|应|须|改为|改成|运行|删除|补|使用|写|去掉|检查|提交|联系|确认|只能|不能|不得|不要|加|换|登记|修正|保存|选|填|撤回")


def test_every_diagnostic_message_says_what_to_do():
    """A message names the action that fixes the problem (or, for a note, what happens), not only the problem."""
    zh = i18n.catalogue("zh")
    silent = []
    for key, text in zh.items():
        parts = key.split(".")
        if parts[0] != "diagnostics" or parts[-1] == "title" or len(parts) != 3:
            continue
        if parts[2] in ("found", "none", "unknown_change"):  # pieces other messages are made of
            continue
        if not ACTION.search(text):
            silent.append(f"{key}: {text}")
    assert not silent, "\n".join(silent)
