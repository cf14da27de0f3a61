"""The benchmark harness runs, once, at a small N: it proves the harness works, it times nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_harness_builds_the_three_sites_and_prints_the_table(tmp_path):
    proc = subprocess.run([sys.executable, str(PROJECT / "bench" / "run.py"), "--sizes", "6", "--validate", "6",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = next(line for line in proc.stdout.splitlines() if line.startswith("| 6 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == 12 and all(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells), row
    assert "maturity validate, 6 assessments" in proc.stdout
    # the three sites were really built: the project's has a report page per assessment
    reports = list((tmp_path / "n6" / "project" / "site" / "assessments").glob("*/index.html"))
    assert len(reports) == 6
    assert (tmp_path / "n6" / "floor" / "site" / "index.html").is_file()
    assert len(list((tmp_path / "n6" / "naive" / "site" / "assessments").glob("*/index.html"))) == 6
