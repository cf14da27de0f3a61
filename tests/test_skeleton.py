"""The scratch site of ``maturity check`` (:func:`maturity.publish.writer.write_skeleton`): every file the build
writes made by its name, empty, and every evidence file it copies opened; what would stop the build's writing
raises :class:`OSError` (the gate reports it as MAT903), and nothing else is written."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import copy_demo  # noqa: E402

from maturity.publish import build_site  # noqa: E402
from maturity.publish.site import Asset, Copy, Page, Site  # noqa: E402
from maturity.publish.writer import footprint, write_skeleton  # noqa: E402
from maturity.repository import load_repository  # noqa: E402


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("demo")
    copy_demo(root)
    repo = load_repository(root, display_base=root)
    return build_site(repo)


def test_every_file_of_the_site_is_made_empty(demo_site, tmp_path):
    made = write_skeleton(demo_site, tmp_path)
    files = {p.relative_to(tmp_path).as_posix(): p for p in tmp_path.rglob("*") if p.is_file()}
    expected = ({p.src_uri for p in demo_site.pages} | {a.path for a in demo_site.assets}
                | {c.path for c in demo_site.copies})
    assert demo_site.copies and demo_site.assets and demo_site.pages
    assert set(files) == expected and made == len(expected)
    assert all(p.stat().st_size == 0 for p in files.values()), "the contents are not written"
    folders = sum(1 for p in tmp_path.rglob("*") if p.is_dir())
    assert footprint(demo_site)[1] >= len(files) + folders, "the estimate of entries is never short"


def test_a_name_too_long_for_the_file_system_raises(tmp_path):
    with pytest.raises(OSError):
        write_skeleton(Site(assets=[Asset("badges/" + "徽" * 100 + ".svg", "<svg/>")]), tmp_path)  # 300 bytes


@pytest.mark.parametrize("first, second", [("records/a", "records/a/b.json"), ("records/a/b.json", "records/a")])
def test_a_file_where_a_folder_must_go_raises(tmp_path, first, second):
    with pytest.raises(OSError):
        write_skeleton(Site(assets=[Asset(first, "1"), Asset(second, "2")]), tmp_path)


def test_a_folder_to_copy_raises(tmp_path):
    (tmp_path / "evidence").mkdir()
    with pytest.raises(IsADirectoryError):
        write_skeleton(Site(copies=[Copy("evidence/x.pdf", tmp_path / "evidence")]), tmp_path / "out")


def test_a_missing_file_to_copy_raises(tmp_path):
    with pytest.raises(FileNotFoundError) as raised:
        write_skeleton(Site(copies=[Copy("evidence/x.pdf", tmp_path / "gone.pdf")]), tmp_path / "out")
    assert raised.value.filename == str(tmp_path / "gone.pdf"), "the gate names the file in MAT903"


def test_a_named_pipe_to_copy_raises_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            write_skeleton(Site(copies=[Copy("evidence/x.pdf", pipe)]), tmp_path / "out")
            outcome.append(None)
        except OSError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert outcome and isinstance(outcome[0], OSError), "opening a pipe to copy it neither blocks nor passes"


def test_an_unreadable_file_to_copy_raises(tmp_path):
    source = tmp_path / "closed.pdf"
    source.write_bytes(b"%PDF")
    source.chmod(0)
    try:
        if os.access(source, os.R_OK):
            pytest.skip("root reads any file: an unreadable file cannot be made here")
        with pytest.raises(PermissionError):
            write_skeleton(Site(copies=[Copy("evidence/closed.pdf", source)]), tmp_path / "out")
    finally:
        source.chmod(0o644)


def test_pages_are_made_by_their_source_name(tmp_path):
    page = Page("assessments/x/index.md", "标题", "<p>x</p>")
    write_skeleton(Site(pages=[page]), tmp_path)
    assert (tmp_path / "assessments/x/index.md").is_file()
