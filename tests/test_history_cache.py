"""Less work per build, same output: evidence folders walked once, the git history kept on disk by
object id (docs/performance.md, 2026-11-30)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace

import pytest

import maturity.cache
from maturity.data import parallel
from conftest import PROJECT
from maturity.data.registry import load_registry
from maturity.exchange import history as history_mod
from maturity.exchange.history import load_history
from maturity.repository import load_repository

# --- evidence: one lstat per part, folders once ------------------------------------------------------------------

def test_evidence_files_found_and_symlinks_refused_with_the_folder_walk_shared(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(PROJECT / "assessments", root / "assessments")
    shutil.copytree(PROJECT / "evidence", root / "evidence")
    shutil.copy2(PROJECT / "assessors.yml", root / "assessors.yml")
    before = load_repository(root, display_base=root)
    assert not [d for d in before.diagnostics if d.code.startswith(("MAT302", "MAT305"))]
    folder = next(p for p in (root / "evidence").iterdir() if (p / "files").is_dir())
    target = next(f for f in sorted((folder / "files").iterdir()) if f.is_file())
    moved = tmp_path / "elsewhere"
    target.rename(moved)
    target.symlink_to(moved)
    after = load_repository(root, display_base=root)
    assert [d.code for d in after.diagnostics if d.code.startswith("MAT305")]
    target.unlink()
    target.mkdir()
    again = load_repository(root, display_base=root)
    assert any(d.code.startswith("MAT302") for d in again.diagnostics)  # a folder where the file was


# --- the git history cache ----------------------------------------------------------------------------------------

git_workflow = pytest.importorskip("test_git_workflow")


def _changes(history):
    return {aid: [(c.commit, c.before, c.after) for c in seq] for aid, seq in history.changes.items()}


def _git_repo(tmp_path, monkeypatch):
    """The demo in a git repository, with one more commit changing a score."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = git_workflow.init_repo(tmp_path / "repo")
    git_workflow.set_score(root, git_workflow.XINXI_S, "SS-DM-1-01", "1", "0.8")
    git_workflow.commit(root, "调整 SS-DM-1-01")
    return root


def _scored(monkeypatch) -> list:
    """The folders of the versions this process scores from now on."""
    calls = []
    real = history_mod._score
    monkeypatch.setattr(history_mod, "_score", lambda *args: calls.append(args[3]) or real(*args))
    return calls


def test_history_cache_scores_each_version_once_and_detects_bad_files(tmp_path, monkeypatch):
    root = _git_repo(tmp_path, monkeypatch)
    models = load_registry(None)
    calls = _scored(monkeypatch)

    cold = load_history(root, models)
    versions = len(calls)
    assert versions > 2 and cold.available
    cache = root / ".cache" / "maturity"
    files = list(cache.glob("history-*.json"))
    assert len(files) == 1 and (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert git_workflow.git(root, "status", "--porcelain").strip() == ""  # the cache ignores itself

    calls.clear()
    warm = load_history(root, models)
    assert calls == [] and _changes(warm) == _changes(cold)

    # one more commit: only the new version is scored
    git_workflow.set_score(root, git_workflow.XINXI_S, "SS-DM-1-02", "1", "0.5")
    git_workflow.commit(root, "调整 SS-DM-1-02")
    calls.clear()
    grown = load_history(root, models)
    assert len(calls) == 1 and len(grown.changes[git_workflow.XINXI_ID]) == len(cold.changes[git_workflow.XINXI_ID]) + 1

    reference = _changes(grown)
    for broken in ("{not json", json.dumps({"format": 999, "entries": {}}), "",
                   json.dumps({"format": history_mod.CACHE_FORMAT, "models": "another", "entries": {}})):
        files[0].write_text(broken, encoding="utf-8")
        calls.clear()
        assert _changes(load_history(root, models)) == reference and len(calls) == versions + 1, broken
    # an entry edited into nonsense is scored again, the others are used
    saved = json.loads(files[0].read_text(encoding="utf-8"))
    key = next(iter(saved["entries"]))
    saved["entries"][key] = ["x", 5]
    files[0].write_text(json.dumps(saved), encoding="utf-8")
    calls.clear()
    assert _changes(load_history(root, models)) == reference and len(calls) == 1

    # other models: the whole file is for other scores and is ignored
    other = load_registry(None)
    other.default = replace(other.default, threshold=other.default.threshold / 2)
    calls.clear()
    load_history(root, other)
    assert len(calls) == versions + 1

    # deleted: rebuilt; unwritable: the history is still read
    shutil.rmtree(root / ".cache")
    assert _changes(load_history(root, models)) == reference
    monkeypatch.setattr(maturity.cache, "CACHE_DIR", "assessors.yml/cannot")
    assert _changes(load_history(root, models)) == reference


# --- the git history: the working tree's versions reused, the rest scored on every core ---------------------------

def _history_repo(tmp_path, monkeypatch):
    """A repository whose history holds several versions of one assessment, the newest of them uncommitted."""
    root = _git_repo(tmp_path, monkeypatch)
    git_workflow.set_score(root, git_workflow.ZIXUN_S, "SS-DM-1-01", "1", "0.5")
    git_workflow.commit(root, "调整咨询的 SS-DM-1-01")
    git_workflow.set_score(root, git_workflow.XINXI_S, "SS-DM-1-02", "1", "0.5")  # not committed
    return root


def test_versions_the_build_has_just_scored_are_not_scored_again_and_give_the_same_history(tmp_path, monkeypatch):
    root = _history_repo(tmp_path, monkeypatch)
    repo = load_repository(root, display_base=root)
    calls = _scored(monkeypatch)
    plain = load_history(root, repo.registry, cached=False)
    every = len(calls)
    calls.clear()
    current = lambda algorithm: history_mod.WorkingTree(repo.assessments, repo.results, algorithm)  # noqa: E731
    seeded = load_history(root, repo.registry, cached=False, current=current)
    assert _changes(seeded) == _changes(plain) and plain.changes
    committed = {a.id for a in repo.assessments} - {git_workflow.XINXI_ID}  # its working tree is not in git
    assert every - len(calls) == len(committed) and len(calls) < every


def test_an_older_version_with_the_working_trees_record_takes_its_checked_data(tmp_path, monkeypatch):
    """Scores changed, record not: the old version is scored with the record the build read, not parsed again."""
    root = _history_repo(tmp_path, monkeypatch)
    repo = load_repository(root, display_base=root)
    plain = load_history(root, repo.registry, cached=False)
    parsed, scored = [], []
    real_parse, real_score = history_mod.parse_yaml, history_mod._score
    monkeypatch.setattr(history_mod, "parse_yaml", lambda text, path: parsed.append(path) or real_parse(text, path))
    monkeypatch.setattr(history_mod, "_score", lambda *args: scored.append(args) or real_score(*args))
    only_records = lambda algorithm: history_mod.WorkingTree(repo.assessments, {}, algorithm)  # noqa: E731 (no results: no versions)
    reused = load_history(root, repo.registry, cached=False, current=only_records)
    assert _changes(reused) == _changes(plain) and plain.changes
    from_tree = [args for args in scored if isinstance(args[1], dict)]  # (models, record, scores, folder)
    assert len(from_tree) == len(scored) > 0, "the demo's records never changed: every version takes the tree's"
    assert not [p for p in parsed if p.endswith("/assessment.yml")] and parsed, "scores files are still parsed"


def test_a_record_changed_in_the_working_tree_is_not_lent_to_older_versions(tmp_path, monkeypatch):
    """Only the exact bytes lend their data: older versions are scored with the records git holds."""
    root = _history_repo(tmp_path, monkeypatch)
    record = root / git_workflow.XINXI_S.replace("scores.yml", "assessment.yml")
    text = record.read_text(encoding="utf-8")
    assert "applied_level: 1\n" in text
    record.write_text(text.replace("applied_level: 1\n", "applied_level: 2\n"), encoding="utf-8")  # not committed
    repo = load_repository(root, display_base=root)
    plain = load_history(root, repo.registry, cached=False)
    parsed = []
    real_parse = history_mod.parse_yaml
    monkeypatch.setattr(history_mod, "parse_yaml", lambda text, path: parsed.append(path) or real_parse(text, path))
    current = lambda algorithm: history_mod.WorkingTree(repo.assessments, repo.results, algorithm)  # noqa: E731
    assert _changes(load_history(root, repo.registry, cached=False, current=current)) == _changes(plain)
    assert f"assessments/{git_workflow.XINXI_ID}/assessment.yml" in parsed, "its older versions read their record from git"
    committed = git_workflow.git(root, "rev-parse", f"HEAD:{record.relative_to(root).as_posix()}").strip()
    assert history_mod.WorkingTree(repo.assessments, repo.results, "sha1").record(git_workflow.XINXI_ID, committed) is None


def test_a_shared_id_or_an_unscored_assessment_is_never_taken_from_the_working_tree(tmp_path, monkeypatch):
    root = _history_repo(tmp_path, monkeypatch)
    repo = load_repository(root, display_base=root)
    known = working_versions(repo.assessments, repo.results)
    assert len(known) == len(repo.assessments)
    twice = repo.assessments + [repo.assessments[0]]  # a copied folder: two versions under one id
    assert len(working_versions(twice, repo.results)) == len(known) - 1
    aid = repo.assessments[0].id
    assert len(working_versions(repo.assessments, {k: v for k, v in repo.results.items() if k != aid})) == len(known) - 1


def working_versions(assessments, results) -> dict:
    """What :class:`WorkingTree` gives for each folder's own files (its version key made from the texts read)."""
    tree = history_mod.WorkingTree(assessments, results, "sha1")
    out = {}
    for a in assessments:
        key = f"{history_mod.blob_id(a.record_doc.text)}:{history_mod.blob_id(a.scores_doc.text)}"
        if (found := tree.version(a.folder.name, key)) is not None:
            out[a.folder.name] = found
    return out


def test_only_the_folders_the_history_asks_about_are_read(tmp_path, monkeypatch):
    """A build after one commit hashes one folder's files, not the whole working tree's."""
    root = _history_repo(tmp_path, monkeypatch)
    repo = load_repository(root, display_base=root)
    load_history(root, repo.registry)  # the cache now holds every committed version
    git_workflow.commit(root, "提交信息的改动")  # the working tree's change to SS-DM-1-02 becomes a version
    hashed = []
    real = history_mod.blob_id
    monkeypatch.setattr(history_mod, "blob_id", lambda text, algorithm="sha1": hashed.append(text) or real(text, algorithm))
    current = lambda algorithm: history_mod.WorkingTree(repo.assessments, repo.results, algorithm)  # noqa: E731
    assert _changes(load_history(root, repo.registry, current=current)) == _changes(load_history(root, repo.registry, cached=False))
    xinxi = next(a for a in repo.assessments if a.id == git_workflow.XINXI_ID)
    assert sorted(hashed) == sorted([xinxi.record_doc.text, xinxi.scores_doc.text])


def test_the_history_scored_in_worker_processes_is_the_history_scored_here(tmp_path, monkeypatch):
    root = _history_repo(tmp_path, monkeypatch)
    models = load_registry(None)
    alone = load_history(root, models, cached=False)
    monkeypatch.setattr(history_mod, "MIN_VERSIONS", 1)
    monkeypatch.setattr(history_mod, "BATCH", 2)
    calls = _scored(monkeypatch)  # counts only what this process scores: the workers import their own
    pooled = load_history(root, models, cached=False, jobs=2)
    assert _changes(pooled) == _changes(alone) and calls == []


def test_a_pool_that_breaks_leaves_the_history_to_this_process(tmp_path, monkeypatch):
    root = _history_repo(tmp_path, monkeypatch)
    models = load_registry(None)
    alone = load_history(root, models, cached=False)

    class Broken(parallel.ProcessPoolExecutor):
        def submit(self, *args, **kwargs):
            raise OSError("no processes here")

    monkeypatch.setattr(history_mod, "MIN_VERSIONS", 1)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Broken)
    calls = _scored(monkeypatch)
    assert _changes(load_history(root, models, cached=False, jobs=2)) == _changes(alone) and calls


def test_object_ids_asked_in_rounds_are_the_ids_git_gives(tmp_path, monkeypatch):
    root = _history_repo(tmp_path, monkeypatch)
    from maturity.exchange import gitrepo

    long_missing = "HEAD:" + "目录/" * 300 + "没有.yml"  # an answer that echoes a long question
    broken = f"HEAD:{git_workflow.ZIXUN}\n/scores.yml"  # a line break would shift every later answer
    specs = [f"HEAD:{git_workflow.ZIXUN_S}", "HEAD:assessments/none/scores.yml", long_missing, broken,
             f"HEAD~1:{git_workflow.XINXI_S}"] * 40
    expected = [git_workflow.git(root, "rev-parse", specs[0]).strip(), None, None, None,
                git_workflow.git(root, "rev-parse", specs[4]).strip()] * 40
    monkeypatch.setattr(gitrepo, "ANSWER_BUDGET", 1500)  # many rounds
    with gitrepo.BlobReader(root) as blobs:
        assert blobs.object_ids(specs) == expected


def test_an_assessments_folder_named_in_chinese_has_the_same_history(tmp_path, monkeypatch):
    """git quotes a non-ASCII name in what it logs unless told not to; the history must find the folder all the same."""
    ascii_root = _git_repo(tmp_path / "ascii", monkeypatch)
    chinese_root = tmp_path / "chinese"
    chinese_root.mkdir()
    shutil.copytree(ascii_root / "assessments", chinese_root / "评估")
    shutil.copytree(ascii_root / "evidence", chinese_root / "evidence")
    shutil.copy2(ascii_root / "assessors.yml", chinese_root / "assessors.yml")
    git_workflow.set_score(chinese_root, f"评估/{git_workflow.XINXI_ID}/scores.yml", "SS-DM-1-01", "0.8", "1")
    git_workflow.git(chinese_root, "init", "-q", "-b", "main")
    git_workflow.commit(chinese_root, "初始数据：演示评估")
    git_workflow.set_score(chinese_root, f"评估/{git_workflow.XINXI_ID}/scores.yml", "SS-DM-1-01", "1", "0.8")
    git_workflow.commit(chinese_root, "调整 SS-DM-1-01")
    models = load_registry(None)
    chinese = load_history(chinese_root, models, "评估", cached=False)
    ascii_ = load_history(ascii_root, models, cached=False)
    assert chinese.available and chinese.changes.get(git_workflow.XINXI_ID)
    assert ({aid: [(c.before, c.after) for c in seq] for aid, seq in chinese.changes.items()}
            == {aid: [(c.before, c.after) for c in seq] for aid, seq in ascii_.changes.items()})


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_a_commit_touching_many_folders_is_read_through_the_folders_tree_with_the_same_history(tmp_path, monkeypatch,
                                                                                                object_format):
    """A commit that touched more folders than ``TREE_READ`` is read once, each folder's files looked up in the
    folder's own tree; the history is the one the per-path lookups give (docs/performance.md#history-tree), in a
    SHA-1 and in a SHA-256 repository (whose trees hold longer ids)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    for part in ("assessments", "evidence"):
        shutil.copytree(PROJECT / part, root / part)
    shutil.copy2(PROJECT / "assessors.yml", root / "assessors.yml")
    git_workflow.git(root, "init", "-q", f"--object-format={object_format}")
    git_workflow.commit(root, "初始数据")  # every folder in one commit
    git_workflow.set_score(root, git_workflow.XINXI_S, "SS-DM-1-01", "1", "0.8")
    shutil.rmtree(root / "assessments" / "2026-shili-pingtai")  # a folder gone: no files to look up
    git_workflow.commit(root, "调整得分，删去一个评估")
    models = load_registry(None)
    by_path = load_history(root, models, cached=False)
    monkeypatch.setattr(history_mod, "TREE_READ", 0)
    asked = []
    real = history_mod.gitrepo.BlobReader.folders
    monkeypatch.setattr(history_mod.gitrepo.BlobReader, "folders", lambda self, spec: asked.append(spec) or real(self, spec))
    by_tree = load_history(root, models, cached=False)
    assert len(asked) == 2  # each commit's assessments folder, read once
    assert by_path.available and _changes(by_tree) == _changes(by_path)
    assert len(by_path.changes) >= 9 and len(by_path.changes[git_workflow.XINXI_ID]) == 2


def test_a_folder_whose_name_is_not_utf8_is_not_looked_up_through_the_tree(tmp_path, monkeypatch):
    """Read leniently, two such names could become one; they are left to the per-path lookup (which finds neither)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    for name in (b"a\xff", b"a\xfe", "正常".encode()):
        folder = bytes(root) + b"/d/" + name
        os.makedirs(folder)
        with open(folder + b"/f.yml", "wb") as f:
            f.write(name)
    git_workflow.git(root, "init", "-q")
    git_workflow.commit(root, "一")
    with history_mod.gitrepo.BlobReader(root) as blobs:
        assert sorted(blobs.folders("HEAD:d")) == ["正常"]
        assert blobs.folders("HEAD:nothing") is None and blobs.folders("HEAD:d/正常/f.yml") is None
