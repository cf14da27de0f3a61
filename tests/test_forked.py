"""Pages rendered in forked children (maturity.publish.forked): the same site as in one process, whatever goes wrong.

The runner is tested on plain tasks (which process did each, this one doing its share too; a child that dies, a
result that cannot be pickled, a task that fails, a running thread), then on the demo site: built with children and
without, page for page and file for file the same, and a broken template of the site's own reported the same way.

One piece of work in a forked copy (``forked.apart``): its result comes back, objects shared by reference stay this
process's own, whatever the copy does not deliver is left to the caller, and the copy goes when its parent is killed.
The demo site prepared apart (``gate.prepare_apart``) is the one prepared here, and ``mkdocs build`` prepares it apart
unless ``jobs: 1``.
"""

from __future__ import annotations

import os
import threading

import pytest

from maturity import gate
from maturity.publish import forked
from maturity.settings import load_settings
from site_helpers import copy_demo

PARENT = os.getpid()


def _whose(i: int) -> tuple[int, int]:
    return i, os.getpid()


@pytest.fixture
def alone():
    """The runner forks only in a process with one thread; a test left running elsewhere would make it serial."""
    if not forked.usable():
        pytest.skip("another thread is running in this test process (or not Linux): the runner would not fork")


def test_children_do_the_tasks_and_the_results_keep_task_order(alone):
    tasks = [lambda i=i: _whose(i) for i in range(50)]
    received = []
    results = forked.run(tasks, 2, receive=received.append, min_tasks=1)
    assert [i for i, _ in results] == list(range(50))
    by_pid = {}
    for i, pid in results:
        by_pid.setdefault(pid, []).append(i)
    # This process and one child, each its share (every other task): the parent's own first.
    assert by_pid.pop(os.getpid()) == list(range(0, 50, 2))
    assert list(by_pid.values()) == [list(range(1, 50, 2))]
    assert sorted(received) == sorted(results)  # each result handed to receive once, in this process


def test_three_processes_share_the_tasks(alone):
    results = forked.run([lambda i=i: _whose(i) for i in range(30)], 3, min_tasks=1)
    assert [i for i, _ in results] == list(range(30))
    share_of = {}
    for i, pid in results:
        share_of.setdefault(pid, set()).add(i % 3)
    assert share_of.pop(os.getpid()) == {0} and sorted(share_of.values()) == [{1}, {2}]  # two children


def test_a_child_that_dies_leaves_its_tasks_to_the_parent(alone):
    def task(i: int):
        if i == 7 and os.getpid() != PARENT:
            os._exit(3)  # the child doing task 7 is gone mid-way
        return _whose(i)

    tasks = [lambda i=i: task(i) for i in range(40)]
    received = []
    results = forked.run(tasks, 2, receive=received.append, min_tasks=1)
    assert [i for i, _ in results] == list(range(40))
    by_parent = {i for i, pid in results if pid == os.getpid()}
    rescued = by_parent - set(range(0, 40, 2))  # the parent's own share is the even tasks
    # The dead child's share, no more (what it had not yet sent, the results before 7 too, may be made again).
    assert set(range(0, 40, 2)) <= by_parent and 7 in rescued and set(range(9, 40, 2)) <= rescued
    assert sorted(received) == sorted(results)


def test_a_result_that_cannot_be_pickled_is_made_again_in_the_parent(alone):
    tasks = [lambda i=i: (lambda: i) if i == 3 else _whose(i) for i in range(10)]
    results = forked.run(tasks, 2, min_tasks=1)
    assert results[3]() == 3
    assert [r[0] for n, r in enumerate(results) if n != 3] == [n for n in range(10) if n != 3]


def test_a_failing_task_fails_as_it_would_in_one_process(alone):
    def task(i: int):
        if i == 4:
            raise ValueError("task 4")
        return i

    with pytest.raises(ValueError, match="task 4"):
        forked.run([lambda i=i: task(i) for i in range(10)], 2, min_tasks=1)


def test_no_child_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        results = forked.run([lambda i=i: _whose(i) for i in range(20)], 2, min_tasks=1)
    finally:
        stop.set()
        thread.join()
    assert {pid for _, pid in results} == {os.getpid()}


def test_few_tasks_or_one_job_stay_in_this_process(alone):
    assert {pid for _, pid in forked.run([lambda i=i: _whose(i) for i in range(5)], 2)} == {os.getpid()}
    assert {pid for _, pid in forked.run([lambda i=i: _whose(i) for i in range(50)], 1, min_tasks=1)} == {os.getpid()}


def _published(root, monkeypatch, jobs: int):
    forks = []
    real_fork = os.fork

    def counted():
        forks.append(1)
        return real_fork()

    with monkeypatch.context() as m:
        m.setattr(forked, "MIN_TASKS", 1)
        m.setattr(os, "fork", counted)
        settings = load_settings(root).with_overrides(jobs=jobs)
        publication = gate.prepare(settings, display_base=root, history=lambda *_: (None, None), parallel=True)
    if os.getpid() != PARENT:  # pragma: no cover — a child that got here would be a runner bug
        os._exit(1)
    site = publication.site
    pages = [(p.src_uri, p.title, p.html, p.search_html, p.find_html, p.toc, p.hide, p.search_exclude, p.wasm) for p in site.pages]
    assets = [(a.path, a.content) for a in site.assets]
    return pages, assets, [d.as_dict() for d in publication.diagnostics], len(forks)


def test_the_demo_site_rendered_by_children_is_the_one_rendered_alone(demo, monkeypatch, alone):
    pages, assets, diagnostics, forks = _published(demo.root, monkeypatch, 2)
    alone_pages, alone_assets, alone_diagnostics, none = _published(demo.root, monkeypatch, 1)
    assert forks == 1 and none == 0  # jobs 2: this process and one child
    assert len(pages) > 20
    assert pages == alone_pages
    assert assets == alone_assets
    assert diagnostics == alone_diagnostics


def test_a_broken_site_template_is_reported_the_same_by_children(tmp_path, monkeypatch, alone):
    site_copy = tmp_path / "site"
    copy_demo(site_copy)
    (site_copy / "templates").mkdir(exist_ok=True)
    (site_copy / "templates" / "report.html").write_text("{{ no_such_thing.attribute }}", encoding="utf-8")
    _, _, diagnostics, forks = _published(site_copy, monkeypatch, 2)
    _, _, alone_diagnostics, _ = _published(site_copy, monkeypatch, 1)
    assert forks == 1
    assert [d["code"] for d in diagnostics].count("MAT900") >= 2
    assert diagnostics == alone_diagnostics


# --- one piece of work in a forked copy (forked.apart; gate.prepare_apart) -------------------------------------------

def test_work_done_apart_comes_back_from_another_process(alone):
    done, pid = forked.apart(os.getpid)
    assert done and pid not in (os.getpid(), None)


def test_shared_objects_come_back_as_this_process_own(alone, tmp_path):
    # A file this process made, written by the copy through the same object, read back here through it.
    with open(tmp_path / "shared", "w+b") as file:
        marker = object()

        def work():
            os.pwrite(file.fileno(), b"written by the copy", 0)
            return {"file": file, "marker": marker, "pid": os.getpid()}

        done, result = forked.apart(work, shared=(file, marker))
        assert done and result["pid"] != os.getpid()
        assert result["file"] is file and result["marker"] is marker
        assert os.pread(file.fileno(), 19, 0) == b"written by the copy"


@pytest.mark.parametrize("work", [
    lambda: 1 / 0,  # the work fails: the caller does it itself, and fails as it would have
    lambda: os._exit(0),  # the copy ends without a word
    lambda: os._exit(3),
    lambda: (lambda: 1),  # a result that cannot be pickled
], ids=["raises", "exits-quietly", "exits-failing", "unpicklable"])
def test_work_the_copy_does_not_deliver_is_left_to_the_caller(alone, work):
    assert forked.apart(work) == (False, None)


def test_no_copy_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert forked.apart(os.getpid) == (False, None)
    finally:
        stop.set()
        thread.join()


def test_the_copy_ends_when_the_process_that_forked_it_is_killed(alone, tmp_path):
    # A process that forks a copy working for ever is killed (SIGKILL: no clean-up of its own); the copy goes too,
    # rather than work on for nobody with the parent's output still open.
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "copy.pid"
    script = (
        "import os, sys, time\n"
        "from maturity.publish import forked\n"
        "def work():\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(600)\n"
        "forked.apart(work)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.05)
        copy = int(pid_file.read_text())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        for _ in range(100):
            try:
                os.kill(copy, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            os.kill(copy, signal.SIGKILL)
            pytest.fail("the copy outlived the process that forked it")
    finally:
        if parent.poll() is None:
            parent.kill()


def _prepared(root, apart: bool):
    settings = load_settings(root)
    prepared = gate.prepare_apart(settings, display_base=root, history=lambda *_: (None, None), apart=apart)
    site = prepared.site
    pages = [(p.src_uri, p.title, p.html, p.search_html, p.find_html, p.toc, p.hide, p.search_exclude, p.wasm) for p in site.pages]
    assets = [(a.path, a.content) for a in site.assets]
    return prepared, pages, assets


@pytest.fixture
def preparers(monkeypatch, tmp_path):
    """The process of each call of the real ``gate.prepare`` from now on (a function giving their ids, in order):
    written down before the call, in a file both a forked copy and this process see."""
    where = tmp_path / "prepared-by"
    real_prepare = gate.prepare

    def noted(*args, **kwargs):
        with open(where, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return real_prepare(*args, **kwargs)

    monkeypatch.setattr(gate, "prepare", noted)
    return lambda: [int(pid) for pid in where.read_text().split()] if where.exists() else []


def _with_option(root, lines: str) -> None:
    """``lines`` added to the maturity plugin's options in ``root``'s mkdocs.yml."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - maturity:\n" in text
    config.write_text(text.replace("  - maturity:\n", "  - maturity:\n" + lines, 1), encoding="utf-8")


def test_a_site_prepared_apart_is_the_one_prepared_here(pristine, preparers, alone):
    apart, pages, assets = _prepared(pristine, apart=True)
    here, here_pages, here_assets = _prepared(pristine, apart=False)
    copy, this = preparers()
    assert copy != this == os.getpid()  # once in a copy, delivered (not done again here); once here
    assert len(pages) > 20 and pages == here_pages  # every page's HTML read back from the spool this process made
    assert assets == here_assets
    assert apart.site.copies == here.site.copies
    assert [d.as_dict() for d in apart.diagnostics] == [d.as_dict() for d in here.diagnostics]
    assert (apart.errors, apart.unpublished, apart.recalled) == (here.errors, here.unpublished, here.recalled)
    # The home page's overview, rendered here from what came back (its templates' environment made anew).
    assert apart.site.fragments["overview"]("index.md") == here.site.fragments["overview"]("index.md")
    # The spool goes on after what the copy wrote: a page kept now overwrites none of the site's.
    spool = apart.site.pages[0]._html.spool
    extra = spool.put(b"x" * 4096)
    assert extra.read() == b"x" * 4096
    assert [(p.src_uri, p.html) for p in apart.site.pages] == [(u, h) for u, _, h, *_ in here_pages]
    assert [(a.path, a.content) for a in apart.site.assets] == here_assets


@pytest.mark.parametrize("options, apart", [("", True), ("      jobs: 1\n", False)], ids=["build", "jobs-1"])
def test_mkdocs_build_prepares_the_site_in_a_copy_unless_jobs_is_1(site_copy, options, apart):
    import subprocess
    import sys

    _with_option(site_copy, options)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--verbose"], cwd=site_copy,
                          capture_output=True, text=True, encoding="utf-8", timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert ("the work was done in a forked copy" in proc.stderr) == apart, proc.stderr[-3000:]
    assert (site_copy / "site" / "index.html").is_file()


@pytest.mark.parametrize("jobs, apart", [(0, True), (1, False)], ids=["render", "jobs-1"])
def test_maturity_render_prepares_the_site_in_a_copy_unless_jobs_is_1(site_copy, preparers, alone, jobs, apart):
    from maturity.cli import main

    _with_option(site_copy, f"      jobs: {jobs}\n")
    assert main(["render", str(site_copy)]) == 0
    assert (site_copy / "docs" / "assessments").is_dir()  # the pages were written, by this process
    (preparer,) = preparers()
    assert (preparer != os.getpid()) == apart
