"""Data files read and checked in worker processes (maturity.data.parallel): the same verdict, on more cores.

Each case loads the same files twice, with real worker processes (``jobs: 2``; the threshold of files is
lowered so the demo is enough) and in the main process alone (``jobs: 1``), and compares every diagnostic
and every score. A file a worker does not handle, and a pool that cannot run, fall back to the main process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import maturity.data.parallel as parallel
import maturity.data.reading as reading
from conftest import OLD_ZIXUN_P, PROJECT, P, R, S, Repo, listing
from maturity.data.yamlfile import parse_yaml
from maturity.repository import load_repository
from maturity.settings import SettingsError, from_options, load_settings


@pytest.fixture
def pooled(monkeypatch):
    """A pool for any number of files, and a count of the files the workers handed back."""
    monkeypatch.setattr(parallel, "MIN_FILES", 1)
    monkeypatch.setattr(parallel, "BATCH", 4)
    taken: list[str] = []
    take = parallel.Prefetch.take

    def counting(self, path, kind, store):
        found = take(self, path, kind, store)
        if found is not None:
            taken.append(found[0].path)
        return found

    monkeypatch.setattr(parallel.Prefetch, "take", counting)
    return taken


def _load(demo: Repo, jobs: int, cache: bool = False, parallel: bool = True):
    settings = load_settings(demo.root).with_overrides(jobs=jobs, cache=cache)
    return load_repository(settings, display_base=demo.root, parallel=parallel)


def _summary(repo):
    return ([str(d) for d in repo.diagnostics],
            {aid: (r.applied_level, r.applied.score if r.applied else None, r.unscored) for aid, r in repo.results.items()},
            sorted(repo.unread), {a.id: a.record for a in repo.assessments},
            {a.id: (a.scores, a.findings) for a in repo.assessments},
            {org: (r.path, r.items) for org, r in repo.registers.items()})


def test_workers_read_the_demo_and_say_what_the_main_process_says(demo, pooled):
    serial = _load(demo, 1)
    assert pooled == []
    parallel_run = _load(demo, 2)
    assert len(pooled) >= 2 * len(parallel_run.assessments)  # every record and scores file came from a worker
    # and every register, read by the worker that read a record of its organisation (each once in this process)
    registers = {f"evidence/{a.organisation['id']}/register.yml" for a in parallel_run.assessments}
    assert registers <= set(pooled) and len([p for p in pooled if p in registers]) == len(registers)
    assert _summary(parallel_run) == _summary(serial)


def test_a_register_with_a_problem_is_read_and_reported_by_the_main_process(demo, pooled):
    demo.write(R, demo.read(R).replace("items:", "unknown_field: 1\nitems:", 1))  # a schema error: the worker leaves it
    kechuang = "evidence/shili-kechuang/register.yml"
    target = demo.path("outside-register.yml")
    target.write_text(demo.read(kechuang), encoding="utf-8")
    demo.path(kechuang).unlink()
    os.symlink(target, demo.path(kechuang))  # refused (MAT017) by whichever process reads it
    serial = _load(demo, 1)
    assert {(d.path, d.code) for d in serial.diagnostics} >= {(R, "MAT021"), (kechuang, "MAT017")}, listing(serial.diagnostics)
    assert _summary(_load(demo, 2)) == _summary(serial)
    assert R not in pooled and kechuang not in pooled


def test_mkdocs_serve_keeps_what_the_workers_read_and_rebuilds_without_them(demo, pooled, monkeypatch):
    """``mkdocs serve`` (a FileCache kept between rebuilds) with ``cache: false``: only the first build uses workers."""
    kept = reading.FileCache()
    settings = load_settings(demo.root).with_overrides(jobs=2, cache=False)
    first = load_repository(settings, display_base=demo.root, cache=kept, parallel=True)
    assert pooled
    started: list[int] = []
    monkeypatch.setattr(parallel, "Prefetch", lambda *args: started.append(1))
    parses: list[str] = []
    monkeypatch.setattr(reading, "parse_yaml", lambda text, shown: parses.append(shown) or parse_yaml(text, shown))
    again = load_repository(settings, display_base=demo.root, cache=kept, parallel=True)
    assert started == [] and parses == []
    assert _summary(again) == _summary(first)


def test_only_an_entry_point_starts_processes(demo, pooled):
    # A library call (a user's script, maybe without a __main__ guard) reads in its own process.
    _load(demo, 2, parallel=False)
    assert pooled == []


def test_broken_files_are_reported_the_same_way(demo, pooled):
    demo.write(S, demo.read(S).replace("score: 1,", "score: 7,", 1))  # off the scale (MAT201)
    shuzi = "assessments/2026-shili-shuzi/assessment.yml"
    demo.write(shuzi, demo.read(shuzi) + "unknown_field: 1\n")  # a schema error
    demo.write("assessments/2026-shili-pingtai/scores.yml", "a: [1\n")  # not YAML
    old = demo.path(OLD_ZIXUN_P)
    old.write_bytes(b"\xef\xbb\xbf" + old.read_bytes())  # a BOM: the worker leaves it to the main process
    demo.write(P, demo.read(P) + "\x07\n")  # a control character (a YAML syntax error)
    serial = _load(demo, 1)
    assert serial.errors, listing(serial.diagnostics)
    assert {"MAT004", "MAT010", "MAT021", "MAT201"} <= {d.code for d in serial.diagnostics}, listing(serial.diagnostics)
    assert _summary(_load(demo, 2)) == _summary(serial)
    assert S in pooled and OLD_ZIXUN_P not in pooled  # the scale error came through a worker, the BOM did not


def test_a_symlinked_data_file_is_refused_as_without_workers(demo, pooled):
    target = demo.path("outside-scores.yml")
    target.write_text(demo.read(S), encoding="utf-8")
    demo.path(S).unlink()
    os.symlink(target, demo.path(S))
    serial = _load(demo, 1)
    assert any(d.code == "MAT017" for d in serial.diagnostics)
    assert _summary(_load(demo, 2)) == _summary(serial)


def test_what_the_workers_checked_fills_the_cache_and_a_warm_run_agrees(demo, pooled, monkeypatch):
    cold = _load(demo, 2, cache=True)
    assert pooled
    parses: list[str] = []
    monkeypatch.setattr(reading, "parse_yaml", lambda text, shown: parses.append(shown) or parse_yaml(text, shown))
    warm = _load(demo, 1, cache=True)
    assert not [p for p in parses if p.endswith(("assessment.yml", "scores.yml", "register.yml"))]
    assert _summary(warm) == _summary(cold) == _summary(_load(demo, 1))


def test_released_scores_come_back_equal_when_asked_for(demo, pooled):
    repo = _load(demo, 2, cache=True)
    a = next(a for a in repo.assessments if a.scores_doc is not None)
    assert a.scores_doc._data is None  # released once its assessment was checked
    parsed, _ = parse_yaml(a.scores_doc.text, a.scores_doc.path)
    assert a.scores_doc.data == parsed.data


def test_a_pool_that_cannot_run_leaves_the_work_to_the_main_process(demo, pooled, monkeypatch):
    class Refusing:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def submit(self, *args, **kwargs):
            raise RuntimeError("cannot schedule new futures after interpreter shutdown")

        def shutdown(self, **kwargs) -> None:
            pass

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Refusing)
    assert _summary(_load(demo, 2)) == _summary(_load(demo, 1))
    assert pooled == []


def test_the_workers_hash_the_evidence_files_and_the_main_process_takes_their_hashes(demo, pooled, monkeypatch):
    hashed: list[str] = []
    monkeypatch.setattr(reading, "sha256_of", lambda path: hashed.append(str(path)) or parallel.sha256_of(path))
    serial = _load(demo, 1)
    in_main = len(hashed)
    assert in_main > 0
    hashed.clear()
    parallel_run = _load(demo, 2)
    # Only the files of registers no loaded record cites (read after the pool is closed) are hashed here.
    cited = {a.organisation["id"] for a in parallel_run.assessments}
    assert not [p for p in hashed if Path(p).relative_to(demo.path("evidence")).parts[0] in cited], hashed
    assert len(hashed) < in_main
    assert _summary(parallel_run) == _summary(serial)


def test_a_worker_hashes_only_files_the_checks_take_and_a_hash_is_used_while_the_stat_holds(tmp_path):
    root = tmp_path / "evidence"
    folder = root / "org"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "a.md").write_text("one", encoding="utf-8")
    (folder / "files" / "b.md").write_text("two", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("not the repository's", encoding="utf-8")
    os.symlink(folder / "files" / "a.md", folder / "link.md")
    os.symlink(outside, folder / "linked")  # a link on the way: its files are never read (it could be /proc)
    items = [{"file": "files/a.md"}, {"file": "files//./b.md"}, {"file": "link.md"}, {"file": "linked/secret.md"},
             {"file": "../org/files/a.md"}, {"file": "/etc/hostname"}, {"file": "C:files/a.md"},
             {"file": "files\\a.md"}, {"file": "files"}, {"file": "files/a.md", "storage": "private"},
             {"url": "https://example.org/"}, {"file": "missing.md"}]
    found = parallel.file_hashes(str(root), "org", items)
    assert [Path(path).relative_to(folder).as_posix() for path, _, _ in found] == ["files/a.md", "files/b.md"]
    prefetch = parallel.Prefetch([], str, 1 << 20, 1)
    try:
        prefetch._hashes.update((path, (key, digest)) for path, key, digest in found)
        assert prefetch.hashed(folder / "files" / "a.md") == parallel.sha256_of(folder / "files" / "a.md")
        (folder / "files" / "b.md").write_text("changed", encoding="utf-8")  # after the worker read it
        assert prefetch.hashed(folder / "files" / "b.md") is None
        assert prefetch.hashed(folder / "files" / "a.md") is None  # each taken once
    finally:
        prefetch.close()


@pytest.mark.parametrize("jobs, files, cached, expected", [
    (1, 10_000, 0, 0),  # jobs: 1 never starts a process
    (2, parallel.MIN_FILES - 1, 0, 0),  # too few files to pay for the processes
    (2, 10_000, 9_900, 0),  # a warm run: the cache has them
    (2, 10_000, 0, 2),
    (3, 10_000, 0, 3),
])
def test_how_many_workers(jobs, files, cached, expected):
    assert parallel.workers(jobs, files, cached) == expected


def test_automatic_is_as_many_as_the_cores():
    assert parallel.workers(0, 10_000, 0) == (parallel.cores() if parallel.cores() > 1 else 0)


@pytest.mark.parametrize("value", [-1, 65, True, 1.5, "2"])
def test_jobs_is_a_whole_number_from_0_to_64(value):
    with pytest.raises(SettingsError, match="jobs"):
        from_options({"jobs": value})


def test_the_command_line_says_the_same_with_two_processes(tmp_path):
    """`maturity validate` on 210 generated assessments (630 data files: enough to start the pool), three broken."""
    root = tmp_path / "site"
    subprocess.run([sys.executable, str(PROJECT / "bench" / "synth.py"), str(root), "--count", "210", "--seed", "3"],
                   check=True, capture_output=True, timeout=300)
    folders = sorted((root / "assessments").iterdir())
    assert 3 * len(folders) >= parallel.MIN_FILES
    (folders[5] / "assessment.yml").write_text((folders[5] / "assessment.yml").read_text(encoding="utf-8") + "extra: 1\n",
                                               encoding="utf-8")
    scores = folders[100] / "scores.yml"
    scores.write_text(scores.read_text(encoding="utf-8").replace("{score: 1,", "{score: 7,", 1), encoding="utf-8")
    (folders[200] / "scores.yml").write_text("a: [\n", encoding="utf-8")
    outputs = []
    for jobs in (1, 2):
        (root / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  - maturity:\n      jobs: {jobs}\n      history: false\n",
                                         encoding="utf-8")
        for cache in root.glob(".cache"):
            shutil.rmtree(cache)
        proc = subprocess.run([str(Path(sys.executable).parent / "maturity"), "validate", "--format", "json", "."],
                              cwd=root, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, proc.stderr[-2000:]
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]
    codes = {d["code"] for d in outputs[0]["diagnostics"]}
    assert {"MAT201"} <= codes and len(outputs[0]["diagnostics"]) >= 3, codes



def test_workers_leave_when_the_process_that_started_them_is_killed(tmp_path):
    script = tmp_path / "orphan.py"
    script.write_text(
        "import os, sys, time\n"
        "from maturity.data import parallel\n"
        "if __name__ == '__main__':\n"
        "    pool = parallel.pool(2)\n"
        "    pids = {pool.submit(os.getpid).result() for _ in range(20)}\n"
        "    print(' '.join(map(str, sorted(pids))), flush=True)\n"
        "    time.sleep(600)\n", encoding="utf-8")
    main = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        workers = [int(pid) for pid in main.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
        main.kill()  # SIGKILL: the pool cannot be shut down
        main.wait()
        for _ in range(200):  # each worker looks every half second; allow for a slow machine
            if not any(_alive(pid) for pid in workers):
                break
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers)
    finally:
        main.kill()
        main.stdout.close()
        for pid in workers:  # a failing run leaves none behind
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ", 1)[1][0] != "Z"  # a zombie has left; only its entry waits to be collected
    except FileNotFoundError:
        return False


def test_a_finding_across_assessments_points_into_a_text_read_again_from_its_file(demo, pooled):
    """A cold read keeps no file's text once its assessment is checked, only where it is and its digest: a finding
    the checks across assessments make later (a duplicate id) still points at its line and column."""
    record = demo.root / "assessments/2026-shili-zonghe/assessment.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("id: 2026-shili-zonghe", "id: 2026-shili-kechuang", 1),
                      encoding="utf-8")
    cold = _load(demo, 2, cache=True)
    assert pooled
    untouched = [a.record_doc for a in cold.assessments if a.id != "2026-shili-kechuang"]
    assert untouched and all(doc._text is None for doc in untouched), "no text is kept"
    doc = untouched[0]
    assert doc.text == Path(doc._source).read_text(encoding="utf-8") and doc._text is None, "read when asked, not kept"
    found = [d for d in cold.diagnostics if d.code == "MAT100"]
    assert [(d.path, d.line, d.column) for d in found] == [("assessments/2026-shili-zonghe/assessment.yml", 4, 5)]
    assert _summary(cold) == _summary(_load(demo, 1))
