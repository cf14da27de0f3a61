"""The build cache on disk (maturity.cache): a warm run does less and says exactly what a cold run says.

Every case compares a run with the cache against a run without it on the same files — the diagnostics,
every score — and shows which work the warm run skipped by counting the parses (``parse_yaml``) and
the hashes (``sha256_of``) it asked for. A stale, corrupt, foreign or planted cache is ignored.
"""

from __future__ import annotations

import sqlite3

import pytest

import maturity.cache
import maturity.data.reading as reading
from conftest import DEMO_ASSESSMENTS, R, S, Repo, expect, listing
from maturity.cache import CheckedFiles, decode, encode
from maturity.data.yamlfile import DateText, load_yaml
from maturity.diagnostics import Severity


def _counting(monkeypatch) -> dict[str, list]:
    """Record each parse and each evidence hash the loading asks for (the real functions still run)."""
    calls: dict[str, list] = {"parse": [], "hash": []}
    parse, sha = reading.parse_yaml, reading.sha256_of
    monkeypatch.setattr(reading, "parse_yaml", lambda text, shown: calls["parse"].append(shown) or parse(text, shown))
    monkeypatch.setattr(reading, "sha256_of", lambda path: calls["hash"].append(path) or sha(path))
    return calls


def _summary(repo):
    return ([str(d) for d in repo.diagnostics],
            {aid: (r.applied_level, r.applied.score if r.applied else None) for aid, r in repo.results.items()})


@pytest.fixture
def settled(monkeypatch):
    """Evidence files count as settled at once (the copies were made a moment ago; no test waits seconds)."""
    monkeypatch.setattr(CheckedFiles, "SETTLED_NS", -1)


def _cache_file(demo: Repo):
    files = list(demo.path(maturity.cache.CACHE_DIR).glob("checked-*.sqlite"))
    assert len(files) == 1, files
    return files[0]


def test_a_warm_load_parses_and_hashes_nothing_and_says_the_same(demo, monkeypatch, settled):
    cold = demo.load()
    assert (demo.path(maturity.cache.CACHE_DIR) / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    calls = _counting(monkeypatch)
    warm = demo.load()
    assert calls == {"parse": [], "hash": []}
    assert _summary(warm) == _summary(cold)
    assert len(warm.results) >= DEMO_ASSESSMENTS - 1


def test_an_edited_file_alone_is_read_again_and_its_new_problem_reported(demo, monkeypatch, settled):
    demo.load()
    text = demo.read(S)
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "score: 1," in row)
    demo.write(S, text.replace("score: 1,", "score: 7,", 1))
    calls = _counting(monkeypatch)
    repo = demo.load()
    assert calls["parse"] == [S] and calls["hash"] == []
    expect(repo, "MAT201", S, line)
    assert _summary(repo) == _summary(_uncached(demo))


def _uncached(demo: Repo):
    from maturity.repository import load_repository
    from maturity.settings import load_settings
    return load_repository(load_settings(demo.root).with_overrides(cache=False), display_base=demo.root)


def test_a_file_with_a_warning_is_never_kept_so_the_warning_stays(demo, monkeypatch):
    demo.path(S).write_bytes(b"\xef\xbb\xbf" + demo.path(S).read_bytes())
    first = demo.load()
    expect(first, "MAT004", S, 1, severity=Severity.WARNING)
    calls = _counting(monkeypatch)
    again = demo.load()
    assert S in calls["parse"]
    assert _summary(again) == _summary(first)


def test_an_evidence_file_changed_after_a_warm_run_is_hashed_again(demo, monkeypatch, settled):
    demo.load()
    target = demo.path("evidence/shili-zixun/files/E001.md")
    size = target.stat().st_size
    target.write_bytes(b"x" * size)  # same size, new content and times
    calls = _counting(monkeypatch)
    repo = demo.load()
    assert calls["hash"] == [target]
    assert [d for d in repo.diagnostics if d.code == "MAT303" and d.path == R], listing(repo.diagnostics)


def test_a_file_hashed_just_after_its_change_is_not_kept(demo, monkeypatch):
    demo.load()  # the copies were made a moment ago: too fresh to be trusted by their times alone
    calls = _counting(monkeypatch)
    demo.load()
    assert calls["hash"] and calls["parse"] == []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "another format", "bad entry"])
def test_a_damaged_cache_is_ignored_and_made_again(demo, monkeypatch, settled, damage):
    cold = demo.load()
    path = _cache_file(demo)
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:3000])
    else:
        with sqlite3.connect(path) as db:
            if damage == "another format":
                db.execute("UPDATE meta SET value = '999' WHERE key = 'format'")
            else:
                db.execute("UPDATE checked SET data = x'00ff00'")
                db.execute("UPDATE hashes SET sha256 = 'nonsense'")
                db.execute("UPDATE verdicts SET data = '{not json'")  # else the registers passed: nothing to hash
    calls = _counting(monkeypatch)
    repo = demo.load()
    assert calls["parse"] and calls["hash"], "nothing of a damaged cache is used"
    assert _summary(repo) == _summary(cold)
    calls["parse"].clear(), calls["hash"].clear()
    assert _summary(demo.load()) == _summary(cold) and calls == {"parse": [], "hash": []}, "made again, whole"


def test_another_tool_fingerprint_uses_another_file(demo, monkeypatch, settled):
    demo.load()
    monkeypatch.setattr(maturity.cache, "tool_fingerprint", lambda: "0" * 16)
    calls = _counting(monkeypatch)
    demo.load()
    assert calls["parse"] and len(list(demo.path(maturity.cache.CACHE_DIR).glob("checked-*.sqlite"))) == 2


def test_a_cache_folder_that_is_a_link_is_not_used(demo, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    demo.path(".cache").symlink_to(elsewhere, target_is_directory=True)  # the parent a link: nothing made there
    demo.load()
    assert list(elsewhere.iterdir()) == []
    demo.path(".cache").unlink()
    demo.path(".cache").mkdir()
    demo.path(maturity.cache.CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    demo.load()
    assert list(elsewhere.iterdir()) == []
    calls = _counting(monkeypatch)
    demo.load()
    assert calls["parse"]


def test_cache_false_writes_nothing(demo):
    _uncached(demo)
    assert not demo.path(".cache").exists()


def test_entries_of_removed_assessments_are_dropped_after_a_whole_run(demo, settled):
    demo.load()
    with sqlite3.connect(_cache_file(demo)) as db:
        before = db.execute("SELECT count(*) FROM checked").fetchone()[0]
    for name in ("assessment.yml", "scores.yml", "publication.yml"):
        p = demo.path(f"assessments/2026-shili-danbao/{name}")
        if p.exists():
            p.unlink()
    demo.path("assessments/2026-shili-danbao").rmdir()
    demo.load()
    with sqlite3.connect(_cache_file(demo)) as db:
        after = db.execute("SELECT count(*) FROM checked").fetchone()[0]
    assert 0 < after < before


@pytest.mark.parametrize("rel", [S, "assessments/2026-shili-zixun/assessment.yml", R, "assessors.yml"])
def test_the_stored_data_is_the_parsed_data_type_for_type(demo, rel):
    doc, _ = load_yaml(demo.path(rel), rel)
    back = decode(encode(doc.data))
    assert _typed(back) == _typed(doc.data)
    assert any(isinstance(v, DateText) for v in _leaves(doc.data)) == any(isinstance(v, DateText) for v in _leaves(back))


def _typed(value):
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])  # order too: pages list items in file order
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


@pytest.mark.parametrize("value", [{"a": {1, 2}}, {1: "x"}, {"\x00": "2026-01-01"}, b"bytes", (1, 2)])
def test_what_the_parser_does_not_make_is_not_stored(value):
    assert encode(value) is None


def test_a_planted_marker_is_not_taken_for_a_date():
    with pytest.raises(ValueError):
        decode(b'{"\\u0000": "2026-01-01", "other": 1}')
    with pytest.raises(ValueError):
        decode(b'{"other": 1, "\\u0000": "2026-01-01"}')
    assert isinstance(decode(b'{"\\u0000": "2026-01-01"}'), DateText)


def test_an_unusable_store_reads_as_empty(tmp_path):
    store = CheckedFiles(None)
    assert store.get("scores", "0" * 64) is None and store.sha256(tmp_path, lambda: "computed") == "computed"
    store.close(prune=True)


def test_files_other_versions_left_unused_for_a_month_are_deleted(demo, tmp_path):
    """Every version keeps its own files; what no run used for UNUSED_DAYS goes, this version's are marked as used."""
    import os
    import time

    from maturity.cache import CACHE_DIR, UNUSED_DAYS, forget_other_versions, tool_fingerprint
    from maturity.repository import load_repository

    folder = demo.root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    old = time.time() - (UNUSED_DAYS + 1) * 86400
    names = {"stale": "checked-0123456789abcdef.sqlite", "stale_journal": "checked-0123456789abcdef.sqlite-journal",
             "stale_history": "history-0123456789abcdef.json", "stale_pages": "rendered-0123456789abcdef.sqlite",
             "stale_names": "names-0123456789abcdef.txt",
             "recent": "rendered-fedcba9876543210.sqlite", "mine": f"history-{tool_fingerprint()}.json",
             "other_name": "notes-0123456789abcdef.json"}
    for key, name in names.items():
        (folder / name).write_text("x", encoding="utf-8")
        if key != "recent":
            os.utime(folder / name, (old, old))
    (tmp_path / "elsewhere.sqlite").write_text("x", encoding="utf-8")
    os.utime(tmp_path / "elsewhere.sqlite", (old, old))
    (folder / "checked-aaaaaaaaaaaaaaaa.sqlite").symlink_to(tmp_path / "elsewhere.sqlite")
    os.utime(folder / "checked-aaaaaaaaaaaaaaaa.sqlite", (old, old), follow_symlinks=False)

    load_repository(demo.root)  # a run opens the cache and forgets what is stale
    left = {p.name for p in folder.iterdir()}
    assert not {names[k] for k in ("stale", "stale_journal", "stale_history", "stale_pages", "stale_names")} & left
    assert {names["recent"], names["mine"], names["other_name"], "checked-aaaaaaaaaaaaaaaa.sqlite"} <= left
    assert (tmp_path / "elsewhere.sqlite").exists(), "a link is not followed"
    assert (folder / names["mine"]).stat().st_mtime > old + 86400, "this version's files are marked as used"
    assert forget_other_versions(folder) == [], "nothing more to forget"


def test_new_entries_are_written_as_they_add_up_not_held_to_the_end(demo, monkeypatch, settled):
    """A cold run over a large repository writes its entries in short transactions as they reach WRITE_BYTES; the
    run's own findings and the stored data are the same as with one write at the end."""
    one_go = demo.load()
    [path] = demo.path(maturity.cache.CACHE_DIR).glob("checked-*.sqlite")
    with sqlite3.connect(path) as db:
        stored = {table: sorted(db.execute(f"SELECT * FROM {table}")) for table in ("checked", "hashes", "verdicts")}
    path.unlink()
    monkeypatch.setattr(CheckedFiles, "WRITE_BYTES", 1)  # every entry written as it comes
    seen_before_close = []
    real_close = CheckedFiles.close

    def close(self, prune=False):
        with sqlite3.connect(path) as other:  # another connection: only what was committed
            seen_before_close.append(other.execute("SELECT COUNT(*) FROM checked").fetchone()[0])
        return real_close(self, prune)

    monkeypatch.setattr(CheckedFiles, "close", close)
    again = demo.load()
    assert seen_before_close and seen_before_close[0] == len(stored["checked"]) > 0
    with sqlite3.connect(path) as db:
        assert {table: sorted(db.execute(f"SELECT * FROM {table}")) for table in stored} == stored
    assert [d.as_dict() for d in again.diagnostics] == [d.as_dict() for d in one_go.diagnostics]


def test_while_another_process_holds_the_cache_new_entries_wait_for_the_end(demo, monkeypatch, settled):
    """One early write finds the file locked: no more are tried during the run (each would wait out the lock's
    timeout), and the end of the run writes them all."""
    demo.load()
    [path] = demo.path(maturity.cache.CACHE_DIR).glob("checked-*.sqlite")
    with sqlite3.connect(path) as db:
        stored = sorted(db.execute("SELECT key FROM checked"))
        for table in ("checked", "hashes", "verdicts"):  # as cold as a new file, and the same file for the lock
            db.execute(f"DELETE FROM {table}")
    monkeypatch.setattr(CheckedFiles, "WRITE_BYTES", 1)
    holder = sqlite3.connect(path, isolation_level=None)
    writes = []
    real_open, real_write, real_close = CheckedFiles.open.__func__, CheckedFiles._write_new, CheckedFiles.close

    def open_then_locked(cls, *args, **kwargs):
        store = real_open(cls, *args, **kwargs)
        holder.execute("BEGIN IMMEDIATE")  # another process starts writing
        return store

    def close(self, prune=False):
        if holder.in_transaction:
            holder.execute("ROLLBACK")  # the other process is done
        return real_close(self, prune)

    monkeypatch.setattr(CheckedFiles, "open", classmethod(open_then_locked))
    monkeypatch.setattr(CheckedFiles, "_write_new", lambda self, db: writes.append(1) or real_write(self, db))
    monkeypatch.setattr(CheckedFiles, "close", close)
    try:
        demo.load()
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
    assert len(writes) == 2, "one early write was tried (and failed), then the one at the end"
    with sqlite3.connect(path) as db:
        assert sorted(db.execute("SELECT key FROM checked")) == stored


def test_a_cache_another_process_is_writing_is_left_to_it(demo, tmp_path):
    """Opening a store whose file another process holds locked does not take it for a damaged one and delete it."""
    path = tmp_path / "checked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE mine (x)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert maturity.cache.connect(path, 1, ("checked (key TEXT PRIMARY KEY, data BLOB NOT NULL)",)) is None
        assert path.exists()
        holder.execute("INSERT INTO mine VALUES (1)")
        holder.execute("COMMIT")
        assert holder.execute("SELECT COUNT(*) FROM mine").fetchone()[0] == 1
    finally:
        holder.close()
