"""The benchmark harness runs, once, at a tiny N: it proves the harness works and writes every section; it times nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "bench"))

import payload  # noqa: E402
import report  # noqa: E402

SECTIONS = ["### 机器与命令", "### 冷构建：本项目 (a) 与下限 (b)", "### 冷与热：修改一个得分之后", "### git 历史的开销",
            "### 访客第一次搜索下载的数据", "### 列表页", "### `mkdocs serve`", "### 所用部件本身的开销", "### 目标"]


def test_harness_measures_every_target_and_writes_the_report(tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text(f"# 性能\n\n## 方法\n\n保留。\n\n{report.BEGIN}\n旧的结果\n{report.END}\n\n## 之后\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, str(PROJECT / "bench" / "run.py"), "--sizes", "3", "--repeat", "1", "--warm", "3",
                           "--check", "3", "--ci", "3", "--history", "3", "--commits", "3", "--parts", "3", "--out", str(out),
                           "--write-docs", "--docs", str(docs)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout
    for section in SECTIONS:
        assert section in text, section
    assert "| 3 |" in text  # the row of the per-N table
    targets = text.split("### 目标")[1]
    assert targets.count("\n| ") == 1 + 13, targets  # the header and one row per target
    assert "| `mkdocs build --dirty` | 3 |" in text  # the dirty build after one edit
    assert "| `maturity check` | 3 | 1 |" in text.split("重新检出/冷")[1]  # in a fresh checkout, as a CI job
    assert "| `maturity check` | 3 | 1 |" in text.split("另一个目录/冷")[1]  # in a fresh checkout in another folder
    assert (out / "n3" / "project").is_dir() and not (out / "n3" / "project-elsewhere").exists()  # moved back
    ci = text.split("### 拉取请求的 CI 作业（git）")[1].split("###")[0]  # a pull request's jobs: fresh clones, cache restored
    assert "| `maturity check` | 3 | 1 |" in ci and "| `maturity validate` | 3 | 1 |" in ci, ci
    parts = text.split("### 所用部件本身的开销")[1].split("###")[0]
    assert re.search(r"\n\| 3 \| \d+ \| ", parts), parts  # the parts alone, at the site's number of pages
    assert "| ≥ " in text.split("### 目标")[1]  # the least the parts allow, beside a target
    assert "本次未测量（`--payload`）" in text and "本次未测量（`--serve`）" in text
    # the figures as JSON, and the report in the docs page, between the markers and nowhere else
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["sizes"][0]["n"] == 3 and results["history"]["commits"] == 3 and len(results["targets"]) == 13
    assert all(r["ok"] for k in ("main_check", "check", "validate") for r in results["ci"][k]["runs"])
    # the main branch's cache really served the pull request's clone: all but the changed assessment recalled
    assert [r["recalled"] for k in ("check", "validate") for r in results["ci"][k]["runs"]] == [2, 2], results["ci"]
    origin = out / "ci-n3" / "origin"  # the pull request is a commit of its own; the main branch is left as it was
    assert subprocess.run(["git", "-C", str(origin), "status", "--porcelain"], capture_output=True, text=True).stdout == ""
    assert subprocess.run(["git", "-C", str(origin), "diff", "--stat", "main", "pr-1"], capture_output=True,
                          text=True).stdout.count("scores.yml") == 1
    assert results["parts"][0]["ok"] and results["parts"][0]["yaml"]["files"] >= 6 and results["parts"][0]["pagefind"]["pages"] >= 3
    page = docs.read_text(encoding="utf-8")
    assert "旧的结果" not in page and "## 方法\n\n保留。" in page and page.endswith(f"{report.END}\n\n## 之后\n")
    assert page.count("### 目标") == 1
    # the sites were really built: the project's has a report page per assessment; the edits were undone
    assert len(list((out / "n3" / "project" / "site" / "assessments").glob("*/index.html"))) == 3
    assert (out / "n3" / "floor" / "site" / "index.html").is_file()
    assert subprocess.run(["git", "-C", str(out / "history-n3-c3" / "repo"), "status", "--porcelain", "assessments"],
                          capture_output=True, text=True).stdout == ""


def test_the_payload_degrades_to_not_measured(tmp_path, monkeypatch):
    assert payload.measure(tmp_path, "pagefind") == {"engine": "pagefind", "query": payload.QUERY, "measured": False,
                                                     "why": "the site has no pagefind/"} or not payload.CHROMIUM.exists()
    monkeypatch.setattr(payload, "CHROMIUM", tmp_path / "no-chromium")
    assert payload.measure(tmp_path)["why"] == "no chromium"


def test_a_score_edit_is_valid_and_undone_by_the_next():
    from history_repo import toggle_score

    text = "    A-1: {score: 0, evidence: []}\n    A-2: {score: 1, evidence: [E001]}\n"
    once = toggle_score(text)
    assert once == text.replace("{score: 1,", "{score: 0.8,") and toggle_score(once) == text


def _tiny_project(tmp_path: Path) -> Path:
    """Three synthetic assessments with the benchmark's mkdocs.yml (Material's search)."""
    import run

    project = tmp_path / "project"
    subprocess.run([sys.executable, str(PROJECT / "bench" / "synth.py"), str(project), "--count", "3", "--seed", "1"], check=True)
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# 评估结果公示\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(run.project_mkdocs("material"), encoding="utf-8")
    return project


def test_the_phases_of_a_check_are_timed_and_the_second_run_takes_pages_from_the_cache(tmp_path):
    project = _tiny_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "plugins"), "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    runs = [subprocess.run([sys.executable, str(PROJECT / "bench" / "phases.py")], cwd=project, env=env, capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr[-2000:]
    for phase in ("load", "build_site", "footprint", "write", "remove", "total"):
        assert re.search(rf"\b{phase} \d+\.\d s", runs[0].stdout), runs[0].stdout
    assert " 0 pages and files from the build cache" in runs[0].stdout
    assert int(re.search(r"(\d+) pages and files from the build cache", runs[1].stdout).group(1)) >= 3, runs[1].stdout


def test_the_pair_runs_both_versions_in_turn_and_undoes_its_edit(tmp_path):
    """bench/pair.py at a tiny N, the same version on both sides: a table of medians; the data as it was."""
    project = _tiny_project(tmp_path)
    before = {p: p.read_bytes() for p in project.glob("assessments/*/*.yml")}
    plugins = str(PROJECT / "plugins")
    proc = subprocess.run([sys.executable, str(PROJECT / "bench" / "pair.py"), str(project), "--old", plugins, "--new", plugins,
                           "--rounds", "2", "--only", "check-cold", "check", "dirty"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    tables = proc.stdout.strip().split("\n\n")
    heads = [t.splitlines()[0] for t in tables]
    assert [h.split(" | ")[0] for h in heads] == ["| measure (s)", "| measure (MiB, all processes)", "| measure (MiB, largest process)"]
    for t in tables:  # time, then the memory of all of each command's processes, then of its largest one
        rows = [line for line in t.splitlines() if line.startswith("| ") and not line.startswith("| measure")]
        assert [r.split(" | ")[0] for r in rows] == ["| check-cold", "| check", "| dirty"], t
        assert all(len(r.split(" | ")[1].split(", ")) == 2 for r in rows), "two runs of each version"
        assert all(float(x) > 0 for r in rows for x in r.split(" | ")[1].split(", ")), t
    assert proc.stderr.splitlines()[0].startswith("old") and proc.stderr.splitlines()[1].startswith("new")
    assert proc.stderr.splitlines()[2].startswith("new"), "the second round starts with the other version"
    assert {p: p.read_bytes() for p in project.glob("assessments/*/*.yml")} == before


def test_a_spawned_program_s_peak_memory_is_its_own_not_its_parent_s():
    """bench/parts.py reads Pagefind's peak from its VmHWM: wait4's ru_maxrss would count the parent's memory."""
    import parts

    held = bytearray(96 * 2**20)  # this process holds 96 MiB, touched
    held[:: 4096] = b"x" * len(held[:: 4096])
    sleep = shutil.which("sleep")
    pid = os.posix_spawn(sleep, [sleep, "0.3"], dict(os.environ))
    peak_kb, status = parts._high_water(pid)
    assert os.waitstatus_to_exitcode(status) == 0 and 0 < peak_kb < 32 * 1024, peak_kb
    pid = os.posix_spawn(sleep, [sleep, "0.1"], dict(os.environ))
    assert os.wait4(pid, 0)[2].ru_maxrss >= 96 * 1024  # what wait4 says of the same program: the parent's memory
    del held
