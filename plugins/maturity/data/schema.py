"""Checking a data file against its published JSON Schema, with located Chinese messages.

The same schema files are what editors use (through the ``$schema`` comment at the top of
each data file), so the editor and ``maturity validate`` can never disagree on structure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from importlib import resources

import fastjsonschema
import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from maturity import i18n
from maturity.data import text as texts
from maturity.data.dates import check_date_range
from maturity.diagnostics import Collector
from maturity.data.yamlfile import Document

SCHEMAS = ("assessment", "scores", "evidence", "publication", "model", "assessors")


def _is_number(checker, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(checker, value) -> bool:
    # JSON Schema counts 3.0 as an integer; a data file that says ``applied_level: 3.0`` means a
    # float, which code then multiplies, compares and prints: only a real integer is an integer.
    return isinstance(value, int) and not isinstance(value, bool)


_format_checker = FormatChecker(())


@_format_checker.checks("date")
def _is_date(value) -> bool:
    # Data files hold dates as text (yamlfile.DateText): a real calendar date of 10 characters,
    # inside the range dates may take (so that no later arithmetic overflows).
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10 and check_date_range(day) is None


_Validator = jsonschema.validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _is_number).redefine("integer", _is_integer),
)


def schema_text(name: str) -> str:
    return resources.files("maturity").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")


def _strict_patterns(node):
    """The schema with each ``pattern`` anchored at the very end of the text.

    The files use ECMA-262 regular expressions (what editors read), where ``$`` is the end of the
    text; in Python ``$`` also matches before a final line break, so ``"x\\n"`` would pass ``^x$``.
    """
    if isinstance(node, dict):
        out = {k: _strict_patterns(v) for k, v in node.items()}
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern.endswith("$") and not pattern.endswith("\\$"):
            out["pattern"] = pattern[:-1] + r"\Z"
        return out
    if isinstance(node, list):
        return [_strict_patterns(x) for x in node]
    return node


@cache
def _schema(name: str) -> dict:
    return _strict_patterns(json.loads(schema_text(name)))


@cache
def _validator(name: str):
    return _Validator(_schema(name), format_checker=_format_checker)


@cache
def _fast(name: str):
    """A compiled validator (fastjsonschema) for the common case: valid data, checked in microseconds."""
    schema = dict(_schema(name))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"  # the keywords we use are draft-07's too
    return fastjsonschema.compile(schema, formats={"date": lambda v: _is_date(v)})


def _has_integral_float(value) -> bool:
    """Whether ``value`` holds a float such as 3.0, which the compiled validator would take for an integer."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and v.is_integer():
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


# For data that is not a YAML file of the repository (another site's certificates.json, aggregate.yml).
validator = _validator
fast = _fast
has_integral_float = _has_integral_float


def check(doc: Document, name: str, out: Collector) -> bool:
    """Report every schema violation of ``doc`` and every refused text; return True when there was none."""
    texts_ok = texts.check_strings(doc, out)
    if not _has_integral_float(doc.data):
        try:
            _fast(name)(doc.data)
            return texts_ok
        except fastjsonschema.JsonSchemaException:
            pass  # find and locate every violation with the full validator
    ok = texts_ok
    errors = sorted(_validator(name).iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        ok = False
        _report(doc, error, out)
    return ok


def _report(doc: Document, error, out: Collector) -> None:
    pointer = tuple(error.absolute_path)
    kind = error.validator
    where = doc.at(*pointer)
    field = "/".join(str(p) for p in pointer) or i18n.t("words.top_level")
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        for key in extra:
            known = list(error.schema.get("properties", {}))
            out.error(doc.key_at(*pointer, key), "MAT021", key=key, field=field, hint=texts.suggestion(key, known),
                      allowed="、".join(known))
        return
    if kind == "propertyNames":
        key = error.instance
        out.error(doc.key_at(*pointer, key), "MAT024.key", key=key, field=field)
        return
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        owner = doc.key_at(*pointer) if pointer else where  # the line that names the incomplete mapping
        for key in missing:
            out.error(owner, "MAT022", key=key, field=field)
        return
    if kind == "type" and pointer and pointer[-1] == "score":  # true, a list…: not on any scale
        out.error(where, "MAT201", actual=_show(error.instance), allowed=i18n.t("words.scale_values"))
        return
    if kind == "type":
        expected = error.validator_value
        names = i18n.t("words.or").join(_type_name(t) for t in ([expected] if isinstance(expected, str) else expected))
        written = _as_written(doc, where)
        if "string" in ([expected] if isinstance(expected, str) else expected) and written \
                and isinstance(error.instance, (int, float, bool)):
            # YAML read an unquoted 000123, 0x1F, 2026-01-01 or yes as a number, date or truth value: quoting keeps the text.
            out.error(where, "MAT020.quote", field=field, written=written)
            return
        out.error(where, "MAT020", field=field, expected=names, actual=_show(error.instance))
        return
    if kind == "enum":
        if pointer and pointer[-1] == "score":
            out.error(where, "MAT201", actual=_show(error.instance), allowed="、".join(_show_plain(v) for v in error.validator_value))
            return
        allowed = "、".join(str(v) for v in error.validator_value)
        out.error(where, "MAT023", field=field, actual=_show(error.instance), allowed=allowed)
        return
    if kind == "format":
        try:
            day = dt.date.fromisoformat(error.instance)
        except (TypeError, ValueError):
            day = None
        if day is not None and len(error.instance) == 10:
            out.error(where, "MAT024.date_range", field=field, actual=_show(error.instance), range=check_date_range(day))
        else:
            out.error(where, "MAT024.date", field=field, actual=_show(error.instance))
        return
    if kind == "pattern":
        lower = isinstance(error.instance, str) and re.search(error.validator_value, error.instance.lower())
        shown_pattern = error.validator_value.removesuffix("\\Z") + ("$" if error.validator_value.endswith("\\Z") else "")
        out.error(where, "MAT024.pattern", field=field, actual=_show(error.instance), pattern=shown_pattern,
                  hint=i18n.t("words.lowercase") if lower else "")
        return
    if kind == "maxLength":
        out.error(where, "MAT025.long", field=field, length=len(error.instance), limit=error.validator_value)
        return
    if kind in ("minimum", "maximum", "minLength", "minItems"):
        out.error(where, "MAT025", field=field, actual=_show(error.instance))
        return
    if kind == "anyOf":
        inner = _within_fitting_alternative(error)
        for sub in inner:
            _report(doc, sub, out)
        if not inner:
            out.error(where, "MAT020.text_or_list", field=field, actual=_show(error.instance))
        return
    out.error(where, "MAT026", field=field, problem=error.message)


def _within_fitting_alternative(error) -> list:
    """The violations inside the one alternative of an ``anyOf`` whose type the value has.

    A text that is too long fails "text" by its length and "list" by its type: the length is the problem
    to report, at the text (or at the list item) itself. None when no alternative, or several, fit the type.
    """
    alternatives: dict[int, list] = {}
    for sub in error.context or ():
        alternatives.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [subs for subs in alternatives.values()
               if not any(sub.validator == "type" and not sub.relative_path for sub in subs)]
    return fitting[0] if len(fitting) == 1 else []


def _as_written(doc: Document, where) -> str:
    """The plain scalar as it stands in the file at ``where`` (what YAML turned into a number)."""
    if not doc.text or where.line < 1:
        return ""
    lines = doc.text.split("\n")
    if where.line > len(lines):
        return ""
    rest = lines[where.line - 1][where.column - 1:]
    token = re.match(r"[^\s,\]}#]+", rest)
    return token.group() if token else ""


def _type_name(name: str) -> str:
    return i18n.t(f"types.{name}") if i18n.has(f"types.{name}") else name


def _show(value) -> str:
    """A value as a message quotes it: its kind for containers, else the (shortened) text in quotes."""
    if isinstance(value, dict):
        return i18n.t("types.object")
    if isinstance(value, list):
        return i18n.t("types.array")
    if value is None:
        return i18n.t("types.null")
    return f"“{_show_plain(value)}”"


def _show_plain(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text[:40] + "…" if len(text) > 40 else text
