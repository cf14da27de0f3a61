"""Score sheets (评分表) as .xlsx for people who work in spreadsheets, and back into YAML.

Export lists every requirement of the applied level with a drop-down of the four values.
Import changes only the lines of requirements whose score, evidence or note changed, so
comments, order and everything else in ``scores.yml`` stay as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from maturity.data.assessment import Assessment
from maturity.data.files import write_atomic
from maturity.exchange.layout import score_line
from maturity.data.model import Model

SHEET = "评分表"
META = "说明"
HEADERS = ("评估域代码", "评估域", "要求编号", "要求内容", "得分", "证据编号", "说明")
COL_DOMAIN, COL_NAME, COL_ID, COL_TEXT, COL_SCORE, COL_EVIDENCE, COL_NOTE = range(7)
_SPLIT = re.compile(r"[,，、;；\s]+")


class SheetError(Exception):
    """A sheet that cannot be imported; ``problems`` lists each with its row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def export_sheet(model: Model, a: Assessment, dest: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3F5")
    labels = [s.label for s in model.scale]
    for ad in model.assessment_domains_at(a.applied_level):
        for r in ad.requirements_at(a.applied_level):
            s = a.scores.get(r.id)
            label = model.scale_label(s.value) if s and s.value is not None else ""
            ws.append([ad.code, ad.name, r.id, r.text, label, ", ".join(s.evidence) if s else "", s.note if s else ""])
    last = ws.max_row
    dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=False,
                        showErrorMessage=True, errorTitle="得分无效", error="请从下拉列表中选择：" + "、".join(labels))
    ws.add_data_validation(dv)
    dv.add(f"E2:E{max(last, 2)}")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFG", (10, 14, 14, 60, 12, 22, 40)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    meta = wb.create_sheet(META)
    for row in (("评估编号", a.id), ("机构", a.organisation["name"]), ("申请等级", a.applied_level), ("模型", model.id),
                ("填写方法", "只修改“得分”（下拉选择）、“证据编号”（多个用逗号分隔）和“说明”三列；导入：maturity sheet import 本文件 评估目录")):
        meta.append(row)
    meta.column_dimensions["A"].width = 12
    meta.column_dimensions["B"].width = 80
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    wb.save(tmp)
    tmp.replace(dest)


@dataclass(frozen=True)
class SheetRow:
    row: int
    requirement: str
    score: Fraction
    evidence: tuple[str, ...]
    note: str


def read_sheet(model: Model, a: Assessment, source: Path) -> list[SheetRow]:
    """Read and check every row; raise SheetError naming each bad row."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError([f"无法作为 .xlsx 文件打开（{type(exc).__name__}）。Not an xlsx workbook."]) from exc
    if SHEET not in wb.sheetnames:
        raise SheetError([f"找不到工作表“{SHEET}”。Sheet missing."])
    ws = wb[SHEET]
    rows = list(ws.iter_rows(values_only=True))
    problems: list[str] = []
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(HEADERS)]) != HEADERS:
        raise SheetError([f"第 1 行应为表头 {'、'.join(HEADERS)}。Header row changed."])
    wanted = {r.id for r in model.requirements_at(a.applied_level)}
    seen: dict[str, int] = {}
    out = []
    for n, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(HEADERS) - len(row))
        if all(c in (None, "") for c in cells):
            continue
        rid = str(cells[COL_ID] or "").strip()
        if rid not in wanted:
            problems.append(f"第 {n} 行：要求编号“{rid}”不属于{model.level_name(a.applied_level)}的要求。Unknown requirement.")
            continue
        if rid in seen:
            problems.append(f"第 {n} 行：要求 {rid} 与第 {seen[rid]} 行重复。Duplicate row.")
            continue
        seen[rid] = n
        raw = cells[COL_SCORE]
        value = model.score_value(raw.strip() if isinstance(raw, str) else raw)
        if value is None and isinstance(raw, str):
            try:
                value = model.score_value(float(raw))
            except ValueError:
                value = None
        if value is None:
            shown = "空" if raw in (None, "") else f"“{raw}”"
            problems.append(f"第 {n} 行：要求 {rid} 的得分 {shown} 无效，应为 " + "、".join(s.label for s in model.scale) + "。Invalid score.")
            continue
        evidence = tuple(e for e in _SPLIT.split(str(cells[COL_EVIDENCE] or "").strip()) if e)
        out.append(SheetRow(n, rid, value, evidence, str(cells[COL_NOTE] or "").strip()))
    missing = sorted(wanted - set(seen))
    if missing:
        problems.append(f"评分表缺少 {len(missing)} 条要求：{'、'.join(missing[:10])}{'…' if len(missing) > 10 else ''}。Rows missing.")
    if problems:
        raise SheetError(problems)
    return out


def import_sheet(model: Model, a: Assessment, source: Path) -> list[str]:
    """Write the sheet's changes into scores.yml; return the ids of the requirements changed."""
    rows = read_sheet(model, a, source)
    doc = a.scores_doc
    path = a.folder / "scores.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    changed, problems = [], []
    for row in rows:
        old = a.scores.get(row.requirement)
        if old and old.value == row.score and tuple(old.evidence) == row.evidence and old.note == row.note:
            continue
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
