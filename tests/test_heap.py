"""Freed memory given back to the system before Pagefind starts (:mod:`maturity.heap`), measured on this process."""

from __future__ import annotations

import ctypes
import sys

import pytest

from maturity import heap


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def _has_malloc_trim() -> bool:
    try:
        ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return False
    return True


@pytest.mark.skipif(not (sys.platform.startswith("linux") and _has_malloc_trim()), reason="glibc's malloc_trim only")
def test_the_freed_heap_goes_back_to_the_system():
    # 64 MiB in 16 KiB blocks (on malloc's heap: above Python's small-object allocator, below the mmap threshold),
    # each followed by a small block that stays: the freed ones are holes inside the heap, which free() alone keeps
    # (measured: 0.2 MiB of 64 came back) and malloc_trim returns.
    heap.give_back()
    freed, kept = [], []
    for i in range(4096):
        freed.append(bytes(16384) + i.to_bytes(4, "little"))
        kept.append(bytes(600) + i.to_bytes(4, "little"))
    held = _rss_kib()
    del freed
    assert heap.give_back()
    assert held - _rss_kib() > 32 * 1024, "less than half of the 64 MiB freed came back"
    assert len(kept) == 4096


def test_without_the_call_nothing_happens(monkeypatch):
    class NoTrim:
        def __init__(self, name):
            pass

    monkeypatch.setattr(heap.ctypes, "CDLL", NoTrim)
    assert heap.give_back() is False


def test_the_collector_is_paused_for_the_block_and_restored_however_it_ends():
    import gc

    assert gc.isenabled()
    with heap.paused_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError):
        with heap.paused_collection():
            raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that had it off keeps it off
        with heap.paused_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_repository_is_read_with_the_collector_paused(demo, monkeypatch):
    """Reading the data makes objects that live on and next to no cycles: the collector would only scan them."""
    import gc

    from maturity import repository

    seen = []
    real = repository.read_assessment
    monkeypatch.setattr(repository, "read_assessment", lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    demo.load()
    assert seen and not any(seen)
    assert gc.isenabled()


def test_out_of_sight_for_the_block_and_back_however_it_ends():
    import gc

    assert gc.get_freeze_count() == 0
    kept = [[i] for i in range(1000)]  # tracked containers, alive through the block
    with heap.out_of_sight():
        assert gc.get_freeze_count() >= len(kept)
        made = [[i] for i in range(10)]
        with heap.out_of_sight():  # an inner block (the forked renderers) leaves everything out of sight
            assert gc.get_freeze_count() >= len(kept) + len(made)
        assert gc.get_freeze_count() >= len(kept) + len(made), "the inner block brought the outer one's objects back"
    assert gc.get_freeze_count() == 0
    with pytest.raises(KeyError):
        with heap.out_of_sight():
            raise KeyError("x")
    assert gc.get_freeze_count() == 0


def test_cycles_made_out_of_sight_are_collected_after():
    """A cycle left over from the block is garbage the collector finds once the block has ended (no leak across
    `mkdocs serve` rebuilds)."""
    import gc
    import weakref

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    with heap.out_of_sight():
        del a, b
        gc.collect()
        assert gone() is not None  # out of sight: not collected
    gc.collect()
    assert gone() is None


def test_the_site_is_made_with_the_repository_out_of_sight(demo):
    """Between reading the data and the site made from it, no collection walks the data (maturity.gate.prepare)."""
    import gc

    from maturity import gate
    from maturity.settings import load_settings

    during = []

    def history(*_):  # called by prepare between the load and the build
        during.append(gc.get_freeze_count())
        return None, None

    publication = gate.prepare(load_settings(demo.root), display_base=demo.root, history=history)
    assert publication.site is not None and publication.site.pages
    assert during and during[0] > 10_000, "the repository's objects were not out of sight"
    assert gc.get_freeze_count() == 0


def test_what_a_paused_block_made_out_of_sight_stays_out_of_sight_after_it():
    """With the collector off, what the block made sits in the youngest generation; the first collection after would
    walk all of it. Within an out_of_sight block it is put out of sight instead; elsewhere nothing is frozen."""
    import gc

    with heap.out_of_sight():
        before = gc.get_freeze_count()
        with heap.paused_collection():
            made = [[i] for i in range(5000)]
        assert gc.get_freeze_count() >= before + len(made)
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    with heap.paused_collection():
        more = [[i] for i in range(100)]
    assert gc.get_freeze_count() == 0 and len(more) == 100
