"""A pull request's check as a CI job runs it, in git: a fresh clone, the cache of the main branch's job restored.

The data of one project is committed once (``origin``: :func:`history_repo.make` with one commit, made once and
kept). The main branch's job clones it and runs ``maturity check`` cold; its ``.cache`` is kept, as a CI cache
keeps it. Each pull request then changes one score
(a commit on top of the main branch's), and its job clones that commit into a new folder, restores the main job's
cache there, waits the few seconds a job spends installing (the cache's settling time), and runs the command. Every
file of the clone is new (inode, times, folder); what is unchanged is recalled by content, from git's object ids
(docs/performance.md#content-recall, #relocatable).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

from history_repo import git, toggle_score

SETTLE_S = 3.5  # the cache recalls only files changed at least this long before a run began (CheckedFiles.SETTLED_NS)


def first_scores(origin: Path) -> str:
    """The scores file a pull request changes (relative to the repository)."""
    return sorted(p.relative_to(origin).as_posix() for p in (origin / "assessments").glob("*/scores.yml"))[0]


def pull_request(origin: Path, number: int) -> str:
    """A branch ``pr-<number>`` off ``main`` that changes one score; its name."""
    branch = f"pr-{number}"
    path = first_scores(origin)
    git(origin, "checkout", "-q", "-B", branch, "main")
    file = origin / path
    file.write_text(toggle_score(file.read_text(encoding="utf-8")), encoding="utf-8")
    git(origin, "commit", "-q", "-am", f"第 {number} 个拉取请求：修改一个得分")
    git(origin, "checkout", "-q", "main")
    return branch


def clone(origin: Path, job: Path, branch: str = "main", cache: Path | None = None) -> None:
    """A CI job's checkout of ``branch`` in ``job`` (the whole history, as the workflows fetch it), with the files of
    ``cache`` (a kept ``.cache`` folder) restored into it; then the settling time."""
    shutil.rmtree(job, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--no-local", "-b", branch, str(origin), str(job)], check=True)
    if cache is not None:
        restore(cache, job / ".cache")
    time.sleep(SETTLE_S)


def keep(cache: Path, kept: Path) -> None:
    """The ``.cache`` of a job, saved as a CI cache saves it (an archive: every file written anew when restored)."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(kept, "w") as tar:
        tar.add(cache, arcname=".")


def restore(kept: Path, cache: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    with tarfile.open(kept) as tar:
        tar.extractall(cache, filter="data")
