"""Where a build writes files that nobody keeps: a memory file system when it has room, else the temporary folder.

Pagefind's documents (:mod:`maturity.publish.pagefind`) and the site ``maturity check`` writes to see that it can
be written (:func:`maturity.gate.check`) are thousands of small files, deleted as soon as they are made. Making a
file or folder on this machine's disk costs up to a millisecond each (docs/performance.md#scratch); in Linux's
memory file system it costs next to nothing. But that file system takes its room from memory, so it is used only
when the files fit in it twice over and in a quarter of the memory the system has available; a container's
``/dev/shm`` is often 64 MB. An explicit ``TMPDIR`` is the user's choice and always stands.
"""

from __future__ import annotations

import os

MEMORY_FS = "/dev/shm"


def folder(need_bytes: int, need_files: int, candidate: str = MEMORY_FS, available: int | None = None) -> str | None:
    """``candidate`` for ``need_files`` files (and folders) of ``need_bytes`` bytes in all, or None for the system's
    temporary folder. ``available``: the memory the system has available, in bytes (None: read it)."""
    if os.environ.get("TMPDIR"):
        return None
    try:
        st = os.statvfs(candidate)
    except (OSError, AttributeError):  # no such folder, or not a POSIX system
        return None
    blocks = -(-need_bytes // (st.f_frsize or 4096)) + need_files  # each file rounds up to a whole block
    if not os.access(candidate, os.W_OK | os.X_OK) or st.f_bavail < 2 * blocks or (st.f_files and st.f_favail < 2 * need_files):
        return None
    available = memory_available() if available is None else available
    if available is None or 4 * need_bytes > available:
        return None
    return candidate


def memory_available() -> int | None:
    """The memory the system can give without swapping (Linux's ``MemAvailable``), in bytes; None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None
