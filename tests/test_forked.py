"""Pages rendered in forked children (maturity.publish.forked): the same site as in one process, whatever goes wrong.

The runner is tested on plain tasks (which process did each, this one doing its share too; a child that dies, a
result that cannot be pickled, a task that fails, a running thread), then on the demo site: built with children and
without, page for page and file for file the same, and a broken template of the site's own reported the same way.
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
