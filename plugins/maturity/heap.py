"""How this process manages its memory: the collector paused while the data are read, freed memory given back.

:func:`paused_collection`: reading a repository makes millions of objects that live on (records, scores, evidence
items) and next to no reference cycles. Python's cycle collector runs over every live object again and again as
they accumulate, finding nothing: a quarter of a warm load at N = 10,000 (24 s, 18 s with it paused;
docs/performance.md#gc). Paused for the load and resumed after it, the few cycles made meanwhile (some tens of
objects) are collected then.

:func:`give_back`: giving the memory this process has freed back to the system, before a memory-hungry child
process starts.

Reading a national repository's data takes the build process to some 870 MiB (N = 10,000); once the data are let
go, the C library keeps much of the freed heap for later use, and the process still counts it. Pagefind then
builds its whole index in memory beside it (docs/performance.md#heap). glibc's ``malloc_trim`` returns the free
pages at once: measured at N = 10,000, the build process held 754 MiB instead of 800 MiB while Pagefind ran. Where
the C library has no such call (musl, macOS, Windows) nothing happens. Memory that Python's own allocator holds in
partly used arenas cannot be given back this way.
"""

from __future__ import annotations

import ctypes
import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def out_of_sight() -> Iterator[None]:
    """Every object that exists now left out of the collector's passes for the block, and back in its sight after.

    For the data a site is made from: once read it lives until the site is made, and every full collection would
    walk all of it again, finding nothing (a tenth of a warm ``maturity check`` at N = 10,000). A process forked
    meanwhile (the pages rendered on every core) does not walk it either, so the pages it shares with the parent
    are not copied by the walk. The few cycles among those objects are collected after the block, once back in
    sight. In a block within another, what is made meanwhile is put out of sight too, and everything comes back
    when the outermost block ends (or never, when something else had put objects out of sight before)."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


@contextmanager
def paused_collection() -> Iterator[None]:
    """The cycle collector off for the block (if it was on), and on again after it, however the block ends.

    Within an :func:`out_of_sight` block, what the block made is put out of sight too before the collector is on
    again: with the collector off, every object made stays in the youngest generation, and the first collection
    after would walk all of them (0.6 s of a warm ``maturity check`` at N = 10,000, for the millions of objects of
    the data read; docs/performance.md#young-generation)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count():  # in an out_of_sight block, which brings everything back when it ends
            gc.freeze()
        if was_on:
            gc.enable()


def give_back() -> bool:
    """Collect garbage, then return the C library's free heap to the system; False where that cannot be done."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the symbols already loaded: the C library's among them
    except (OSError, AttributeError, TypeError):  # no such call, or (Windows) no such way to ask
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    return True
