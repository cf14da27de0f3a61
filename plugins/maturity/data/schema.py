"""Checking a data file against its published JSON Schema, with located Chinese messages.

The same schema files are what editors use (through the ``$schema`` comment at the top of
each data file), so the editor and ``maturity validate`` can never disagree on structure.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources

import fastjsonschema
import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from maturity.diagnostics import Collector
from maturity.data.yamlfile import Document

SCHEMAS = ("assessment", "scores", "evidence", "publication", "model")


def _is_number(checker, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_format_checker = FormatChecker(())


@_format_checker.checks("date")
def _is_date(value) -> bool:
    # Data files hold dates as text (yamlfile.DateText); a real calendar date of 10 characters.
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


_Validator = jsonschema.validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _is_number),
)


def schema_text(name: str) -> str:
    return resources.files("maturity").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")


@cache
def _validator(name: str):
    return _Validator(json.loads(schema_text(name)), format_checker=_format_checker)


_TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true 或 false",
               "array": "列表", "object": "映射（键: 值）", "null": "空值"}


@cache
def _fast(name: str):
    """A compiled validator (fastjsonschema) for the common case: valid data, checked in microseconds."""
    schema = json.loads(schema_text(name))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"  # the keywords we use are draft-07's too
    return fastjsonschema.compile(schema, formats={"date": lambda v: _is_date(v)})


def check(doc: Document, name: str, out: Collector) -> bool:
    """Report every schema violation of ``doc``; return True when there was none."""
    try:
        _fast(name)(doc.data)
        return True
    except fastjsonschema.JsonSchemaException:
        pass  # find and locate every violation with the full validator
    ok = True
    errors = sorted(_validator(name).iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        ok = False
        _report(doc, error, out)
    return ok


def _report(doc: Document, error, out: Collector) -> None:
    pointer = tuple(error.absolute_path)
    kind = error.validator
    where = doc.at(*pointer)
    field = "/".join(str(p) for p in pointer) or "（文件顶层）"
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        for key in extra:
            out.error(doc.key_at(*pointer, key), "MAT021", f"未知的键“{key}”（位于 {field}）；请检查拼写。Unknown key.")
        return
    if kind == "propertyNames":
        key = error.instance
        out.error(doc.key_at(*pointer, key), "MAT024", f"键“{key}”的格式不正确（位于 {field}）。Invalid key.")
        return
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        owner = doc.key_at(*pointer) if pointer else where  # the line that names the incomplete mapping
        for key in missing:
            out.error(owner, "MAT022", f"缺少必填项“{key}”（位于 {field}）。Missing required key.")
        return
    if kind == "type":
        expected = error.validator_value
        names = "或".join(_TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
        out.error(where, "MAT020", f"{field} 应为{names}，实际为 {_show(error.instance)}。Wrong type.")
        return
    if kind == "enum":
        if pointer and pointer[-1] == "score":
            out.error(where, "MAT201", f"得分 {_show(error.instance)} 不在评分标尺内；只能是 1、0.8、0.5、0 或 全部满足、大部分满足、部分满足、不满足。Score outside the scale.")
            return
        allowed = "、".join(str(v) for v in error.validator_value)
        out.error(where, "MAT023", f"{field} 的值 {_show(error.instance)} 不允许；可选值：{allowed}。Value not allowed.")
        return
    if kind == "format":
        out.error(where, "MAT024", f"{field} 的值 {_show(error.instance)} 不是有效日期（应为 YYYY-MM-DD）。Invalid date.")
        return
    if kind == "pattern":
        out.error(where, "MAT024", f"{field} 的值 {_show(error.instance)} 格式不正确（应匹配 {error.validator_value}）。Invalid format.")
        return
    if kind in ("minimum", "maximum", "minLength", "minItems"):
        out.error(where, "MAT025", f"{field} 的值 {_show(error.instance)} 超出允许范围。Out of range.")
        return
    if kind == "anyOf":
        out.error(where, "MAT020", f"{field} 应为文字或文字列表，实际为 {_show(error.instance)}。Wrong type.")
        return
    out.error(where, "MAT026", f"{field} 不符合格式要求：{error.message}。Schema violation.")


def _show(value) -> str:
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"
