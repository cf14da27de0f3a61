"""Integrity that holds: verify re-hashes evidence; a recorded digest changes only through a re-issue."""

from __future__ import annotations

import re

from conftest import P, expect, find, listing
from security_helpers import reseal
from test_git_workflow import commit, init_repo, read, run, write
from maturity.repository import load_repository

ZIXUN_P = "assessments/2026-shili-zixun/publication.yml"
EVIDENCE = "evidence/shili-zixun/files/E001.md"  # public, cited by 2026-shili-zixun (ZXGJ-2026-0012)


def test_verify_rehashes_certified_evidence(tmp_path):
    root = init_repo(tmp_path / "repo")
    assert run("verify", ".", cwd=root).returncode == 0
    with (root / EVIDENCE).open("a", encoding="utf-8") as f:
        f.write("\n篡改的一行\n")
    r = run("verify", ".", cwd=root)
    assert r.returncode == 1, r.stdout
    assert "ZXGJ-2026-0012" in r.stdout and "E001" in r.stdout and "已被修改" in r.stdout


def test_digest_overwritten_in_place_is_caught(tmp_path):
    """Change a score, then overwrite the recorded digest instead of recording a re-issue."""
    root = init_repo(tmp_path / "repo")
    text = read(root, "assessments/2026-shili-zixun/scores.yml")
    write(root, "assessments/2026-shili-zixun/scores.yml",
          text.replace("SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 1,", 1))
    assert reseal(root) == 1  # what a forger would do: the new data's digest written over the old one
    repo = load_repository(root, display_base=root)
    assert not find(repo.diagnostics, "MAT610"), "the overwritten digest matches the data: MAT610 alone misses it"
    line = next(i + 1 for i, l in enumerate(read(root, P).split("\n")) if l.strip().startswith("digest:"))
    d = expect(repo, "MAT615", P, line)
    assert "ZXGJ-2026-0012" in d.message and "reissued" in d.message
    assert run("validate", ".", cwd=root).returncode == 1
    r = run("verify", ".", cwd=root)
    assert r.returncode == 1 and "MAT615" in r.stdout
    commit(root, "改写摘要")  # committing it does not make it right
    assert find(load_repository(root, display_base=root).diagnostics, "MAT615")


def test_reissue_is_the_way(tmp_path):
    root = init_repo(tmp_path / "repo")
    text = read(root, "assessments/2026-shili-zixun/scores.yml")
    write(root, "assessments/2026-shili-zixun/scores.yml",
          text.replace("SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 1,", 1))
    r = run("digest", "assessments/2026-shili-zixun", cwd=root)
    new = r.stdout.strip().splitlines()[-1]
    pub = read(root, ZIXUN_P).rstrip("\n") + f"\n  events:\n    - {{kind: reissued, date: 2026-06-01, reason: 复核后更正评分, digest: '{new}'}}\n"
    write(root, ZIXUN_P, pub)
    repo = load_repository(root, display_base=root)
    assert not find(repo.diagnostics, "MAT615") and not find(repo.diagnostics, "MAT610"), listing(repo.diagnostics)
    commit(root, "重新签发")
    # ...and a recorded re-issue cannot be rewritten later either
    write(root, ZIXUN_P, re.sub(r"digest: 'sha256:[0-9a-f]{64}'}", "digest: 'sha256:" + "0" * 64 + "'}", read(root, ZIXUN_P)))
    repo = load_repository(root, display_base=root)
    (d,) = find(repo.diagnostics, "MAT615")
    assert d.key == "MAT615.reissue"


def test_without_git_it_is_said_not_failed(demo):
    repo = demo.load()
    notes = [d for d in repo.diagnostics if d.code == "MAT616"]
    assert [d.key for d in notes] == ["MAT616.no_git"] and not repo.errors


def test_a_change_to_certified_data_is_also_reported_at_the_changed_line(tmp_path):
    """MAT610 at the digest, and at the score line the pull request changed (where the forge shows it)."""
    root = init_repo(tmp_path / "repo")
    scores = "assessments/2026-shili-zixun/scores.yml"
    write(root, scores, read(root, scores).replace("SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 1,", 1))
    repo = load_repository(root, display_base=root)
    line = next(i + 1 for i, l in enumerate(read(root, scores).split("\n")) if "SS-SDM-3-02:" in l)
    d = expect(repo, "MAT610", scores, line)
    assert d.key == "MAT610.here" and "SS-SDM-3-02" in d.message and "0.5 → 1" in d.message
    assert find(repo.diagnostics, "MAT610", P), "and at the certificate's digest"
