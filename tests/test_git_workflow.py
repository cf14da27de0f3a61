"""The git workflow on real git repositories made in ``tmp_path``: ``maturity diff``, the report pages'
修改历史 (real ``mkdocs build --strict``), xlsx score sheets and ``maturity fmt``.

Every repository is a copy of the demo data; expected figures are computed in-process with the core
(:func:`maturity.repository.load_repository`), never copied from the output under test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, credit_code
from maturity.cli import build_parser
from maturity.repository import load_repository
from maturity.scoring import display
from site_helpers import article, copy_demo, mkdocs_build, parse_html, squash

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENTRY = Path(sys.executable).parent / "maturity"
CMD = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "maturity.cli"]

ZIXUN_ID = "2026-shili-zixun"
ZIXUN = f"assessments/{ZIXUN_ID}"
ZIXUN_S = f"{ZIXUN}/scores.yml"
PINGTAI_ID = "2026-shili-pingtai"  # third-party, 三星, no certificate: its data may change and stay valid
PINGTAI_S = f"assessments/{PINGTAI_ID}/scores.yml"
XINXI_ID = "2026-shili-xinxi"
XINXI_S = f"assessments/{XINXI_ID}/scores.yml"
TRACEBACK = "Traceback (most recent call last)"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENTRY_LINE = re.compile(r"^(?P<indent>\s+)(?P<rid>[A-Z]{2}-[A-Z]+-\d+-\d+):(?P<rest>.*)$")

# Who commits, isolated from the machine's git configuration (no signing, no hooks, no templates).
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
           "GIT_COMMITTER_NAME": "评估管理机构", "GIT_COMMITTER_EMAIL": "authority@example.org"}


# --- helpers ----------------------------------------------------------------------------------------
def git(root: Path, *args: str, author: str = "测试评估员", date: str = "2026-05-01T10:00:00+08:00") -> str:
    env = dict(os.environ, **GIT_ENV, GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL="assessor@example.org",
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8", env=env)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def commit(root: Path, subject: str, **kwargs) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", subject, **kwargs)
    return git(root, "rev-parse", "HEAD").strip()


def init_repo(root: Path, *, site: bool = False) -> Path:
    """A git repository at ``root`` holding a copy of the demo data (and, with ``site``, the site source)."""
    if site:
        copy_demo(root)
    else:
        root.mkdir(parents=True, exist_ok=True)
        for part in ("assessments", "evidence"):
            shutil.copytree(PROJECT / part, root / part)
        shutil.copy2(PROJECT / "assessors.yml", root / "assessors.yml")
    git(root, "init", "-q", "-b", "main")
    commit(root, "初始数据：演示评估", date="2026-04-20T09:00:00+08:00")
    return root


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, **GIT_ENV, PYTHONIOENCODING="utf-8")
    proc = subprocess.run(CMD + [str(a) for a in args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120)
    assert TRACEBACK not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8", newline="\n")


def set_score(root: Path, rel: str, rid: str, old: str, new: str) -> None:
    """Change the score of ``rid`` on its one line, from ``score: old`` to ``score: new``."""
    text = read(root, rel)
    pattern = re.compile(rf"(?m)^(\s+{re.escape(rid)}: \{{score: ){re.escape(old)}([,}}])")
    text, n = pattern.subn(rf"\g<1>{new}\g<2>", text)
    assert n == 1, f"{rid}: score {old} not found in {rel}"
    write(root, rel, text)


def result(root: Path, aid: str):
    """(repository, assessment, result) computed by the core, as the expectation."""
    repo = load_repository(root, display_base=root)
    return repo, repo.assessment(aid), repo.results.get(aid)


def json_entry(stdout: str, aid: str) -> dict:
    data = json.loads(stdout)
    hits = [a for a in data["assessments"] if a["id"] == aid]
    assert len(hits) == 1, stdout
    return hits[0]


def lower_until_level_fails(root: Path) -> tuple[list[str], Fraction, int | None]:
    """Lower 三星 requirements of 2026-shili-zixun from 1 to 0.5 until A at 三星 is below 0.8.

    Returns the requirement ids changed, and the new A and recommended level computed in-process.
    """
    repo, a, r = result(root, ZIXUN_ID)
    model = repo.model
    assert a.applied_level == 3 and r.conforms, "the demo's 2026-shili-zixun should conform at 三星"
    total, p = r.applied.score * r.applied.requirements, r.applied.requirements
    candidates = [x.id for x in model.requirements_at(3) if 3 in x.levels and min(x.levels) == 3
                  and a.scores[x.id].value == 1]
    changed = []
    for rid in candidates:
        if total / p < model.threshold:
            break
        set_score(root, ZIXUN_S, rid, "1", "0.5")
        total -= Fraction(1, 2)
        changed.append(rid)
    _, a2, r2 = result(root, ZIXUN_ID)
    assert r2.applied.score == total / p < model.threshold
    return changed, r2.applied.score, r2.recommended_level


# --- maturity diff ------------------------------------------------------------------------------------
def test_diff_lowered_scores_working_tree_and_commits(tmp_path):
    root = init_repo(tmp_path / "repo")
    repo, a, r = result(root, ZIXUN_ID)
    model = repo.model
    old_a = r.applied.score
    changed, new_a, new_rec = lower_until_level_fails(root)
    assert new_rec is not None and new_rec < 3  # only 三星 requirements changed: 二星 still conforms
    headline = f"三星: {display(old_a)} → {display(new_a)}，不再符合"
    rec = f"推荐等级 三星 → {model.level_name(new_rec)}"

    for args in (("diff", "HEAD"), None):
        if args is None:  # the same change, committed
            commit(root, "现场评估后下调三星要求的得分")
            args = ("diff", "HEAD~1", "HEAD")
        out = run(*args, cwd=root)
        assert out.returncode == 0, out.stderr
        assert headline in out.stdout and rec in out.stdout, out.stdout
        assert f"{ZIXUN_ID} {a.organisation['name']}（修改）" in out.stdout
        for rid in changed:
            assert f"{rid} 全部满足(1) → 部分满足(0.5)  {model.requirement(rid).text}" in out.stdout
        assert f"等级得分 A：三星 {display(old_a)} → {display(new_a)}" in out.stdout
        assert "一星" not in out.stdout.split("等级得分 A：")[1].splitlines()[0]  # unchanged levels are not listed

    md = run("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=root)
    assert md.returncode == 0
    assert md.stdout.startswith("## 评估变化：`HEAD~1` → `HEAD`")
    assert f"> **⚠️ {headline}；{rec}**" in md.stdout, md.stdout
    rid = changed[0]
    assert f"| `{rid}` | 全部满足(1) | 部分满足(0.5) | {model.requirement(rid).text} |" in md.stdout
    assert f"| 三星 | {display(old_a)} | {display(new_a)} | **符合 → 不符合** |" in md.stdout

    js = run("diff", "HEAD~1", "HEAD", "--format", "json", cwd=root)
    assert js.returncode == 0
    entry = json_entry(js.stdout, ZIXUN_ID)
    assert entry["status"] == "changed"
    assert entry["conforms"] == {"old": True, "new": False}
    assert entry["recommended_level"] == {"old": 3, "new": new_rec}
    assert entry["conformity_changed"] is True
    assert {s["requirement"]: (s["old"]["value"], s["new"]["value"]) for s in entry["scores"]} == \
        {rid: (1.0, 0.5) for rid in changed}
    level3 = next(x for x in entry["levels"] if x["level"] == 3)
    assert level3["old_conforms"] is True and level3["new_conforms"] is False
    assert Fraction(level3["new"]["exact"]) == new_a and Fraction(level3["old"]["exact"]) == old_a
    assert [x["id"] for x in json.loads(js.stdout)["assessments"]] == [ZIXUN_ID]


def test_diff_path_limits_the_comparison_with_the_working_tree(tmp_path):
    root = init_repo(tmp_path / "repo")
    set_score(root, PINGTAI_S, "SS-DM-1-01", "1", "0.8")
    set_score(root, XINXI_S, "SS-DM-1-01", "1", "0.8")
    whole = json.loads(run("diff", "HEAD", "--format", "json", cwd=root).stdout)
    assert sorted(a["id"] for a in whole["assessments"]) == [PINGTAI_ID, XINXI_ID]
    for args in (("HEAD", f"assessments/{PINGTAI_ID}"), ("HEAD", f"assessments/{PINGTAI_ID}/")):
        out = run("diff", *args, "--format", "json", cwd=root)
        assert out.returncode == 0, out.stderr
        assert [a["id"] for a in json.loads(out.stdout)["assessments"]] == [PINGTAI_ID]


def test_diff_evidence_added_and_removed(tmp_path):
    root = init_repo(tmp_path / "repo")
    text = read(root, PINGTAI_S)
    lines = {m["rid"]: m for m in map(ENTRY_LINE.match, text.splitlines()) if m}
    entries = yaml.safe_load(text)
    flat = {rid: e for d in entries.values() for rid, e in d["requirements"].items()}
    registered = [i["id"] for i in yaml.safe_load(read(root, "evidence/shili-pingtai/register.yml"))["items"]]
    # one requirement gains an evidence item, another (with two or more) loses its last one
    gain = next(rid for rid, e in flat.items() if e.get("evidence") and set(registered) - set(e["evidence"]))
    extra = sorted(set(registered) - set(flat[gain]["evidence"]))[0]
    lose = next(rid for rid, e in flat.items() if rid != gain and len(e.get("evidence", [])) >= 2)
    dropped = flat[lose]["evidence"][-1]
    for rid, new in ((gain, flat[gain]["evidence"] + [extra]), (lose, flat[lose]["evidence"][:-1])):
        old = "[" + ", ".join(flat[rid]["evidence"]) + "]"
        assert lines[rid]["rest"].count(old) == 1
        text = text.replace(lines[rid].group(0), lines[rid].group(0).replace(old, "[" + ", ".join(new) + "]"))
    write(root, PINGTAI_S, text)

    out = run("diff", "HEAD", cwd=root)
    assert out.returncode == 0
    assert "得分与等级不变" in out.stdout and "证据引用变化：" in out.stdout, out.stdout
    assert f"    {gain} +{extra}\n" in out.stdout and f"    {lose} -{dropped}\n" in out.stdout
    entry = json_entry(run("diff", "HEAD", "--format", "json", cwd=root).stdout, PINGTAI_ID)
    assert entry["scores"] == [] and entry["conformity_changed"] is False
    assert {e["requirement"]: (e["added"], e["removed"]) for e in entry["evidence"]} == \
        {gain: ([extra], []), lose: ([], [dropped])}
    md = run("diff", "HEAD", "--format", "markdown", cwd=root).stdout
    assert f"| `{gain}` | {extra} | — |" in md and f"| `{lose}` | — | {dropped} |" in md


def test_diff_added_and_removed_assessments(tmp_path):
    root = init_repo(tmp_path / "repo")
    new = run("new", "2027-mouxie-zixun", "--organisation", "mouxie-zixun", "--name", "某某咨询有限公司",
              "--credit-code", credit_code("91110108MA01AB2C3"), "--region", "北京市",
              "--category", "specialised.management.strategy", "--level", "2", cwd=root)
    assert new.returncode == 0, new.stderr
    git(root, "rm", "-r", "-q", f"assessments/{PINGTAI_ID}")
    repo, a, r = result(root, "2027-mouxie-zixun")

    out = run("diff", "HEAD", cwd=root)
    assert out.returncode == 0, out.stderr
    assert "2027-mouxie-zixun 某某咨询有限公司（新增）" in out.stdout
    # `maturity new` writes every requirement unscored (待评分): no A, no verdict yet
    assert f"新增评估：申请二星，未完成（有待评分的要求）；推荐等级 {repo.model.level_name(r.recommended_level)}" in out.stdout
    assert "（删除）" in out.stdout and "评估已删除" in out.stdout
    assert "→ 待评分" not in out.stdout and "待评分 →" not in out.stdout  # a removed assessment is not listed requirement by requirement
    data = json.loads(run("diff", "HEAD", "--format", "json", cwd=root).stdout)
    status = {x["id"]: x["status"] for x in data["assessments"]}
    assert status == {"2027-mouxie-zixun": "added", PINGTAI_ID: "removed"}
    added = json_entry(json.dumps(data), "2027-mouxie-zixun")
    assert added["old_path"] is None and added["new_path"] == "assessments/2027-mouxie-zixun"
    assert added["applied_level"] == {"old": None, "new": 2}
    assert added["conforms"] == {"old": None, "new": None}
    removed = json_entry(json.dumps(data), PINGTAI_ID)
    assert removed["new_path"] is None and removed["old_path"] == f"assessments/{PINGTAI_ID}"
    assert removed["scores"] == []


def test_diff_renamed_folder_is_a_change_not_added_and_removed(tmp_path):
    root = init_repo(tmp_path / "repo")
    git(root, "mv", f"assessments/{XINXI_ID}", "assessments/2026-shili-xinxi-zipinggu")
    set_score(root, "assessments/2026-shili-xinxi-zipinggu/scores.yml", "SS-DM-1-01", "1", "0.8")
    commit(root, "评估目录改名")
    data = json.loads(run("diff", "HEAD~1", "HEAD", "--format", "json", cwd=root).stdout)
    assert [(x["id"], x["status"]) for x in data["assessments"]] == [(XINXI_ID, "changed")]
    entry = data["assessments"][0]
    assert entry["old_path"] == f"assessments/{XINXI_ID}" and entry["new_path"] == "assessments/2026-shili-xinxi-zipinggu"
    assert [s["requirement"] for s in entry["scores"]] == ["SS-DM-1-01"]
    out = run("diff", "HEAD~1", "HEAD", cwd=root).stdout
    assert f"评估文件夹：assessments/{XINXI_ID} → assessments/2026-shili-xinxi-zipinggu" in out
    assert "新增" not in out and "删除" not in out


@pytest.mark.parametrize("breakage", ["yaml", "unknown-requirement"])
def test_diff_reports_invalid_scores_with_location(tmp_path, breakage):
    root = init_repo(tmp_path / "repo")
    lines = read(root, ZIXUN_S).split("\n")
    n = next(i for i, line in enumerate(lines) if line.strip().startswith("SS-SDM-3-02:"))
    if breakage == "yaml":
        lines[n] = lines[n].replace("]", "", 1)  # an unclosed flow list
        code = "MAT010"
    else:
        lines[n] = lines[n].replace("SS-SDM-3-02:", "SS-SDM-3-09:")
        code = "MAT202"
    write(root, ZIXUN_S, "\n".join(lines))
    commit(root, "有错误的评分表")

    out = run("diff", "HEAD~1", "HEAD", cwd=root)
    assert out.returncode == 0, out.stderr
    located = re.findall(rf"{re.escape(ZIXUN_S)}:(\d+):\d+: 错误 {code} ", out.stdout)
    assert located and all(int(x) >= 1 for x in located), out.stdout
    assert int(located[0]) == n + 1 or breakage == "yaml"  # PyYAML reports an unclosed list where it notices it
    assert "，无法计算（有待评分的要求或错误）" in out.stdout and "不再符合" not in out.stdout, out.stdout
    assert "评估域得分 C" not in out.stdout  # no column of "→ —" figures when A cannot be computed
    if breakage == "yaml":
        assert "→ 待评分" not in out.stdout and "待评分 →" not in out.stdout  # an unreadable file is not 107 requirements "not scored"
    strict = run("diff", "HEAD~1", "HEAD", "--exit-code", cwd=root)
    assert strict.returncode == 1 and strict.stdout == out.stdout
    md = run("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=root).stdout
    assert re.search(rf"- ❌ `{re.escape(ZIXUN_S)}:\d+:\d+` {code} ", md), md
    js = json_entry(run("diff", "HEAD~1", "HEAD", "--format", "json", cwd=root).stdout, ZIXUN_ID)
    assert any(d["code"] == code and d["path"] == ZIXUN_S and d["line"] >= 1 for d in js["diagnostics"])
    # no result from an unreadable file, nor from a level with a requirement not scored: no A, no verdict (scoring.md)
    assert js["conforms"] == {"old": True, "new": None}
    # the base side, unchanged, is fine: no --exit-code failure comparing it with itself
    assert run("diff", "HEAD~1", "HEAD~1", "--exit-code", cwd=root).returncode == 0


def test_diff_unknown_revision_and_not_a_repository(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = init_repo(tmp_path / "repo")
    for args in (("no-such-branch",), ("HEAD", "no-such-branch"), ("HEAD~5",)):
        out = run("diff", *args, cwd=root)
        assert out.returncode == 2, out
        assert "找不到版本" in out.stderr and out.stdout == ""
    plain = tmp_path / "plain"
    shutil.copytree(root / "assessments", plain / "assessments")
    out = run("diff", "HEAD", cwd=plain)
    assert out.returncode == 2 and CHINESE.search(out.stderr) and "git" in out.stderr


# --- 修改历史 on the report pages ----------------------------------------------------------------------------
def history_rows(site: Path, aid: str) -> tuple[str, list[list[str]]]:
    doc = article(parse_html(site / "assessments" / aid / "index.html"))
    heading = doc.by_id("history")
    assert heading is not None and squash(heading.text).startswith("修改历史")
    siblings = heading.parent.children
    after = siblings[siblings.index(heading) + 1:]
    section = []
    for node in after:
        if getattr(node, "tag", None) in ("h2",):
            break
        section.append(node)
    text = squash("".join(n if isinstance(n, str) else n.text for n in section))
    table = next((n for n in section if getattr(n, "tag", None) == "table"), None)
    rows = [[squash(td.text) for td in tr.find_all("td")] for tr in table.find_all("tr")] if table else []
    return text, [r for r in rows if r]


def test_history_on_report_page_after_two_commits(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = init_repo(tmp_path / "site-repo", site=True)
    states = [result(root, XINXI_ID)[2].applied.score]
    set_score(root, XINXI_S, "SS-DM-1-01", "1", "0.8")
    first = commit(root, "文件审查后调整 SS-DM-1-01", author="王评审", date="2026-05-06T15:00:00+08:00")
    states.append(result(root, XINXI_ID)[2].applied.score)
    set_score(root, XINXI_S, "SS-DM-1-02", "1", "0.5")
    second = commit(root, "现场评估：SS-DM-1-02 部分满足", author="李评估", date="2026-05-08T11:30:00+08:00")
    _, a, r = result(root, XINXI_ID)
    states.append(r.applied.score)
    assert states[0] > states[1] > states[2]

    build = mkdocs_build(root)
    assert build.returncode == 0, build.output
    text, rows = history_rows(build.site, XINXI_ID)
    assert "浅克隆" not in text and "没有修改历史" not in text
    fig = lambda before, after: f"{display(before)} → {display(after)}"  # noqa: E731
    assert rows[0] == ["2026-05-08", "李评估", "现场评估：SS-DM-1-02 部分满足", fig(states[1], states[2]), second[:10]], rows
    assert rows[1] == ["2026-05-06", "王评审", "文件审查后调整 SS-DM-1-01", fig(states[0], states[1]), first[:10]], rows
    assert rows[2][1:3] == ["测试评估员", "初始数据：演示评估"] and rows[2][3] == f"— → {display(states[0])}"
    assert len(rows) == 3
    assert f"本页面由 git 提交 {second[:12]} 构建" in text
    # an assessment the two commits did not touch has only the first commit
    _, other = history_rows(build.site, PINGTAI_ID)
    assert [row[2] for row in other] == ["初始数据：演示评估"]

    # The same source outside git still builds (strict) and says there is no history.
    plain = tmp_path / "plain"
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".git", "site"))
    build = mkdocs_build(plain)
    assert build.returncode == 0, build.output
    text, rows = history_rows(build.site, XINXI_ID)
    assert "没有修改历史" in text and rows == [] and "本页面由 git 提交" not in text

    # A shallow clone builds too and says the history is incomplete.
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", (root.resolve()).as_uri(), str(shallow))
    assert git(shallow, "rev-parse", "--is-shallow-repository").strip() == "true"
    build = mkdocs_build(shallow)
    assert build.returncode == 0, build.output
    text, rows = history_rows(build.site, XINXI_ID)
    assert "浅克隆" in text and rows and rows[0][2] == "现场评估：SS-DM-1-02 部分满足"


# --- xlsx score sheets ---------------------------------------------------------------------------------------
def sheet_rows(path: Path) -> dict[str, int]:
    from openpyxl import load_workbook
    ws = load_workbook(path)["评分表"]
    return {row[2].value: row[2].row for row in ws.iter_rows(min_row=2) if row[2].value}


def edit_sheet(src: Path, dest: Path, edits: dict) -> None:
    """Copy the workbook with cells changed: {(row, column letter): value}."""
    from openpyxl import load_workbook
    wb = load_workbook(src)
    ws = wb["评分表"]
    for (row, col), value in edits.items():
        ws[f"{col}{row}"] = value
    wb.save(dest)


def test_sheet_export_edit_import_changes_exactly_two_lines(tmp_path):
    pytest.importorskip("openpyxl")
    root = init_repo(tmp_path / "repo")
    text = read(root, PINGTAI_S)
    _, a, _ = result(root, PINGTAI_ID)
    # a reviewer's comment elsewhere, and an internal note the sheet does not show: both must survive
    text = text.replace("SD-SC:  # 服务目录\n", "# 组长：服务目录部分已与机构核对\nSD-SC:  # 服务目录\n", 1)
    up = next(rid for rid, s in a.scores.items() if s.value == Fraction(1, 2))
    down = next(rid for rid, s in a.scores.items() if s.value == 1 and len(s.evidence) == 1)
    line = next(m.group(0) for m in map(ENTRY_LINE.match, text.splitlines()) if m and m["rid"] == up)
    text = text.replace(line, line[:-1] + ", internal_note: 仅评估组可见}", 1)
    write(root, PINGTAI_S, text)
    commit(root, "复核意见")

    sheet = tmp_path / "评分表.xlsx"
    out = run("sheet", "export", f"assessments/{PINGTAI_ID}", "-o", sheet, cwd=root)
    assert out.returncode == 0 and sheet.is_file(), out.stderr
    again = run("sheet", "export", f"assessments/{PINGTAI_ID}", "-o", sheet, cwd=root)
    assert again.returncode == 2 and "--force" in again.stderr
    assert run("sheet", "export", f"assessments/{PINGTAI_ID}", "-o", sheet, "--force", cwd=root).returncode == 0

    rows = sheet_rows(sheet)
    edited = tmp_path / "edited.xlsx"
    extra = sorted({e for s in a.scores.values() for e in s.evidence} - set(a.scores[up].evidence))[0]
    edit_sheet(sheet, edited, {
        (rows[up], "E"): "全部满足", (rows[up], "F"): f"{', '.join(a.scores[up].evidence)}；{extra}",
        (rows[up], "G"): "现场补充了记录\n已核实原件",  # a line break typed in the cell (Alt+Enter)
        (rows[down], "E"): "大部分满足", (rows[down], "G"): "复核: 记录不完整 #2",
    })
    out = run("sheet", "import", edited, f"assessments/{PINGTAI_ID}", cwd=root)
    assert out.returncode == 0, out.stderr
    assert "已更新 2 条要求" in out.stdout

    diff = git(root, "diff", "--no-color", "--", PINGTAI_S).splitlines()
    minus = [x for x in diff if x.startswith("-") and not x.startswith("---")]
    plus = [x for x in diff if x.startswith("+") and not x.startswith("+++")]
    assert len(minus) == 2 and len(plus) == 2, "\n".join(diff)
    assert {ENTRY_LINE.match(x[1:])["rid"] for x in minus + plus} == {up, down}
    after = read(root, PINGTAI_S)
    assert "# 组长：服务目录部分已与机构核对\nSD-SC:" in after
    assert "internal_note: 仅评估组可见" in after
    _, a2, _ = result(root, PINGTAI_ID)
    assert a2.scores[up].value == 1 and a2.scores[up].evidence == tuple(a.scores[up].evidence) + (extra,)
    assert a2.scores[up].note == "现场补充了记录\n已核实原件"
    assert a2.scores[down].value == Fraction(4, 5) and a2.scores[down].note == "复核: 记录不完整 #2"
    assert a2.scores[down].evidence == a.scores[down].evidence
    assert {rid: s.value for rid, s in a2.scores.items() if rid not in (up, down)} == \
        {rid: s.value for rid, s in a.scores.items() if rid not in (up, down)}
    assert run("fmt", "--check", PINGTAI_S, cwd=root).returncode == 0  # an imported line is in the canonical layout
    # importing the same sheet again changes nothing
    again = run("sheet", "import", edited, f"assessments/{PINGTAI_ID}", cwd=root)
    assert again.returncode == 0 and "没有修改" in again.stdout


def test_sheet_import_rejects_bad_sheets_and_writes_nothing(tmp_path):
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook
    root = init_repo(tmp_path / "repo")
    sheet = tmp_path / "评分表.xlsx"
    assert run("sheet", "export", f"assessments/{PINGTAI_ID}", "-o", sheet, cwd=root).returncode == 0
    rows = sheet_rows(sheet)
    ids = list(rows)
    before = (root / PINGTAI_S).read_bytes()
    cases = {
        "invalid-label": ({(rows[ids[0]], "E"): "完全满足", (rows[ids[3]], "E"): 0.7}, [rows[ids[0]], rows[ids[3]]]),
        "unknown-requirement": ({(rows[ids[2]], "C"): "SS-DM-9-99"}, [rows[ids[2]]]),
        "duplicate": ({(len(ids) + 2, c): v for c, v in zip("ABCDE", ("SS-DM", "需求管理", ids[1], "", "全部满足"))},
                      [len(ids) + 2, rows[ids[1]]]),
        "missing-header": ({(1, "E"): None}, [1]),
    }
    for name, (edits, numbers) in cases.items():
        bad = tmp_path / f"{name}.xlsx"
        edit_sheet(sheet, bad, edits)
        out = run("sheet", "import", bad, f"assessments/{PINGTAI_ID}", cwd=root)
        assert out.returncode == 1, (name, out.stdout, out.stderr)
        for n in numbers:
            assert f"第 {n} 行" in out.stderr, (name, out.stderr)
        assert "未做任何修改" in out.stderr and out.stdout == ""
        assert (root / PINGTAI_S).read_bytes() == before, name
        assert str(bad) + ": " + str(bad) not in out.stderr  # the file is named once per problem
    assert git(root, "status", "--porcelain") == ""
    assert load_workbook(sheet)["评分表"]["E1"].value == "得分"  # the exported original is untouched


# --- maturity fmt ----------------------------------------------------------------------------------------
def test_fmt_check_passes_on_the_demo_data():
    out = run("fmt", "--check", ".", cwd=PROJECT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "均已是统一格式" in out.stdout


MESSY_FROM = """\
    SS-DM-1-01: {score: 1, evidence: [E005, E013], note: 证据充分，制度与记录一致。}
    SS-DM-1-02: {score: 1, evidence: [E015], note: 证据充分，制度与记录一致。}
"""
MESSY_TO = """\
    # 组长：需求登记已逐条复核
    SS-DM-1-02: {note: 证据充分，制度与记录一致。, evidence: [E015], score: 1}  # 现场核实
    SS-DM-1-01:  # 第二轮文件审查
      note: 证据充分，制度与记录一致。
      # 评分依据见会议纪要
      evidence:
        - E005
        - E013  # 原件已核对
      score: 1
"""


def test_fmt_rewrites_a_messy_scores_file_keeping_comments_and_data(tmp_path):
    root = init_repo(tmp_path / "repo")
    original = read(root, XINXI_S)
    assert original.count(MESSY_FROM) == 1, "the demo's 2026-shili-xinxi/scores.yml changed; update MESSY_FROM"
    write(root, XINXI_S, original.replace(MESSY_FROM, MESSY_TO))
    data_before = yaml.safe_load(read(root, XINXI_S))
    _, a_before, _ = result(root, XINXI_ID)

    check = run("fmt", "--check", ".", cwd=root)
    assert check.returncode == 1
    assert check.stdout.strip().splitlines() == [f"需要格式化：{XINXI_S}"], check.stdout
    assert "1 个文件不是统一格式" in check.stderr
    assert read(root, XINXI_S) == original.replace(MESSY_FROM, MESSY_TO)  # --check writes nothing

    out = run("fmt", ".", cwd=root)
    assert out.returncode == 0 and f"已格式化：{XINXI_S}" in out.stdout, out.stdout + out.stderr
    after = read(root, XINXI_S)
    for comment in ("# 组长：需求登记已逐条复核", "# 现场核实", "# 第二轮文件审查", "# 评分依据见会议纪要", "# 原件已核对"):
        assert after.count(comment) == 1, f"{comment} lost:\n{after}"
    # one requirement per line, in the model's order
    entries = [m for m in map(ENTRY_LINE.match, after.splitlines()) if m]
    assert all(m["rest"].lstrip().startswith("{score: ") for m in entries), after
    model = load_repository(root).model
    order = [r.id for r in model.requirements_at(1)]
    assert [m["rid"] for m in entries] == order
    assert "    SS-DM-1-01: {score: 1, evidence: [E005, E013], note: 证据充分，制度与记录一致。}  # 第二轮文件审查" in after
    assert "    # 组长：需求登记已逐条复核\n    SS-DM-1-02: {score: 1, evidence: [E015], note: 证据充分，制度与记录一致。}  # 现场核实" in after

    assert run("fmt", "--check", ".", cwd=root).returncode == 0
    assert yaml.safe_load(after) == data_before
    _, a_after, _ = result(root, XINXI_ID)
    assert a_after.scores == a_before.scores and a_after.findings == a_before.findings
    assert run("fmt", ".", cwd=root).stdout.strip().endswith("均已是统一格式。")  # idempotent
    # the untouched files are byte-identical to the committed ones
    assert git(root, "status", "--porcelain").strip() == f"M {XINXI_S}"


def test_fmt_leaves_a_file_with_a_yaml_error_alone(tmp_path):
    root = init_repo(tmp_path / "repo")
    broken = read(root, XINXI_S).replace("SS-DM-1-01: {score: 1, evidence: [E005, E013]", "SS-DM-1-01: {score: 1, evidence: [E005, E013", 1)
    write(root, XINXI_S, broken)
    before = (root / XINXI_S).read_bytes()
    for args in (("fmt", "."), ("fmt", "--check", "."), ("fmt", XINXI_S)):
        out = run(*args, cwd=root)
        assert out.returncode == 1, (args, out.stdout, out.stderr)
        assert re.search(rf"{re.escape(XINXI_S)}:\d+:\d+: 错误 MAT010 ", out.stderr), out.stderr
        assert (root / XINXI_S).read_bytes() == before
    assert git(root, "status", "--porcelain").strip() == f"M {XINXI_S}"


# --- CI workflow and pre-commit hooks ---------------------------------------------------------------------------
# A shell line up to its first redirection, pipe or `&&`; and the CI systems' variables.
SHELL_TAIL = re.compile(r"\s+(?:>>?|\||&&|;)(?:\s|$).*$")
CI_VARIABLE = re.compile(r"\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")


def _commands_in(script: str) -> list[list[str]]:
    """The ``maturity …`` command lines of a shell script, each variable standing for a branch name."""
    found = []
    for line in script.splitlines():
        line = SHELL_TAIL.sub("", line.strip())
        if line.startswith("maturity "):
            found.append(shlex.split(CI_VARIABLE.sub("main", line))[1:])
    return found


def maturity_commands() -> list[tuple[str, list[str]]]:
    """Every ``maturity …`` command line in the CI files (GitHub/Gitea/Forgejo and GitLab) and the pre-commit hooks."""
    found = []
    for path in sorted((PROJECT / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                found += [(path.name, args) for args in _commands_in(step.get("run") or "")]
    gitlab = yaml.safe_load((PROJECT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    for name, job in gitlab.items():
        if isinstance(job, dict) and name not in ("workflow", "variables"):
            for key in ("before_script", "script", "after_script"):
                for entry in job.get(key) or []:
                    found += [(f".gitlab-ci.yml {name}", args) for args in _commands_in(entry)]
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert hook["pass_filenames"] is False and hook["language"] == "python"
        found.append((hook["id"], shlex.split(hook["entry"])[1:]))
    return found


def test_ci_and_hook_commands_are_valid_and_pass_on_a_clean_repository(tmp_path):
    commands = maturity_commands()
    assert {tuple(args[:1]) for _, args in commands} >= {("check",), ("validate",), ("fmt",), ("diff",)}
    parser = build_parser()
    for where, args in commands:
        parser.parse_args(args)  # exits (SystemExit) on an option the command does not have
    root = init_repo(tmp_path / "repo")
    git(root, "branch", "base")
    for where, args in commands:
        if args[0] == "diff":
            args = ["diff", "base", "HEAD", *args[3:]]
        out = run(*args, cwd=root)
        assert out.returncode == 0, (where, args, out.stdout, out.stderr)
