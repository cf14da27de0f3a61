"""The benchmark harness: one command, a table of figures and ratios.

    .venv/bin/python bench/run.py --sizes 100 1000 --validate 10000 --serve 1000

For each N it builds, side by side, (a) this project's site for N synthetic assessments,
(b) the floor — a plain MkDocs site with N one-line pages and the same theme — and (c) the
naive approach — the same report content as generated Markdown pages. It reports wall time,
peak memory and output size of each build, the ratios (a)/(b) and (c)/(a), and how (a) grows
with N. Optionally: ``maturity validate`` over many assessments, and the time ``mkdocs serve``
takes to rebuild after one score changes. Each build runs as its own process, one at a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SEED = 1
BUILD_DATE = "2026-11-21"

PROJECT_MKDOCS = f"""site_name: 评估结果公示（基准测试）
site_url: https://maturity.example.org/
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      lang: zh
      separator: '[\\s\\u200b\\-]'
  - maturity:
      build_date: "{BUILD_DATE}"
nav:
  - 首页: index.md
  - 评估结果: assessments/index.md
  - 证书公示: certificates/index.md
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output_mb: float
    ok: bool


def measure(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, bool, str]:
    """Wall time (s), peak RSS of the process (MB), success and stderr of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status) == 0, stderr.decode("utf-8", "replace")


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def build(site_root: Path) -> Run:
    shutil.rmtree(site_root / "site", ignore_errors=True)
    seconds, peak, ok, err = measure([str(BIN / "mkdocs"), "build", "-q"], site_root)
    if not ok:
        print(err[-2000:], file=sys.stderr)
    return Run(seconds, peak, folder_mb(site_root / "site") if ok else 0.0, ok)


def prepare(n: int, out: Path) -> tuple[Path, Path, Path]:
    """Data and the three site sources for N, generated once and reused by later runs."""
    base = out / f"n{n}"
    project, floor, naive = base / "project", base / "floor", base / "naive"
    if not (project / "assessments").is_dir():
        print(f"  generating {n} assessments …", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(project), "--count", str(n), "--seed", str(SEED)], check=True)
        (project / "docs").mkdir(exist_ok=True)
        (project / "docs" / "index.md").write_text("# 评估结果公示\n\n<!-- maturity:overview -->\n", encoding="utf-8")
        (project / "mkdocs.yml").write_text(PROJECT_MKDOCS, encoding="utf-8")
    if not floor.is_dir():
        subprocess.run([sys.executable, str(HERE / "floor.py"), str(n), str(floor)], check=True)
    if not naive.is_dir():
        subprocess.run([sys.executable, str(HERE / "naive.py"), str(project), str(naive)], check=True)
    return project, floor, naive


def serve_rebuild(project: Path) -> float | None:
    """Seconds from changing one score to `mkdocs serve` having rebuilt the site."""
    port = 8700 + os.getpid() % 200
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    scores = sorted((project / "assessments").glob("*/scores.yml"))[0]
    original = scores.read_text(encoding="utf-8")
    try:
        for line in proc.stderr:
            if "Serving on" in line:
                break
        else:
            return None
        changed = re.sub(r"\{score: 1,", "{score: 0.8,", original, count=1)
        start = time.perf_counter()
        scores.write_text(changed, encoding="utf-8")
        for line in proc.stderr:
            if "Reloading browsers" in line:  # the rebuild has finished (as a visitor's browser sees it)
                return time.perf_counter() - start
        return None
    finally:
        scores.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=30)


def validate(n: int, out: Path) -> tuple[float, float, bool]:
    project = out / f"n{n}" / "project"
    if not (project / "assessments").is_dir():
        print(f"  generating {n} assessments …", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(project), "--count", str(n), "--seed", str(SEED)], check=True)
    seconds, peak, ok, _ = measure([str(BIN / "maturity"), "validate", "."], project)
    return seconds, peak, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--validate", type=int, default=0, help="also time `maturity validate` over this many assessments")
    parser.add_argument("--serve", type=int, default=0, help="also time a `mkdocs serve` rebuild at this N")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        project, floor, naive = prepare(n, args.out)
        a, b, c = build(project), build(floor), build(naive)
        rows.append((n, a, b, c))
        print(f"  N={n}: project {a.seconds:.1f}s, floor {b.seconds:.1f}s, naive {c.seconds:.1f}s", file=sys.stderr)
    print()
    print("| N | (a) project s | (b) floor s | (c) naive s | (a)/(b) | (c)/(a) | (a) peak MB | (b) peak MB | (c) peak MB | (a) output MB | (b) output MB | (c) output MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, a, b, c in rows:
        ok = "" if (a.ok and b.ok and c.ok) else " (a build failed)"
        print(f"| {n} | {a.seconds:.1f} | {b.seconds:.1f} | {c.seconds:.1f} | {a.seconds / b.seconds:.2f} | {c.seconds / a.seconds:.2f} | "
              f"{a.peak_mb:.0f} | {b.peak_mb:.0f} | {c.peak_mb:.0f} | {a.output_mb:.1f} | {b.output_mb:.1f} | {c.output_mb:.1f} |{ok}")
    if len(rows) > 1:
        print()
        first = rows[0]
        for n, a, _, _ in rows[1:]:
            print(f"growth {first[0]} → {n} (×{n / first[0]:g}): time ×{a.seconds / first[1].seconds:.2f}, output ×{a.output_mb / first[1].output_mb:.2f}")
    if args.validate:
        seconds, peak, ok = validate(args.validate, args.out)
        print(f"\nmaturity validate, {args.validate} assessments: {seconds:.1f} s, peak {peak:.0f} MB{'' if ok else ' (exit ≠ 0)'}")
    if args.serve:
        project, _, _ = prepare(args.serve, args.out)
        seconds = serve_rebuild(project)
        print(f"\nmkdocs serve, N={args.serve}: rebuild after one score change: " + (f"{seconds:.1f} s" if seconds else "not measured"))
    return 0 if all(a.ok and b.ok and c.ok for _, a, b, c in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
