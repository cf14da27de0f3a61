"""The peak memory of a command and every process it starts: the summed PSS of its process tree.

    python3 bench/treemem.py COMMAND [ARG …]     # prints: seconds, exit status, the peak in MiB

``ru_maxrss`` (what ``/usr/bin/time -f %M`` reports) is the largest single process; a build whose worker processes
or Pagefind run beside it uses the sum. PSS (proportional set size) splits each shared page among the processes that
share it, so the sum counts a page once. Linux only (``/proc/<pid>/smaps_rollup``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path


class TreeMemory:
    """The peak of the summed PSS (proportional set size: shared pages split among their sharers) of a process and
    every process under it, sampled while it runs (Linux; elsewhere None). ``ru_maxrss`` gives the largest single
    process only, so a build's worker processes would not count."""

    EVERY = 0.5

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        if Path(f"/proc/{pid}/smaps_rollup").exists():
            self.peak_kb = 0
            self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(self.EVERY):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))

    def stop(self) -> float | None:
        """The peak in MiB (None where it cannot be measured)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return None if self.peak_kb is None else round(self.peak_kb / 1024, 1)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:  # gone meanwhile
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python3 bench/treemem.py COMMAND [ARG …]", file=sys.stderr)
        return 2
    start = time.perf_counter()
    proc = subprocess.Popen(argv)
    tree = TreeMemory(proc.pid)
    code = proc.wait()
    peak = tree.stop()
    print(f"{time.perf_counter() - start:.1f} s, exit {code}, peak of all processes {peak} MiB", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
