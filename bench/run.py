"""The benchmark: every performance target measured in one run, one report, the results part of the docs.

    .venv/bin/python bench/run.py --sizes 1000 10000 --repeat 3 --warm 1000 --check 10000 \\
        --history 1000 --commits 1000 --parts 1000 10000 --payload 10000 --serve 1000 --search pagefind --write-docs

For each N of ``--sizes``, (a) this project's site for N synthetic assessments and (b) the floor — a plain
MkDocs site with N one-line pages and the same theme — are built in turn, A B A B …, ``--repeat`` times,
each build its own process; the project's builds are cold (``.cache`` deleted first). With ``--naive``,
(c) the naive approach — the same report content as generated Markdown pages — is built too (slow at large N).
Reported: median wall time, ratio of medians, peak memory (``ru_maxrss``: the largest single process), the peak of
all its processes together (the summed PSS of the process tree, sampled every 0.5 s: worker processes count),
output size, and the largest listing page. Then, each optional:

- ``--warm N``: after each cold build at N, one score of one ``scores.yml`` changes (and back, the next time)
  and the project is built again with the cache of the cold build: warm after one edit; then, keeping that
  site, ``mkdocs build --dirty`` once (its generated pages get their sources: not measured), one score changes
  again and ``mkdocs build --dirty`` is measured: a dirty build after one edit (what ``mkdocs serve --dirty`` does);
- ``--check N``: ``maturity validate`` and ``maturity check``, cold, warm after one edit, after another edit in a
  fresh checkout with the cache kept (as a CI job), and after one more in a fresh checkout in another folder (as a CI
  runner with a build folder per concurrent job), alternately;
- ``--ci N``: a pull request's ``maturity check`` and ``validate`` as CI jobs run them, in a git repository of the N
  data (``bench/ci_jobs.py``): a fresh clone of a commit that changes one score, the main branch's cache restored;
- ``--history N --commits C``: a git repository of the N data with C commits (made once, kept in ``--out``);
  builds in it (history on) and in a copy without ``.git`` (no history), cold and warm cache;
- ``--parts N …``: what the parts cost by themselves on the data of N (``bench/parts.py``): MkDocs with Material
  building as many one-line pages as the project's site has, Pagefind over its short versions, libyaml's events over
  the data files; the report states what they bound (no target can be met below them);
- ``--payload N``: the bytes a visitor's first search downloads from the built site (``bench/payload.py``);
- ``--serve N``: seconds from changing one score to ``mkdocs serve`` having rebuilt the site; the same for
  ``mkdocs serve --dirty``.

The report (Markdown) goes to standard output and ``OUT/report.md``, the raw figures to ``OUT/results.json``;
``--write-docs`` puts the report between the markers of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import ci_jobs  # noqa: E402
import history_repo  # noqa: E402
from treemem import TreeMemory  # noqa: E402
import payload  # noqa: E402
import report  # noqa: E402

BIN = Path(sys.executable).parent
SEED = 1
BUILD_DATE = "2026-11-21"


def project_mkdocs(search: str) -> str:
    # search: pagefind is the maturity plugin's option; Material's search plugin is then left out (the header box would
    # load search_index.json on every page; the search page at search/ is the one search).
    material = "  - search:\n      lang: zh\n      separator: '[\\s\\u200b\\-]'\n" if search == "material" else ""
    option = "      search: pagefind\n" if search == "pagefind" else ""
    return f"""site_name: 评估结果公示（基准测试）
site_url: https://maturity.example.org/
theme:
  name: material
  language: zh
  font: false
plugins:
{material}  - maturity:
      build_date: "{BUILD_DATE}"
{option}nav:
  - 首页: index.md
  - 评估结果: assessments/index.md
  - 证书公示: certificates/index.md
"""


class Bench:
    def __init__(self, out: Path, repeat: int, search: str):
        self.out, self.repeat, self.search = out.resolve(), repeat, search
        # Git must not take the data for part of the repository around bench/out: only the history repo has .git.
        self.env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GIT_CEILING_DIRECTORIES": str(self.out)}

    # -- one process ------------------------------------------------------------------------------------------
    def run(self, cmd: list[str], cwd: Path) -> dict:
        """Wall time (s), peak RSS of the process (MB), success and the last line of output of one command."""
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=stderr, env=self.env)
            tree = TreeMemory(proc.pid)
            _, status, usage = os.wait4(proc.pid, 0)
            tree_mb = tree.stop()
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            stdout.seek(0)
            stderr.seek(0)
            lines = stdout.read().decode("utf-8", "replace").strip().splitlines()
            err = stderr.read().decode("utf-8", "replace")
        ok = proc.returncode == 0
        if not ok:
            print(f"  exit {proc.returncode}: {' '.join(cmd)} in {cwd}\n{err[-2000:]}{lines[-1] if lines else ''}", file=sys.stderr)
        lines = lines or err.strip().splitlines()
        run = {"s": round(seconds, 3), "peak_mb": round(usage.ru_maxrss / 1024, 1), "tree_mb": tree_mb, "ok": ok,
               "exit": proc.returncode, "last_line": lines[-1] if lines else ""}
        if "--format" in cmd and "json" in cmd:  # maturity's JSON: the verdict, and how much was recalled
            try:
                said = json.loads("\n".join(lines))
                run["recalled"], run["assessments"] = said["recalled"], said["assessments"]
                run["last_line"] = ("通过" if said.get("passed", said.get("valid")) else "未通过") + \
                    f"，沿用 {said['recalled']:,} / {said['assessments']:,} 个评估的结论"
            except (ValueError, KeyError, TypeError):
                pass
        return run

    def build(self, site_root: Path, cold: bool = True) -> dict:
        """Cold: without the cache. Either way without the last site (as in CI, where only .cache is kept)."""
        if cold:
            shutil.rmtree(site_root / ".cache", ignore_errors=True)
        shutil.rmtree(site_root / "site", ignore_errors=True)
        return self.run([str(BIN / "mkdocs"), "build", "-q"], site_root)

    def dirty_build(self, site_root: Path) -> dict:
        """``mkdocs build --dirty``: the cache and the last site kept."""
        return self.run([str(BIN / "mkdocs"), "build", "--dirty", "-q"], site_root)

    # -- data -------------------------------------------------------------------------------------------------
    def project(self, n: int) -> Path:
        project = self.out / f"n{n}" / "project"
        moved = project.with_name(project.name + "-elsewhere")
        if not project.exists() and moved.is_dir():  # a run stopped while the project was in another folder (elsewhere)
            os.rename(moved, project)
        if not (project / "assessments").is_dir():
            print(f"  generating {n} assessments …", file=sys.stderr)
            subprocess.run([sys.executable, str(HERE / "synth.py"), str(project), "--count", str(n), "--seed", str(SEED)], check=True)
            (project / "docs").mkdir(exist_ok=True)
            (project / "docs" / "index.md").write_text("# 评估结果公示\n\n<!-- maturity:overview -->\n", encoding="utf-8")
        (project / "mkdocs.yml").write_text(project_mkdocs(self.search), encoding="utf-8")
        return project

    def floor(self, n: int, pages: int | None = None) -> Path:
        """The floor of N: N one-line pages, or ``pages`` of them (as many as the project's site has, --parts)."""
        floor = self.out / f"n{n}" / ("floor" if pages is None else f"floor-{pages}-pages")
        if not floor.is_dir():
            subprocess.run([sys.executable, str(HERE / "floor.py"), str(n if pages is None else pages), str(floor)],
                           check=True)
        return floor

    def naive(self, n: int) -> Path:
        naive = self.out / f"n{n}" / "naive"
        if not naive.is_dir():
            subprocess.run([sys.executable, str(HERE / "naive.py"), str(self.project(n)), str(naive)], check=True, env=self.env)
        return naive

    # -- measurements -----------------------------------------------------------------------------------------
    def sizes(self, n: int, naive: bool, warm: bool) -> dict:
        project, floor = self.project(n), self.floor(n)
        naive_site = self.naive(n) if naive else None
        runs: dict[str, list] = {"project": [], "floor": [], "warm": [], "dirty": [], "naive": []}
        edit = Edit(project)
        try:
            for i in range(self.repeat):
                runs["project"].append(self.build(project))
                if warm:
                    edit.toggle()
                    runs["warm"].append(self.build(project, cold=False))
                    self.dirty_build(project)  # after a clean build every source is written again: not measured
                    edit.toggle()
                    runs["dirty"].append(self.dirty_build(project))
                runs["floor"].append(self.build(floor))
                if naive_site:
                    runs["naive"].append(self.build(naive_site))
                log(f"N={n} #{i + 1}: " + ", ".join(f"{k} {v[-1]['s']:.1f}s" for k, v in runs.items() if v))
        finally:
            edit.restore()
        result = {"n": n, **{k: summary(v) for k, v in runs.items() if v}}
        for key, root in (("project", project), ("floor", floor), ("naive", naive_site)):
            if key in result:
                result[key]["output_mb"] = round(folder_mb(root / "site"), 1)
        result["listing"] = listing(project / "site")
        return result

    def commands(self, n: int, repeat: int) -> dict:
        """maturity validate and check in the project folder, each cold, warm after one edit, and after one more edit
        in a fresh checkout with the cache restored (:func:`checkout_anew`: what a CI job does), and after one more in a
        fresh checkout in another folder (:func:`elsewhere`: a CI runner with one build folder per concurrent job)."""
        project = self.project(n)
        runs: dict[str, list] = {f"{command}_{kind}": [] for command in ("validate", "check")
                                 for kind in ("cold", "warm", "fresh", "elsewhere")}
        edit = Edit(project)
        try:
            for i in range(repeat):
                for command in ("validate", "check"):
                    shutil.rmtree(project / ".cache", ignore_errors=True)
                    runs[f"{command}_cold"].append(self.run([str(BIN / "maturity"), command, "."], project))
                    edit.toggle()
                    runs[f"{command}_warm"].append(self.run([str(BIN / "maturity"), command, "."], project))
                    edit.toggle()
                    checkout_anew(project)
                    runs[f"{command}_fresh"].append(self.run([str(BIN / "maturity"), command, "."], project))
                    edit.toggle()
                    with elsewhere(project) as moved:
                        runs[f"{command}_elsewhere"].append(self.run([str(BIN / "maturity"), command, "."], moved))
                log(f"commands N={n} #{i + 1}: " + ", ".join(f"{k} {v[-1]['s']:.1f}s" for k, v in runs.items()))
        finally:
            edit.restore()
        return {"n": n, **{k: summary(v) for k, v in runs.items()}}

    def ci(self, n: int, repeat: int) -> dict:
        """A pull request's ``maturity check`` and ``maturity validate`` as CI jobs run them, in git (:mod:`ci_jobs`): the
        main branch's job clones and checks cold, its ``.cache`` kept; each pull request (one score changed) is cloned
        into a new folder with that cache restored. Each command in a job of its own, which goes first alternating."""
        base = self.out / f"ci-n{n}"
        origin = base / "origin"
        if not (origin / ".git").is_dir():
            log(f"making a git repository of N={n} …")
            history_repo.make(self.project(n), origin, 1)
        (origin / "mkdocs.yml").write_text(project_mkdocs(self.search), encoding="utf-8")
        if ci_jobs.git(origin, "status", "--porcelain", capture_output=True, text=True).stdout.strip():
            ci_jobs.git(origin, "commit", "-q", "-am", "基准测试的站点设置")
        kept = base / "main-cache.tar"
        ci_jobs.clone(origin, base / "job", "main")
        said = ["--format", "json"]
        runs: dict[str, list] = {"main_check": [self.run([str(BIN / "maturity"), "check", ".", *said], base / "job")]}
        ci_jobs.keep(base / "job" / ".cache", kept)
        runs.update({"check": [], "validate": []})
        for i in range(repeat):
            branch = ci_jobs.pull_request(origin, i + 1)
            for command in (("check", "validate") if i % 2 == 0 else ("validate", "check")):
                ci_jobs.clone(origin, base / "job", branch, kept)
                runs[command].append(self.run([str(BIN / "maturity"), command, ".", *said], base / "job"))
            log(f"ci N={n} #{i + 1}: " + ", ".join(f"{k} {v[-1]['s']:.1f}s" for k, v in runs.items()))
        shutil.rmtree(base / "job", ignore_errors=True)
        return {"n": n, **{k: summary(v) for k, v in runs.items()}}

    def history(self, n: int, commits: int) -> dict:
        base = self.out / f"history-n{n}-c{commits}"
        repo, plain = base / "repo", base / "nogit"
        if not (repo / ".git").is_dir():
            log(f"making a git repository of N={n} with {commits} commits …")
            history_repo.make(self.project(n), repo, commits)
        if not plain.is_dir():
            shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git", ".cache", "site"))
        for root in (repo, plain):
            (root / "mkdocs.yml").write_text(project_mkdocs(self.search), encoding="utf-8")
        got = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True, env=self.env)
        runs: dict[str, list] = {k: [] for k in ("with_cold", "without_cold", "with_warm", "without_warm")}
        for i in range(self.repeat):
            # Which goes first alternates (as bench/pair.py): a machine that slows down or speeds up during the run
            # favours neither side.
            order = (("with", repo), ("without", plain)) if i % 2 == 0 else (("without", plain), ("with", repo))
            for side, root in order:
                runs[f"{side}_cold"].append(self.build(root))
            for side, root in order:
                runs[f"{side}_warm"].append(self.build(root, cold=False))
            log(f"history #{i + 1}: " + ", ".join(f"{k} {v[-1]['s']:.1f}s" for k, v in runs.items()))
        result = {"n": n, "commits": int(got.stdout.strip() or 0), **{k: summary(v) for k, v in runs.items()}}
        for cache in ("cold", "warm"):
            w, wo = result[f"with_{cache}"]["median_s"], result[f"without_{cache}"]["median_s"]
            result[f"share_{cache}"] = round((w - wo) / w, 4) if w else None
        return result

    def parts(self, n: int) -> dict:
        """What the parts cost by themselves at N (``bench/parts.py``): MkDocs with Material building as many one-line
        pages as the project's site has (cold, ``--repeat`` times), Pagefind over the site's short versions, libyaml's
        events over the data files. The least a build or check of this data can take, whatever this project does."""
        project = self.project(n)
        if not (project / "site" / "index.html").is_file():
            self.build(project)
        found = {}
        for what in ("pagefind" if self.search == "pagefind" else "pages", "yaml"):
            proc = subprocess.run([sys.executable, str(HERE / "parts.py"), what], cwd=project, capture_output=True,
                                  text=True, env=self.env)
            lines = proc.stdout.strip().splitlines()
            part = json.loads(lines[-1]) if proc.returncode == 0 and lines else {}
            if not part or not part.get("ok", True):  # e.g. Pagefind itself failed: no bound from it
                log(f"parts {what} N={n}: exit {proc.returncode}, {part}\n{proc.stderr[-2000:]}")
                return {"n": n, "ok": False}
            found["pagefind" if what == "pages" else what] = part
        pages = found["pagefind"]["pages"]
        floor = self.floor(n, pages)
        runs = [self.build(floor) for _ in range(self.repeat)]
        log(f"parts N={n}: {pages} one-line pages {runs[-1]['s']:.1f}s, pagefind {found['pagefind'].get('s', 0):.1f}s, "
            f"libyaml {found['yaml']['cpu_s']:.1f}s CPU")
        return {"n": n, "ok": True, "pages": pages, "mkdocs": summary(runs), **found}

    def payload(self, n: int) -> dict:
        project = self.project(n)
        if not (project / "site" / "index.html").is_file():
            self.build(project)
        return {"n": n, **payload.measure(project / "site", self.search)}

    def serve(self, n: int) -> dict:
        """`mkdocs serve` and `mkdocs serve --dirty`: seconds from changing one score to the site rebuilt."""
        return {"n": n, "s": self.rebuild_seconds(n), "dirty_s": self.rebuild_seconds(n, dirty=True)}

    def rebuild_seconds(self, n: int, dirty: bool = False) -> float | None:
        """Seconds from changing one score to `mkdocs serve` having rebuilt the site (browsers told to reload)."""
        project = self.project(n)
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        cmd = [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"] + (["--dirty"] if dirty else [])
        proc = subprocess.Popen(cmd, cwd=project,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=self.env)
        edit = Edit(project)
        seconds = None
        try:
            for line in proc.stderr:
                if "Serving on" in line:
                    break
            else:
                return None
            start = time.perf_counter()
            edit.toggle()
            for line in proc.stderr:
                if "Reloading browsers" in line:
                    seconds = round(time.perf_counter() - start, 3)
                    break
        finally:
            edit.restore()
            proc.terminate()
            proc.wait(timeout=60)
        return seconds


class Edit:
    """One score of the first assessment changed to another valid value, and back, alternately."""

    def __init__(self, project: Path):
        self.path = sorted((project / "assessments").glob("*/scores.yml"))[0]
        self.original = self.path.read_text(encoding="utf-8")

    def toggle(self) -> None:
        self.path.write_text(history_repo.toggle_score(self.path.read_text(encoding="utf-8")), encoding="utf-8")

    def restore(self) -> None:
        if self.path.read_text(encoding="utf-8") != self.original:
            self.path.write_text(self.original, encoding="utf-8")


def checkout_anew(project: Path) -> None:
    """The data files made anew where they were, as a CI job's checkout makes them (the same paths and bytes, every
    file and folder new: inode, times), ``.cache`` kept; then the few seconds the cache waits for files to settle (a
    CI job spends them installing)."""
    for name in ("assessments", "evidence", "assessors.yml"):
        path = project / name
        if not path.exists():
            continue
        old = project / f".{name}.old"
        os.rename(path, old)
        if old.is_dir():
            shutil.copytree(old, path, symlinks=True)
            shutil.rmtree(old)
        else:
            shutil.copyfile(old, path)
            old.unlink()
    time.sleep(3.5)


@contextlib.contextmanager
def elsewhere(project: Path):
    """The project checked out anew in another folder, ``.cache`` restored there (as a CI runner that keeps one build
    folder per concurrent job restores a cache written in another); moved back afterwards."""
    other = project.with_name(project.name + "-elsewhere")
    os.rename(project, other)
    try:
        checkout_anew(other)
        yield other
    finally:
        os.rename(other, project)


def summary(runs: list[dict]) -> dict:
    trees = [r["tree_mb"] for r in runs if r.get("tree_mb") is not None]
    return {"runs": runs, "median_s": round(statistics.median(r["s"] for r in runs), 3),
            "peak_mb": max(r["peak_mb"] for r in runs), "tree_mb": max(trees) if trees else None,
            "ok": all(r["ok"] for r in runs)}


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def listing(site: Path) -> dict:
    """The largest listing page: the list of assessments and of certificates, with their further pages."""
    pages = [site / "index.html", site / "assessments" / "index.html", *site.glob("assessments/page/**/index.html"),
             *site.glob("certificates/**/index.html")]
    pages = [p for p in pages if p.is_file()]
    if not pages:
        return {"pages": 0, "max_bytes": None, "max_page": None}
    largest = max(pages, key=lambda p: p.stat().st_size)
    return {"pages": len(pages), "max_bytes": largest.stat().st_size, "max_page": largest.relative_to(site).as_posix()}


def log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    except (OSError, StopIteration, ValueError):
        mem = 0
    version = lambda name: metadata.version(name) if _installed(name) else "—"
    return {"cpus": os.cpu_count(), "cpu": model, "memory_gib": round(mem / 2**20, 1), "system": platform.platform(),
            "python": platform.python_version(), "mkdocs": version("mkdocs"), "material": version("mkdocs-material"),
            "pyyaml": version("pyyaml"), "maturity": version("maturity")}


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
        return True
    except metadata.PackageNotFoundError:
        return False


def _has_search_option() -> bool:
    from maturity.mkdocs_plugin.config import MaturityConfig
    return any(name == "search" for name, _ in MaturityConfig._schema)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="N for the paired cold builds")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (medians are reported)")
    parser.add_argument("--naive", action="store_true", help="also build the naive approach (c) at each N (slow)")
    parser.add_argument("--warm", type=int, default=0, help="N (one of --sizes) for the warm build after one edit")
    parser.add_argument("--check", type=int, default=0, help="N for maturity validate and check, cold and warm")
    parser.add_argument("--check-repeat", type=int, help="runs of each of those (default: --repeat)")
    parser.add_argument("--ci", type=int, default=0, help="N for a pull request's check as a CI job runs it, in git")
    parser.add_argument("--history", type=int, default=0, help="N of the git repository for the history's cost")
    parser.add_argument("--commits", type=int, default=1000, help="commits in that repository")
    parser.add_argument("--parts", type=int, nargs="*", default=[], help="N for what the parts cost alone (set against the floor where N is one of --sizes)")
    parser.add_argument("--payload", type=int, default=0, help="N for a visitor's first search (bench/payload.py)")
    parser.add_argument("--serve", type=int, default=0, help="N for the `mkdocs serve` rebuild after one edit")
    parser.add_argument("--search", choices=("material", "pagefind"), default="material", help="the site's search")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--write-docs", action="store_true", help="put the report into the docs page between its markers")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "performance.md", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm and args.warm not in args.sizes:
        parser.error("--warm N: N must be one of --sizes (the warm builds follow its cold builds)")
    if args.search == "pagefind" and not _has_search_option():
        parser.error("--search pagefind: the maturity plugin has no `search` option yet")
    args.out.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.out, args.repeat, args.search)
    results = {"date": dt.date.today().isoformat(), "machine": machine(), "load_before": os.getloadavg(),
               "command": ".venv/bin/python bench/run.py " + shlex.join(sys.argv[1:]),
               "repeat": args.repeat, "search": args.search}
    started = time.perf_counter()
    results["sizes"] = [bench.sizes(n, args.naive, n == args.warm) for n in args.sizes]
    results["commands"] = bench.commands(args.check, args.check_repeat or args.repeat) if args.check else None
    results["ci"] = bench.ci(args.ci, args.check_repeat or args.repeat) if args.ci else None
    results["history"] = bench.history(args.history, args.commits) if args.history else None
    results["parts"] = [bench.parts(n) for n in args.parts]
    results["payload"] = bench.payload(args.payload) if args.payload else None
    results["serve"] = bench.serve(args.serve) if args.serve else None
    results["load_after"] = os.getloadavg()
    results["minutes"] = round((time.perf_counter() - started) / 60, 1)
    results["targets"] = report.targets(results)
    text = report.markdown(results)
    (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (args.out / "report.md").write_text(text, encoding="utf-8")
    print(text)
    if args.write_docs:
        report.write_docs(args.docs, text)
        log(f"wrote the results into {args.docs}")
    failed = [s["n"] for s in results["sizes"] if not all(s[k]["ok"] for k in ("project", "floor", "warm", "dirty", "naive") if k in s)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
