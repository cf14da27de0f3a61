"""Where throw-away files go (:mod:`maturity.publish.scratch`): a memory file system only with room in it and in memory.

The candidate folder here is a test's own temporary folder, so the rules are tried on a real file system without
filling the machine's ``/dev/shm``."""

from __future__ import annotations

import os

from maturity.publish import scratch

GB = 1 << 30


def test_a_folder_with_room_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("TMPDIR", raising=False)
    assert scratch.folder(10_000, 20, str(tmp_path), available=GB) == str(tmp_path)


def test_not_without_room_for_the_files_twice_over(tmp_path, monkeypatch):
    monkeypatch.delenv("TMPDIR", raising=False)
    st = os.statvfs(tmp_path)
    half = st.f_bavail * st.f_frsize // 2
    margin = 64 << 20  # other processes may free some room between this look and the function's own
    assert scratch.folder(half // 2, 1, str(tmp_path), available=1 << 62) == str(tmp_path)
    assert scratch.folder(half + margin, 1, str(tmp_path), available=1 << 62) is None
    if st.f_files:  # inodes counted too: thousands of small files can run out of them first
        assert scratch.folder(0, st.f_favail // 2 + 50_000, str(tmp_path), available=1 << 62) is None


def test_not_beyond_a_quarter_of_the_memory_available(tmp_path, monkeypatch):
    monkeypatch.delenv("TMPDIR", raising=False)
    available = 4 << 20
    assert scratch.folder(available // 4, 10, str(tmp_path), available=available) == str(tmp_path)
    assert scratch.folder(available // 4 + 1, 10, str(tmp_path), available=available) is None


def test_not_where_there_is_no_such_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("TMPDIR", raising=False)
    assert scratch.folder(10, 1, str(tmp_path / "missing"), available=GB) is None


def test_an_explicit_tmpdir_stands(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert scratch.folder(10, 1, str(tmp_path), available=GB) is None


def test_the_memory_available_is_read_from_the_system():
    available = scratch.memory_available()
    if os.path.exists("/proc/meminfo"):
        assert available is not None and 0 < available
    else:
        assert available is None
