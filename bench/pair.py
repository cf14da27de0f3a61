"""Two versions of the tool side by side on one project: paired runs, alternating, medians and ratios.

    git worktree add /tmp/old <revision>
    .venv/bin/python bench/pair.py bench/out/n1000/project --old /tmp/old/plugins --rounds 3
    .venv/bin/python bench/pair.py bench/out/n10000/project --old /tmp/old/plugins --rounds 2 --only check-cold check

Each round runs every measurement for one version, then for the other (old first in the first, third … rounds, new
first in the others), each command a process of its own with ``PYTHONPATH`` set to that version's ``plugins`` folder:

- ``cold``: ``mkdocs build -q`` after deleting ``.cache`` and ``site``;
- ``warm``: one score of the first assessment changed (1 and 0.8 in turn), ``site`` deleted, ``mkdocs build -q``;
- ``dirty``: ``mkdocs build --dirty -q`` once (not timed), one score changed, ``mkdocs build --dirty -q`` (timed);
- ``check-cold``: ``maturity check`` after deleting ``.cache``;
- ``validate-cold``: ``maturity validate`` after deleting ``.cache``;
- ``check``: one score changed, ``maturity check``;
- ``validate``: one score changed, ``maturity validate``.

The two versions' caches live side by side (each file is named by its version's fingerprint). Prints each run as it
ends and, at the end, three Markdown tables, each with the median of each version and new/old: the wall time, the peak
memory of all of a command's processes together (summed PSS, sampled every 0.5 s: bench/treemem.py; Linux only) and
that of its largest single process (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import Edit  # noqa: E402
from treemem import TreeMemory  # noqa: E402

BIN = Path(sys.executable).parent
MEASURES = ("cold", "warm", "dirty", "check-cold", "check", "validate-cold", "validate")


@dataclass(frozen=True)
class Run:
    s: float  # wall time
    tree_mib: float | None  # the peak of the summed PSS of the command's processes (bench/treemem.py; None: not Linux)
    largest_mib: float  # the peak of its largest single process (ru_maxrss)


class Pair:
    def __init__(self, project: Path, versions: dict[str, str]) -> None:
        self.project = project
        self.versions = versions  # name -> plugins folder
        # Git must not take the data for part of a repository around it (bench/out has no .git of its own).
        self.env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GIT_CEILING_DIRECTORIES": str(project.parent)}
        self.edit = Edit(project)  # one score of the first assessment, changed and changed back in turn

    def run(self, version: str, *cmd: str) -> Run:
        env = {**self.env, "PYTHONPATH": self.versions[version]}
        start = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([str(BIN / cmd[0]), *cmd[1:]], cwd=self.project, env=env,
                                    stdout=subprocess.DEVNULL, stderr=err)
            tree = TreeMemory(proc.pid)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            tree_mib = tree.stop()
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode:
                err.seek(0)
                raise SystemExit(f"{version}: {' '.join(cmd)} exited {proc.returncode}\n{err.read().decode('utf-8', 'replace')[-2000:]}")
        return Run(round(seconds, 2), tree_mib, round(usage.ru_maxrss / 1024, 1))

    def measure(self, version: str, what: str) -> Run:
        if what == "cold":
            shutil.rmtree(self.project / ".cache", ignore_errors=True)
            shutil.rmtree(self.project / "site", ignore_errors=True)
            return self.run(version, "mkdocs", "build", "-q")
        if what == "warm":
            self.edit.toggle()
            shutil.rmtree(self.project / "site", ignore_errors=True)
            return self.run(version, "mkdocs", "build", "-q")
        if what == "dirty":
            self.run(version, "mkdocs", "build", "--dirty", "-q")
            self.edit.toggle()
            return self.run(version, "mkdocs", "build", "--dirty", "-q")
        if what in ("check-cold", "validate-cold"):
            shutil.rmtree(self.project / ".cache", ignore_errors=True)
            return self.run(version, "maturity", what.removesuffix("-cold"))
        self.edit.toggle()
        return self.run(version, "maturity", "validate" if what == "validate" else "check")


def table(results: dict[str, dict[str, list[Run]]], measures: list[str], field: str = "s") -> str:
    """One Markdown table of ``field`` (:class:`Run`): each version's runs, medians and new/old."""
    unit = {"s": "s", "tree_mib": "MiB, all processes", "largest_mib": "MiB, largest process"}[field]
    lines = [f"| measure ({unit}) | old (runs) | new (runs) | old median | new median | new/old |", "|---|---|---|---|---|---|"]
    for what in measures:
        old, new = ([getattr(r, field) for r in results[v][what]] for v in ("old", "new"))
        if None in old or None in new:
            continue
        mo, mn = statistics.median(old), statistics.median(new)
        lines.append(f"| {what} | {', '.join(map(str, old))} | {', '.join(map(str, new))} | {mo:.2f} | {mn:.2f} | {mn / mo:.2f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path, help="a project made by bench/run.py (bench/out/n<N>/project)")
    parser.add_argument("--old", required=True, help="the old version's plugins folder (e.g. a git worktree's)")
    parser.add_argument("--new", default=str(HERE.parent / "plugins"), help="the new version's plugins folder (default: this one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=MEASURES, default=["cold", "warm", "dirty", "check"])
    args = parser.parse_args()
    pair = Pair(args.project.resolve(), {"old": args.old, "new": args.new})
    results = {v: {m: [] for m in args.only} for v in ("old", "new")}
    try:
        for r in range(args.rounds):
            for version in ("old", "new") if r % 2 == 0 else ("new", "old"):
                for what in args.only:
                    results[version][what].append(pair.measure(version, what))
                print(version, {m: results[version][m][-1] for m in args.only}, file=sys.stderr, flush=True)
    finally:
        pair.edit.restore()
    print("\n\n".join(table(results, args.only, field) for field in ("s", "tree_mib", "largest_mib")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
