"""The commands that write data files never destroy data.

* ``maturity new`` into an existing folder changes nothing;
* ``maturity fmt`` leaves a file with errors byte-identical, and on valid files keeps every value and
  every comment (also hostile strings: quotes, ``#``, line breaks, leading dashes);
* ``maturity sheet import`` of a bad sheet leaves ``scores.yml`` byte-identical;
* :func:`maturity.data.files.write_atomic` leaves the old file intact and no temporary file behind when
  the write fails midway (an unencodable text, a non-text object, a file-size limit hit while
  writing), and keeps the file's permissions.

The CLI runs in-process (``maturity.cli.main``); write_atomic itself is never mocked.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import A, PROJECT, S, is_build_cache
from maturity.cli import main
from maturity.data.files import write_atomic

PINGTAI = "assessments/2026-shili-pingtai"


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` with its kind, bytes, permissions and modification time."""
    out = {}
    for p in sorted(root.rglob("*")):
        if is_build_cache(p, root):
            continue
        st_ = p.lstat()
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = ("link", os.readlink(p))
        elif p.is_dir():
            out[rel] = ("dir", stat.S_IMODE(st_.st_mode))
        else:
            out[rel] = ("file", p.read_bytes(), stat.S_IMODE(st_.st_mode), st_.st_mtime_ns)
    return out


def cli(monkeypatch, cwd: Path, *args) -> int:
    monkeypatch.chdir(cwd)
    return main([str(a) for a in args])


NEW = ("--name", "示例管理咨询有限公司", "--credit-code", "91110108MA01XL0K77", "--region", "北京市",
       "--category", "specialised.management.strategy", "--level", "2")


# --- maturity new ------------------------------------------------------------------------------------

def test_new_into_an_existing_assessment_changes_nothing(demo, monkeypatch, capsys):
    before = snapshot(demo.root)
    rc = cli(monkeypatch, demo.root, "new", "2026-shili-zixun", "--organisation", "shili-zixun", *NEW, "--root", demo.root)
    assert rc == 2
    assert "已存在" in capsys.readouterr().err
    assert snapshot(demo.root) == before


@pytest.mark.parametrize("make", ["empty folder", "file", "symlink"])
def test_new_over_anything_in_its_place_changes_nothing(demo, monkeypatch, make):
    target = demo.path("assessments/2027-new")
    if make == "empty folder":
        target.mkdir()
    elif make == "file":
        target.write_text("keep me\n", encoding="utf-8")
    else:
        target.symlink_to(demo.path("assessments/2026-shili-zixun"))
    before = snapshot(demo.root)
    rc = cli(monkeypatch, demo.root, "new", "2027-new", "--organisation", "shili-zixun", *NEW, "--root", demo.root)
    assert rc == 2
    assert snapshot(demo.root) == before


# --- maturity fmt ------------------------------------------------------------------------------------

@pytest.mark.parametrize("breakage", [
    ("  region: 北京市\n", "  region: 北京市\n  region: 上海市\n"),  # duplicate key
    ("applied_level: 3", "applied_level: '3'"),  # schema error
    ("kind: third_party", "kind: [third_party"),  # syntax error
])
def test_fmt_leaves_a_file_with_errors_byte_identical(demo, monkeypatch, breakage):
    text = demo.read(A)
    # unusual but valid layout elsewhere, which fmt would change if it touched the file
    demo.write(A, text.replace(*breakage).replace("kind:", "kind:   ", 1).replace("\n", "\r\n", 3))
    demo.path(A).write_bytes(demo.path(A).read_bytes())
    before = demo.path(A).read_bytes()
    rc = cli(monkeypatch, demo.root, "fmt", A)
    assert rc == 1
    assert demo.path(A).read_bytes() == before
    assert not list(demo.path(A).parent.glob(".*.tmp"))


def test_fmt_of_a_folder_touches_only_the_valid_files(demo, monkeypatch):
    bad = demo.path(S)
    bad.write_bytes(bad.read_bytes() + b"SS-DM: {requirements: 1, requirements: 2}\n")
    bad_before = bad.read_bytes()
    good = demo.path(A)
    good.write_text(good.read_text(encoding="utf-8").replace("kind: third_party", "kind:    third_party"), encoding="utf-8")
    rc = cli(monkeypatch, demo.root, "fmt", "assessments/2026-shili-zixun")
    assert rc == 1
    assert bad.read_bytes() == bad_before
    assert "kind: third_party\n" in good.read_text(encoding="utf-8")


def _comments(text: str) -> list[str]:
    from maturity.exchange.fmt import comment_start
    out = []
    for line in text.split("\n"):
        at = comment_start(line)
        if at is not None:
            out.append(line[at:].strip())
    return sorted(out)


def test_fmt_keeps_every_value_and_comment_of_the_demo(demo, monkeypatch):
    files = sorted(demo.root.glob("assessments/*/*.yml")) + sorted(demo.root.glob("evidence/*/register.yml"))
    before = {p: p.read_text(encoding="utf-8") for p in files}
    rc = cli(monkeypatch, demo.root, "fmt", ".")
    assert rc == 0
    for p in files:
        after = p.read_text(encoding="utf-8")
        assert yaml.safe_load(after) == yaml.safe_load(before[p]), p
        assert _comments(after) == _comments(before[p]), p
    snap = snapshot(demo.root)
    assert cli(monkeypatch, demo.root, "fmt", ".") == 0
    assert snapshot(demo.root) == snap, "fmt is idempotent"


TRICKY = [
    "含 # 号的文字 #不是注释", "逗号, 在中间", "末尾花括号}", "中间]方括号", "\u3000全角空格\u3000", "问号?在中间", ":0",  # inside {…} and […] too
    "'单引号' 与 \"双引号\"", "- 以短横线开头", ": 以冒号开头", "key: value 形式", "第一行\n第二行",
    "行尾空格   ", "  行首空格", "制表符\t在中间", "{花括号}", "[方括号]", "&锚点 *别名", "!标签", "%百分号", "@at", "`反引号`",
    "yes", "no", "null", "~", "123", "0.8", "2026-01-01", "1e3", "0x1F", "…", "?问号", "| 竖线", "> 大于",
    "<script>alert(1)</script>", "\\反斜杠\\n", "😀 emoji", "\u200b零宽", "a" * 200,
]


def test_fmt_keeps_tricky_strings_exactly(demo, monkeypatch):
    data = yaml.safe_load(demo.read(A))
    data["objectives"] = TRICKY
    data["adherence"] = "\n".join(TRICKY)
    data["places"] = [t for t in TRICKY[:10] if "\n" not in t]  # one-line fields refuse line breaks (MAT019)
    data["organisation"]["address"] = TRICKY[0]
    for i, m in enumerate(data["team"]):
        m["qualification"] = TRICKY[i + 1]
    data["internal_notes"] = TRICKY[5]
    text = "# 头部注释\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    demo.write(A, text)
    scores = demo.read(S).replace("note: 证据充分，制度与记录一致。}", "note: \"含 # 与 } 的说明: 'x'\", internal_note: \"- 内部\\n第二行\"}", 1)
    demo.write(S, scores)
    expected = {p: yaml.safe_load(demo.read(p)) for p in (A, S)}
    rc = cli(monkeypatch, demo.root, "fmt", "assessments/2026-shili-zixun")
    assert rc == 0
    for p in (A, S):
        assert yaml.safe_load(demo.read(p)) == expected[p], p
    assert demo.read(A).startswith("# 头部注释\n")
    assert cli(monkeypatch, demo.root, "fmt", "--check", "assessments/2026-shili-zixun") == 0


# --- maturity sheet import -------------------------------------------------------------------------------

@pytest.fixture
def sheet(demo, monkeypatch, tmp_path):
    path = tmp_path / "评分表.xlsx"
    assert cli(monkeypatch, demo.root, "sheet", "export", PINGTAI, "-o", path) == 0
    return path


def _edit(src: Path, dest: Path, cells: dict[tuple[int, int], object]) -> None:
    from openpyxl import load_workbook
    wb = load_workbook(src)
    ws = wb["评分表"]
    for (row, col), value in cells.items():
        ws.cell(row=row, column=col, value=value)
    wb.save(dest)


@pytest.mark.parametrize("bad", ["invalid score", "unknown requirement", "header changed", "duplicate row", "not xlsx",
                                 "empty file", "block-style line"])
def test_sheet_import_of_a_bad_sheet_leaves_scores_identical(demo, monkeypatch, sheet, tmp_path, bad):
    scores = demo.path(f"{PINGTAI}/scores.yml")
    edited = tmp_path / "改过的评分表.xlsx"
    valid_change = {(2, 5): "不满足", (2, 7): "导入时改的说明"}  # a good row, which must not be written either
    if bad == "invalid score":
        _edit(sheet, edited, {**valid_change, (3, 5): "很好"})
    elif bad == "unknown requirement":
        _edit(sheet, edited, {**valid_change, (3, 3): "SS-XX-9-99"})
    elif bad == "header changed":
        _edit(sheet, edited, {**valid_change, (1, 5): "分数"})
    elif bad == "duplicate row":
        from openpyxl import load_workbook
        ws = load_workbook(sheet)["评分表"]
        _edit(sheet, edited, {**valid_change, **{(ws.max_row + 1, c): ws.cell(row=2, column=c).value for c in range(1, 8)}})
    elif bad == "not xlsx":
        edited.write_text("这不是表格\n", encoding="utf-8")
    elif bad == "empty file":
        edited.write_bytes(b"")
    else:  # the requirement of a changed row written over several lines in scores.yml
        from openpyxl import load_workbook
        ws = load_workbook(sheet)["评分表"]
        rid = ws.cell(row=3, column=3).value
        lines = scores.read_text(encoding="utf-8").split("\n")
        i = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{rid}:"))
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        entry = yaml.safe_load(lines[i].strip())[rid]
        lines[i:i + 1] = [f"{indent}{rid}:"] + [f"{indent}  {k}: {yaml.safe_dump(v, allow_unicode=True, default_flow_style=True).strip().removesuffix('...').strip()}" for k, v in entry.items()]
        scores.write_text("\n".join(lines), encoding="utf-8")
        _edit(sheet, edited, {**valid_change, (3, 5): "部分满足" if entry["score"] != "部分满足" and entry["score"] != 0.5 else "不满足"})
    before = snapshot(demo.root)
    rc = cli(monkeypatch, demo.root, "sheet", "import", edited, PINGTAI)
    assert rc == 1
    assert snapshot(demo.root) == before


# --- write_atomic ------------------------------------------------------------------------------------------

def _leftovers(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != name)


def test_write_atomic_keeps_the_old_file_when_the_text_cannot_be_encoded(tmp_path):
    path = tmp_path / "scores.yml"
    path.write_bytes(b"old: content\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(path, "new: " + "x" * 100_000 + "\ud800")  # a lone surrogate, found while writing
    assert path.read_bytes() == b"old: content\n"
    assert _leftovers(tmp_path, "scores.yml") == []


class Exploding:
    """Not text: the file's write() raises on it."""


def test_write_atomic_keeps_the_old_file_when_write_raises(tmp_path):
    path = tmp_path / "assessment.yml"
    path.write_bytes(b"old\n")
    with pytest.raises(TypeError):
        write_atomic(path, Exploding())  # type: ignore[arg-type]
    assert path.read_bytes() == b"old\n"
    assert _leftovers(tmp_path, "assessment.yml") == []


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="needs RLIMIT_FSIZE")
def test_write_atomic_keeps_the_old_file_when_the_disk_fills_midway(tmp_path):
    """A file-size limit (like a full disk) hit after the first 64 KiB of a 1 MiB write."""
    path = tmp_path / "scores.yml"
    path.write_bytes(b"old: content\n")
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from pathlib import Path
        from maturity.data.files import write_atomic
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        try:
            write_atomic(Path({str(path)!r}), "x" * (1 << 20))
        except OSError as exc:
            print("OSError", exc.errno)
            sys.exit(0)
        sys.exit(3)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT)
    assert proc.returncode == 0 and proc.stdout.startswith("OSError"), proc.stdout + proc.stderr
    assert path.read_bytes() == b"old: content\n"
    assert _leftovers(tmp_path, "scores.yml") == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores directory permissions")
def test_write_atomic_in_a_read_only_folder(tmp_path):
    path = tmp_path / "scores.yml"
    path.write_bytes(b"old\n")
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(OSError):
            write_atomic(path, "new\n")
    finally:
        tmp_path.chmod(0o755)
    assert path.read_bytes() == b"old\n"
    assert _leftovers(tmp_path, "scores.yml") == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_write_atomic_keeps_permissions(tmp_path):
    path = tmp_path / "register.yml"
    path.write_bytes(b"old\n")
    path.chmod(0o640)
    write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    fresh = tmp_path / "new.yml"
    old_umask = os.umask(0o022)
    try:
        write_atomic(fresh, "x\n")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644, "a new data file is readable like any other (not 0600)"


def test_fmt_keeps_a_comment_inside_the_block_it_ends(demo, monkeypatch):
    """A commented hint indented under the last key of a block stays in that block (what `maturity new` writes)."""
    text = demo.read(A).replace("dates:\n", "dates:\n", 1)
    marker = "  # applied: YYYY-MM-DD  # 提交申请的日期\n"
    lines = text.split("\n")
    end = next(i for i, line in enumerate(lines) if i > lines.index("dates:") and line and not line.startswith(" "))
    lines.insert(end, marker.rstrip("\n"))
    demo.write(A, "\n".join(lines))
    assert cli(monkeypatch, demo.root, "fmt", "assessments/2026-shili-zixun") == 0
    after = demo.read(A).split("\n")
    i = after.index(marker.rstrip("\n"))
    assert after[i - 1].startswith("  ") and not after[i + 1].startswith(" "), after[i - 2:i + 2]
