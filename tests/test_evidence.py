"""Evidence: what a public item publishes is decided by the file itself, not by its label.

Each attack below got a confidential file onto the site, or crashed the check, before these rules.
"""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from conftest import R, Severity, evidence_line, expect, find, listing
from maturity.settings import Settings, load_settings
from security_helpers import copy_demo, mkdocs_build

CONFIDENTIAL = "E004"  # files/E004.md, class: confidential, in zixun's register
PUBLIC = "E001"  # files/E001.md, class: public


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_item(demo, text: str, register: str = R) -> None:
    demo.write(register, demo.read(register).rstrip("\n") + "\n" + text)


def public_item(eid: str, file: str, digest: str) -> str:
    return (f"  - id: {eid}\n    title: 公开的材料\n    method: document_review\n    record_date: 2022-01-01\n"
            f"    collected: 2023-01-01\n    file: {file}\n    sha256: {digest}\n    class: public\n")


def test_second_item_naming_the_same_file_as_public(demo):
    digest = sha(demo.path("evidence/shili-zixun/files/E004.md"))
    add_item(demo, public_item("E900", "files/E004.md", digest))
    repo = demo.load()
    d = expect(repo, "MAT310", R, evidence_line(demo, "E900", "class"))
    assert d.key == "MAT310.same_file" and "E004" in d.message and "保密" in d.message


def test_hard_link_to_a_confidential_file(demo):
    folder = demo.path("evidence/shili-zixun/files")
    os.link(folder / "E004.md", folder / "copy.md")
    add_item(demo, public_item("E900", "files/copy.md", sha(folder / "E004.md")))
    d = expect(demo.load(), "MAT310", R, evidence_line(demo, "E900", "class"))
    assert d.key == "MAT310.same_file"


def test_copy_with_the_same_bytes(demo):
    folder = demo.path("evidence/shili-zixun/files")
    shutil.copyfile(folder / "E004.md", folder / "copy.md")
    add_item(demo, public_item("E900", "files/copy.md", sha(folder / "E004.md")))
    d = expect(demo.load(), "MAT310", R, evidence_line(demo, "E900", "class"))
    assert d.key == "MAT310.same_content"


def test_alias_in_another_organisations_register(demo):
    """A confidential file of one organisation published under another organisation's register."""
    src = demo.path("evidence/shili-zixun/files/E004.md")
    other = "evidence/shili-xinxi/register.yml"
    target = demo.path("evidence/shili-xinxi/files/borrowed.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    add_item(demo, public_item("X900", "files/borrowed.md", sha(src)), register=other)
    repo = demo.load()
    (d,) = find(repo.diagnostics, "MAT310", other)
    assert "E004" in d.message and "evidence/shili-zixun/register.yml" in d.message


def test_symlink_to_a_confidential_file(demo):
    folder = demo.path("evidence/shili-zixun/files")
    (folder / "E001.md").unlink()
    (folder / "E001.md").symlink_to(folder / "E004.md")
    expect(demo.load(), "MAT305", R, evidence_line(demo, PUBLIC, "file"))


def test_symlinked_folder_on_the_way(demo):
    folder = demo.path("evidence/shili-zixun")
    shutil.move(folder / "files", folder / "real")
    (folder / "files").symlink_to(folder / "real", target_is_directory=True)
    repo = demo.load()
    assert find(repo.diagnostics, "MAT305", R), listing(repo.diagnostics)


def test_symlink_to_itself_is_a_diagnostic_not_a_traceback(demo):
    folder = demo.path("evidence/shili-zixun/files")
    (folder / "E001.md").unlink()
    (folder / "E001.md").symlink_to(folder / "E001.md")
    expect(demo.load(), "MAT305", R, evidence_line(demo, PUBLIC, "file"))


@pytest.mark.parametrize("url, key", [
    ("https://[x", "MAT307.invalid"),
    ("https://exa mple.org/a", "MAT307.invalid"),
    ("https://example.org:abc/", "MAT307.invalid"),
    ("https:///path-only", "MAT307.invalid"),
    ("ftp://example.org/x", "MAT307.scheme"),
    ("javascript:alert(1)", "MAT307.scheme"),
])
def test_urls_are_parsed_defensively(demo, url, key):
    add_item(demo, f"  - {{id: E901, title: 网页材料, method: document_review, record_date: 2022-01-01, "
                   f"collected: 2023-01-01, url: '{url}', class: public}}\n")
    repo = demo.load()
    (d,) = find(repo.diagnostics, "MAT307", R)
    assert d.key == key


def test_backslash_paths(demo):
    demo.replace(R, "file: files/E001.md", "file: files\\E001.md")
    d = expect(demo.load(), "MAT304", R, evidence_line(demo, PUBLIC, "file"))
    assert d.key == "MAT304.backslash"


# --- evidence kept out of the repository --------------------------------------------------------------

def make_private(demo, private_dir=None) -> str:
    """Move E004 (confidential) out of the repository into a private folder; return its sha256."""
    src = demo.path("evidence/shili-zixun/files/E004.md")
    digest = sha(src)
    if private_dir is not None:
        (private_dir / "shili-zixun" / "files").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, private_dir / "shili-zixun" / "files" / "E004.md")
    src.unlink()
    demo.replace(R, "    file: files/E004.md\n", "    file: files/E004.md\n    storage: private\n")
    return digest


def _load(demo, private_dir):
    from maturity.repository import load_repository
    settings = load_settings(demo.root).with_overrides(private_evidence_dir=private_dir)
    return load_repository(settings, display_base=demo.root)


def test_private_evidence_absent_here_is_a_note(demo):
    make_private(demo)
    repo = demo.load()
    d = expect(repo, "MAT311", R, evidence_line(demo, CONFIDENTIAL, "file"), Severity.NOTE)
    assert "private_evidence_dir" in d.message
    assert not repo.errors, listing(repo.errors)
    assert not Settings().fails(d, strict=True), "a note never fails, not even a strict run"


def test_private_evidence_present_is_verified(demo, tmp_path):
    private = tmp_path / "private"
    make_private(demo, private)
    repo = _load(demo, private)
    assert not find(repo.diagnostics, "MAT311") and not repo.errors, listing(repo.diagnostics)
    (private / "shili-zixun" / "files" / "E004.md").write_text("changed", encoding="utf-8")
    repo = _load(demo, private)
    d = expect(repo, "MAT303", R, evidence_line(demo, CONFIDENTIAL, "sha256"))
    assert d.key == "MAT303.mismatch"


def test_public_evidence_cannot_be_private(demo):
    demo.replace(R, "    file: files/E001.md\n", "    file: files/E001.md\n    storage: private\n")
    expect(demo.load(), "MAT312", R, evidence_line(demo, PUBLIC, "storage"))


def test_private_evidence_builds_and_is_not_published(tmp_path):
    """A confidential file outside the repository: the strict build passes (a note is not a warning)."""
    root = tmp_path / "site-src"
    copy_demo(root)
    src = root / "evidence" / "shili-zixun" / "files" / "E004.md"
    secret = src.read_bytes()
    src.unlink()
    register = root / "evidence" / "shili-zixun" / "register.yml"
    register.write_text(register.read_text(encoding="utf-8").replace(
        "    file: files/E004.md\n", "    file: files/E004.md\n    storage: private\n"), encoding="utf-8")
    build = mkdocs_build(root)
    assert build.returncode == 0, build.output[-3000:]
    assert "MAT311" in build.output
    leaked = [p for p in build.site.rglob("*") if p.is_file() and secret in p.read_bytes()]
    assert not leaked


def test_alias_fails_the_strict_build_and_publishes_nothing_of_it(tmp_path):
    root = tmp_path / "site-src"
    copy_demo(root)
    folder = root / "evidence" / "shili-zixun" / "files"
    secret = (folder / "E004.md").read_bytes()
    shutil.copyfile(folder / "E004.md", folder / "alias.md")
    register = root / "evidence" / "shili-zixun" / "register.yml"
    register.write_text(register.read_text(encoding="utf-8").replace(
        "file: files/E001.md", "file: files/alias.md").replace(
        "sha256: 93a4df9d6e66c5f96ee443bfd3cff1a9832023f657e27b5053ef005613617b1d",
        f"sha256: {hashlib.sha256(secret).hexdigest()}"), encoding="utf-8")
    strict = mkdocs_build(root)
    assert strict.returncode != 0 and "MAT310" in strict.output
    lenient = mkdocs_build(root, strict=False)
    assert lenient.returncode == 0, lenient.output[-3000:]
    leaked = [p.relative_to(lenient.site).as_posix() for p in lenient.site.rglob("*") if p.is_file() and secret in p.read_bytes()]
    assert not leaked, leaked
