"""Text in data files: which characters a value may hold, how long it may be, how values are compared.

Every string of every data file (keys and values) goes through :func:`check_strings`:

- characters that XML 1.0, a terminal or a CI log cannot carry safely are refused (C0 and C1
  controls other than tab and line feed, DEL, lone surrogates, U+FFFE/U+FFFF, the BOM), as are
  the bidirectional overrides that make text read differently from how it is stored
  ("Trojan Source"): a name must print as it is;
- a line break is allowed only in narrative fields (notes, findings, conclusions): elsewhere it
  would forge lines in a listing, and an id ``"x\\n"`` would pass a ``^…$`` pattern;
- lengths are bounded, so no single value can make a page, a log line or a spreadsheet cell huge.

Comparisons between names (team independence, duplicates) use :func:`normalised`: NFKC (full-width
and half-width forms become one), without format characters such as zero-width spaces, case-folded,
with runs of white space made one space.
"""

from __future__ import annotations

import re
import unicodedata

from maturity.diagnostics import Collector
from maturity.data.yamlfile import Document

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")
LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")

# Fields whose text may run over several lines: narratives, findings, notes (by the key that names them).
MULTILINE = frozenset({
    "objectives", "summary", "adherence", "achievements", "gaps", "recommendations", "highlights", "suggestions",
    "note", "notes", "internal_note", "internal_notes", "description", "handling", "reasons", "team_view",
    "organisation_view", "purpose", "scope", "tasks", "schedule", "risk_control", "budget", "premises",
    "responsibility", "action", "topic", "objection_contact",
})
MAX_LINE = 500  # characters of a one-line value: a name, a title, a place
MAX_URL = 2048
MAX_TEXT = 20_000  # characters of a narrative value


def field_name(pointer: tuple) -> str | None:
    """The key that names the value at ``pointer`` (list indexes skipped)."""
    return next((p for p in reversed(pointer) if isinstance(p, str)), None)


def check_strings(doc: Document, out: Collector) -> bool:
    """Report every refused character, misplaced line break and over-long value; True when none."""
    return clean_strings(doc.data) or _report_strings(doc, out)


def clean_strings(data) -> bool:
    """Whether no string in ``data`` breaks a rule of :func:`check_strings` (the common case, found without
    building a pointer per value: one pass for the lengths, one regular-expression search per rule)."""
    every: list[str] = []
    one_line: list[str] = []
    stack: list[tuple[str | None, object]] = [(None, data)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    one_line.append(key)
                    stack.append((key, item))
                else:
                    stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((name, item) for item in value)
        elif isinstance(value, str):
            multiline = name in MULTILINE
            if len(value) > (MAX_TEXT if multiline else MAX_URL if name == "url" else MAX_LINE):
                return False
            (every if multiline else one_line).append(value)
    # Tab joins the texts: it is allowed everywhere and matches neither rule.
    return not (LINE_BREAK.search("\t".join(one_line)) or FORBIDDEN.search("\t".join(one_line))
                or FORBIDDEN.search("\t".join(every)))


def _report_strings(doc: Document, out: Collector) -> bool:
    ok = True
    stack: list[tuple[tuple, object]] = [((), doc.data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (FORBIDDEN.search(key) or LINE_BREAK.search(key)):
                    bad = (FORBIDDEN.search(key) or LINE_BREAK.search(key)).group()
                    out.error(doc.key_at(*pointer, key), "MAT018.key", char=_code(bad))
                    ok = False
                stack.append((pointer + (key,), item))
        elif isinstance(value, list):
            stack.extend((pointer + (i,), item) for i, item in enumerate(value))
        elif isinstance(value, str):
            ok = _check_value(doc, pointer, value, out) and ok
    return ok


def _check_value(doc: Document, pointer: tuple, value: str, out: Collector) -> bool:
    name = field_name(pointer)
    field = "/".join(str(p) for p in pointer)
    bad = FORBIDDEN.search(value)
    if bad:
        out.error(doc.at(*pointer), "MAT018", field=field, char=_code(bad.group()), position=bad.start() + 1)
        return False
    multiline = name in MULTILINE
    if not multiline and LINE_BREAK.search(value):
        out.error(doc.at(*pointer), "MAT019", field=field)
        return False
    limit = MAX_TEXT if multiline else MAX_URL if name == "url" else MAX_LINE
    if len(value) > limit:
        out.error(doc.at(*pointer), "MAT025.long", field=field, length=len(value), limit=limit)
        return False
    return True


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def normalised(text: str) -> str:
    """``text`` as names are compared: NFKC, no format characters (zero-width…), case-folded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.casefold().split())


def slug(text: str) -> str:
    """A URL segment that keeps ASCII letters, digits, '-' and '_' (certificate numbers, ids)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def suggestion(word: str, candidates) -> str:
    """“（是不是 X？）” for the candidates closest to ``word`` — the same text in another case first; else nothing."""
    import difflib

    from maturity import i18n

    pool = [c for c in candidates if isinstance(c, str)]
    same = [c for c in pool if c.casefold() == str(word).casefold() and c != word]
    close = same or difflib.get_close_matches(str(word), pool, n=3, cutoff=0.6)
    return i18n.t("words.did_you_mean", options="、".join(close)) if close else ""
