"""``--dirty`` builds (maturity.mkdocs_plugin.dirty): unchanged generated pages are not rebuilt, changed ones are.

The sources kept for MkDocs are tested on their own (written only when changed, removed when no longer made,
never written or read through a symbolic link), then with real ``mkdocs build --dirty`` runs on a copy of the demo:
after one score is changed, only the pages and files that show it are made again, and the site is the one a
clean build of the same data makes, but for what MkDocs itself says a dirty build leaves stale.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from maturity.mkdocs_plugin.dirty import Sources
from site_helpers import copy_demo, mkdocs_build


def _sources(tmp_path: Path) -> Sources:
    folder = tmp_path / "dirty"
    folder.mkdir()
    return Sources(folder)


def test_a_source_is_written_only_when_its_digest_changes(tmp_path):
    sources = _sources(tmp_path)
    path = Path(sources.put("assessments/a/index.md", "d1", lambda: b"one"))
    sources.close()
    before = path.stat().st_mtime_ns
    again = Sources(sources.folder)
    assert again.put("assessments/a/index.md", "d1", lambda: b"never read") == str(path)
    assert again.written == 0 and path.read_bytes() == b"one" and path.stat().st_mtime_ns == before
    again.put("assessments/a/index.md", "d2", lambda: b"two")
    assert again.written == 1 and path.read_bytes() == b"two"


def test_a_rewritten_source_is_dated_past_an_output_as_new_as_itself(tmp_path):
    sources = _sources(tmp_path)
    kept = Path(sources.put("a.svg", "x", lambda: b"<svg/>"))
    sources.close()
    output = tmp_path / "site-a.svg"
    output.write_bytes(b"<svg/>")
    ahead = kept.stat().st_mtime_ns + 5_000_000_000  # the last build's output, dated at or after the new source
    os.utime(output, ns=(ahead, ahead))
    again = Sources(sources.folder)
    fresh = again.put("b.svg", "y", lambda: b"<svg/>")
    assert again.put("a.svg", "x", lambda: b"never read") == str(kept)
    os.utime(fresh, ns=(ahead, ahead))
    again.newer_than(str(kept), str(output))  # not written by this build: left as it is
    again.newer_than(fresh, str(output))
    assert kept.stat().st_mtime_ns < ahead < Path(fresh).stat().st_mtime_ns
    # MkDocs compares times in float seconds (File.is_modified): the source must win there too
    assert os.path.getmtime(fresh) > os.path.getmtime(output)


def test_what_a_build_no_longer_makes_is_removed(tmp_path):
    sources = _sources(tmp_path)
    kept = Path(sources.put("badges/a.svg", "x", lambda: b"<svg/>"))
    gone = Path(sources.put("badges/b.svg", "y", lambda: b"<svg/>"))
    top = Path(sources.put("feed.xml", "z", lambda: b"<feed/>"))
    sources.close()
    later = Sources(sources.folder)
    later.put("badges/a.svg", "x", lambda: b"<svg/>")
    later.close()
    assert kept.is_file() and not gone.exists() and not top.exists()


def test_removing_never_goes_through_a_link(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.svg").write_text("<svg/>", encoding="utf-8")
    sources = _sources(tmp_path)
    sources.put("badges/keep.svg", "x", lambda: b"<svg/>")
    sources.close()
    shutil.rmtree(sources.root / "badges")
    os.symlink(outside, sources.root / "badges")  # the folder replaced by a link to elsewhere
    Sources(sources.folder).close()  # keep.svg is no longer made: its source would be removed
    assert (outside / "keep.svg").is_file()


def test_a_deleted_source_is_written_again(tmp_path):
    sources = _sources(tmp_path)
    path = Path(sources.put("feed.xml", "x", lambda: b"<feed/>"))
    sources.close()
    path.unlink()
    assert Path(Sources(sources.folder).put("feed.xml", "x", lambda: b"<feed/>")).read_bytes() == b"<feed/>"


def test_no_source_is_written_or_read_through_a_link(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "passwd"
    secret.write_text("secret", encoding="utf-8")
    sources = _sources(tmp_path)
    sources.put("badges/a.svg", "x", lambda: b"<svg/>")
    sources.close()
    os.symlink(outside, sources.root / "certificates")  # a folder that is a link
    os.symlink(secret, sources.root / "badges" / "b.svg")  # a file that is a link
    later = Sources(sources.folder)
    assert later.put("certificates/passwd", "x", lambda: b"overwritten") is None
    assert later.put("badges/b.svg", "y", lambda: b"overwritten") is None
    assert later.put("../escape.txt", "z", lambda: b"overwritten") is None
    assert secret.read_text(encoding="utf-8") == "secret" and not (tmp_path / "escape.txt").exists()


@pytest.mark.parametrize("record", ['["not", "a", "record"]', '{"feed.xml": 5}', '{"feed.xml": "x"', ""])
def test_a_damaged_record_makes_every_source_be_written_again(tmp_path, record):
    sources = _sources(tmp_path)
    path = Path(sources.put("feed.xml", "x", lambda: b"<feed/>"))
    sources.close()
    (sources.folder / "manifest.json").write_text(record, encoding="utf-8")
    again = Sources(sources.folder)
    assert again.put("feed.xml", "x", lambda: b"<feed/>") == str(path)
    assert again.written == 1  # not trusted: the unchanged source is written again (newer than any output)


def test_an_intact_record_is_trusted(tmp_path):
    sources = _sources(tmp_path)
    sources.put("feed.xml", "x", lambda: b"<feed/>")
    sources.close()
    again = Sources(sources.folder)
    again.put("feed.xml", "x", lambda: b"<feed/>")
    assert again.written == 0


# --- real builds ----------------------------------------------------------------------------------------------------

EDITED, UNTOUCHED = "2026-shili-kechuang", "2026-shili-zixun"
SCORE = ("SS-DM-1-02: {score: 1,", "SS-DM-1-02: {score: 0.8,")
# What MkDocs itself leaves stale in a dirty build (its own warning: "inaccurate navigation and other links"):
# Material's search index holds only the pages built this time.
MKDOCS_STALE = {"search/search_index.json"}


def _outputs(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def _differing(a: Path, b: Path) -> set[str]:
    names = set(_outputs(a)) | set(_outputs(b))
    return {n for n in names if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, shallow=False))}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A copy of the demo built ``--dirty`` twice, one score changed in between: (project, outputs before, after)."""
    root = tmp_path_factory.mktemp("dirty-demo")
    copy_demo(root)
    first = mkdocs_build(root, strict=False, dirty=True)
    assert first.returncode == 0 and "Traceback" not in first.output, first.output
    before = _outputs(first.site)
    scores = root / "assessments" / EDITED / "scores.yml"
    text = scores.read_text(encoding="utf-8")
    assert SCORE[0] in text
    scores.write_text(text.replace(SCORE[0], SCORE[1], 1), encoding="utf-8")
    # The edited report's output dated ahead of the clock, as when its new source is written within the same
    # coarse time (1–2 s on some file systems): the source must still count as newer (Sources.newer_than).
    report = first.site / "assessments" / EDITED / "index.html"
    ahead = time.time_ns() + 30_000_000_000
    os.utime(report, ns=(ahead, ahead))
    before[f"assessments/{EDITED}/index.html"] = ahead
    second = mkdocs_build(root, strict=False, dirty=True)
    assert second.returncode == 0 and "Traceback" not in second.output, second.output
    assert re.search(r"--dirty 构建：生成的 \d+ 个页面和文件中，\d+ 个与上次不同", second.output), second.output
    return root, before, _outputs(second.site)


def test_only_what_shows_the_change_is_made_again(rebuilt):
    _, before, after = rebuilt
    remade = {n for n in before if after.get(n) != before[n]}
    assert f"assessments/{EDITED}/index.html" in remade and f"en/assessments/{EDITED}/index.html" in remade
    assert f"assessments/{UNTOUCHED}/index.html" not in remade
    assert not [n for n in remade if n.startswith("certificates/ZXGJ-")], remade  # kechuang holds no certificate
    assert len(remade) * 10 < len(before), sorted(remade)


def test_the_dirty_site_is_the_clean_one(rebuilt, tmp_path):
    root, _, _ = rebuilt
    clean_root = tmp_path / "clean"
    copy_demo(clean_root)
    for name in ("assessments",):  # the same data as the dirty build's, edited score included
        shutil.rmtree(clean_root / name)
        shutil.copytree(root / name, clean_root / name)
    clean = mkdocs_build(clean_root)
    assert clean.returncode == 0, clean.output
    assert _differing(root / "site", clean.site) <= MKDOCS_STALE
    # That exception is MkDocs' own: Material's index holds the pages MkDocs built this time, no others.
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert {d["location"].split("#")[0] for d in index} <= {"assessments/", "en/assessments/", f"assessments/{EDITED}/",
                                                            f"en/assessments/{EDITED}/", "organisations/shili-kechuang/",
                                                            "en/organisations/shili-kechuang/"}
    report = (clean.site / "assessments" / EDITED / "index.html").read_text(encoding="utf-8")
    assert report == (root / "site" / "assessments" / EDITED / "index.html").read_text(encoding="utf-8")


def test_a_clean_build_makes_the_next_dirty_one_write_every_source(rebuilt):
    root, _, _ = rebuilt
    assert mkdocs_build(root).returncode == 0
    again = mkdocs_build(root, strict=False, dirty=True)
    found = re.search(r"--dirty 构建：生成的 (\d+) 个页面和文件中，(\d+) 个与上次不同", again.output)
    assert again.returncode == 0 and found and found.group(1) == found.group(2), again.output
