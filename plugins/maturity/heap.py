"""Giving the memory this process has freed back to the system, before a memory-hungry child process starts.

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
