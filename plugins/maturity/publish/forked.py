"""Pages rendered on every core: the site's render tasks shared among forked copies of the process.

Rendering the pages is, after reading the data and MkDocs' own work, a large part of a build (docs/performance.md),
and every page is rendered from data already in memory. A forked child has all of it for free; a ``spawn`` worker would need the
whole repository sent over (some 110 KB of objects per assessment). So :func:`run` shares the tasks among
``count`` processes: this one and ``count - 1`` forked children. Process ``w`` does tasks ``w``, ``w + count``, …;
a child sends each result back pickled, and this process takes them in between its own tasks and keeps them in
task order, so the site is the same, page for page, as when rendered in one process. This process works too,
rather than only collect: each child copies much of the data it touches (CPython writes reference counts into
the objects), so one child fewer is some 570 MiB less at N = 10,000 (docs/performance.md#render-share).

Forking is used only where it is safe: on Linux (macOS's system libraries may not survive a fork), and when the
process runs no other thread — ``mkdocs serve`` builds beside its server's threads, and a forked copy of a
threaded process can deadlock on a lock another thread held. Anything a child does not deliver (it failed to
start, died or could not pickle a result) is done again in the parent, as without children.

A task must not log: a child's log lines would not reach the parent's handlers, where MkDocs counts the warnings
that fail ``--strict``. What rendering finds travels in the results instead (a MAT900 diagnostic).

:func:`apart` does one piece of work in one forked copy, for the memory: what the work leaves behind (a
repository read and let go leaves the heap scattered, docs/performance.md#apart) goes with the copy, and only
its result comes back.
"""

from __future__ import annotations

import copyreg
import ctypes
import io
import logging
import os
import pickle
import selectors
import signal
import struct
import sys
import threading
from typing import Callable, TypeVar

from maturity import heap

log = logging.getLogger("mkdocs.plugins.maturity")

T = TypeVar("T")
MIN_TASKS = 200  # fewer pages than this render faster than children start and hand them back
_FRAME = struct.Struct("<Q")  # the length of each pickled (index, result) a child sends
_NOTHING = object()


def usable() -> bool:
    """Whether this process may fork children to render: Linux, and no other thread running."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def run(tasks: list[Callable[[], T]], count: int, receive: Callable[[T], None] = lambda result: None,
        min_tasks: int | None = None) -> list[T]:
    """Every task's result, in task order; ``receive`` is called in this process on each as it arrives (to spool
    it, for one). With ``count`` ≥ 2, at least ``min_tasks`` tasks and :func:`usable`, children do the tasks."""
    results: list = [_NOTHING] * len(tasks)
    if count >= 2 and len(tasks) >= (MIN_TASKS if min_tasks is None else min_tasks) and usable():
        _in_children(tasks, min(count, len(tasks)), results, receive)
    missing = [i for i, r in enumerate(results) if r is _NOTHING]
    if missing and len(missing) < len(tasks):
        log.debug("maturity: %d of %d pages rendered again in the main process", len(missing), len(tasks))
    for i in missing:
        results[i] = tasks[i]()
        receive(results[i])
    return results


def apart(work: Callable[[], T], shared: tuple = ()) -> tuple[bool, T | None]:
    """``(True, work())`` with the work done in a forked copy of this process and its result pickled back, so the
    memory the work takes goes with the copy; ``(False, None)`` when it could not be done there (fork not
    :func:`usable`, the copy failed, died, or sent back nothing whole), for the caller to do it itself.

    The objects in ``shared`` go by reference: where the result points at one of them, this process gets its own
    (a file both processes have open, say). The copy's log lines would not be counted here (see above): the work
    must hand back what it finds instead of logging it."""
    if not usable():
        return False, None
    read, write = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return False, None
    if pid == 0:  # the copy: never returns
        os.close(read)
        _apart_child(work, shared, write, parent)
    os.close(write)
    received, finished = bytearray(), False
    try:
        while chunk := os.read(read, 1 << 20):
            received += chunk
        finished = True
    finally:
        os.close(read)
        status = _end(pid, stop=not finished)
    if status is None or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        log.debug("maturity: the forked copy %d delivered nothing (wait status %s): the work is done here", pid, status)
        return False, None
    try:
        with heap.paused_collection():  # a million new objects and no cycle among them: nothing for it to find
            result = _SharedUnpickler(io.BytesIO(received), shared).load()
    except Exception as exc:  # noqa: BLE001 — a result that does not unpickle is as good as none: done again here
        log.debug("maturity: what the forked copy %d sent back does not unpickle (%s): the work is done here", pid, exc)
        return False, None
    log.debug("maturity: the work was done in a forked copy of this process (%d), %d bytes sent back", pid, len(received))
    return True, result


def _shared(index: int):  # pragma: no cover — never called: the unpickler puts its own lookup in its place
    raise RuntimeError("a shared object outside forked.apart")


class _SharedPickler(pickle.Pickler):
    """Pickles the ``shared`` objects as their place in ``shared``. Only their types get a reducer of their own
    (``dispatch_table``), called for their instances alone; a ``persistent_id`` would be a Python call for every
    object pickled (a million for a national site)."""

    def __init__(self, file, shared: tuple) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        places = {id(obj): i for i, obj in enumerate(shared)}

        def reduce(obj):
            place = places.get(id(obj))
            return (_shared, (place,)) if place is not None else obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)

        self.dispatch_table = {**copyreg.dispatch_table, **{type(obj): reduce for obj in shared}}


class _SharedUnpickler(pickle.Unpickler):
    """Gives each shared object's place (:class:`_SharedPickler`) this process's object."""

    def __init__(self, file, shared: tuple) -> None:
        super().__init__(file)
        self._shared = shared

    def find_class(self, module: str, name: str):
        if module == __name__ and name == "_shared":
            return self._shared.__getitem__
        return super().find_class(module, name)


def _apart_child(work: Callable, shared: tuple, fd: int, parent: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the whole group: the parent cleans up
        _die_with(parent)
        result, out = work(), io.BytesIO()
        with heap.paused_collection():  # pickling makes a tuple per object: collections would walk the whole heap
            _SharedPickler(out, shared).dump(result)
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(out.getbuffer())
        code = 0
    except BaseException:  # noqa: BLE001 — whatever it is, the parent does the work itself
        pass
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _die_with(parent: int) -> None:
    """Have the kernel end this copy when the process that forked it ends (killed, say), rather than let it work on
    for nobody, holding its parent's output open (Linux's ``PR_SET_PDEATHSIG``; elsewhere, nothing)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)


def _in_children(tasks: list, count: int, results: list, receive) -> None:
    readers: dict[int, tuple[int, bytearray]] = {}  # read end -> (child pid, bytes not yet a whole frame)
    with heap.out_of_sight():  # the objects now alive stay out of the children's collections: fewer pages copied on write
        for w in range(1, count):  # share 0 is this process's own
            read, write = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(read)
                os.close(write)
                break
            if pid == 0:  # the child: never returns
                os.close(read)
                _child(tasks, w, count, write)
            os.close(write)
            readers[read] = (pid, bytearray())
    finished = False
    try:
        with selectors.DefaultSelector() as selector:
            for read in readers:
                selector.register(read, selectors.EVENT_READ)
            for i in range(0, len(tasks), count):  # this process's share, taking in what has arrived after each task
                results[i] = tasks[i]()
                receive(results[i])
                _take(selector, readers, results, receive, timeout=0)
            while selector.get_map():
                _take(selector, readers, results, receive, timeout=None)
        finished = True
    finally:
        for read, (pid, _) in readers.items():
            _end(pid, stop=not finished)
            os.close(read)


def _child(tasks: list, w: int, count: int, fd: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the whole group: the parent cleans up
        with os.fdopen(fd, "wb", buffering=1 << 16) as out:
            for i in range(w, len(tasks), count):
                data = pickle.dumps((i, tasks[i]()), protocol=pickle.HIGHEST_PROTOCOL)
                out.write(_FRAME.pack(len(data)))
                out.write(data)
        code = 0
    except BaseException:  # noqa: BLE001 — whatever it is, the parent does the rest itself
        pass
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _take(selector: selectors.BaseSelector, readers: dict, results: list, receive, timeout: float | None) -> None:
    """Take in the whole results the children have sent (waiting up to ``timeout`` for the first; None: until one)."""
    for key, _ in selector.select(timeout):
        pending = readers[key.fd][1]
        chunk = os.read(key.fd, 1 << 20)
        if not chunk:  # the child is done (or gone): what it did not send is done again by the caller
            selector.unregister(key.fd)
            continue
        pending += chunk
        start = 0
        while len(pending) - start >= _FRAME.size:
            (size,) = _FRAME.unpack_from(pending, start)
            if len(pending) - start - _FRAME.size < size:
                break
            body = start + _FRAME.size
            i, result = pickle.loads(pending[body:body + size])
            results[i] = result
            receive(result)
            start = body + size
        del pending[:start]


def _end(pid: int, stop: bool) -> int | None:
    """Wait for a child and give its wait status (None: not known); when the parent stopped reading early
    (``stop``), end it first."""
    try:
        if stop:
            os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    except (ChildProcessError, ProcessLookupError):
        return None
