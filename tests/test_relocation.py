"""A checkout in another folder (maturity.settings.Settings.cache_key, maturity.verdicts, maturity.publish.rendered):
the build cache keys what it keeps by the repository's files, not by where the repository is.

A CI runner may check a repository out into a different folder from one job to the next (GitLab's self-managed
runners keep a folder per concurrent job) and restore the same cache there; a library caller may name the
repository by a relative path where the command line names it absolutely. Either way the same files must recall
the same verdicts and pages — and a copy must be judged by its own files only, never by those of the folder the
cache was filled in, which may still be there, unchanged, while the copy was edited.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, R, Repo
from maturity.cache import CheckedFiles
from maturity.publish import build_site
from maturity.repository import load_repository
from maturity.settings import load_settings

REPORTS = "assessments/2"


@pytest.fixture
def settled(monkeypatch):
    """Files written by the test just now count as settled."""
    monkeypatch.setattr(CheckedFiles, "SETTLED_NS", 0)


@pytest.fixture
def first(demo, tmp_path, monkeypatch) -> Repo:
    """The demo in a folder of its own, the working directory (paths in diagnostics as the command line shows them)."""
    root = tmp_path / "first"
    root.mkdir()
    for name in ("assessments", "evidence", "assessors.yml"):
        os.rename(demo.root / name, root / name)
    monkeypatch.chdir(root)
    return Repo(root)


def _build(repo: Repo, cache: bool = True, root: Path | None = None):
    """Load and build the site of ``repo`` (named by ``root`` when given: a relative path, say)."""
    settings = load_settings(root if root is not None else repo.root).with_overrides(cache=cache)
    loaded = load_repository(settings)
    return loaded, build_site(loaded)


def _said(loaded, site) -> tuple:
    """Every finding, every page and generated file, all of it."""
    pages = {p.src_uri: (p.title, p.toc, p.html, p.search_html, p.find_html, p.size) for p in site.pages}
    return ([d.as_dict() for d in loaded.diagnostics], sorted(loaded.unread),
            {a.id: repr(r) for a, r in ((a, loaded.results.get(a.id)) for a in loaded.assessments)},
            pages | {f"file:{a.path}": a.content for a in site.assets})


def _same_as_without_cache(repo: Repo, root: Path | None = None):
    loaded, site = _build(repo, root=root)
    assert _said(loaded, site) == _said(*_build(repo, cache=False, root=root))
    return loaded, site


def _warm(repo: Repo, restored: list[str]):
    """Two builds: the second recalls all it can. Its verdicts and the pages it took."""
    _build(repo)
    restored.clear()
    loaded, _ = _build(repo)
    assert loaded.recalled > 0 and any(t.startswith(REPORTS) for t in restored)
    return loaded.recalled, sorted(restored)


def _moved(repo: Repo, monkeypatch, name: str = "second") -> Repo:
    """The same repository, cache and all, moved to another folder (the same files, the same inodes)."""
    there = repo.root.with_name(name)
    os.rename(repo.root, there)
    monkeypatch.chdir(there)
    return Repo(there)


def _copied(repo: Repo, monkeypatch, name: str = "second") -> Repo:
    """A copy of the repository, cache and all, in another folder; the original stays where it was."""
    there = repo.root.with_name(name)
    shutil.copytree(repo.root, there, symlinks=True)
    monkeypatch.chdir(there)
    return Repo(there)


@pytest.mark.parametrize("how", [_moved, _copied], ids=["moved", "copied"])
def test_a_checkout_in_another_folder_recalls_every_verdict_and_page(first, settled, restored, monkeypatch, how):
    recalled, pages = _warm(first, restored)
    elsewhere = how(first, monkeypatch)
    restored.clear()
    loaded, _ = _same_as_without_cache(elsewhere)
    assert loaded.recalled == recalled
    assert sorted(restored) == pages


def test_a_relative_root_recalls_what_an_absolute_one_kept(first, settled, restored):
    """The command line names the repository absolutely; a library caller may name it by "."."""
    recalled, pages = _warm(first, restored)
    restored.clear()
    loaded, _ = _same_as_without_cache(first, root=Path("."))
    assert loaded.recalled == recalled and sorted(restored) == pages


def test_a_tool_installed_inside_the_checkout_moves_with_it(first, tmp_path, monkeypatch):
    """As the GitLab template installs it (``pip install -e .`` in the checkout): the built-in model's file is then in
    the checkout too, and what the keys say of it must not name the folder."""
    shutil.copytree(PROJECT / "plugins", first.root / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    time.sleep(CheckedFiles.SETTLED_NS / 1e9 + 0.2)  # the copy settles (a separate process: the rule is not patched)

    def check(root: Path) -> tuple[int, dict]:
        done = subprocess.run([sys.executable, "-m", "maturity.cli", "check", "--format", "json", "."], cwd=root,
                              env={**os.environ, "PYTHONPATH": str(root / "plugins")}, capture_output=True, text=True,
                              encoding="utf-8", timeout=300)
        said = json.loads(done.stdout)
        return said.pop("recalled"), said

    check(first.root)
    recalled, said = check(first.root)
    assert recalled == said["assessments"] > 0
    monkeypatch.chdir(tmp_path)
    there = tmp_path / "second"
    os.rename(first.root, there)
    assert check(there) == (recalled, said)


def _digest_broken(repo: Repo) -> None:
    """One registered digest made wrong, the register's size kept: MAT303 in a full run."""
    text = repo.read(R)
    at = text.index("sha256: ") + len("sha256: ")
    repo.write(R, text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1:])


def test_a_copy_is_judged_by_its_own_files_when_the_original_is_unchanged(first, settled, restored, monkeypatch):
    """The original, still there and unchanged, must lend nothing to an edited copy with the original's cache."""
    _warm(first, restored)
    copy = _copied(first, monkeypatch)
    _digest_broken(copy)
    loaded, _ = _same_as_without_cache(copy)
    assert any(d.code == "MAT303" for d in loaded.diagnostics)
    monkeypatch.chdir(first.root)
    recalled, _ = _same_as_without_cache(first)
    assert recalled.recalled > 0 and not any(d.code == "MAT303" for d in recalled.diagnostics)


def test_an_unchanged_copy_recalls_while_the_original_is_edited(first, settled, restored, monkeypatch):
    recalled, _ = _warm(first, restored)
    copy = _copied(first, monkeypatch)
    _digest_broken(first)
    assert _same_as_without_cache(copy)[0].recalled == recalled
    monkeypatch.chdir(first.root)
    loaded, _ = _same_as_without_cache(first)
    assert any(d.code == "MAT303" for d in loaded.diagnostics)


def test_the_settings_key_names_paths_as_the_options_do(tmp_path):
    """Where the repository is does not change the key; what its options name does: a model beside it, a private
    folder given absolutely (kept as it is: not part of the repository)."""
    def key(root: Path, options: str) -> str:
        root.mkdir(exist_ok=True)
        (root / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  - maturity:\n{options}", encoding="utf-8")
        return load_settings(root).cache_key()

    plain = "      build_date: 2026-11-30\n"
    assert key(tmp_path / "a", plain) == key(tmp_path / "b", plain)
    model = plain + "      model: ../models/m.yml\n"
    assert key(tmp_path / "a", model) == key(tmp_path / "b", model) != key(tmp_path / "a", plain)
    private = plain + f"      private_evidence_dir: {tmp_path / 'private'}\n"
    assert key(tmp_path / "a", private) == key(tmp_path / "b", private) != key(tmp_path / "a", plain)
    assert str(tmp_path / "private") in key(tmp_path / "a", private)
    assert str(tmp_path / "a") not in key(tmp_path / "a", model)


def test_an_evidence_items_repr_says_all_it_holds_but_where_its_file_is():
    """Pages are keyed by this repr: a field left out of it would let a page show a stale value."""
    import dataclasses
    import datetime as dt

    from maturity.data.evidence import EvidenceItem

    def item(path, **changes):
        fields = dict(id="E1", title="标题", method="interview", record_date=dt.date(2026, 1, 2),
                      collected=dt.date(2026, 1, 3), confidentiality="public", file="a.pdf", url="https://e.example",
                      sha256="a" * 64, description="说明", path=path, private=False, actual_sha256="b" * 64)
        return EvidenceItem(**(fields | changes))

    here, there = item(Path("/a/evidence/o/a.pdf")), item(Path("/b/evidence/o/a.pdf"))
    assert repr(here) == repr(there) and here != there
    assert repr(item(None)) != repr(here)
    others = {"id": "E2", "title": "题", "method": "observation", "record_date": dt.date(2026, 1, 1),
              "collected": dt.date(2026, 1, 1), "confidentiality": "internal", "file": "b.pdf", "url": None,
              "sha256": "c" * 64, "description": "另", "private": True, "actual_sha256": None}
    assert set(others) == {f.name for f in dataclasses.fields(EvidenceItem)} - {"path"}
    for name, value in others.items():
        assert repr(item(here.path, **{name: value})) != repr(here), name


def test_a_tool_installed_in_another_place_keeps_the_cache(first, tmp_path):
    """A CI runner's new Python installs the tool under a new path: the built-in model's file moves with it. Its text is
    in the tool's fingerprint; where it is must not be in the keys, or every verdict, page and history entry is lost."""
    for where in ("a", "b"):
        shutil.copytree(PROJECT / "plugins", tmp_path / where / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    time.sleep(CheckedFiles.SETTLED_NS / 1e9 + 0.2)

    def check(where: str) -> tuple[int, dict]:
        done = subprocess.run([sys.executable, "-m", "maturity.cli", "check", "--format", "json", "."], cwd=first.root,
                              env={**os.environ, "PYTHONPATH": str(tmp_path / where / "plugins")}, capture_output=True,
                              text=True, encoding="utf-8", timeout=300)
        said = json.loads(done.stdout)
        return said.pop("recalled"), said

    check("a")
    recalled, said = check("a")
    assert recalled == said["assessments"] > 0
    assert check("b") == (recalled, said)


def test_a_built_in_model_is_keyed_by_its_text_and_name_not_its_place(tmp_path):
    from maturity.data.model import load_model
    from maturity.data.registry import load_registry

    registry = load_registry(None)
    model = registry.default
    assert model.built_in and all(m.built_in for m in registry.models.values())
    copy = tmp_path / "elsewhere" / Path(model.source).name
    copy.parent.mkdir()
    shutil.copyfile(model.source, copy)
    moved, _ = load_model(copy, str(copy))
    moved.built_in = True
    assert moved.cache_text() == model.cache_text() and moved.source != model.source
    moved.built_in = False  # a model file of the site's own: where it is stays part of the key
    assert moved.cache_text() != model.cache_text()
    own = load_registry(copy)  # the same text named by the site as its own model file: not built in
    assert not own.default.built_in
