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
