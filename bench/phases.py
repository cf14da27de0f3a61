"""Where a `maturity check` spends its time: its phases, as ``maturity.gate.check`` runs them, timed in one process.

    cd bench/out/n10000/project && PYTHONPATH=<plugins> <repo>/.venv/bin/python <repo>/bench/phases.py

Run it twice to see a warm check (the first run fills the build cache). Prints one line: reading and checking the
data (``load``), reading the git history (``history``), making every page and file (``build_site``, with how many
came from the build cache), estimating and making the scratch site's files (``footprint``, ``write``) and removing it
(``remove``). ``write`` and ``remove`` are always timed here; a check whose names were made before without fault skips
them (docs/performance.md#made-names) and only opens the evidence it copies.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from maturity.exchange.history import WorkingTree
from maturity.gate import git_history, hand_written
from maturity.publish import build_site, scratch
from maturity.publish.writer import footprint, write_skeleton
from maturity.repository import load_repository
from maturity.settings import load_settings


def main() -> int:
    settings = load_settings(".")
    marks = [time.perf_counter()]
    hand_written(settings)
    repo = load_repository(settings, parallel=True)
    marks.append(time.perf_counter())
    # With the history as the gate reads it (gate.prepare): the pages' keys hold it, so a site built without it would
    # render again the pages a check keeps, and the other way round.
    found, commit = git_history(settings, repo.registry or repo.model,
                                lambda algorithm: WorkingTree(repo.assessments, repo.results, algorithm), settings.jobs)
    marks.append(time.perf_counter())
    site = build_site(repo, history=found, commit=commit, jobs=settings.jobs, contents=False)  # as a check: names only
    marks.append(time.perf_counter())
    room = scratch.folder(*footprint(site))
    marks.append(time.perf_counter())
    with tempfile.TemporaryDirectory(prefix="maturity-phases-", dir=room) as tmp:
        write_skeleton(site, Path(tmp))
        marks.append(time.perf_counter())
    marks.append(time.perf_counter())
    names = ("load", "history", "build_site", "footprint", "write", "remove")
    spent = ", ".join(f"{name} {b - a:.1f} s" for name, a, b in zip(names, marks, marks[1:]))
    print(f"{spent}; total {marks[-1] - marks[0]:.1f} s; {len(site.pages)} pages, {site.restored} pages and files from the build cache")
    return 0


if __name__ == "__main__":  # worker processes import this module again: the work runs only in the first
    sys.exit(main())
