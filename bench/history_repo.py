"""A git repository of synthetic data with a long history, for measuring what the git history costs a build.

The data of one project is committed once; then each further commit changes one score of one assessment
(assessments in turn), written with ``git fast-import`` (a few seconds for a thousand commits).
Usage: python bench/history_repo.py PROJECT_DIR REPO_DIR --commits C
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SCORE = re.compile(r"(\{score: )(1|0\.8)(,)")
AUTHOR = "基准测试 <bench@example.org>"
EPOCH = 1767225600  # 2026-01-01, so that the history is the same from run to run


def toggle_score(text: str) -> str:
    """The first score of 1 or 0.8 changed to the other: still valid, and applied twice gives the text back."""
    m = SCORE.search(text)
    if m is None:
        raise ValueError("no score of 1 or 0.8 to change")
    return text[: m.start(2)] + ("0.8" if m.group(2) == "1" else "1") + text[m.end(2):]


def git(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "基准测试", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "基准测试", "GIT_COMMITTER_EMAIL": "bench@example.org",
           "GIT_AUTHOR_DATE": f"{EPOCH} +0800", "GIT_COMMITTER_DATE": f"{EPOCH} +0800"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, **kw)


def make(project: Path, repo: Path, commits: int) -> None:
    """``repo``: the data, mkdocs.yml and docs of ``project`` with ``commits`` commits (no site, no cache)."""
    tmp = repo.with_name(repo.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(project, tmp, ignore=shutil.ignore_patterns("site", ".cache"))
    git(tmp, "init", "-q", "-b", "main")
    git(tmp, "add", "-A")
    git(tmp, "commit", "-q", "-m", "数据：全部评估")
    ids = sorted(p.name for p in (tmp / "assessments").iterdir() if (p / "scores.yml").is_file())
    current: dict[str, str] = {}
    stream = []
    for i in range(1, commits):
        aid = ids[(i - 1) % len(ids)]
        path = f"assessments/{aid}/scores.yml"
        text = current.get(aid) or (tmp / path).read_text(encoding="utf-8")
        current[aid] = toggle_score(text)
        data = current[aid].encode("utf-8")
        message = f"{aid}：修改一个得分（第 {i} 次修改）".encode("utf-8")
        when = EPOCH + 60 * i
        stream += [b"commit refs/heads/main\n", f"committer {AUTHOR} {when} +0800\n".encode(),
                   b"data %d\n" % len(message), message, b"\n"]
        if i == 1:
            stream.append(b"from refs/heads/main^0\n")
        stream += [f"M 100644 inline {path}\n".encode(), b"data %d\n" % len(data), data, b"\n"]
    if stream:
        git(tmp, "fast-import", "--quiet", input=b"".join(stream))
        git(tmp, "reset", "-q", "--hard")
    shutil.rmtree(repo, ignore_errors=True)
    tmp.rename(repo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", type=Path)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--commits", type=int, default=1000)
    args = parser.parse_args()
    make(args.project, args.repo, args.commits)
    count = git(args.repo, "rev-list", "--count", "HEAD", capture_output=True, text=True).stdout.strip()
    print(f"{args.repo}: {count} commits", file=sys.stderr)


if __name__ == "__main__":
    main()
