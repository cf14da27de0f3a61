"""Score sheets (.xlsx): text stays text, and export → import is the identity.

* every cell written from data is text, never a formula (read back with ``data_only=False``), also for
  notes that begin with ``=``, ``+``, ``-``, ``@`` or a tab before ``=`` (a carriage return is refused in data: MAT018);
* importing the unchanged exported sheet writes nothing and reports no change, whatever the notes hold
  (spaces at either end, formula-like and number-like text, Chinese, openpyxl's and Excel's
  ``_xHHHH_`` escape syntax written literally, very long text, line breaks, nothing at all) — also when
  the sheet comes back the way Excel saves it (every text in the shared-strings table);
* a cell a person turned into a formula, and an evidence id the organisation's register does not
  list, are reported by row and column heading in Chinese, and nothing is written;
* a text Excel could not hold whole (over 32,767 characters) is refused on export, not cut.

The CLI runs in-process (``maturity.cli.main``) on a copy of the demo repository.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ZIXUN, is_build_cache
from maturity.cli import main
from maturity.exchange.layout import score_line
from maturity.exchange.sheet import SheetError, export_sheet, import_sheet, read_sheet
from maturity.repository import load_repository
from maturity.settings import load_settings

openpyxl = pytest.importorskip("openpyxl")

SCORES = f"{ZIXUN}/scores.yml"
ENTRY = re.compile(r"^(?P<indent>\s+)(?P<rid>[A-Z]{2}-[A-Z]+-\d+-\d+): \{.*\}$")

HOSTILE_NOTES = {
    "leading and trailing spaces": "  前后有空格  ",
    "formula": "=1+1",
    "hyperlink formula": '=HYPERLINK("http://x","y")',
    "plus": "+1",
    "minus": "-1 扣分",
    "at": "@SUM(A1:A2)",
    "tab before =": "\t=1+1",
    "number-like": "0.8",
    "exponent-like": "1e5",
    "leading zeros": "00123",
    "Chinese": "证据充分，制度与记录一致；现场核实了原件。",
    "openpyxl escape": "_x0041_",
    "carriage return escape": "见_x000D_附件",
    "escaped underscore": "_x005F_x0041_",
    "Excel's escape remainder": "x005F_保留",
    "20,000 characters, the most a note may hold": "长" * 19_990 + "0123456789",
    "line break": "第一行\n第二行",
    "only spaces": "   ",
    "only a line break": "\n",
    "empty": "",
    "TRUE": "TRUE",
    "apostrophe": "'=1+1",
    "astral characters": "😀𠀀",
    "ideographic spaces": "\u3000前后全角空格\u3000",
    "only an ideographic space": "\u3000",
    "no-break space": "\xa0",
    "leading colon": ":0",
    "question mark": "是否已整改?待复核",
}


# --- helpers ---------------------------------------------------------------------------------------
def cli(monkeypatch, cwd: Path, *args) -> int:
    monkeypatch.chdir(cwd)
    return main([str(a) for a in args])


def load(root: Path):
    """The demo assessment 2026-shili-zixun as a command loads it: model, assessment, evidence ids."""
    repo = load_repository(load_settings(root), only=[root / ZIXUN], display_base=root)
    a = repo.assessments[0]
    own = {f"{ZIXUN}/assessment.yml", SCORES, f"evidence/{a.organisation['id']}/register.yml"}
    assert not [d for d in repo.errors if d.path in own], [str(d) for d in repo.errors]
    return repo.model, a, set(repo.registers[a.organisation["id"]].items)


def requirement_lines(text: str) -> dict[str, int]:
    return {m["rid"]: i for i, line in enumerate(text.split("\n")) if (m := ENTRY.match(line))}


def set_entries(root: Path, entries: dict[str, dict]) -> None:
    """Rewrite the one-line entries of scores.yml: {rid: {"note": …, "evidence": […]}} (score kept)."""
    path = root / SCORES
    lines = path.read_text(encoding="utf-8").split("\n")
    at = requirement_lines("\n".join(lines))
    for rid, change in entries.items():
        m = ENTRY.match(lines[at[rid]])
        old = yaml.safe_load(lines[at[rid]].strip())[rid]
        new = {**old, **change}
        lines[at[rid]] = m["indent"] + score_line(rid, new["score"], new.get("evidence", ()), new.get("note", ""))
    path.write_text("\n".join(lines), encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not is_build_cache(p, root)}


def sheet_rows(path: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(path)["评分表"]
    return {row[2].value: row[2].row for row in ws.iter_rows(min_row=2) if row[2].value}


def edit(src: Path, dest: Path, cells: dict[str, object]) -> None:
    """A copy of the workbook with cells changed as a person would in Excel: {"E5": "=A1", …}."""
    wb = openpyxl.load_workbook(src)
    ws = wb["评分表"]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(dest)


def as_excel_saves(src: Path, dest: Path) -> None:
    """The workbook as Excel saves it: every text moved into xl/sharedStrings.xml, exactly as stored."""
    with zipfile.ZipFile(src) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    strings: list[bytes] = []

    def shared(m: re.Match) -> bytes:
        strings.append(m["text"])
        return b"<c" + m["before"] + b't="s"' + m["after"] + b"><v>" + str(len(strings) - 1).encode() + b"</v></c>"

    inline = re.compile(rb'<c(?P<before>[^>]*?)t="inlineStr"(?P<after>[^>]*)><is>(?P<text>.*?)</is></c>', re.S)
    empty = re.compile(rb'<c(?P<before>[^>]*?) t="inlineStr"(?P<after>[^>]*)/>')
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = empty.sub(rb"<c\g<before>\g<after>/>", inline.sub(shared, parts[name]))
    assert strings, "the exported workbook has no inline texts to move"
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="' + ns
                                     + b'" count="%d" uniqueCount="%d">' % (len(strings), len(strings))
                                     + b"".join(b"<si>" + s + b"</si>" for s in strings) + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def hostile(root: Path) -> dict[str, str]:
    """Every hostile note on its own requirement of the demo assessment: {rid: note}."""
    rids = list(requirement_lines((root / SCORES).read_text(encoding="utf-8")))
    notes = dict(zip(rids, HOSTILE_NOTES.values()))
    set_entries(root, {rid: {"note": note} for rid, note in notes.items()})
    return notes


# --- 1. text is written as text --------------------------------------------------------------------
def test_export_writes_no_formula_and_marks_text_cells(demo, tmp_path):
    notes = hostile(demo.root)
    model, a, _ = load(demo.root)
    assert {rid: a.scores[rid].note for rid in notes} == notes  # the notes are in the data as intended
    dest = tmp_path / "评分表.xlsx"
    export_sheet(model, a, dest)

    wb = openpyxl.load_workbook(dest, data_only=False)
    formulas = [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    ws = wb["评分表"]
    rows = sheet_rows(dest)
    for rid, note in notes.items():
        cell = ws[f"G{rows[rid]}"]
        if note:
            assert cell.data_type == "s" and cell.quotePrefix, (rid, note)  # stays text when edited in Excel
    assert ws[f"G{rows[next(iter(notes))]}"].value == "  前后有空格  "


def test_export_stores_texts_as_excel_reads_them(demo, tmp_path):
    """Excel reads "_xHHHH_" in a stored text as one character (ECMA-376 ST_Xstring): a literal one is stored with
    its underscore escaped, a carriage return (which XML would turn into a line feed) as an escape."""
    notes = hostile(demo.root)
    model, a, _ = load(demo.root)
    dest = tmp_path / "评分表.xlsx"
    export_sheet(model, a, dest)
    rows = sheet_rows(dest)
    with zipfile.ZipFile(dest) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    by_note = {}
    for rid, note in notes.items():
        m = re.search(rf'<c r="G{rows[rid]}"[^>]*><is><t[^>]*>(.*?)</t></is></c>', xml, re.S)
        by_note[note] = m[1] if m else None
    assert by_note["_x0041_"] == "_x005F_x0041_"
    assert by_note["_x005F_x0041_"] == "_x005F_x005F_x005F_x0041_"
    assert by_note["x005F_保留"] == "x005F_保留"  # no underscore before it: nothing to escape
    assert by_note["   "] is not None and by_note["   "].startswith("_x0020_")  # all-space text is kept whole


# --- 2. export → import is the identity ------------------------------------------------------------
@pytest.mark.parametrize("name", list(HOSTILE_NOTES))
def test_export_then_import_changes_nothing(demo, monkeypatch, capsys, tmp_path, name):
    rid = next(iter(requirement_lines(demo.read(SCORES))))
    set_entries(demo.root, {rid: {"note": HOSTILE_NOTES[name]}})
    _, a, _ = load(demo.root)
    assert a.scores[rid].note == HOSTILE_NOTES[name]
    sheet = tmp_path / "评分表.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", sheet) == 0
    before = snapshot(demo.root)
    capsys.readouterr()
    assert cli(monkeypatch, demo.root, "sheet", "import", sheet, ZIXUN) == 0
    out = capsys.readouterr()
    assert "没有修改" in out.out, out
    assert snapshot(demo.root) == before


def test_all_hostile_notes_and_evidence_lists_read_back_exactly(demo, tmp_path):
    notes = hostile(demo.root)
    model, a, registered = load(demo.root)
    assert any(len(s.evidence) > 1 for s in a.scores.values())  # evidence lists, not only single ids
    sheet = tmp_path / "评分表.xlsx"
    export_sheet(model, a, sheet)
    rows = {r.requirement: r for r in read_sheet(model, a, sheet, registered)}
    assert {rid: rows[rid].note for rid in notes} == notes
    assert {rid: r.evidence for rid, r in rows.items()} == {rid: s.evidence for rid, s in a.scores.items()}
    before = snapshot(demo.root)
    assert import_sheet(model, a, sheet, registered) == []
    assert snapshot(demo.root) == before


def test_a_sheet_saved_by_excel_reads_exactly(demo, tmp_path):
    """Excel keeps texts in the shared-strings table; openpyxl's own reader deletes every "x005F_" there."""
    notes = hostile(demo.root)
    model, a, registered = load(demo.root)
    exported, saved = tmp_path / "导出.xlsx", tmp_path / "Excel 保存.xlsx"
    export_sheet(model, a, exported)
    as_excel_saves(exported, saved)
    with zipfile.ZipFile(saved) as z:
        assert "xl/sharedStrings.xml" in z.namelist() and "inlineStr" not in z.read("xl/worksheets/sheet1.xml").decode()
    rows = {r.requirement: r for r in read_sheet(model, a, saved, registered)}
    assert {rid: rows[rid].note for rid in notes} == notes
    before = snapshot(demo.root)
    assert import_sheet(model, a, saved, registered) == []
    assert snapshot(demo.root) == before


def test_a_person_typing_numbers_into_the_note_column_gets_the_text_excel_shows(demo, tmp_path):
    model, a, registered = load(demo.root)
    sheet, edited = tmp_path / "评分表.xlsx", tmp_path / "改过.xlsx"
    export_sheet(model, a, sheet)
    rows = sheet_rows(sheet)
    first, second = list(rows)[:2]
    edit(sheet, edited, {f"G{rows[first]}": 0, f"G{rows[second]}": 0.8})
    notes = {r.requirement: r.note for r in read_sheet(model, a, edited, registered)}
    assert (notes[first], notes[second]) == ("0", "0.8")


def test_imported_notes_with_commas_and_brackets_are_written_as_valid_yaml(demo, monkeypatch, capsys, tmp_path):
    """Inside the one-line {…} of a requirement, ",", "?" and brackets end an unquoted text and ":" may not begin
    one: such notes must be quoted."""
    sheet, edited = tmp_path / "评分表.xlsx", tmp_path / "改过.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", sheet) == 0
    rows = sheet_rows(sheet)
    typed = dict(zip(rows, ["复核, 待补充", "见附件[1]", "x}", "{a: b}", "a,b]", ":0", "是否?待查", "https://x/?a=1"]))
    edit(sheet, edited, {f"G{rows[rid]}": note for rid, note in typed.items()})
    assert cli(monkeypatch, demo.root, "sheet", "import", edited, ZIXUN) == 0
    assert f"已更新 {len(typed)} 条要求" in capsys.readouterr().out
    _, a, _ = load(demo.root)
    assert {rid: a.scores[rid].note for rid in typed} == typed
    assert cli(monkeypatch, demo.root, "fmt", "--check", SCORES) == 0


# --- 3. a formula typed by a person is reported, not read as empty ----------------------------------
def test_formulas_typed_in_excel_are_reported_by_row_and_column(demo, monkeypatch, capsys, tmp_path):
    sheet, edited = tmp_path / "评分表.xlsx", tmp_path / "改过.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", sheet) == 0
    rows = list(sheet_rows(sheet).values())
    edit(sheet, edited, {f"E{rows[0]}": "=A1", f"F{rows[1]}": '=B2&""', f"G{rows[2]}": "=1+1",
                         f"E{rows[3]}": "不满足", f"G{rows[3]}": "正常修改的一行，也不写入"})
    assert openpyxl.load_workbook(edited)["评分表"][f"G{rows[2]}"].data_type == "f"  # really a formula
    before = snapshot(demo.root)
    capsys.readouterr()
    assert cli(monkeypatch, demo.root, "sheet", "import", edited, ZIXUN) == 1
    err = capsys.readouterr().err
    assert f"第 {rows[0]} 行“得分”是公式（=A1），请直接填写数值或从下拉列表选择" in err, err
    assert f"第 {rows[1]} 行“证据编号”是公式（=B2&\"\"）" in err, err
    assert f"第 {rows[2]} 行“说明”是公式（=1+1）" in err, err
    assert "未做任何修改" in err
    assert snapshot(demo.root) == before


# --- 4. evidence ids are checked against the register ----------------------------------------------
def test_unknown_evidence_ids_are_reported_and_nothing_is_written(demo, monkeypatch, capsys, tmp_path):
    sheet, edited = tmp_path / "评分表.xlsx", tmp_path / "改过.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", sheet) == 0
    rows = list(sheet_rows(sheet).values())
    edit(sheet, edited, {f"F{rows[0]}": "E001, E999", f"F{rows[1]}": "E001；X-1", f"G{rows[2]}": "正常修改的一行"})
    before = snapshot(demo.root)
    capsys.readouterr()
    assert cli(monkeypatch, demo.root, "sheet", "import", edited, ZIXUN) == 1
    err = capsys.readouterr().err
    assert f"第 {rows[0]} 行“证据编号”" in err and "E999" in err, err
    assert f"第 {rows[1]} 行“证据编号”" in err and "X-1" in err, err
    assert "E001" not in err.replace("E001, E999", "")  # a registered id is not reported
    assert "未做任何修改" in err
    assert snapshot(demo.root) == before


def test_import_sheet_checks_evidence_against_the_ids_it_is_given(demo, tmp_path):
    model, a, registered = load(demo.root)
    sheet = tmp_path / "评分表.xlsx"
    export_sheet(model, a, sheet)
    cited = {e for s in a.scores.values() for e in s.evidence}
    with pytest.raises(SheetError) as info:
        import_sheet(model, a, sheet, registered - {min(cited)})
    assert info.value.problems and all("第 " in p and "“证据编号”" in p and min(cited) in p for p in info.value.problems)


# --- property: any note the data files accept round-trips -----------------------------------------
# Characters the data files refuse: C0/C1 controls other than \n and \t (also DEL), surrogates, line and
# paragraph separators, bidirectional controls, the byte-order mark and the non-characters U+FFFE/FFFF.
REFUSED = "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffe\uffff"
NOTE_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), include_characters="\n\t",
                           exclude_characters=REFUSED)
FRAGMENTS = ["=", "+", "-", "@", "\t=", "\r", "_x0041_", "_x0041", "_x005F_", "x005F_", "_x000D_", "_x000a_", "_xD800_", "_x", "_",
             " ", "  ", "\n", "\t", ":", "?", ",", "}", "0.8", "1e5", "00123", "TRUE", "'", '"', "评估", "\u3000", "😀"]
note_texts = st.lists(st.one_of(st.text(NOTE_CHARS, max_size=12), st.sampled_from(FRAGMENTS)), max_size=6).map("".join)


@settings(derandomize=True, deadline=None, database=None, max_examples=40,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_export_then_import_is_the_identity(demo, tmp_path, data):
    text = demo.read(SCORES)  # each example starts from the demo file
    rids = list(requirement_lines(text))
    model, a, registered = load(demo.root)
    ids = sorted(registered)
    chosen = data.draw(st.lists(st.sampled_from(rids), min_size=1, max_size=4, unique=True), label="requirements")
    entries = {rid: {"note": data.draw(note_texts, label=f"note {rid}"),
                     "evidence": data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True), label=f"evidence {rid}")}
               for rid in chosen}
    try:
        set_entries(demo.root, entries)
        model, a, registered = load(demo.root)
        assert {rid: (a.scores[rid].note, list(a.scores[rid].evidence)) for rid in chosen} == \
            {rid: (e["note"], e["evidence"]) for rid, e in entries.items()}
        sheet = tmp_path / "评分表.xlsx"
        export_sheet(model, a, sheet)
        rows = {r.requirement: r for r in read_sheet(model, a, sheet, registered)}
        assert {rid: rows[rid].note for rid in chosen} == {rid: e["note"] for rid, e in entries.items()}
        written = demo.path(SCORES).read_bytes()
        assert import_sheet(model, a, sheet, registered) == []
        assert demo.path(SCORES).read_bytes() == written
    finally:
        demo.write(SCORES, text)


# --- 5. stale sheets: the export's fingerprint, cell notes ------------------------------------------
def test_export_records_a_fingerprint_in_the_protected_about_sheet(demo, tmp_path):
    import hashlib

    from maturity.exchange.sheet_fingerprint import row_key

    model, a, _ = load(demo.root)
    sheet = tmp_path / "评分表.xlsx"
    export_sheet(model, a, sheet)
    ws = openpyxl.load_workbook(sheet)["说明"]
    pairs = {row[0].value: (row[1].value, row[0].row) for row in ws.iter_rows() if row[0].value}
    assert ws.protection.sheet  # not edited by accident
    assert pairs["数据指纹"][0]  # a visible heading says what the hidden rows are
    assert not ws.row_dimensions[pairs["数据指纹"][1]].hidden
    assert pairs["scores.yml"][0] == hashlib.sha256(demo.path(SCORES).read_bytes()).hexdigest()
    assert pairs["评估编号"][0] == a.id and pairs["版本"][0] == "1"
    for rid in requirement_lines(demo.read(SCORES)):
        s = a.scores[rid]
        assert pairs[rid][0] == row_key(s.value, s.evidence, s.note), rid
        assert ws.row_dimensions[pairs[rid][1]].hidden
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_a_sheet_without_fingerprint_is_imported_with_a_warning(demo, monkeypatch, capsys, tmp_path):
    sheet, edited = tmp_path / "评分表.xlsx", tmp_path / "旧版.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", sheet) == 0
    wb = openpyxl.load_workbook(sheet)
    about = wb["说明"]
    marker = next(row[0].row for row in about.iter_rows() if row[0].value == "数据指纹")
    about.delete_rows(marker, about.max_row - marker + 1)  # as sheets were exported before they had one
    rid, n = next(iter(sheet_rows(sheet).items()))
    wb["评分表"][f"G{n}"] = "旧版表格中的修改"
    wb.save(edited)
    capsys.readouterr()
    assert cli(monkeypatch, demo.root, "sheet", "import", edited, ZIXUN) == 0
    out = capsys.readouterr()
    assert "没有数据指纹" in out.err and "无法发现导出后 scores.yml 中的修改" in out.err, out
    assert f"已更新 1 条要求：{rid}" in out.out
    _, a, _ = load(demo.root)
    assert a.scores[rid].note == "旧版表格中的修改"


def test_cell_notes_are_reported_by_row_and_column(demo, monkeypatch, capsys, tmp_path):
    from openpyxl.comments import Comment

    sheet, edited = tmp_path / "评分表.xlsx", tmp_path / "批注.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", sheet) == 0
    rows = sheet_rows(sheet)
    (first, n1), (second, n2) = list(rows.items())[:2]
    wb = openpyxl.load_workbook(sheet)
    ws = wb["评分表"]
    ws[f"E{n1}"].comment = Comment("组长：得分待现场再核实", "评估员")
    ws[f"G{n2}"].comment = Comment("附件见共享盘\n第二行", "评估员")
    ws[f"G{n2}"] = "说明也改了"
    wb.save(edited)
    capsys.readouterr()
    assert cli(monkeypatch, demo.root, "sheet", "import", edited, ZIXUN) == 0
    out = capsys.readouterr()
    assert f"第 {n1} 行“得分”（要求 {first}）有批注“组长：得分待现场再核实”" in out.err, out
    assert f"第 {n2} 行“说明”（要求 {second}）有批注“附件见共享盘 第二行”" in out.err, out
    assert "批注不会写入 scores.yml" in out.err
    assert f"已更新 1 条要求：{second}" in out.out  # the note is reported; the data is imported


def test_a_sheet_of_another_assessment_or_a_damaged_fingerprint_is_refused(demo, monkeypatch, capsys, tmp_path):
    sheet = tmp_path / "评分表.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", sheet) == 0
    for change, said in ((lambda v: "2026-shili-other" if v == "2026-shili-zixun" else v, "导出自评估 2026-shili-other"),
                         (lambda v: v[:10] if isinstance(v, str) and len(v) == 64 else v, "数据指纹不完整或被修改"),
                         (lambda v: "9" if v == "1" else v, "数据指纹版本“9”无法识别")):
        wb = openpyxl.load_workbook(sheet)
        about = wb["说明"]
        marker = next(row[0].row for row in about.iter_rows() if row[0].value == "数据指纹")
        for row in about.iter_rows(min_row=marker + 1):
            row[1].value = change(row[1].value)
        edited = tmp_path / "改过.xlsx"
        wb.save(edited)
        before = snapshot(demo.root)
        capsys.readouterr()
        assert cli(monkeypatch, demo.root, "sheet", "import", edited, ZIXUN) == 1
        err = capsys.readouterr().err
        assert said in err and "未做任何修改" in err, err
        assert snapshot(demo.root) == before


def test_a_sheet_saved_by_excel_keeps_its_fingerprint(demo, monkeypatch, capsys, tmp_path):
    """Excel moves every text, the fingerprint's too, into the shared-strings table."""
    exported, saved = tmp_path / "导出.xlsx", tmp_path / "Excel 保存.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", ZIXUN, "-o", exported) == 0
    as_excel_saves(exported, saved)
    model, a, registered = load(demo.root)
    from maturity.exchange.sheet import read_workbook

    contents = read_workbook(model, a, saved, registered)
    assert contents.fingerprint is not None and contents.fingerprint.assessment == a.id
    assert set(contents.fingerprint.rows) == set(requirement_lines(demo.read(SCORES)))
