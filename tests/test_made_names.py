"""Names made once (:mod:`maturity.publish.made_names`): a check whose site has the same names as one made before without
fault does not make them again, but still opens every evidence file the build copies; anything else is made again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from maturity import gate
from maturity.cache import CACHE_DIR, tool_fingerprint
from maturity.publish import made_names
from maturity.publish.made_names import KEEP, MadeNames
from maturity.publish.site import Asset, Copy, Page, Site
from maturity.settings import load_settings


def check(root: Path) -> gate.Publication:
    return gate.check(load_settings(root), display_base=root)


def store(root: Path) -> Path:
    return root / CACHE_DIR / f"names-{tool_fingerprint()}.txt"


def codes(publication: gate.Publication) -> list[dict]:
    return [d.as_dict() for d in publication.diagnostics]


def test_the_same_names_are_made_once(site_copy):
    first, second = check(site_copy), check(site_copy)
    assert not first.names_recalled and second.names_recalled
    assert not first.failures() and not second.failures()
    assert codes(first) == codes(second), "the same verdict, made or recalled"
    assert store(site_copy).read_text(encoding="ascii").split() == [made_names.digest(second.site, _folder(second.site))]


def test_other_names_are_made_again(site_copy):
    check(site_copy)
    shutil.rmtree(site_copy / "assessments/2026-shili-xinxi")  # one assessment fewer: its pages and files are gone
    again = check(site_copy)
    assert not again.names_recalled
    assert len(store(site_copy).read_text(encoding="ascii").split()) == 2, "both sets are kept: branches checked in turn"


def test_no_names_are_kept_when_the_cache_is_off(site_copy):
    config = site_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "- maturity:\n" in text
    config.write_text(text.replace("- maturity:\n", "- maturity:\n      cache: false\n", 1), encoding="utf-8")
    assert not check(site_copy).names_recalled and not check(site_copy).names_recalled
    assert not store(site_copy).exists()


def test_an_evidence_file_to_copy_is_opened_even_when_the_names_are_recalled(site_copy, tmp_path):
    """Whether a file can be read is not a matter of names: a copy whose source is a folder fails every time."""
    folder = tmp_path / "not-a-file.pdf"
    folder.mkdir()
    site = Site(pages=[Page("a/index.md", "a", "<p>a</p>")], copies=[Copy("evidence/x/a.pdf", folder)])
    settings = load_settings(site_copy)
    made = MadeNames.open(settings)
    made.keep(made_names.digest(site, _folder(site)))
    publication = gate.Publication(settings, None, site)
    gate._make_names(settings, publication)
    assert publication.names_recalled is False
    assert [d.code for d in publication.diagnostics] == ["MAT903"]


def test_names_that_fail_are_never_kept(site_copy):
    site = Site(assets=[Asset("badges/" + "徽" * 100 + ".svg", "<svg/>")])  # a name of 300 bytes
    settings = load_settings(site_copy)
    for _ in range(2):
        publication = gate.Publication(settings, None, site)
        gate._make_names(settings, publication)
        assert [d.code for d in publication.diagnostics] == ["MAT903"] and not publication.names_recalled
    assert made_names.digest(site, _folder(site)) not in MadeNames.open(settings)


@pytest.mark.parametrize("content", [b"not a digest\n", b"\xff\xfe", b"a" * 64 + b"\n" * 5000, b"A" * 64 + b"\n"])
def test_a_store_that_is_not_ours_is_ignored(site_copy, content):
    site = check(site_copy).site
    path = store(site_copy)
    kept = path.read_bytes()
    path.write_bytes(content + kept)  # the right digest is there, after something else
    again = check(site_copy)
    assert not again.names_recalled
    assert path.read_text(encoding="ascii").split() == kept.decode().split(), "written again, with only its digest"
    assert made_names.digest(site, _folder(site)) in MadeNames.open(load_settings(site_copy))


def test_a_linked_store_is_not_followed(site_copy, tmp_path):
    check(site_copy)
    path = store(site_copy)
    elsewhere = tmp_path / "elsewhere.txt"
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)
    assert not check(site_copy).names_recalled, "a link's target is not read"
    assert not path.is_symlink(), "the link is replaced, not written through"
    assert elsewhere.read_text(encoding="ascii") == path.read_text(encoding="ascii")


def test_only_the_most_recent_digests_are_kept(site_copy):
    made = MadeNames.open(load_settings(site_copy))
    for n in range(KEEP + 3):
        made.keep(f"{n:064x}")
    made.keep(f"{5:064x}")  # used again: the most recent
    kept = store(site_copy).read_text(encoding="ascii").split()
    assert len(kept) == KEEP and kept[-1] == f"{5:064x}" and f"{2:064x}" not in kept
    reopened = MadeNames.open(load_settings(site_copy))
    assert f"{2:064x}" not in reopened and f"{3:064x}" in reopened, "the oldest are forgotten, the rest read back"


def test_the_digest_is_of_the_names_their_kind_and_where_they_are_made(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    page = Site(pages=[Page("x/index.md", "x", "")])
    asset = Site(assets=[Asset("x/index.md", "")])
    other = Site(pages=[Page("y/index.md", "x", "")])
    same = Site(pages=[Page("x/index.md", "another title", "<p>other contents</p>")])
    a = str(tmp_path / "a")
    assert made_names.digest(page, a) == made_names.digest(same, a), "contents are not names"
    assert len({made_names.digest(page, a), made_names.digest(asset, a), made_names.digest(other, a),
                made_names.digest(page, str(tmp_path / "b"))}) == 4


def _folder(site: Site) -> str:
    """Where the gate makes ``site``'s names (as :func:`maturity.gate.check` chooses)."""
    import tempfile

    from maturity.publish import scratch
    from maturity.publish.writer import footprint

    return scratch.folder(*footprint(site)) or tempfile.gettempdir()



def test_no_temporary_folder_is_a_finding_not_a_traceback(site_copy, monkeypatch):
    import tempfile

    gone = str(site_copy / "no-such-folder")
    monkeypatch.setenv("TMPDIR", gone)  # the user's choice: not the memory file system
    monkeypatch.setattr(tempfile, "tempdir", gone)  # where tempfile makes its folders, as TMPDIR would set it
    publication = check(site_copy)
    [found] = [d for d in publication.diagnostics if d.code == "MAT903"]
    assert "TMPDIR" in found.as_dict()["message"], "the assessor is told where to look"
    assert publication.failures() and not publication.names_recalled
