"""Reading a git repository through the ``git`` command: revisions, logs and file contents.

Only plumbing the project needs; no third-party git library. Every failure becomes a
:class:`GitError` with a message for the user, never a traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """git is missing, the folder is not a repository, or a revision does not exist."""


# Paths as they are, in UTF-8: by default git writes a name with a byte above 0x7f as a quoted octal escape
# ("\350\257\204…"), so a folder named in Chinese (``assessments_dir: 评估``) would match nothing it logs.
UNQUOTED = ("-c", "core.quotePath=false")


def _run(root: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(root), *UNQUOTED, *args], input=input, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("找不到 git 命令。git is not installed.") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])} 失败：{message[-1] if message else proc.returncode}")
    return proc.stdout


def clean_objects(root: Path) -> dict[str, str]:
    """The object id of each file under ``root`` that git holds unchanged in the working tree — its index entry, when
    the file's stat still matches it as ``git status`` compares them (git compares the bytes of a racily clean one) — by
    path (``root`` joined with its name, as :mod:`pathlib` joins them); {} where git cannot tell (no git, not a repository).

    What a fresh checkout knows of every file it wrote without reading one: the object id is made from the bytes."""
    try:
        staged = _run(root, "ls-files", "--stage", "-z")
        changed = set(_run(root, "diff-files", "--name-only", "--relative", "-z").split(b"\0"))
    except GitError:
        return {}
    found = {}
    base = str(root)
    base = "" if base == "." else base  # as pathlib joins: "." / name is name, the way the checks name the file
    for entry in staged.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        fields = meta.split(b" ")
        # a regular file, not in a conflict (stage 0), not changed in the working tree
        if len(fields) == 3 and fields[0] in (b"100644", b"100755") and fields[2] == b"0" and name not in changed:
            found[os.path.join(base, os.fsdecode(name))] = fields[1].decode("ascii")
    return found


def toplevel(path: Path) -> Path:
    return Path(_run(path, "rev-parse", "--show-toplevel").decode().strip())


def resolve(root: Path, revision: str) -> str:
    """The commit id of ``revision`` (a branch, tag, hash or expression like HEAD~1)."""
    try:
        return _run(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except GitError as exc:
        raise GitError(f"找不到版本“{revision}”。Unknown revision.") from exc


def is_shallow(root: Path) -> bool:
    return _run(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"


def head_commit(root: Path) -> str | None:
    try:
        return _run(root, "rev-parse", "HEAD").decode().strip()
    except GitError:
        return None


def export(root: Path, revision: str, paths: list[str], dest: Path) -> None:
    """Write the files under ``paths`` as they are at ``revision`` into ``dest``."""
    existing = [p for p in paths if _run(root, "ls-tree", "--name-only", revision, "--", p).strip()]
    if not existing:
        return
    data = _run(root, "archive", "--format=tar", revision, "--", *existing)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


@dataclass(frozen=True)
class Commit:
    id: str
    date: str  # YYYY-MM-DD, author date
    author: str
    subject: str
    paths: tuple[str, ...]  # the paths it changed under the folder asked for


def log(root: Path, folder: str) -> list[Commit]:
    """Every commit that changed something under ``folder``, newest first, with the paths it changed."""
    try:
        raw = _run(root, "log", "--format=%x1e%H%x1f%ad%x1f%an%x1f%s", "--date=short", "--name-only", "--", folder)
    except GitError:
        return []
    commits = []
    for record in raw.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        cid, date, author, subject = head.split("\x1f", 3)
        commits.append(Commit(cid, date, author, subject, tuple(n for n in names.splitlines() if n)))
    return commits


def versions(root: Path, pathspec: str) -> dict[str, list[tuple[str, str]]]:
    """Every committed version of the files matching ``pathspec``: path -> [(commit, date)], oldest first.

    One ``git log`` for all of them; a deleted file's last entry has no blob (read returns None).
    """
    try:
        raw = _run(root, "log", "--reverse", "--format=%x1e%H%x1f%ad", "--date=short", "--name-only", "--", pathspec)
    except GitError:
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for record in raw.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        commit, date = head.split("\x1f", 1)
        for name in names.splitlines():
            if name:
                out.setdefault(name, []).append((commit, date))
    return out


def parents(root: Path, commit: str) -> list[str]:
    return _run(root, "rev-list", "--parents", "-n", "1", commit).decode().split()[1:]


# What the answers to one round of object-id questions may add up to: half a pipe's 64 KiB buffer. An answer is
# "<id> <type> <size>" or "<spec> missing", so at most the question plus ANSWER_EXTRA bytes.
ANSWER_BUDGET = 32 * 1024
ANSWER_EXTRA = 100


class BlobReader:
    """Reads many ``revision:path`` blobs through one ``git cat-file --batch`` process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.check: subprocess.Popen | None = None  # `git cat-file --batch-check`, started when first asked
        self.proc = subprocess.Popen(["git", "-C", str(root), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def read(self, revision: str, path: str) -> bytes | None:
        return self.read_object(f"{revision}:{path}")

    def read_object(self, spec: str) -> bytes | None:
        """The blob named by ``spec`` (an object id, or ``revision:path``); None when there is none."""
        self.proc.stdin.write(f"{spec}\n".encode())
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().decode().split()
        if len(header) < 3 or header[1] == "missing":
            return None
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)  # the newline after each blob
        return data if header[1] == "blob" else None

    def folders(self, spec: str) -> dict[str, str] | None:
        """The folders in the tree named by ``spec`` (``revision:path``): name -> the folder's tree id; None when
        ``spec`` names no tree. One read of the tree, to look paths up in its folders (``<tree id>:<name>``): git reads
        the whole tree again for each ``revision:path/…`` asked."""
        self.proc.stdin.write(f"{spec}\n".encode())
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().decode().split()
        if len(header) != 3 or header[-1] == "missing":
            return None
        data = self.proc.stdout.read(int(header[2]))
        self.proc.stdout.read(1)  # the newline after each object
        if header[1] != "tree":
            return None
        width = len(header[0]) // 2  # an id's bytes in the tree: 20 (SHA-1) or 32 (SHA-256)
        found, at = {}, 0
        while at < len(data):  # entries "<mode> <name>\0<id>"
            space = data.index(b" ", at)
            end = data.index(b"\0", space)
            if data[at:space] == b"40000":
                try:  # a name that is not UTF-8 is not looked up here: as "replaced" text two such names could be one
                    found[data[space + 1:end].decode("utf-8")] = data[end + 1:end + 1 + width].hex()
                except UnicodeDecodeError:
                    pass
            at = end + 1 + width
        return found

    def object_ids(self, specs: list[str]) -> list[str | None]:
        """The id of the blob named by each ``revision:path`` (None: no such blob), without reading it; asked for
        many at a time: one round trip per chunk rather than per blob. A chunk's answers fit in the pipe, so
        writing never blocks. A spec with a line break is not asked (None): git reads one question per line, and
        such a spec would shift every answer after it."""
        if self.check is None:
            self.check = subprocess.Popen(["git", "-C", str(self.root), "cat-file", "--batch-check"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        asked = [spec for spec in specs if "\n" not in spec]
        answers = iter(self._ask_all(asked))
        return [None if "\n" in spec else next(answers) for spec in specs]

    def _ask_all(self, specs: list[str]) -> list[str | None]:
        out: list[str | None] = []
        chunk: list[bytes] = []
        budget = 0
        for spec in specs:
            line = f"{spec}\n".encode()
            if chunk and budget + len(line) + ANSWER_EXTRA > ANSWER_BUDGET:
                out += self._ask(chunk)
                chunk, budget = [], 0
            chunk.append(line)
            budget += len(line) + ANSWER_EXTRA
        return out + (self._ask(chunk) if chunk else [])

    def _ask(self, lines: list[bytes]) -> list[str | None]:
        self.check.stdin.write(b"".join(lines))
        self.check.stdin.flush()
        answers = (self.check.stdout.readline().decode().split() for _ in lines)
        return [a[0] if len(a) >= 3 and a[1] == "blob" else None for a in answers]

    def close(self) -> None:
        for proc in (self.proc, self.check):
            if proc is None:
                continue
            if proc.stdin:
                proc.stdin.close()
            proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def last_commit_adding(root: Path, text: str, path: str) -> str | None:
    """The newest commit that added ``text`` to the file at ``path`` (git log -S)."""
    try:
        out = _run(root, "log", "-S", text, "--format=%H", "--", path).decode().split()
    except GitError:
        return None
    for commit in out:  # newest first: the first one where the text is present afterwards
        blob = _run(root, "show", f"{commit}:{path}") if _exists(root, commit, path) else b""
        if text.encode() in blob:
            return commit
    return None


def _exists(root: Path, commit: str, path: str) -> bool:
    try:
        return bool(_run(root, "ls-tree", "--name-only", commit, "--", path).strip())
    except GitError:
        return False
