"""Remembered verdicts (maturity.verdicts): ``maturity validate`` reads again only what changed, and says the same;
a build (and ``maturity check``) reads and scores what passed without checking it again, and loads the same.

Every case fills the build cache with one run, changes something, and compares the next run (which recalls the
unchanged units) with a run without any cache; then once more, with everything remembered that could be. The
changes are the ones a tired assessor or an attacker makes: a score, an evidence file's bytes, a symbolic link
put where a file or a folder was (with the same inodes behind it), a removed file, the register of assessors,
a copied folder whose findings point into a remembered file, an alias of a restricted item in another register,
the date the checks use.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ASSESSORS, R, S, ZIXUN, Repo, listing
from test_cli import CMD
from maturity.cache import CACHE_DIR, CheckedFiles
from maturity.checks.evidence import alias_facts
from maturity.repository import validate_repository
from maturity.settings import load_settings


@pytest.fixture
def settled(monkeypatch):
    """Files written by the test just now count as settled (the rule itself: test_a_file_changed_just_before_...)."""
    monkeypatch.setattr(CheckedFiles, "SETTLED_NS", 0)


@pytest.fixture
def here(demo, monkeypatch):
    monkeypatch.chdir(demo.root)  # paths in diagnostics as the CLI shows them from the repository
    return demo


def _validate(demo: Repo, cache: bool = True, **overrides):
    return validate_repository(load_settings(demo.root).with_overrides(cache=cache, **overrides))


def _said(verdict) -> tuple:
    return [d.as_dict() for d in verdict.diagnostics], verdict.assessments, sorted(verdict.unread)


def _same_as_without_cache(demo: Repo, **overrides):
    recalled = _validate(demo, **overrides)
    full = _validate(demo, cache=False, **overrides)
    assert _said(recalled) == _said(full), listing(recalled.diagnostics) + "\n---\n" + listing(full.diagnostics)
    return recalled


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_run_recalls_what_passed_and_says_the_same(here, settled):
    first = _same_as_without_cache(here)
    assert first.recalled == 0
    second = _same_as_without_cache(here)
    clean = first.assessments - len({d.path.split("/")[1] for d in first.diagnostics if d.path.startswith("assessments/")})
    assert second.recalled >= clean > 0


def _score(demo: Repo) -> None:
    demo.replace(S, "SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 7,")


def _evidence_bytes(demo: Repo) -> None:
    with open(demo.path("evidence/shili-zixun/files/E002.md"), "a", encoding="utf-8") as f:
        f.write("改过\n")


def _evidence_link(demo: Repo) -> None:
    """The file replaced by a link to itself, moved: same inode, same bytes, same times behind the link."""
    target = demo.path("evidence/shili-zixun/files/E002.md")
    moved = demo.root / "elsewhere.md"
    os.rename(target, moved)
    target.symlink_to(moved)


def _folder_link(demo: Repo) -> None:
    """The whole folder of files moved and linked back: every file keeps its inode and times."""
    files = demo.path("evidence/shili-zixun/files")
    moved = demo.root / "moved-files"
    os.rename(files, moved)
    files.symlink_to(moved, target_is_directory=True)


def _evidence_removed(demo: Repo) -> None:
    demo.path("evidence/shili-zixun/files/E003.md").unlink()


def _assessors_removed(demo: Repo) -> None:
    demo.path(ASSESSORS).unlink()


def _copied_first(demo: Repo) -> None:
    """A copy that sorts first: the duplicate id is reported in the original, whose text is read only then."""
    shutil.copytree(demo.path(ZIXUN), demo.path(ZIXUN[:-1] + "m"))


def _alias_elsewhere(demo: Repo) -> None:
    """A public item in another register with the bytes of zixun's restricted E002 (MAT310 across registers)."""
    source = demo.path("evidence/shili-zixun/files/E002.md")
    copy = demo.path("evidence/shili-pingtai/files/E999.md")
    shutil.copy(source, copy)
    with open(demo.path("evidence/shili-pingtai/register.yml"), "a", encoding="utf-8") as f:
        f.write("  - id: E999\n    title: 复制的文件\n    method: document_review\n    record_date: 2026-06-20\n"
                f"    collected: 2026-09-01\n    file: files/E999.md\n    sha256: {_sha(copy)}\n    class: public\n")


def _folder_removed(demo: Repo) -> None:
    shutil.rmtree(demo.path("assessments/2026-shili-pingtai"))


def _register_removed(demo: Repo) -> None:
    demo.path(R).unlink()


CHANGES = [_score, _evidence_bytes, _evidence_link, _folder_link, _evidence_removed, _assessors_removed,
           _copied_first, _alias_elsewhere, _folder_removed, _register_removed]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_after_a_change_the_findings_are_those_of_a_full_run(here, settled, change):
    before = _same_as_without_cache(here)
    _same_as_without_cache(here)  # everything that passed is remembered now
    change(here)
    after = _same_as_without_cache(here)
    assert _said(after) != _said(before)  # the change is seen, not hidden by a remembered verdict
    again = _same_as_without_cache(here)  # and what passed after the change is remembered in turn
    assert again.recalled >= 1


def test_a_folder_name_that_is_not_utf8_is_checked_every_time(here, settled):
    """A copied folder whose name is not UTF-8 (bytes Python keeps as lone surrogates): SQLite cannot store its key,
    so it is left out of the cache — not a traceback when the cache is written."""
    shutil.copytree(here.path(ZIXUN), here.root / os.fsdecode(b"assessments/2026-shili-\xff"))
    first = _same_as_without_cache(here)
    assert any(d.code == "MAT100" for d in first.diagnostics)
    again = _same_as_without_cache(here)
    assert again.recalled == again.assessments - 1


def test_the_date_the_checks_use_is_part_of_what_was_checked(here, settled):
    import datetime as dt

    _same_as_without_cache(here, build_date=dt.date(2026, 11, 21))
    kept = _same_as_without_cache(here, build_date=dt.date(2026, 11, 21))
    assert kept.recalled > 0
    other = _same_as_without_cache(here, build_date=dt.date(2031, 1, 2))
    assert other.recalled == 0


def test_private_evidence_is_checked_again_when_its_file_changes(here, settled, tmp_path):
    """A file kept outside the repository (storage: private): its own state is part of what was checked."""
    from test_evidence import make_private

    private = tmp_path / "private"
    make_private(here, private)
    _same_as_without_cache(here, private_evidence_dir=private)
    assert _same_as_without_cache(here, private_evidence_dir=private).recalled > 0
    (private / "shili-zixun" / "files" / "E004.md").write_text("changed", encoding="utf-8")
    after = _same_as_without_cache(here, private_evidence_dir=private)
    assert any(d.code == "MAT303" for d in after.diagnostics)


def test_a_file_changed_just_before_a_run_is_not_remembered(here):
    """Files written less than SETTLED_NS before the run may change again within their timestamp: never remembered."""
    _validate(here)
    assert _validate(here).recalled == 0  # the copy was made a moment ago


def test_unreadable_or_foreign_entries_are_ignored(here, settled):
    _same_as_without_cache(here)
    db = sqlite3.connect(next((here.root / CACHE_DIR).glob("checked-*.sqlite")))
    keys = [k for (k,) in db.execute("SELECT key FROM verdicts")]
    assert any(k.startswith("assessment:") for k in keys) and any(k.startswith("register:") for k in keys)
    entry = json.loads(next(v for k, v in sqlite3.connect(next((here.root / CACHE_DIR).glob("checked-*.sqlite")))
                            .execute("SELECT key, data FROM verdicts") if k.startswith("register:")))
    bad = ["{", "[]", json.dumps({"context": "x"}), json.dumps({"keys": 1, "paths": "a", "org": 3}),
           json.dumps({**entry, "files": entry["files"][1:]}),
           json.dumps({**entry, "items": [item[:5] + ["secret"] + item[6:] for item in entry["items"]]}),
           json.dumps({**entry, "files": [[1, 2]] * len(entry["files"])}), json.dumps({**entry, "record": "x"})]
    with db:
        for i, key in enumerate(keys):
            db.execute("UPDATE verdicts SET data = ? WHERE key = ?", (bad[i % len(bad)], key))
    db.close()
    after = _same_as_without_cache(here)
    assert after.recalled == 0


def test_an_entry_that_names_another_folders_state_is_not_trusted(here, settled):
    """Entries copied from one folder to another (as a crafted cache might): the files' keys no longer match."""
    _same_as_without_cache(here)
    _same_as_without_cache(here)
    db = sqlite3.connect(next((here.root / CACHE_DIR).glob("checked-*.sqlite")))
    rows = dict(db.execute("SELECT key, data FROM verdicts WHERE key LIKE 'assessment:%'"))
    names = sorted(rows)
    with db:
        for a, b in zip(names, names[1:] + names[:1]):
            db.execute("UPDATE verdicts SET data = ? WHERE key = ?", (rows[b], a))
    db.close()
    _score(here)
    after = _same_as_without_cache(here)
    assert after.recalled == 0


def test_a_build_and_validate_share_verdicts_and_neither_forgets_the_others_data(here, settled):
    """What validate remembered spares a build its checks and the other way round, whatever their ``strict``, ``jobs``
    and ``cache`` (they change no finding); validate, which reads less, does not prune the data a build read."""
    _validate(here, strict=True, jobs=1)
    db_path = next((here.root / CACHE_DIR).glob("checked-*.sqlite"))

    def count(table):
        with sqlite3.connect(db_path) as db:
            return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    verdicts, checked = count("verdicts"), count("checked")
    assert _load(here).recalled > 0
    assert count("verdicts") == verdicts > 0
    assert _validate(here).recalled > 0
    assert count("checked") == checked


# --- a build, `maturity check` and the other commands: read and scored, not checked again -----------------------------

def _load(demo: Repo, cache: bool = True, **overrides):
    from maturity.repository import load_repository

    return load_repository(load_settings(demo.root).with_overrides(cache=cache, **overrides))


def _loaded(repo) -> tuple:
    """Everything a build takes from a loaded repository: findings, assessments with their scores and team, results,
    registers with their items."""
    return ([d.as_dict() for d in repo.diagnostics], sorted(repo.unread),
            [(a.id, a.record, a.publication, a.scores, a.findings, a.cited, a.members, a.model.key if a.model else None,
              a.scores_doc is not None, a.partial_doc is not None) for a in repo.assessments],
            {aid: repr(result) for aid, result in repo.results.items()},
            {org: (r.path, r.items, r.pointers, r.document is not None) for org, r in repo.registers.items()})


def _loaded_same_as_without_cache(demo: Repo, **overrides):
    recalled = _load(demo, **overrides)
    full = _load(demo, cache=False, **overrides)
    assert _loaded(recalled) == _loaded(full)
    return recalled


def test_a_build_scores_what_passed_without_checking_it_again(here, settled, monkeypatch):
    from maturity import repository

    first = _loaded_same_as_without_cache(here)
    assert first.recalled == 0
    checked = []
    monkeypatch.setattr(repository.rules, "check_scores", lambda a, *rest: checked.append(a.id))
    second = _loaded_same_as_without_cache(here)
    clean = len(first.assessments) - len({d.path.split("/")[1] for d in first.diagnostics if d.path.startswith("assessments/")})
    assert second.recalled >= clean > 0
    assert len(checked) == 2 * len(first.assessments) - second.recalled  # the full load checks all of them
    assert second.results and all(a.id in second.results for a in second.assessments if a.scores_doc is not None)


def _reads(monkeypatch) -> list[str]:
    """The data files this process reads from now on, by name."""
    from maturity.data import reading

    read, real = [], reading.read_text
    monkeypatch.setattr(reading, "read_text", lambda path, *args, **kwargs: read.append(Path(path).name) or real(path, *args, **kwargs))
    return read


def test_a_build_does_not_read_the_scores_of_what_passed_until_asked(here, settled, monkeypatch):
    """Its result and the evidence it cites were remembered; its scores come from the cache's data when asked for."""
    from maturity.data.assessment import PackedAssessment

    full = _load(here, cache=False)
    _load(here)
    read = _reads(monkeypatch)
    warm = _load(here)
    recalled = [a for a in warm.assessments if isinstance(a, PackedAssessment)]
    assert len(recalled) == warm.recalled > 0
    assert read.count("scores.yml") == len(warm.assessments) - len(recalled)
    assert read.count("assessment.yml") == len(warm.assessments) - len(recalled), "their records come from the cache unread"
    published = sum(1 for a in warm.assessments if a.publication_doc is not None)
    assert read.count("publication.yml") == published - sum(1 for a in recalled if a.publication_doc is not None) < published
    read.clear()
    by_id = {a.id: a for a in full.assessments}
    for a in recalled:
        assert a.cited == by_id[a.id].cited and repr(warm.results[a.id]) == repr(full.results[a.id])
        assert a.scores == by_id[a.id].scores and a.findings == by_id[a.id].findings
    assert read == [], "the scores are made from the data the cache kept, not from the file"


@pytest.mark.parametrize("texts", [["0" * 64, None, "0" * 64], "texts", None, [1, 2, 3]], ids=["unknown", "text", "none", "numbers"])
def test_a_record_whose_remembered_text_the_cache_does_not_hold_is_read(here, settled, texts):
    """The record and the publication file are taken unread by the SHA-256 of their texts when they passed; a digest
    the store does not hold (or not a digest) makes them read, and the load is that of a full run."""
    _load(here)
    _edit_entries(here, lambda e: {**e, "texts": texts})
    assert _loaded_same_as_without_cache(here).recalled > 0, "still recalled: only the files are read"


def _edit_entries(demo: Repo, edit, unit: str = "assessment") -> None:
    """Every remembered verdict of ``unit`` ("assessment", "register") made what ``edit`` makes of it."""
    db = sqlite3.connect(next((demo.root / CACHE_DIR).glob("checked-*.sqlite")))
    with db:
        for key, data in list(db.execute("SELECT key, data FROM verdicts WHERE key LIKE ?", (f"{unit}:%",))):
            db.execute("UPDATE verdicts SET data = ? WHERE key = ?", (json.dumps(edit(json.loads(data))), key))
    db.close()


@pytest.mark.parametrize("damage", [
    lambda e: {**e, "result": {**e["result"], "levels": [[1, [1, 0], 1, True, {}, {}]]}},
    lambda e: {**e, "result": {**e["result"], "levels": [[1, [1, -2], 1, True, {}, {}]]}},
    lambda e: {**e, "result": {**e["result"], "levels": [[1, "1/2", 1, True, {}, {}]]}},
    lambda e: {**e, "result": {**e["result"], "levels": [[1, [1, 2], 1.0, True, {}, {}]]}},
    lambda e: {**e, "result": {**e["result"], "levels": [[1, [1, 2], 1, True, {"CD": [1.5, 2]}, {}]]}},
    lambda e: {**e, "result": {**e["result"], "unscored": [3]}},
    lambda e: {**e, "result": {**e["result"], "unscored": "SS-SDM-1-01"}},
    lambda e: {**e, "result": {**e["result"], "id": "another-assessment"}},
    lambda e: {**e, "result": {**e["result"], "applied_level": e["result"]["applied_level"] + 1}},
    lambda e: {**e, "result": None},
    lambda e: {**e, "cited": "E001"},
    lambda e: {**e, "scores": "0" * 64},
    lambda e: {k: v for k, v in e.items() if k != "scores"},
    lambda e: {**e, "scores_crc": e["scores_crc"] ^ 1},
    lambda e: {**e, "scores_crc": str(e["scores_crc"])},
    lambda e: {k: v for k, v in e.items() if k != "scores_crc"},
], ids=["zero-denominator", "negative-denominator", "text-fraction", "float-count", "float-numerator", "unscored-number",
        "unscored-text", "another-id", "another-level",
        "no-result", "cited-text", "unknown-data", "no-digest", "another-crc", "crc-text", "no-crc"])
def test_a_damaged_remembered_result_is_scored_again(here, settled, damage):
    _loaded_same_as_without_cache(here)
    assert _load(here).recalled > 0
    _edit_entries(here, damage)
    assert _loaded_same_as_without_cache(here).recalled == 0


def test_a_build_does_not_read_the_registers_that_passed(here, settled, monkeypatch):
    """Their items are made from what was remembered of them, as the checks made them (compared item by item with a
    load without the cache)."""
    _loaded_same_as_without_cache(here)
    read = _reads(monkeypatch)
    warm = _load(here)
    assert warm.registers and all(r.items for r in warm.registers.values())
    assert "register.yml" not in read
    _loaded_same_as_without_cache(here)


def _first_item(entry: dict, change) -> dict:
    items = [list(item) for item in entry["items"]]
    items[0] = change(items[0])
    return {**entry, "items": items}


@pytest.mark.parametrize("damage", [
    lambda e: {**e, "items": "E001"},
    lambda e: {k: v for k, v in e.items() if k != "items"},
    lambda e: _first_item(e, lambda item: item[:-1]),
    lambda e: _first_item(e, lambda item: [1] + item[1:]),
    lambda e: _first_item(e, lambda item: item[:3] + ["2026-02-30"] + item[4:]),
    lambda e: _first_item(e, lambda item: item[:3] + [None] + item[4:]),
    lambda e: _first_item(e, lambda item: item[:10] + [1]),
    lambda e: _first_item(e, lambda item: item[:6] + [7] + item[7:]),  # its file: where its paths are made from
    lambda e: _first_item(e, lambda item: item[:10] + [True]),  # private, and no private folder is configured
    lambda e: {**e, "items": e["items"] + e["items"][:1]},  # an id twice
    lambda e: {**e, "data": 7},
], ids=["items-text", "no-items", "short-item", "number-id", "impossible-date", "no-date", "private-number",
        "file-number", "private-without-folder", "id-twice", "data-number"])
def test_a_damaged_remembered_register_is_read_and_checked_again(here, settled, damage, monkeypatch):
    _loaded_same_as_without_cache(here)
    _edit_entries(here, damage, unit="register")
    read = _reads(monkeypatch)
    _load(here)
    assert "register.yml" in read
    _loaded_same_as_without_cache(here)


def test_data_gone_from_the_cache_is_read_and_scored_again(here, settled):
    _loaded_same_as_without_cache(here)
    db = sqlite3.connect(next((here.root / CACHE_DIR).glob("checked-*.sqlite")))
    with db:
        db.execute("DELETE FROM checked WHERE key LIKE 'scores:%'")
    db.close()
    assert _loaded_same_as_without_cache(here).recalled == 0


def test_damaged_data_in_the_cache_is_read_and_scored_again(here, settled):
    """The scores kept packed are not unpacked to be recalled: their CRC-32, remembered with the verdict, says
    they are whole."""
    _loaded_same_as_without_cache(here)
    db = sqlite3.connect(next((here.root / CACHE_DIR).glob("checked-*.sqlite")))
    with db:
        for key, data in list(db.execute("SELECT key, data FROM checked WHERE key LIKE 'scores:%'")):
            middle = len(data) // 2
            db.execute("UPDATE checked SET data = ? WHERE key = ?", (data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:], key))
    db.close()
    assert _loaded_same_as_without_cache(here).recalled == 0


def test_the_history_takes_the_same_versions_from_a_recalled_load(here, settled):
    from test_history_cache import working_versions

    full = _load(here, cache=False)
    _load(here)
    warm = _load(here)
    assert warm.recalled > 0
    assert working_versions(warm.assessments, warm.results) == working_versions(full.assessments, full.results) != {}


def test_a_recalled_scores_file_changed_during_the_run_lends_no_text(demo):
    """Its text is read only when asked for: if it no longer has the digest of what was checked, it is not that text."""
    from maturity.cache import text_digest
    from maturity.data.yamlfile import Document

    checked = demo.read(S)
    same = Document(S, source=demo.path(S), digest=text_digest(checked))
    assert same.text == checked
    _score(demo)
    changed = Document(S, source=demo.path(S), digest=text_digest(checked))
    assert changed.text is None and changed.digest == text_digest(checked)


def test_pages_of_recalled_assessments_not_in_the_page_store_are_made_as_from_a_full_load(here, settled):
    from maturity.publish import build_site

    full = build_site(_load(here, cache=False))
    build_site(_load(here))
    warm = _load(here)
    assert warm.recalled > 0
    for store in (here.root / CACHE_DIR).glob("rendered-*.sqlite"):
        store.unlink()
    made = build_site(warm)
    assert made.restored == 0
    assert [(p.src_uri, p.html) for p in made.pages] == [(p.src_uri, p.html) for p in full.pages]
    assert [(f.path, f.data) for f in made.assets] == [(f.path, f.data) for f in full.assets]
    assert [(c.path, c.source) for c in made.copies] == [(c.path, c.source) for c in full.copies]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_after_a_change_a_build_loads_what_a_full_run_loads(here, settled, change):
    before = _loaded_same_as_without_cache(here)
    _loaded_same_as_without_cache(here)
    change(here)
    after = _loaded_same_as_without_cache(here)
    assert _loaded(after) != _loaded(before)
    assert _loaded_same_as_without_cache(here).recalled >= 1


def test_private_evidence_is_made_as_the_checks_make_it(here, settled, tmp_path):
    """An item kept outside the repository: recalled with the same path and digest as a full check finds."""
    from test_evidence import make_private

    private = tmp_path / "private"
    make_private(here, private)
    _loaded_same_as_without_cache(here, private_evidence_dir=private)
    again = _loaded_same_as_without_cache(here, private_evidence_dir=private)
    assert again.recalled > 0
    assert any(item.private and item.path is not None for r in again.registers.values() for item in r.items.values())


def test_the_command_line_says_the_same_warm_and_cold(demo):
    """``maturity validate --format json`` as an assessor runs it: cold, then warm once the files have settled."""
    time.sleep(CheckedFiles.SETTLED_NS / 1e9 + 0.2)  # the copy settles (its change times cannot be set back)

    def run(*extra):
        done = subprocess.run([*CMD, "validate", "--format", "json", *extra, "."], cwd=demo.root,
                              capture_output=True, text=True)
        assert done.returncode in (0, 1), done.stderr
        said = json.loads(done.stdout)
        return said, said.pop("recalled")

    cold, none = run()
    warm, recalled = run()
    assert none == 0 and recalled == warm["assessments"]  # the demo's only finding is outside them (no git: MAT616)
    assert warm == cold
    _score(demo)
    changed, recalled = run()
    (demo.root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - maturity:\n      cache: false\n", encoding="utf-8")
    without, _ = run()
    assert changed == without and changed != cold


def test_a_recalled_file_is_read_only_when_asked_for_and_then_as_parsed(demo):
    """A remembered document holds neither text nor data until a finding or a caller needs them."""
    from maturity.data.yamlfile import Document, parse_yaml

    file = demo.path(S)
    doc = Document(S, source=file)
    assert doc._text is None and doc._data is None
    assert doc.data == parse_yaml(demo.read(S), S)[0].data
    assert doc.at("SS-SDM", "requirements", "SS-SDM-3-02", "score").line == demo.line_of(S, "SS-SDM-3-02:")


def test_maturity_check_says_how_many_it_did_not_check_again_and_the_same_verdict(demo):
    """``maturity check --format json``: cold, then warm once the files have settled (its JSON's ``recalled``)."""
    time.sleep(CheckedFiles.SETTLED_NS / 1e9 + 0.2)

    def run():
        done = subprocess.run([*CMD, "check", "--format", "json"], cwd=demo.root, capture_output=True, text=True)
        assert done.returncode in (0, 1), done.stderr
        said = json.loads(done.stdout)
        return said, said.pop("recalled")

    cold, none = run()
    warm, recalled = run()
    assert none == 0 and recalled == warm["assessments"] > 0
    assert warm == cold


def _checkout_anew(demo: Repo) -> None:
    """As a CI job that checks out anew and restores ``.cache``: the same paths, the same bytes, the cache copied along —
    but every file and folder is new (inode, change time)."""
    old = demo.root.with_name(demo.root.name + "-old")
    os.rename(demo.root, old)
    shutil.copytree(old, demo.root, symlinks=True)
    shutil.rmtree(old)
    os.chdir(demo.root)
    assert any((demo.root / CACHE_DIR).glob("checked-*.sqlite"))


def test_a_fresh_checkout_with_the_cache_restored_recalls_what_is_unchanged(here, settled):
    """Every stat is new: the files are compared by their bytes (as git does), and what passed is recalled — by a
    build and by ``maturity validate`` — with the same findings and the same data as a full run."""
    _load(here)
    warm = _load(here)
    assert warm.recalled > 0
    _checkout_anew(here)
    fresh = _loaded_same_as_without_cache(here)
    assert fresh.recalled == warm.recalled
    full = _load(here, cache=False)
    for org, register in fresh.registers.items():  # which file each item is: this checkout's, for the aliases
        made = alias_facts(full.registers[org])  # (its actual digests: the registered ones, not kept twice)
        assert register.recalled is not None and [f[:5] for f in register.recalled] == [f[:5] for f in made]
    _checkout_anew(here)
    assert _same_as_without_cache(here).recalled == warm.recalled


def test_a_fresh_checkout_forgets_the_digests_of_the_files_it_replaced(here, settled):
    """Each checkout's evidence files are new: their digests are kept by the new stat, and those of the files gone are
    forgotten, so a cache kept across CI jobs does not grow with every job."""
    def hashes() -> set[str]:
        db = sqlite3.connect(next((here.root / CACHE_DIR).glob("checked-*.sqlite")))
        try:
            return {key for (key,) in db.execute("SELECT key FROM hashes")}
        finally:
            db.close()

    _load(here)
    _load(here)
    before = hashes()
    for register in here.root.glob("evidence/*/register.yml"):  # only their stat changed: no evidence file hashed
        os.utime(register, ns=(1, 1))
    assert _load(here).recalled > 0
    assert hashes() == before  # the digests of the files not looked up are kept
    _checkout_anew(here)
    assert _load(here).recalled > 0
    after = hashes()
    assert len(after) == len(before) > 0 and not after & before


def _same_size_score(demo: Repo) -> None:
    """One digit of a score: the same size, and a checkout gives it a new stat anyway."""
    demo.replace(S, "SS-SDM-3-02: {score: 0.5,", "SS-SDM-3-02: {score: 0.8,")


def _same_size_evidence(demo: Repo) -> None:
    """One byte of an evidence file changed, the size kept: its digest no longer the registered one (MAT303)."""
    path = demo.path("evidence/shili-zixun/files/E002.md")
    data = bytearray(path.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))


def _one_character(path: Path, after: str) -> None:
    """The character two places after the first ``after`` replaced by another of the same size in UTF-8."""
    text = path.read_text(encoding="utf-8")
    at = text.index(after) + len(after) + 2
    assert len(text[at].encode("utf-8")) == 3, text[at]  # a Chinese character: 甲 or 乙 keeps the size
    size = path.stat().st_size
    path.write_text(text[:at] + ("甲" if text[at] != "甲" else "乙") + text[at + 1:], encoding="utf-8")
    assert path.stat().st_size == size


def _same_size_register(demo: Repo) -> None:
    """The register's text changed, its size kept: a title's character."""
    _one_character(demo.path(R), "title:")


def _same_size_assessors(demo: Repo) -> None:
    """The register of assessors changed, its size kept: a name's character."""
    _one_character(demo.path(ASSESSORS), "name:")


def _record_as_link(demo: Repo) -> None:
    """The record replaced by a link to a copy of itself (MAT017): the same bytes behind it."""
    record = demo.path(f"{ZIXUN}/assessment.yml")
    copy = demo.root / "record-copy.yml"
    shutil.copy(record, copy)
    record.unlink()
    record.symlink_to(copy)


FRESH_CHANGES = [_same_size_score, _same_size_evidence, _same_size_register, _same_size_assessors, _record_as_link,
                 _evidence_link, _folder_link, _evidence_removed, _register_removed]


@pytest.mark.parametrize("change", FRESH_CHANGES, ids=[c.__name__.strip("_") for c in FRESH_CHANGES])
def test_a_fresh_checkout_sees_a_change_that_keeps_the_size(here, settled, change):
    """What a pull request changes arrives in a fresh checkout: compared by bytes and kind, never taken as unchanged."""
    before = _loaded_same_as_without_cache(here)
    assert _load(here).recalled > 0
    _checkout_anew(here)
    change(here)
    after = _loaded_same_as_without_cache(here)
    assert _loaded(after) != _loaded(before)
    assert after.recalled < len(before.assessments)  # the changed one (or all, for the assessors) not recalled
    assert _same_as_without_cache(here).recalled >= 1  # what passed after the change is recalled in turn


@pytest.mark.parametrize("damage", [
    lambda e: {k: v for k, v in e.items() if k != "texts"},
    lambda e: {**e, "texts": e["texts"][:2]},
    lambda e: {**e, "texts": "".join(t or "" for t in e["texts"])},
    lambda e: {**e, "texts": [e["texts"][0], "0" * 64, e["texts"][2]]},
    lambda e: {**e, "texts": [e["texts"][0], 7, e["texts"][2]]},
    lambda e: {**e, "keys": e["keys"].replace("\n", "\n0:", 1)},
], ids=["no-texts", "short", "text", "another-digest", "number", "damaged-key"])
def test_a_remembered_entry_without_its_digests_is_not_recalled_in_a_fresh_checkout(here, settled, damage):
    """An entry without the digests of its files, or damaged: in a fresh checkout, read and checked again."""
    _load(here)
    _edit_entries(here, damage)
    _checkout_anew(here)
    assert _loaded_same_as_without_cache(here).recalled == 0


@pytest.mark.parametrize("damage", [
    lambda e: {**e, "data": "0" * 64},
    lambda e: {**e, "items": [[*e["items"][0][:8], "0" * 64, *e["items"][0][9:]], *e["items"][1:]]},
    lambda e: {**e, "items": [[*e["items"][0][:6], 7, *e["items"][0][7:]], *e["items"][1:]]},
    lambda e: {**e, "keys": e["keys"].replace("\n", "\nx:", 1)},
], ids=["another-text", "another-file", "file-number", "damaged-key"])
def test_a_damaged_register_entry_is_not_recalled_in_a_fresh_checkout(here, settled, damage):
    """Read and checked again (its assessments are recalled still: the register's state, by content, is the same)."""
    _load(here)
    _edit_entries(here, damage, unit="register")
    _checkout_anew(here)
    fresh = _loaded_same_as_without_cache(here)
    assert fresh.registers and all(register.recalled is None for register in fresh.registers.values())


def _key(mode: int, size: int, inode: int) -> str:
    return f"{mode:o}:{size}:1:1:{inode}:1"


@pytest.mark.parametrize("now, same", [
    ([_key(0o40755, 4096, 9), _key(0o100644, 10, 8)], True),  # new inodes, the same kinds, size and bytes
    ([_key(0o40700, 0, 9), _key(0o100600, 10, 8)], True),  # other permissions: a checkout's own
    ([_key(0o40755, 4096, 9), _key(0o100644, 11, 8)], False),  # another size
    ([_key(0o40755, 4096, 9), _key(0o120777, 10, 8)], False),  # a link, even of the same size
    ([_key(0o120777, 4096, 9), _key(0o100644, 10, 8)], False),  # the folder a link
    ([_key(0o100644, 4096, 9), _key(0o100644, 10, 8)], False),  # the folder a file
    ([_key(0o40755, 4096, 9), _key(0o40755, 10, 8)], False),  # the file a folder
    ([_key(0o40755, 4096, 9), "-"], False),  # the file gone
    ([_key(0o40755, 4096, 9), _key(0o10644, 10, 8)], False),  # a pipe
    ([_key(0o40755, 4096, 9)], False),  # a key missing
    ([_key(0o40755, 4096, 9), "x:10:1:1:8:1"], False),  # a damaged key
], ids=["same", "permissions", "size", "link", "folder-link", "folder-file", "file-folder", "gone", "pipe", "short", "damaged"])
def test_files_with_a_new_stat_are_the_same_only_by_kind_size_and_bytes(now, same):
    from maturity.verdicts import same_content

    paths = [["/r/a", False], ["/r/a/f.yml", False]]
    was = "\n".join([_key(0o40755, 4096, 1), _key(0o100644, 10, 2)])
    assert same_content(paths, was, "\n".join(now), {"/r/a/f.yml": "d"}, lambda path: "d") is same
    assert same_content(paths, was, "\n".join(now), {"/r/a/f.yml": "d"}, lambda path: "e") is False  # other bytes
    assert same_content(paths, was, "\n".join(now), {}, lambda path: "d") is False


def test_a_file_that_cannot_be_read_is_not_the_same():
    from maturity.verdicts import same_content

    def unreadable(path):
        raise PermissionError(path)

    paths = [["/r/f.yml", False]]
    assert same_content(paths, _key(0o100644, 10, 1), _key(0o100644, 10, 2), {"/r/f.yml": "d"}, unreadable) is False


def _clone_anew(demo: Repo, origin: Path) -> None:
    """As a CI job: a fresh clone of ``origin`` where the repository was, with the ``.cache`` it had restored."""
    from test_git_workflow import git

    cache = demo.root.with_name(demo.root.name + "-cache")
    kept = (demo.root / CACHE_DIR).is_dir()
    if kept:
        shutil.copytree(demo.root / CACHE_DIR, cache)
    shutil.rmtree(demo.root)
    git(origin.parent, "clone", "-q", str(origin), str(demo.root))
    if kept:
        shutil.copytree(cache, demo.root / CACHE_DIR)
        shutil.rmtree(cache)
    os.chdir(demo.root)


@pytest.fixture
def cloned(here, tmp_path_factory):
    """The demo as a git repository (``origin``, committed once) and ``here`` a clone of it."""
    from test_git_workflow import commit, git

    origin = tmp_path_factory.mktemp("origin") / "repo"
    shutil.copytree(here.root, origin)
    git(origin, "init", "-q")
    commit(origin, "评估数据")
    _clone_anew(here, origin)
    return here, origin


def test_in_a_fresh_clone_git_says_which_files_are_unchanged_without_reading_them(cloned, settled, monkeypatch):
    """git's index knows the object id of every file the checkout wrote: a file whose object is the one it was when
    it passed is not read to compare it."""
    from maturity import verdicts

    here, origin = cloned
    _load(here)
    warm = _load(here)
    assert warm.recalled > 0
    _clone_anew(here, origin)
    hashed = []
    real = verdicts.sha256_of
    monkeypatch.setattr(verdicts, "sha256_of", lambda path: hashed.append(Path(path).name) or real(path))
    fresh = _loaded_same_as_without_cache(here)
    assert fresh.recalled == warm.recalled
    # no file read to compare it, git's object ids said they are the same; the register of assessors is the run's context
    assert hashed == ["assessors.yml"]


def test_in_a_fresh_clone_a_change_git_does_not_hold_is_compared_by_its_bytes(cloned, settled):
    """A same-size edit after the checkout (git sees the file changed) and a same-size edit committed upstream (another
    object id): both seen, as by a full run."""
    from test_git_workflow import commit

    here, origin = cloned
    before = _loaded_same_as_without_cache(here)
    assert _load(here).recalled > 0
    _clone_anew(here, origin)
    _same_size_evidence(here)  # not committed: the working tree differs from git's index
    after = _loaded_same_as_without_cache(here)
    assert _loaded(after) != _loaded(before)
    _same_size_score(Repo(origin))
    commit(origin, "改一个得分")
    _clone_anew(here, origin)
    fresh = _loaded_same_as_without_cache(here)
    assert _loaded(fresh) != _loaded(before)
    assert 0 < fresh.recalled < len(fresh.assessments)


@pytest.mark.parametrize("damage", [
    lambda e: {**e, "objects": "0" * 40},
    lambda e: {**e, "objects": (e.get("objects") or [])[:1]},
    lambda e: {**e, "objects": [7 for _ in (e.get("objects") or [])]},
    lambda e: {**e, "objects": ["0" * 40 for _ in (e.get("objects") or [])]},
], ids=["text", "short", "numbers", "other-objects"])
def test_damaged_object_ids_only_make_the_files_read(cloned, settled, damage, monkeypatch):
    from maturity import verdicts

    here, origin = cloned
    _load(here)
    for unit in ("assessment", "register"):
        _edit_entries(here, damage, unit=unit)
    _clone_anew(here, origin)
    hashed = []
    real = verdicts.sha256_of
    monkeypatch.setattr(verdicts, "sha256_of", lambda path: hashed.append(Path(path).name) or real(path))
    assert _loaded_same_as_without_cache(here).recalled > 0
    assert "scores.yml" in hashed and "register.yml" in hashed  # compared by their bytes instead


def test_git_names_the_files_it_holds_unchanged(tmp_path):
    """Regular files as committed, under the folder asked about; not a file changed since, a link or a folder outside."""
    from maturity.exchange.gitrepo import clean_objects
    from test_git_workflow import commit, git

    root = tmp_path / "repo"
    (root / "data" / "sub").mkdir(parents=True)
    for name in ("data/a.yml", "data/sub/b.yml", "data/c.yml", "top.yml"):
        (root / name).write_text(name, encoding="utf-8")
    (root / "data" / "link.yml").symlink_to("a.yml")
    git(root, "init", "-q")
    commit(root, "一")
    (root / "data" / "c.yml").write_text("changed", encoding="utf-8")
    found = clean_objects(root / "data")
    assert sorted(found) == [str(root / "data" / "a.yml"), str(root / "data" / "sub" / "b.yml")]
    blob = git(root, "hash-object", "data/a.yml").strip()
    assert found[str(root / "data" / "a.yml")] == blob
    assert clean_objects(tmp_path / "nowhere") == {} and clean_objects(tmp_path) == {}


def test_git_names_the_files_as_pathlib_joins_a_relative_root(tmp_path, monkeypatch):
    """A root named "." (a library caller's): each file by the name the checks give it, ``Path(".") / name``."""
    from maturity.exchange.gitrepo import clean_objects
    from test_git_workflow import commit, git

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.yml").write_text("a", encoding="utf-8")
    git(tmp_path, "init", "-q")
    commit(tmp_path, "一")
    monkeypatch.chdir(tmp_path)
    assert list(clean_objects(Path("."))) == [str(Path(".") / "data" / "a.yml")] == ["data/a.yml"]
    monkeypatch.chdir(tmp_path / "data")
    assert list(clean_objects(Path(".."))) == [str(Path("..") / "data" / "a.yml")]


@pytest.mark.parametrize("folder", [Path("/r/evidence/org"), Path("evidence/org")])
def test_a_registers_paths_are_made_as_the_checks_walk_them(folder):
    """Each part of each file's name as pathlib names it (``a//b``, ``./a``), each path once; the usual name's paths
    made without pathlib are the same strings."""
    from pathlib import PurePosixPath

    from maturity.verdicts import _register_paths

    names = ["files/a.pdf", "a//b.pdf", "./a/b.pdf", "a/./b", "a/b/", "a/../b", "x", "files/sub/c.pdf", "files/a.pdf"]
    expected, seen = [[str(folder), False], [os.path.join(str(folder), "register.yml"), False]], set()
    for name in names:
        parts = PurePosixPath(name).parts
        for i in range(len(parts)):
            path = os.path.join(str(folder), *parts[:i + 1])
            if path not in seen:
                seen.add(path)
                expected.append([path, False])
    private = [["/p/org/s.pdf", False], ["/p/org/s.pdf", True]]
    files = [(name, False) for name in names] + [(None, False), ("s.pdf", True)]
    assert _register_paths(folder, Path("/p/org"), iter(files)) == expected + private
    assert _register_paths(folder, None, iter(files)) == expected
    assert _register_paths(folder, None, iter([("a.pdf", 1)])) is None
    assert _register_paths(folder, None, iter([(7, False)])) is None


@pytest.mark.parametrize("folder", [Path("/r/evidence/org"), Path("evidence/org")])
def test_an_items_file_is_where_pathlib_names_it(folder):
    """Where each remembered item's file is: the usual name joined without pathlib, the same string as pathlib's."""
    from pathlib import PurePosixPath

    from maturity.verdicts import _item_paths

    names = ["files/a.pdf", "a//b.pdf", "./a/b.pdf", "a/./b", "a/b/", "a/../b", "x", "/abs/c.pdf", "files/sub/c.pdf"]
    items = [[None] * 6 + [name] + [None] * 3 + [False] for name in names]
    items += [[None] * 6 + [None] + [None] * 3 + [False], [None] * 6 + ["s/t.pdf"] + [None] * 3 + [True]]
    expected = [os.path.join(str(folder), *PurePosixPath(name).parts) for name in names]
    assert _item_paths(items, folder, Path("/p/org")) == expected + [None, "/p/org/s/t.pdf"]
    assert _item_paths(items, folder, None) == expected + [None, None]


def test_which_file_an_item_is_comes_from_the_keys_just_observed(tmp_path):
    """In a fresh checkout, "device:inode" of each item's file is read off the keys observe() gave (a private file's
    stat, through its link), the same as asking the file; a file the keys do not name is asked; one gone is an error."""
    from maturity.checks.evidence import identity
    from maturity.verdicts import _identities, observe

    (tmp_path / "a.pdf").write_bytes(b"a")
    (tmp_path / "real.pdf").write_bytes(b"r")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "s.pdf").symlink_to(tmp_path / "real.pdf")
    (tmp_path / "other.pdf").write_bytes(b"o")
    a, s, other = str(tmp_path / "a.pdf"), str(tmp_path / "p" / "s.pdf"), str(tmp_path / "other.pdf")
    paths = [[a, False], [s, False], [s, True]]
    keys = observe(paths)[0]
    items = [[None] * 10 + [False], [None] * 10 + [True], [None] * 10 + [False], [None] * 10 + [False]]
    found = _identities([a, s, other, None], items, paths, keys)
    assert found == [identity(Path(a)), identity(Path(s)), identity(Path(other)), None]
    assert found[1] == identity(tmp_path / "real.pdf") != f"{os.lstat(s).st_dev}:{os.lstat(s).st_ino}"
    os.remove(a)
    with pytest.raises(OSError):
        _identities([a], items[:1], paths[:1], observe(paths[:1])[0])


def test_observe_keys_each_path_by_its_kind_size_times_and_identity(tmp_path):
    """The keys a remembered verdict is compared by: one line per path, and the newest of the times."""
    from maturity.verdicts import _MISSING, observe

    file, folder, link = tmp_path / "a.yml", tmp_path / "sub", tmp_path / "link.yml"
    file.write_text("a: 1\n", encoding="utf-8")
    folder.mkdir()
    link.symlink_to(file)
    keys, newest = observe([[str(file), False], [str(folder), False], [str(link), False], [str(link), True],
                            [str(tmp_path / "gone.yml"), False]])
    lines = keys.split("\n")
    for line, path, follow in zip(lines, (file, folder, link, link), (False, False, False, True)):
        st = os.stat(path) if follow else os.lstat(path)
        assert line == f"{st.st_mode:o}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"
    assert lines[2] != lines[3] and lines[4] == _MISSING
    assert newest == max(max(os.lstat(p).st_mtime_ns, os.lstat(p).st_ctime_ns) for p in (file, folder, link))
