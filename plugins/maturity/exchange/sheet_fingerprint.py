"""The data a score sheet was exported from, so that importing it never undoes a later change to YAML.

A sheet is filled in over days while ``scores.yml`` moves on (another assessor, a review, a merge).
Export records, in the 说明 sheet, the sha256 of ``scores.yml`` and one hash per requirement of what
the sheet shows (score, evidence, note). On import each row is compared three ways — as exported,
as in YAML now, as in the sheet now — so a row changed only in YAML is kept, a row changed only in
the sheet is applied, and a row changed in both is a conflict.

The fingerprint's rows are hidden and the 说明 sheet is protected (without a password: anyone can
still read it), so that nobody edits it by accident.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from maturity import i18n

MARKER = "数据指纹"
VERSION = "1"
_VERSION, _ASSESSMENT, _SCORES = "版本", "评估编号", "scores.yml"


@dataclass(frozen=True)
class Fingerprint:
    assessment: str
    scores_sha256: str  # of scores.yml's bytes
    rows: dict[str, str]  # requirement id -> row_key of what the sheet showed


def row_key(value: Fraction | None, evidence, note: str) -> str:
    """One hash of a requirement's score (None: 待评分), evidence ids and note: equal when the sheet would show the same."""
    data = [None if value is None else str(value), list(evidence), note]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def empty_key() -> str:
    """The row_key of a row with nothing in it: what the sheet shows for a requirement without a line."""
    return row_key(None, (), "")


def yaml_key(a, rid: str) -> str | None:
    """The row_key of ``rid`` in the assessment's scores now; None when it has no line."""
    s = a.scores.get(rid)
    if s is None:
        return None
    return row_key(None if s.raw is None else s.value, s.evidence, s.note)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def of_assessment(a, rids) -> Fingerprint:
    """The fingerprint of the assessment's scores as the sheet is exported from them."""
    return Fingerprint(a.id, file_sha256(a.folder / "scores.yml"), {rid: yaml_key(a, rid) or empty_key() for rid in rids})


def rows_of(fp: Fingerprint) -> list[tuple[str, str]]:
    """The fingerprint as (A, B) rows of the 说明 sheet, its heading first."""
    return [(MARKER, i18n.t("writers.sheet.fingerprint_heading")), (_VERSION, VERSION), (_ASSESSMENT, fp.assessment),
            (_SCORES, fp.scores_sha256), *fp.rows.items()]


def read(pairs: list[tuple[str, str]]) -> Fingerprint | None:
    """The fingerprint in the (A, B) texts of the 说明 sheet; None when there is none (an older export).

    Raises ValueError (its message in Chinese) when there is one that cannot be used.
    """
    at = next((i for i, (name, _) in enumerate(pairs) if name == MARKER), None)
    if at is None:
        return None
    fields: dict[str, str] = {}
    rows: dict[str, str] = {}
    for name, value in pairs[at + 1:]:
        if not name:
            continue
        if name in (_VERSION, _ASSESSMENT, _SCORES):
            fields[name] = value
        else:
            rows[name] = value
    if fields.get(_VERSION) != VERSION:
        raise ValueError(i18n.t("writers.sheet.fingerprint_version", version=fields.get(_VERSION, "")))
    if not fields.get(_ASSESSMENT) or len(fields.get(_SCORES, "")) != 64 or any(len(v) != 64 for v in rows.values()):
        raise ValueError(i18n.t("writers.sheet.fingerprint_damaged"))
    return Fingerprint(fields[_ASSESSMENT], fields[_SCORES], rows)
