"""Score sheets (评分表) as .xlsx for people who work in spreadsheets, and back into YAML.

Export lists every requirement of the applied level with a drop-down of the four values.
Import changes only the lines of requirements whose score, evidence or note changed, so
comments, order and everything else in ``scores.yml`` stay as they were.

Every cell written from data is text, never a formula, and is read back exactly as written:
exporting and importing an unchanged sheet is the identity. A formula a person typed into a
column that is read, or an evidence id the organisation's register does not list, stops the
import with the row and the column named.

A sheet goes stale while ``scores.yml`` moves on: export records where it came from
(:mod:`maturity.exchange.sheet_fingerprint`), and import keeps every change made in YAML since,
applies what changed only in the sheet, and stops at a requirement changed on both sides. Cell notes
(Excel comments) cannot be kept in YAML: import names each one instead of losing it unseen.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from maturity import i18n
from maturity.data.assessment import Assessment
from maturity.data.files import write_atomic, write_atomic_bytes
from maturity.exchange import sheet_fingerprint as fingerprints
from maturity.exchange.layout import score_line
from maturity.data.model import Model
from maturity.i18n import shown

SHEET = "评分表"
META = "说明"
HEADERS = ("评估域代码", "评估域", "要求编号", "要求内容", "得分", "证据编号", "说明")
COL_DOMAIN, COL_NAME, COL_ID, COL_TEXT, COL_SCORE, COL_EVIDENCE, COL_NOTE = range(7)
_SPLIT = re.compile(r"[,，、;；\s]+")
# Excel keeps at most this many characters (UTF-16 units) in a cell; openpyxl cuts longer text silently.
MAX_CELL_TEXT = 32767
# What to write instead of a formula, per column read on import.
_TYPE_INSTEAD = {COL_ID: "请直接填写要求编号", COL_SCORE: "请直接填写数值或从下拉列表选择",
                 COL_EVIDENCE: "请直接填写证据编号", COL_NOTE: "请直接填写文字"}

# A stored cell text reads "_xHHHH_" as the one character U+HHHH (ECMA-376, ST_Xstring); Excel writes
# and reads it so. What is stored that way: characters XML cannot carry or changes when read (a carriage
# return would come back as a line feed), and every underscore before "xHHHH" — also one that only the
# next escape would complete, as in "_x0041" before a carriage return.
_STORED_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_MUST_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4})|[\x00-\x08\x0b-\x1f\ufffe\uffff]")


class SheetError(Exception):
    """A sheet that cannot be imported; ``problems`` lists each with its row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- text as a cell stores it ------------------------------------------------------------------------
def stored_text(text: str) -> str:
    """``text`` as a cell stores it, so that Excel and :func:`read_text` read back exactly ``text``."""
    out = _MUST_ESCAPE.sub(lambda m: _escaped(m.group()), text)
    if out.isspace():
        # openpyxl marks a text as keeping its spaces only when it has more than spaces; unmarked,
        # a reader may drop them. Escaped, the first one is "more than spaces".
        out = _escaped(out[0]) + out[1:]
    return out


def read_text(stored: str) -> str:
    """The text a cell holds, from what it stores: every "_xHHHH_" is the one character U+HHHH."""
    return _STORED_ESCAPE.sub(_unescaped, stored)


def _escaped(ch: str) -> str:
    return f"_x{ord(ch):04X}_"


def _unescaped(m: re.Match) -> str:
    code = int(m.group()[2:6], 16)
    return m.group() if 0xD800 <= code <= 0xDFFF else chr(code)  # half a surrogate pair is no text of its own


def _excel_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # Excel counts UTF-16 units: a character beyond U+FFFF is two


# --- export ------------------------------------------------------------------------------------------
def export_sheet(model: Model, a: Assessment, dest: Path) -> None:
    """Write the sheet to ``dest`` (whole or not at all); SheetError when a text would not fit in its cell."""
    rows = _data_rows(model, a)
    problems = _too_long(rows)
    if problems:
        raise SheetError(problems)
    buffer = io.BytesIO()
    _workbook(model, a, rows).save(buffer)
    write_atomic_bytes(dest, buffer.getvalue())


def _data_rows(model: Model, a: Assessment) -> list[tuple[str, ...]]:
    """One row of texts per requirement of the applied level, in the columns of HEADERS."""
    rows = []
    for ad in model.assessment_domains_at(a.applied_level):
        for r in ad.requirements_at(a.applied_level):
            s = a.scores.get(r.id)
            label = model.scale_label(s.value) if s and s.value is not None else ""
            rows.append((ad.code, ad.name, r.id, r.text, label, ", ".join(s.evidence) if s else "", s.note if s else ""))
    return rows


def _too_long(rows: list[tuple[str, ...]]) -> list[str]:
    """A text longer than a cell holds would be cut on export and the rest deleted on import: refuse it."""
    problems = []
    for n, row in enumerate(rows, start=2):
        for col, text in enumerate(row):
            length = _excel_length(stored_text(text))
            if length > MAX_CELL_TEXT:
                problems.append(f"第 {n} 行“{HEADERS[col]}”（要求 {row[COL_ID]}）存入单元格有 {length} 个字符，超过 Excel "
                                f"单元格上限 {MAX_CELL_TEXT}，导出会截断；请先在 scores.yml 中缩短。Text too long for a cell.")
    return problems


def _workbook(model: Model, a: Assessment, rows: list[tuple[str, ...]]):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _fill_scores(ws, model, rows)
    _fill_meta(wb.create_sheet(META), model, a, fingerprints.of_assessment(a, [row[COL_ID] for row in rows]))
    return wb


def _fill_scores(ws, model: Model, rows: list[tuple[str, ...]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3F5")
    for n, row in enumerate(rows, start=2):
        for col, text in enumerate(row, start=1):
            _put_text(ws.cell(row=n, column=col), text)
    labels = [s.label for s in model.scale]
    dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="得分无效", error="请从下拉列表中选择：" + "、".join(labels))
    ws.add_data_validation(dv)
    dv.add(f"E2:E{max(ws.max_row, 2)}")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFG", (10, 14, 14, 60, 12, 22, 40)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _fill_meta(ws, model: Model, a: Assessment, fingerprint: fingerprints.Fingerprint) -> None:
    about = (("评估编号", a.id), ("机构", a.organisation["name"]), ("申请等级", str(a.applied_level)), ("模型", model.id),
             ("填写方法", "只修改“得分”（下拉选择）、“证据编号”（多个用逗号分隔，须已在证据登记表中登记）和“说明”三列，"
                      "不要填写公式；导入：maturity sheet import 本文件 评估文件夹"))
    for n, (name, value) in enumerate(about, start=1):
        ws.cell(row=n, column=1, value=name)
        _put_text(ws.cell(row=n, column=2), value)
    first = len(about) + 2  # after one empty row
    for n, (name, value) in enumerate(fingerprints.rows_of(fingerprint), start=first):
        _put_text(ws.cell(row=n, column=1), name)
        _put_text(ws.cell(row=n, column=2), value)
        if n > first:
            ws.row_dimensions[n].hidden = True  # the heading stays visible: it says what is below
    ws.protection.sheet = True  # without a password: against editing by accident, not against reading
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 80


def _put_text(cell, text: str) -> None:
    """Write ``text`` as text: never a formula, and still text when a person edits the cell in Excel."""
    if not text:
        return  # an empty cell reads back as ""
    cell.value = stored_text(text)
    cell.data_type = "s"  # openpyxl makes any text that begins with "=" a formula
    cell.quotePrefix = True  # Excel's leading "'": "=1+1", "0.8" or "@x" typed again stays text


# --- import ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SheetRow:
    row: int
    requirement: str
    score: Fraction | None  # None: the cell is empty (待评分)
    evidence: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class SheetContents:
    rows: list[SheetRow]
    fingerprint: fingerprints.Fingerprint | None  # None: exported before sheets carried one
    notes: list[str]  # each cell note (Excel comment) of the score sheet, said with its row and column


def read_sheet(model: Model, a: Assessment, source: Path, registered: Collection[str]) -> list[SheetRow]:
    """Read and check every row; raise SheetError naming each bad row and column.

    ``registered`` holds the ids of the organisation's evidence register: the sheet may cite only those.
    """
    return read_workbook(model, a, source, registered).rows


def read_workbook(model: Model, a: Assessment, source: Path, registered: Collection[str]) -> SheetContents:
    """The rows (as :func:`read_sheet`), the fingerprint of the export and the cell notes of a sheet."""
    cells = _workbook_cells(source)
    rows = _rows_of(model, a, cells.rows, registered)
    try:
        fingerprint = fingerprints.read(cells.meta)
    except ValueError as exc:
        raise SheetError([str(exc)]) from exc
    if fingerprint is not None and fingerprint.assessment != a.id:
        raise SheetError([i18n.t("writers.sheet.other_assessment", exported=fingerprint.assessment, target=a.id)])
    return SheetContents(rows, fingerprint, _notes(cells))


def _rows_of(model: Model, a: Assessment, rows: list[tuple], registered: Collection[str]) -> list[SheetRow]:
    _check_header(rows)
    wanted = {r.id for r in model.requirements_at(a.applied_level)}
    known = frozenset(registered)
    seen: dict[str, int] = {}
    out, problems = [], []
    for n, cells in enumerate(rows[1:], start=2):
        if all(c.value in (None, "") for c in cells):
            continue
        rid, problem = _requirement_of(model, a, n, cells[COL_ID], wanted, seen)
        if problem:
            problems.append(problem)
            continue
        seen[rid] = n
        row, row_problems = _read_row(model, n, rid, cells, known)
        problems += row_problems
        if row is not None:
            out.append(row)
    missing = sorted(wanted - set(seen))
    if missing:
        problems.append(f"评分表缺少 {len(missing)} 条要求：{'、'.join(missing[:10])}{'…' if len(missing) > 10 else ''}。Rows missing.")
    if problems:
        raise SheetError(problems)
    return out


@dataclass(frozen=True)
class _Cells:
    rows: list[tuple]  # the score sheet, row by row, each row as wide as HEADERS
    meta: list[tuple[str, str]]  # the texts of columns A and B of the 说明 sheet
    notes: dict[str, str]  # cell reference -> the text of its note, on the score sheet


def _workbook_cells(source: Path) -> _Cells:
    """What import reads of a workbook."""
    try:
        wb, notes = _open_workbook(source)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError([f"无法作为 .xlsx 文件打开（{type(exc).__name__}）。Not an xlsx workbook."]) from exc
    try:
        if SHEET not in wb.sheetnames:
            raise SheetError([f"找不到工作表“{SHEET}”。Sheet missing."])
        ws = wb[SHEET]
        ws.reset_dimensions()  # the size a file declares may be wrong: read every row it has
        try:
            rows = list(ws.iter_rows(max_col=len(HEADERS)))
            meta = []
            if META in wb.sheetnames:
                about = wb[META]
                about.reset_dimensions()
                meta = [(_cell_text(r[0].value).strip(), _cell_text(r[1].value).strip())
                        for r in about.iter_rows(max_col=2) if len(r) == 2]
        except Exception as exc:
            raise SheetError([f"工作表“{SHEET}”无法读取（{type(exc).__name__}）。Sheet unreadable."]) from exc
        return _Cells(rows, meta, notes.get(SHEET, {}))
    finally:
        wb.close()


def _open_workbook(source: Path):
    """``source`` opened read-only, formulas kept as formulas, every shared text exactly as stored; with the
    cell notes of each sheet ({sheet: {reference: text}}), which openpyxl does not read in read-only mode.

    Excel keeps the texts of a workbook in its shared-strings table; openpyxl's own reader deletes every
    "x005F_" there, which is not how the format escapes. Read raw, :func:`read_text` undoes the escapes.
    """
    from openpyxl.comments.comment_sheet import CommentSheet
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import COMMENTS_NS, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    class StoredTexts(ExcelReader):
        notes: dict[str, dict[str, str]] | None = None

        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as src:
                    self.shared_strings = _shared_strings(src)

        def read_worksheets(self):
            super().read_worksheets()
            self.notes = {}
            for sheet, rel in self.parser.find_sheets():
                rels_path = get_rels_path(rel.target)
                if rel.target not in self.valid_files or rels_path not in self.valid_files:
                    continue
                for r in get_dependents(self.archive, rels_path).find(COMMENTS_NS):
                    for ref, comment in CommentSheet.from_tree(fromstring(self.archive.read(r.target))).comments:
                        self.notes.setdefault(sheet.name, {})[ref] = comment.text or ""

    reader = StoredTexts(source, read_only=True, data_only=False)
    try:
        reader.read()
    except BaseException:
        reader.archive.close()
        raise
    return reader.wb, reader.notes or {}


def _shared_strings(src) -> list[str]:
    """The texts of a shared-strings table as stored (runs of rich text joined, phonetic guides left out)."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    item = f"{{{SHEET_MAIN_NS}}}si"
    texts = []
    for _, node in iterparse(src):
        if node.tag == item:
            texts.append(Text.from_tree(node).content)
            node.clear()
    return texts


def _check_header(rows: list[tuple]) -> None:
    if not rows or tuple(_cell_text(c.value).strip() for c in rows[0]) != HEADERS:
        raise SheetError([f"第 1 行应为表头 {'、'.join(HEADERS)}。Header row changed."])


def _requirement_of(model: Model, a: Assessment, n: int, cell, wanted: set[str],
                    seen: dict[str, int]) -> tuple[str, str | None]:
    """The requirement a row is about, or the problem that stops reading it."""
    formula = _formula(cell)
    if formula is not None:
        return "", _formula_problem(n, COL_ID, formula)
    rid = _cell_text(cell.value).strip()
    if rid not in wanted:
        return rid, f"第 {n} 行“{HEADERS[COL_ID]}”：“{shown(rid)}”不属于{model.level_name(a.applied_level)}的要求。Unknown requirement."
    if rid in seen:
        return rid, f"第 {n} 行“{HEADERS[COL_ID]}”：要求 {rid} 与第 {seen[rid]} 行重复。Duplicate row."
    return rid, None


def _read_row(model: Model, n: int, rid: str, cells: tuple, known: frozenset[str]) -> tuple[SheetRow | None, list[str]]:
    """The score, evidence and note of one row, or the problems found in them."""
    problems = [_formula_problem(n, col, f) for col in (COL_SCORE, COL_EVIDENCE, COL_NOTE)
                if (f := _formula(cells[col])) is not None]
    if problems:
        return None, problems  # what a formula shows is not data: the row cannot be read
    raw = cells[COL_SCORE].value
    value = None if _cell_text(raw).strip() == "" else _score(model, raw)  # an empty cell: 待评分 (not scored yet)
    if value is None and _cell_text(raw).strip() != "":
        shown_raw = "空" if raw in (None, "") else f"“{shown(_cell_text(raw))}”"
        problems.append(f"第 {n} 行“{HEADERS[COL_SCORE]}”：要求 {rid} 的得分 {shown_raw} 无效，应为 "
                        + "、".join(s.label for s in model.scale) + "。Invalid score.")
    evidence = tuple(e for e in _SPLIT.split(_cell_text(cells[COL_EVIDENCE].value)) if e)
    unknown = [e for e in evidence if e not in known]
    if unknown:
        problems.append(f"第 {n} 行“{HEADERS[COL_EVIDENCE]}”：{'、'.join(shown(e) for e in unknown)} 不在本机构的证据登记表中，"
                        "请先登记或改正编号。Unknown evidence.")
    if problems:
        return None, problems
    return SheetRow(n, rid, value, evidence, _cell_text(cells[COL_NOTE].value)), []


def _score(model: Model, raw) -> Fraction | None:
    """A score chosen from the list (its label) or typed as a number, with or without spaces."""
    if isinstance(raw, str):
        raw = read_text(raw).strip()
    value = model.score_value(raw)
    if value is None and isinstance(raw, str):
        try:
            value = model.score_value(float(raw))
        except ValueError:
            value = None
    return value


def _formula(cell) -> str | None:
    """The formula in ``cell`` as typed ("=…"), or None when the cell holds a value."""
    if cell.data_type != "f":
        return None
    return str(getattr(cell.value, "text", cell.value))  # an array formula keeps its text in .text


def _formula_problem(n: int, col: int, formula: str) -> str:
    return f"第 {n} 行“{HEADERS[col]}”是公式（{shown(formula)}），{_TYPE_INSTEAD[col]}。A formula, not a value."


def _cell_text(value) -> str:
    """What a cell holds, as text: a number, truth value or date a person typed reads as Excel shows it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return read_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _notes(cells: _Cells) -> list[str]:
    """Each cell note of the score sheet, with its row, column and requirement, in sheet order."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    found = []
    for ref, text in cells.notes.items():
        try:
            letter, n = coordinate_from_string(ref)
        except ValueError:
            continue
        col = column_index_from_string(letter) - 1
        column = HEADERS[col] if col < len(HEADERS) else letter
        row = cells.rows[n - 1] if 0 < n <= len(cells.rows) else ()
        rid = _cell_text(row[COL_ID].value).strip() if len(row) > COL_ID else ""
        found.append(((n, col), i18n.t("writers.sheet.cell_note", row=n, column=column, requirement=rid or "—",
                                        text=" ".join(text.split()))))
    return [message for _, message in sorted(found)]


@dataclass
class ImportReport:
    changed: list[str]  # requirements written into scores.yml
    kept: list[str]  # changed in scores.yml since the export and not in the sheet: scores.yml kept as it is
    notes: list[str]  # cell notes, which the import cannot keep (see _notes)
    fingerprint: bool  # False: an older sheet, whose staleness cannot be told
    stale: bool  # scores.yml changed since the export


def import_sheet(model: Model, a: Assessment, source: Path, registered: Collection[str]) -> list[str]:
    """Write the sheet's changes into scores.yml; return the ids of the requirements changed.

    ``registered``: the ids of the organisation's evidence register (see :func:`read_sheet`).
    """
    return import_report(model, a, source, registered).changed


def import_report(model: Model, a: Assessment, source: Path, registered: Collection[str]) -> ImportReport:
    """As :func:`import_sheet`, and what else the import found. SheetError for a requirement changed both in
    scores.yml (since the export) and in the sheet: nothing is written then."""
    contents = read_workbook(model, a, source, registered)
    rows, fp = contents.rows, contents.fingerprint
    path = a.folder / "scores.yml"
    stale = fp is not None and fp.scores_sha256 != fingerprints.file_sha256(path)
    report = ImportReport([], [], contents.notes, fp is not None, stale)
    wanted, conflicts = [], []
    for row in rows:
        now = fingerprints.yaml_key(a, row.requirement)
        sheet = fingerprints.row_key(row.score, row.evidence, row.note)
        if now == sheet:
            continue
        exported = fp.rows.get(row.requirement) if stale else None
        if exported is None or (now or fingerprints.empty_key()) == exported:  # changed in the sheet only (or nothing known of the export)
            wanted.append(row)
        elif sheet == exported:  # changed in scores.yml only: never undone by an old sheet
            report.kept.append(row.requirement)
        else:
            conflicts.append(_conflict(model, a, row))
    if conflicts:
        raise SheetError(conflicts + [i18n.t("writers.sheet.conflicts_how")])
    report.changed = _write_rows(model, a, wanted)
    return report


def _conflict(model: Model, a: Assessment, row: SheetRow) -> str:
    s = a.scores.get(row.requirement)
    yaml_now = _shown_entry(model, None if s is None or s.raw is None else s.value, s.evidence if s else (), s.note if s else "")
    return i18n.t("writers.sheet.conflict", row=row.row, requirement=row.requirement, yaml=yaml_now,
                  sheet=_shown_entry(model, row.score, row.evidence, row.note))


def _shown_entry(model: Model, value, evidence, note: str) -> str:
    score = model.scale_label(value) if value is not None else i18n.t("diff.unscored")
    cited = ", ".join(evidence) if evidence else i18n.t("words.none")
    if note:
        return i18n.t("writers.sheet.entry_note", score=score, evidence=cited, note=note)
    return i18n.t("writers.sheet.entry", score=score, evidence=cited)


def _write_rows(model: Model, a: Assessment, rows: list[SheetRow]) -> list[str]:
    """Change the lines of these requirements in scores.yml (all or none); return their ids."""
    doc = a.scores_doc
    path = a.folder / "scores.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    changed, problems = [], []
    for row in rows:
        old = a.scores.get(row.requirement)
        req = model.requirement(row.requirement)
        pointer = (req.assessment_domain, "requirements", row.requirement)
        if pointer not in doc.keys:
            problems.append(f"第 {row.row} 行：scores.yml 中没有要求 {row.requirement} 的行，请先用 maturity fmt 补全。Requirement line missing.")
            continue
        line_no, col = doc.keys[pointer]
        text = lines[line_no - 1]
        rest = _after_flow_mapping(text, col - 1 + len(row.requirement))
        if rest is None:
            problems.append(f"第 {row.row} 行：scores.yml 第 {line_no} 行的要求 {row.requirement} 不是单行格式，请先运行 maturity fmt。Not one line.")
            continue
        # Keep the way the score was written (number or label), and the internal note the sheet does not show.
        if row.score is None:
            score = None  # written as score: null
        else:
            score = model.scale_label(row.score) if old and isinstance(old.raw, str) else _number(row.score)
        entry = ((doc.data.get(req.assessment_domain) or {}).get("requirements") or {}).get(row.requirement)
        internal = entry.get("internal_note", "") if isinstance(entry, dict) else ""
        lines[line_no - 1] = text[: col - 1] + score_line(row.requirement, score, row.evidence, row.note, internal) + rest
        changed.append(row.requirement)
    if problems:
        raise SheetError(problems)
    if changed:
        write_atomic(path, "\n".join(lines))
    return changed


def _number(value: Fraction):
    return int(value) if value.denominator == 1 else float(value)


def _after_flow_mapping(line: str, start: int) -> str | None:
    """What follows the one-line ``{…}`` after ``start`` (e.g. a comment), or None if not one line."""
    i = line.find("{", start)
    if i < 0 or line[start:i].strip(": ") != "":
        return None
    depth, quote = 0, None
    while i < len(line):
        ch = line[i]
        if quote == '"' and ch == "\\":
            i += 2  # an escape: skip the escaped character
            continue
        if quote:
            if ch == quote:
                if quote == "'" and i + 1 < len(line) and line[i + 1] == "'":
                    i += 1  # '' inside single quotes is a quote
                else:
                    quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return line[i + 1:]
        i += 1
    return None
