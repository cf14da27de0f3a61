"""The commands that add to data files: ``maturity evidence add``, ``maturity announce``, and stale score sheets.

Each runs in a git repository holding a copy of the demo data (``init_repo``). For every command: the normal
path writes what is expected, and the result passes ``maturity fmt --check`` and ``maturity validate``; every
refusal writes nothing (the whole tree, and the folders outside it that a command may write to, compared
byte for byte before and after) and exits 1 (the data) or 2 (the request). Expected values are computed here
(sha256 with hashlib, working days by hand from the State Council's calendar) or with the core, never copied
from the output under test.

The stale-sheet test replays what happens when a score sheet is filled in while ``scores.yml`` moves on:
export, YAML edited and committed, the sheet edited for other and for some of the same requirements, import
(conflicts reported, nothing written), then re-export and import (applied, the YAML edits kept).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
import yaml

from conftest import is_build_cache
from maturity.cli import main
from maturity.repository import load_repository
from maturity.settings import load_settings
from test_git_workflow import commit, init_repo

openpyxl = pytest.importorskip("openpyxl")

ORG = "shili-zixun"
REGISTER = f"evidence/{ORG}/register.yml"
FILES = f"evidence/{ORG}/files"
KECHUANG = "assessments/2026-shili-kechuang"  # reviewed (confirmed), announced, no certificate
KECHUANG_P = f"{KECHUANG}/publication.yml"
ZIXUN = "assessments/2026-shili-zixun"  # certified 2026-05-25 after an announcement from 2026-05-11
PINGTAI = "assessments/2026-shili-pingtai"  # third-party, stage document_review, no publication.yml
PINGTAI_S = f"{PINGTAI}/scores.yml"
XINXI = "assessments/2026-shili-xinxi"  # a self-assessment


# --- helpers ---------------------------------------------------------------------------------------
@pytest.fixture
def repo(tmp_path) -> Path:
    return init_repo(tmp_path / "repo")


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the repository, for the files people register."""
    folder = tmp_path / "下载"
    folder.mkdir()
    return folder


def cli(monkeypatch, cwd: Path, *args) -> int:
    monkeypatch.chdir(cwd)
    return main([str(a) for a in args])


def snapshot(*roots: Path) -> dict[str, object]:
    """Every file and link under ``roots`` (git's own folder left out) with its bytes or target."""
    out: dict[str, object] = {}
    for root in roots:
        for p in sorted(root.rglob("*")):
            if ".git" in p.relative_to(root).parts or is_build_cache(p, root):
                continue
            key = p.as_posix()
            out[key] = ("link", str(p.readlink())) if p.is_symlink() else ("dir",) if p.is_dir() else p.read_bytes()
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def register_items(root: Path, org: str = ORG) -> list[dict]:
    return yaml.safe_load((root / f"evidence/{org}/register.yml").read_text(encoding="utf-8"))["items"]


def assert_clean(monkeypatch, capsys, root: Path) -> None:
    """The repository passes maturity fmt --check and maturity validate."""
    capsys.readouterr()
    assert cli(monkeypatch, root, "fmt", "--check", ".") == 0, capsys.readouterr()
    code = cli(monkeypatch, root, "validate", ".")
    out = capsys.readouterr()
    assert code == 0 and "0 个错误" in out.out, out


def write_config(root: Path, **options) -> None:
    """A mkdocs.yml whose maturity plugin has ``options`` (as the authority's site configuration would)."""
    config = {"site_name": "测试", "plugins": [{"maturity": options}]}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def next_e_number(items: list[dict]) -> str:
    numbers = [int(i["id"][1:]) for i in items if re.fullmatch(r"E\d+", i["id"])]
    return f"E{max(numbers) + 1:03d}"


ADD = ("evidence", "add")


# --- maturity evidence add: the normal paths ------------------------------------------------------
def test_evidence_add_copies_the_file_and_appends_the_item(repo, outside, monkeypatch, capsys):
    # A comment in the register, committed: it must stay where it is.
    text = (repo / REGISTER).read_text(encoding="utf-8")
    (repo / REGISTER).write_text(text.replace("items:\n", "# 证据按编号排列\nitems:\n", 1) + "# 文件末尾的说明\n",
                                 encoding="utf-8")
    commit(repo, "登记表加注释")
    before = (repo / REGISTER).read_text(encoding="utf-8")
    items = register_items(repo)
    src = outside / "服务合同 2025.pdf"
    src.write_bytes(b"%PDF-1.4 contract")
    expected_id = next_e_number(items)

    code = cli(monkeypatch, repo, *ADD, src, "--organisation", ORG, "--class", "restricted",
               "--record-date", "2025-03-01", "--collected", "2026-04-02")
    out = capsys.readouterr()
    assert code == 0, out
    digest = sha256(src)
    assert f"{expected_id} sha256:{digest}" in out.out
    copied = repo / FILES / "服务合同 2025.pdf"
    assert copied.read_bytes() == src.read_bytes() and src.exists()  # copied, not moved
    after = (repo / REGISTER).read_text(encoding="utf-8")
    new = register_items(repo)
    assert new[:-1] == items
    assert new[-1] == {"id": expected_id, "title": "服务合同 2025", "method": "document_review",
                       "record_date": dt.date(2025, 3, 1),
                       "collected": dt.date(2026, 4, 2),
                       "file": "files/服务合同 2025.pdf", "sha256": digest, "class": "restricted"}
    # Only lines added, before the comment at the end; the comment before items stays.
    kept, added = before.removesuffix("# 文件末尾的说明\n"), after.removesuffix("# 文件末尾的说明\n")
    assert after.endswith("# 文件末尾的说明\n") and added.startswith(kept) and "# 证据按编号排列\nitems:\n" in after
    assert added[len(kept):].startswith(f"  - id: {expected_id}\n")
    assert_clean(monkeypatch, capsys, repo)


def test_evidence_add_references_a_file_already_in_the_folder(repo, monkeypatch, capsys):
    inside = repo / FILES / "现场照片.png"
    inside.write_bytes(b"\x89PNG photo")
    before = snapshot(repo / FILES)
    code = cli(monkeypatch, repo, *ADD, f"{FILES}/现场照片.png", "--organisation", ORG, "--class", "public",
               "--method", "observation", "--title", "服务大厅现场照片", "--record-date", "2026-01-05",
               "--id", "P-01", "--collected", "2026-01-06")
    out = capsys.readouterr()
    assert code == 0, out
    assert snapshot(repo / FILES) == before  # nothing copied
    item = register_items(repo)[-1]
    assert (item["id"], item["file"], item["sha256"], item["method"], item["title"]) == \
        ("P-01", "files/现场照片.png", sha256(inside), "observation", "服务大厅现场照片")
    assert "已复制" not in out.out
    assert_clean(monkeypatch, capsys, repo)


def test_evidence_add_a_url(repo, monkeypatch, capsys):
    items = register_items(repo)
    code = cli(monkeypatch, repo, *ADD, "--url", "https://www.example.com/公告?id=1", "--title", "服务公告网页",
               "--organisation", ORG, "--class", "public", "--record-date", "2026-02-01", "--collected", "2026-02-03")
    out = capsys.readouterr()
    assert code == 0, out
    item = register_items(repo)[-1]
    assert item == {"id": next_e_number(items), "title": "服务公告网页", "method": "document_review",
                    "record_date": dt.date(2026, 2, 1),
                    "collected": dt.date(2026, 2, 3),
                    "url": "https://www.example.com/公告?id=1", "class": "public"}
    assert_clean(monkeypatch, capsys, repo)


def test_evidence_add_private_copies_outside_the_repository(repo, outside, tmp_path, monkeypatch, capsys):
    private = tmp_path / "保密证据"
    write_config(repo, private_evidence_dir=str(private))
    src = outside / "财务报表.xlsx"
    src.write_bytes(b"PK confidential figures")
    code = cli(monkeypatch, repo, *ADD, src, "--organisation", ORG, "--class", "confidential", "--private",
               "--record-date", "2025-12-31", "--collected", "2026-03-01")
    out = capsys.readouterr()
    assert code == 0, out
    assert (private / ORG / "files" / "财务报表.xlsx").read_bytes() == src.read_bytes()
    assert not (repo / FILES / "财务报表.xlsx").exists()  # never in the repository
    item = register_items(repo)[-1]
    assert (item["file"], item["storage"], item["sha256"], item["class"]) == \
        ("files/财务报表.xlsx", "private", sha256(src), "confidential")
    assert_clean(monkeypatch, capsys, repo)
    # Checked on this machine, which has the file: no "not on this machine" note (MAT311).
    settings = load_settings(repo)
    diags = load_repository(settings, display_base=repo).diagnostics
    assert not [d for d in diags if d.code in ("MAT311", "MAT303")], [str(d) for d in diags]


def test_evidence_add_starts_the_register_of_a_new_assessment(repo, outside, monkeypatch, capsys):
    assert cli(monkeypatch, repo, "new", "2027-xin-jigou", "--organisation", "xin-jigou", "--name", "新机构服务有限公司",
               "--credit-code", "91110108MA01XL0K77", "--region", "北京市", "--category",
               "specialised.management.strategy", "--level", "1") == 0
    (repo / "evidence/xin-jigou/register.yml").unlink()  # as if it had never been made
    src = outside / "营业执照.jpg"
    src.write_bytes(b"\xff\xd8 licence")
    capsys.readouterr()
    code = cli(monkeypatch, repo, *ADD, src, "--organisation", "xin-jigou", "--class", "public",
               "--record-date", "2024-06-01", "--collected", "2026-01-02")
    out = capsys.readouterr()
    assert code == 0, out
    text = (repo / "evidence/xin-jigou/register.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../plugins/maturity/schemas/evidence.schema.json\n"
                           "# 证据登记：新机构服务有限公司\nitems:\n  - id: E001\n")
    assert "已新建证据登记表" in out.out
    assert_clean(monkeypatch, capsys, repo)


# --- maturity evidence add: refusals write nothing ------------------------------------------------
def _setup_symlink(repo, outside):
    real = outside / "真实文件.pdf"
    real.write_bytes(b"real")
    (outside / "链接.pdf").symlink_to(real)
    return [outside / "链接.pdf"], "符号链接"


def _setup_same_bytes(repo, outside):
    first = register_items(repo)[0]
    copy = outside / "副本.md"
    copy.write_bytes((repo / f"evidence/{ORG}" / first["file"]).read_bytes())
    return [copy], f"已登记的证据 {first['id']}"


def _setup_same_bytes_other_register(repo, outside):
    other = register_items(repo, "shili-pingtai")[0]
    copy = outside / "别家的副本.md"
    copy.write_bytes((repo / "evidence/shili-pingtai" / other["file"]).read_bytes())
    return [copy], f"{other['id']}（evidence/shili-pingtai/register.yml）"


def _setup_id_exists(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--id", register_items(repo)[0]["id"]], "已在"


def _setup_public_html(repo, outside):
    (outside / "页面.html").write_bytes(b"<script>alert(1)</script>")
    return [outside / "页面.html", "--class", "public"], "MAT309"


def _setup_public_svg_inside(repo, outside):
    (repo / FILES / "图.svg").write_bytes(b"<svg onload=alert(1)/>")
    return [f"{FILES}/图.svg", "--class", "public"], ".svg"


def _setup_parent(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside.parent / outside.name / ".." / outside.name / "新.pdf"], "“..”"


def _setup_name_taken(repo, outside):
    (repo / FILES / "报告.pdf").write_bytes(b"one report")
    (outside / "报告.pdf").write_bytes(b"another report")
    return [outside / "报告.pdf"], "已存在且内容不同"


def _setup_missing(repo, outside):
    return [outside / "没有这个文件.pdf"], "找不到文件"


def _setup_directory(repo, outside):
    (outside / "文件夹").mkdir()
    return [outside / "文件夹"], "不是文件"


def _setup_unknown_organisation(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--organisation", "shili-zixum"], "没有评估使用机构代号 shili-zixum"


def _setup_bad_organisation(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--organisation", "../shili-zixun"], "--organisation"


def _setup_dates(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--record-date", "2026-05-02", "--collected", "2026-05-01"], "晚于采集日期"


def _setup_title_two_lines(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--title", "第一行\n第二行"], "--title 只能写一行"


def _setup_private_unset(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--private"], "private_evidence_dir"


def _setup_private_public(repo, outside):
    write_config(repo, private_evidence_dir=str(outside / "保密"))
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--private", "--class", "public"], "--private 只用于受限"


def _setup_file_and_url(repo, outside):
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf", "--url", "https://example.com/"], "须且只须"


def _setup_bad_url(repo, outside):
    return ["--url", "javascript:alert(1)", "--title", "x"], "http 或 https"


def _setup_registered_file_changed(repo, outside):
    first = register_items(repo)[0]
    (repo / f"evidence/{ORG}" / first["file"]).write_bytes(b"changed since it was registered")
    return [repo / f"evidence/{ORG}" / first["file"]], f"已登记为证据 {first['id']}"


def _setup_register_not_canonical(repo, outside):
    path = repo / REGISTER
    path.write_text(path.read_text(encoding="utf-8").replace("    title:", "    title:  ", 1), encoding="utf-8")
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf"], "maturity fmt"


def _setup_register_invalid(repo, outside):
    path = repo / REGISTER
    path.write_text(path.read_text(encoding="utf-8").replace("    method: ", "    methods: ", 1), encoding="utf-8")
    (outside / "新.pdf").write_bytes(b"new")
    return [outside / "新.pdf"], "MAT021"


REFUSALS = {  # name: (setup, exit code)
    "a symbolic link": (_setup_symlink, 2),
    "the same bytes as a registered item": (_setup_same_bytes, 2),
    "the same bytes as another organisation's item": (_setup_same_bytes_other_register, 2),
    "an id in use": (_setup_id_exists, 2),
    "a public .html file": (_setup_public_html, 2),
    "a public .svg file already in the folder": (_setup_public_svg_inside, 2),
    "a path with ..": (_setup_parent, 2),
    "another file of the same name": (_setup_name_taken, 2),
    "a missing file": (_setup_missing, 2),
    "a directory": (_setup_directory, 2),
    "an organisation no assessment uses": (_setup_unknown_organisation, 2),
    "an organisation id that is a path": (_setup_bad_organisation, 2),
    "a record date after the collection": (_setup_dates, 2),
    "a title on two lines": (_setup_title_two_lines, 2),
    "--private without private_evidence_dir": (_setup_private_unset, 2),
    "--private for a public item": (_setup_private_public, 2),
    "a file and a URL": (_setup_file_and_url, 2),
    "a URL that is not http(s)": (_setup_bad_url, 2),
    "a registered file whose bytes changed": (_setup_registered_file_changed, 2),
    "a register not in the canonical layout": (_setup_register_not_canonical, 1),
    "a register with an error": (_setup_register_invalid, 1),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_evidence_add_refuses_and_writes_nothing(repo, outside, tmp_path, monkeypatch, capsys, name):
    setup, exit_code = REFUSALS[name]
    args, said = setup(repo, outside)
    defaults = {"--organisation": ORG, "--class": "restricted", "--record-date": "2025-01-01", "--collected": "2026-01-01"}
    args = [*args, *(x for flag, value in defaults.items() if flag not in args for x in (flag, value))]
    before = snapshot(tmp_path)
    capsys.readouterr()
    code = cli(monkeypatch, repo, *ADD, *args)
    err = capsys.readouterr().err
    assert code == exit_code, err
    assert said in err, err
    assert "未做任何修改" in err
    assert snapshot(tmp_path) == before


# --- maturity announce ---------------------------------------------------------------------------
def without_announcement(repo: Path, rel: str) -> None:
    text = (repo / rel).read_text(encoding="utf-8")
    new = re.sub(r"(?ms)^announcement:\n(?:  .*?\n)+", "", text)
    assert new != text
    (repo / rel).write_text(new, encoding="utf-8")


def test_announce_writes_the_announcement_and_the_last_day(repo, monkeypatch, capsys):
    without_announcement(repo, KECHUANG_P)
    path = repo / KECHUANG_P
    path.write_text(path.read_text(encoding="utf-8").replace("review:", "# 复核会议纪要见档案\nreview:") + "# 末尾注释\n",
                    encoding="utf-8")
    commit(repo, "待公示")
    before = path.read_text(encoding="utf-8")
    core = load_repository(load_settings(repo), display_base=repo)
    recommended = core.results["2026-shili-kechuang"].recommended_level
    assert recommended == 2

    code = cli(monkeypatch, repo, "announce", KECHUANG, "--start", "2026-11-18")
    out = capsys.readouterr()
    assert code == 0, out
    # 2026-11-18 is a Wednesday; November 2026 has no public holiday: 18, 19, 20, 23, 24.
    assert "公示期 2026-11-18 至 2026-11-24（5 个工作日" in out.out and "公示等级：二星" in out.out, out.out
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["announcement"] == {"start": dt.date(2026, 11, 18), "level": recommended}
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("# 末尾注释\n", "announcement:\n  start: 2026-11-18\n  level: 2\n# 末尾注释\n")
    assert_clean(monkeypatch, capsys, repo)

    # Again, the same: nothing to do, exit 0.
    again = snapshot(repo)
    assert cli(monkeypatch, repo, "announce", KECHUANG, "--start", "2026-11-18") == 0
    assert "已有相同的公示" in capsys.readouterr().out
    assert snapshot(repo) == again


def test_announce_counts_working_days_with_the_repository_calendar(repo, monkeypatch, capsys):
    without_announcement(repo, KECHUANG_P)
    # 2027 is not in the built-in calendar: counted with weekends only, and said so (as MAT612 does).
    # 2027-12-28 is a Tuesday: 28, 29, 30, 31, then Monday 2028-01-03.
    assert cli(monkeypatch, repo, "announce", KECHUANG, "--start", "2027-12-28") == 0
    out = capsys.readouterr()
    assert "至 2028-01-03" in out.out and "2027、2028 年" in out.err and "holidays" in out.err, out
    without_announcement(repo, KECHUANG_P)
    # With the authority's holidays in mkdocs.yml: 28, (29–31 and 3 off), 4, 5, 6, 7.
    write_config(repo, holidays=["2027-12-29", "2027-12-30", "2027-12-31", "2028-01-03"], workdays=[])
    assert cli(monkeypatch, repo, "announce", KECHUANG, "--start", "2027-12-28", "--days", "5") == 0
    out = capsys.readouterr()
    assert "至 2028-01-07" in out.out and "日历数据不含" not in out.err, out
    data = yaml.safe_load((repo / KECHUANG_P).read_text(encoding="utf-8"))["announcement"]
    assert data["working_days"] == 5 and data["level"] == 2
    assert_clean(monkeypatch, capsys, repo)


def test_announce_completes_an_announcement_without_a_level(repo, monkeypatch, capsys):
    path = repo / KECHUANG_P
    path.write_text(path.read_text(encoding="utf-8").replace("  level: 2\n", ""), encoding="utf-8")
    assert cli(monkeypatch, repo, "announce", KECHUANG, "--start", "2026-11-18", "--level", "1") == 0
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["announcement"]["level"] == 1
    assert_clean(monkeypatch, capsys, repo)


def _ann_review_returned(repo):
    without_announcement(repo, KECHUANG_P)
    path = repo / KECHUANG_P
    text = path.read_text(encoding="utf-8").replace("decision: confirmed", "decision: returned")
    path.write_text(text.replace("冯专家]\n", "冯专家]\n  reasons: 证据不足\n"), encoding="utf-8")
    return [KECHUANG, "--start", "2026-11-18"], "没有专家组复核确认", 2


def _ann_other_start(repo):
    return [KECHUANG, "--start", "2026-11-19"], "已记录的公示开始日期是 2026-11-18", 2


def _ann_other_level(repo):
    return [KECHUANG, "--start", "2026-11-18", "--level", "1"], "已记录的公示等级是二星", 2


def _ann_above_recommended(repo):
    without_announcement(repo, KECHUANG_P)
    return [KECHUANG, "--start", "2026-11-18", "--level", "3"], "高于推荐等级（二星）", 2


def _ann_not_concluded(repo):
    return [PINGTAI, "--start", "2026-11-18"], "尚未形成结论", 2


def _ann_self(repo):
    return [XINXI, "--start", "2026-11-18"], "自评估", 2


def _ann_before_review(repo):
    without_announcement(repo, KECHUANG_P)
    return [KECHUANG, "--start", "2026-11-15"], "早于复核日期", 2


def _ann_after_certificate(repo):
    # Certified on 2026-05-25: an announcement from 2026-05-20 would end after the certificate was issued.
    without_announcement(repo, f"{ZIXUN}/publication.yml")
    return [ZIXUN, "--start", "2026-05-20"], "MAT605", 2


def _ann_not_canonical(repo):
    without_announcement(repo, KECHUANG_P)
    path = repo / KECHUANG_P
    path.write_text(path.read_text(encoding="utf-8").replace("members: [吴专家, 郑专家, 冯专家]",
                                                             "members:\n    - 吴专家\n    - 郑专家\n    - 冯专家"), encoding="utf-8")
    return [KECHUANG, "--start", "2026-11-18"], "maturity fmt", 1


def _ann_days(repo):
    without_announcement(repo, KECHUANG_P)
    return [KECHUANG, "--start", "2026-11-18", "--days", "0"], "--days", 2


ANNOUNCE_REFUSALS = {
    "a review returned": _ann_review_returned,
    "an announcement with another start": _ann_other_start,
    "an announcement with another level": _ann_other_level,
    "a level above the recommended one": _ann_above_recommended,
    "an assessment not at its conclusion": _ann_not_concluded,
    "a self-assessment": _ann_self,
    "a start before the review": _ann_before_review,
    "a period ending after the certificate": _ann_after_certificate,
    "a publication.yml not in the canonical layout": _ann_not_canonical,
    "no working days": _ann_days,
}


@pytest.mark.parametrize("name", list(ANNOUNCE_REFUSALS))
def test_announce_refuses_and_writes_nothing(repo, monkeypatch, capsys, name):
    args, said, exit_code = ANNOUNCE_REFUSALS[name](repo)
    before = snapshot(repo)
    capsys.readouterr()
    code = cli(monkeypatch, repo, "announce", *args)
    err = capsys.readouterr().err
    assert code == exit_code, err
    assert said in err, err
    assert "未做任何修改" in err
    assert snapshot(repo) == before


# --- stale score sheets, replayed in git -------------------------------------------------------------
def score_entry(root: Path, rid: str) -> dict:
    for line in (root / PINGTAI_S).read_text(encoding="utf-8").split("\n"):
        if line.strip().startswith(f"{rid}:"):
            return yaml.safe_load(line.strip())[rid]
    raise AssertionError(rid)


def set_note(root: Path, rid: str, note: str) -> None:
    path = root / PINGTAI_S
    lines = path.read_text(encoding="utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if line.strip().startswith(f"{rid}:")]
    assert len(hits) == 1
    lines[hits[0]] = re.sub(r"note: [^,}]*", f"note: {note}", lines[hits[0]])
    assert f"note: {note}" in lines[hits[0]]
    path.write_text("\n".join(lines), encoding="utf-8")


def sheet_edit(src: Path, dest: Path, edits: dict[str, dict[str, str]]) -> None:
    """A copy of the workbook with rows changed as a person would in Excel: {rid: {"E": …, "G": …}}."""
    wb = openpyxl.load_workbook(src)
    ws = wb["评分表"]
    rows = {row[2].value: row[2].row for row in ws.iter_rows(min_row=2) if row[2].value}
    for rid, cells in edits.items():
        for column, value in cells.items():
            ws[f"{column}{rows[rid]}"] = value
    wb.save(dest)


def test_a_stale_sheet_is_caught_and_resolved_by_exporting_again(repo, tmp_path, monkeypatch, capsys):
    rids = [r for r in (yaml.safe_load((repo / PINGTAI_S).read_text(encoding="utf-8"))["SS-DM"]["requirements"])]
    yaml_only, sheet_only, both, same = rids[:4]
    sheet = tmp_path / "评分表.xlsx"
    assert cli(monkeypatch, repo, "sheet", "export", PINGTAI, "-o", sheet) == 0

    # Meanwhile, in YAML (committed): a note changed on three requirements.
    for rid in (yaml_only, both, same):
        set_note(repo, rid, "现场复核后修改")
    commit(repo, "复核：修改三条要求的说明")
    committed = {rid: score_entry(repo, rid) for rid in rids[:4]}

    # In the sheet: one requirement nobody touched in YAML, one that was (differently), one the same way.
    edited = tmp_path / "改过.xlsx"
    sheet_edit(sheet, edited, {sheet_only: {"G": "表格中的修改"}, both: {"E": "部分满足", "G": "表格中的另一修改"},
                               same: {"G": "现场复核后修改"}})
    before = snapshot(repo)
    capsys.readouterr()
    code = cli(monkeypatch, repo, "sheet", "import", edited, PINGTAI)
    err = capsys.readouterr().err
    assert code == 1, err
    rows = {row[2].value: row[2].row for row in openpyxl.load_workbook(edited)["评分表"].iter_rows(min_row=2)}
    conflict = [line for line in err.split("\n") if f"（要求 {both}）" in line]
    assert len(conflict) == 1, err
    assert f"第 {rows[both]} 行" in conflict[0]
    assert "scores.yml 现在：得分 全部满足" in conflict[0] and "说明“现场复核后修改”" in conflict[0], conflict
    assert "评分表中：得分 部分满足" in conflict[0] and "说明“表格中的另一修改”" in conflict[0], conflict
    for rid in (yaml_only, sheet_only, same):
        assert f"（要求 {rid}）" not in err, err  # not conflicts
    assert "未做任何修改" in err
    assert snapshot(repo) == before

    # Resolved: export again, make the sheet's edits again, import.
    assert cli(monkeypatch, repo, "sheet", "export", PINGTAI, "-o", sheet, "--force") == 0
    sheet_edit(sheet, edited, {sheet_only: {"G": "表格中的修改"}, both: {"E": "部分满足", "G": "表格中的另一修改"}})
    capsys.readouterr()
    assert cli(monkeypatch, repo, "sheet", "import", edited, PINGTAI) == 0
    out = capsys.readouterr()
    assert f"已更新 2 条要求：{sheet_only}、{both}" in out.out, out
    assert score_entry(repo, yaml_only) == committed[yaml_only]  # the YAML edit is kept
    assert score_entry(repo, same) == committed[same]
    assert score_entry(repo, sheet_only)["note"] == "表格中的修改"
    assert score_entry(repo, both) == {**committed[both], "score": 0.5, "note": "表格中的另一修改"}
    assert_clean(monkeypatch, capsys, repo)


def test_a_stale_sheet_without_conflicts_keeps_every_yaml_edit(repo, tmp_path, monkeypatch, capsys):
    rids = list(yaml.safe_load((repo / PINGTAI_S).read_text(encoding="utf-8"))["SS-DM"]["requirements"])
    yaml_only, sheet_only = rids[:2]
    sheet, edited = tmp_path / "评分表.xlsx", tmp_path / "改过.xlsx"
    assert cli(monkeypatch, repo, "sheet", "export", PINGTAI, "-o", sheet) == 0
    set_note(repo, yaml_only, "导出之后在 YAML 中修改")
    commit(repo, "修改一条说明")
    kept = score_entry(repo, yaml_only)
    sheet_edit(sheet, edited, {sheet_only: {"E": "不满足", "G": "表格中的修改"}})
    capsys.readouterr()
    assert cli(monkeypatch, repo, "sheet", "import", edited, PINGTAI) == 0
    out = capsys.readouterr()
    assert f"已更新 1 条要求：{sheet_only}" in out.out and f"保留 scores.yml 的内容：{yaml_only}" in out.out, out
    assert score_entry(repo, yaml_only) == kept  # never reverted by the older sheet
    assert score_entry(repo, sheet_only)["score"] == 0 and score_entry(repo, sheet_only)["note"] == "表格中的修改"
    assert_clean(monkeypatch, capsys, repo)
