"""Writing files safely: a write either happens whole or not at all."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, line ends as given) to ``path`` through a temporary file and a rename, so a crash loses nothing."""
    if not isinstance(text, str):
        raise TypeError(f"write_atomic expects text, not {type(text).__name__}")
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename, so a crash loses nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # mkstemp makes the file 0600: keep the old file's permissions, or give a new one the usual ones
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _link_new(tmp: str, dest: Path) -> None:
    """Give the finished temporary file ``tmp`` the name ``dest``, which must not exist (FileExistsError).

    A hard link fails when ``dest`` exists, even if it appeared meanwhile (a file, a folder, a dangling
    link); on a file system without hard links: check, then rename.
    """
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(dest):
            raise FileExistsError(dest) from None
        os.replace(tmp, dest)


def _create_new(dest: Path, fill) -> None:
    """Create ``dest``, which must not exist: ``fill(f)`` writes the bytes into a temporary file beside it, which
    then takes the name. A crash leaves no half-written ``dest``; nothing is ever replaced."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), 0o666 & ~_umask())
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        _link_new(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)


def copy_new(src: Path, dest: Path) -> str:
    """Copy ``src`` to ``dest``, which must not exist (FileExistsError, also in a race); the sha256 of the bytes."""
    import hashlib

    h = hashlib.sha256()

    def fill(f) -> None:
        with src.open("rb") as source:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                h.update(chunk)
                f.write(chunk)

    _create_new(dest, fill)
    return h.hexdigest()


def write_new(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, which must not exist (FileExistsError otherwise, also in a race).

    Like :func:`write_atomic`, the file appears whole or not at all; unlike it, nothing is ever replaced.
    """
    data = text.encode("utf-8")
    _create_new(path, lambda f: f.write(data))
