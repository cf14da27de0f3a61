"""Paths as diagnostics show them: each folder is resolved once per run, and the result is what resolving the whole
path gives (links followed in the folders, a link itself shown where it stands)."""

from __future__ import annotations

import os
from pathlib import Path

from maturity.repository import DisplayPath


def resolved_whole(path: Path, base: Path) -> str:
    """The definition: the whole path resolved (a link itself not followed), relative to the base."""
    target = path.absolute() if path.is_symlink() else path.resolve()
    return Path(os.path.relpath(target, base.resolve())).as_posix()


def test_display_equals_resolving_the_whole_path(tmp_path):
    base = tmp_path / "repo"
    (base / "assessments" / "a").mkdir(parents=True)
    (base / "assessments" / "a" / "assessment.yml").write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    (tmp_path / "elsewhere" / "scores.yml").write_text("x", encoding="utf-8")
    (base / "assessments" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (base / "assessments" / "a" / "link.yml").symlink_to(base / "assessments" / "a" / "assessment.yml")
    paths = [
        base / "assessments" / "a" / "assessment.yml",
        base / "assessments" / "a" / "missing.yml",
        base / "assessments" / "linked" / "scores.yml",  # a folder that is a link: followed
        base / "assessments" / "linked" / "deeper" / "x.yml",  # a folder inside one
        base / "assessments" / "gone" / "deeper" / "x.yml",  # folders that are not there
        base / "assessments" / "a" / "link.yml",  # a file that is a link: shown where it stands
        base / "assessments" / "a" / ".." / "a" / "assessment.yml",
        base / "assessments" / "a" / "..",
        base,
        tmp_path / "elsewhere" / "scores.yml",  # outside the base
    ]
    display = DisplayPath(base)
    for _ in range(2):  # the second time from the folders it has resolved
        for path in paths:
            assert display(path) == resolved_whole(path, base), path


def test_folders_are_resolved_from_their_parents_once_per_run(tmp_path, monkeypatch):
    """Sibling folders that are not links cost a lstat each, not a resolution of their whole path."""
    base = tmp_path / "repo"
    folders = [base / "assessments" / f"a{i}" for i in range(50)]
    for folder in folders:
        folder.mkdir(parents=True)
    calls = []
    original = Path.resolve
    monkeypatch.setattr(Path, "resolve", lambda self, *a, **k: calls.append(self) or original(self, *a, **k))
    display = DisplayPath(base)
    calls.clear()
    shown = [display(folder / name) for folder in folders for name in ("assessment.yml", "scores.yml")]
    assert shown == [f"assessments/a{i}/{name}" for i in range(50) for name in ("assessment.yml", "scores.yml")]
    assert len(calls) <= 1, calls  # the file system's root, where the walk up ends
