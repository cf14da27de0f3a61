"""Writing a :class:`~maturity.publish.site.Site` into a folder of files.

Pages become Markdown files holding their HTML (with the title in front matter), so that any
generator that reads ``mkdocs.yml`` builds them; generated files and public evidence are written
as they are. Writes are atomic, and a file whose content has not changed is not touched (a
generator that rebuilds incrementally then rebuilds only what changed).

:func:`write_skeleton` makes every file, empty, in an empty folder (``maturity check`` does, in a
temporary one, to see that the build can write them). :func:`render` writes into the site's docs
folder for ``maturity render``, beside the hand-written pages, at the same paths the plugin gives
MkDocs — so every page gets the same URL whichever generator builds it. It keeps a manifest of what it wrote (``.maturity/manifest.json``
in that folder: generators leave dot folders out of the site), never writes over a file it did
not write, removes only files it wrote (and only while they are as it wrote them), and writes
nothing at all when any target is taken.
"""

from __future__ import annotations

import errno
import hashlib
import html as html_lib
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from maturity.data.evidence_hash import sha256_of
from maturity.data.files import write_atomic, write_atomic_bytes
from maturity.publish.site import Copy, Page, Site

# render's own files, inside the docs folder: MkDocs, ProperDocs and Zensical leave dot folders out of the site.
RENDER_DIR = ".maturity"
MANIFEST = f"{RENDER_DIR}/manifest.json"
# The overview fragment for each hand-written page that carries the overview marker, included there with
# pymdownx.snippets (``--8<-- "overview/index.md.html"``, base_path: docs/.maturity).
OVERVIEW_DIR = f"{RENDER_DIR}/overview"
# What a rendered overview is wrapped in: the plugin drops it (it puts the live overview at the marker).
RENDERED_OVERVIEW = re.compile(r"<!-- maturity:rendered-overview -->.*?<!-- /maturity:rendered-overview -->", re.S)
# Names a generator turns into pages (MkDocs' markdown_extensions; Zensical the same): public evidence with
# such a name cannot go through the docs folder as it is (it would become a themed page, its Markdown
# rendered, and the original bytes whose SHA-256 is published would not be served).
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
_ID = re.compile(r'\sid="[^"]*"')


def front_matter(title: str, hide: tuple[str, ...] = (), search_exclude: bool = False) -> str:
    """A page's YAML front matter: its title, what the theme should hide (Material's ``hide``), and whether
    the generator's search leaves it out (``search: {exclude: true}``, which Material honours).

    ``title`` is put in as it is given: the themes print it without escaping, so callers pass HTML text."""
    # JSON's string syntax is a valid YAML double-quoted scalar (a JSON list a YAML flow sequence) and escapes everything.
    lines = [f"title: {json.dumps(' '.join(title.split()), ensure_ascii=False)}"]
    if hide:
        lines.append(f"hide: {json.dumps(list(hide))}")
    if search_exclude:
        lines.append('search: {"exclude": true}')
    return "---\n" + "\n".join(lines) + "\n---\n"


def page_markdown(title: str, html: str, hide: tuple[str, ...] = (), search_html: str | None = None,
                  search_exclude: bool = False) -> str:
    """A page as a Markdown file: front matter, then its HTML, kept away from Markdown (``markdown="0"``).

    With ``search_html`` (the short version the search index should hold), the page itself is marked
    ``data-search-exclude`` and the short version follows it, hidden: Material's and Zensical's search
    then index the short version only, as the plugin arranges during a build. Its ``id`` attributes are
    left out (they are the page's own anchors)."""
    head = front_matter(html_lib.escape(title), hide, search_exclude)  # escaped as the plugin escapes it
    if search_html is None:
        return f"{head}\n<div class=\"maturity-page\" markdown=\"0\">\n{html}\n</div>\n"
    return (f"{head}\n<div class=\"maturity-page\" markdown=\"0\" data-search-exclude>\n{html}\n</div>\n"
            f"<div class=\"maturity-search\" markdown=\"0\" hidden>\n{_ID.sub('', search_html)}\n</div>\n")


def page_file(page: Page) -> str:
    return page_markdown(page.title, page.html, page.hide, page.search_html, page.search_exclude)


def footprint(site: Site) -> tuple[int, int]:
    """What :func:`write_skeleton` makes: (bytes, files and folders), reckoned high (a folder for every file).
    Its files are empty: no bytes but the folders' and the names'."""
    return 0, 2 * (len(site.pages) + len(site.assets) + len(site.copies))


def write_skeleton(site: Site, out: Path) -> int:
    """Make under ``out`` (``maturity check``'s scratch folder) every file the build writes, empty, and open every
    file it copies; return the number of files made. An :class:`OSError` is what would stop the build.

    What can make a build's write fail is a name — too long, not allowed, a file where a folder must go — or a
    file to copy that cannot be opened; the content cannot, but for a full disk, and the scratch folder's disk is
    not the build's. Writing the contents (some 630 MB of pages at N = 10,000, docs/performance.md#skeleton) was
    most of the time and the memory of this step, and told nothing more."""
    base = os.fspath(out)
    folders: set[str] = set()

    def touch(rel: str) -> None:
        target = os.path.join(base, rel)
        parent = os.path.dirname(target)
        if parent not in folders:
            os.makedirs(parent, exist_ok=True)
            folders.add(parent)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))

    for page in site.pages:
        touch(page.src_uri)
    for asset in site.assets:
        touch(asset.path)
    for copy in site.copies:
        _open_to_copy(copy.source)
        touch(copy.path)
    return len(site.pages) + len(site.assets) + len(site.copies)


def open_copies(site: Site) -> None:
    """Open every evidence file ``site`` copies, as :func:`write_skeleton` does, without making any file: for a check
    whose names were made before (:mod:`maturity.publish.made_names`). Raises what copying would raise."""
    for copy in site.copies:
        _open_to_copy(copy.source)


def _open_to_copy(source: Path) -> None:
    """Raise the :class:`OSError` that copying ``source`` would raise for want of a readable file (not read: an
    evidence file's bytes were read when its digest was checked)."""
    fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK)  # not blocked by a named pipe, which copying refuses below
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(source))
    if not stat.S_ISREG(mode):  # shutil.copyfile refuses a pipe, a socket, a device
        raise shutil.SpecialFileError(errno.EINVAL, "not a regular file", str(source))


# --- maturity render: into the docs folder, beside the hand-written pages ---------------------------


def is_page_name(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in PAGE_SUFFIXES


def overview_file(src_uri: str) -> str:
    """Where the rendered overview for the hand-written page ``src_uri`` is written (relative to docs)."""
    return f"{OVERVIEW_DIR}/{src_uri}.html"


def overview_fragment(fragment_html: str) -> str:
    return (f"<!-- maturity:rendered-overview -->\n<div class=\"maturity-overview\" markdown=\"0\">\n{fragment_html}\n</div>\n"
            "<!-- /maturity:rendered-overview -->\n")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What ``maturity render`` wrote: site path -> SHA-256 of the content it wrote.

    ``previous`` holds the hashes of the render before while a render is under way: a file is still
    render's whether the new content was written yet or not."""

    files: dict[str, str] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)
    readable: bool = True

    def owns(self, rel: str, sha: str | None) -> bool:
        return sha is not None and sha in (self.files.get(rel), self.previous.get(rel))

    @property
    def paths(self) -> set[str]:
        return set(self.files) | set(self.previous)


def read_manifest(out: Path) -> Manifest:
    """The manifest of the render in ``out`` (empty when there is none; ``readable`` False when it is damaged)."""
    path = out / MANIFEST
    if not path.is_file():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = {str(k): str(v) for k, v in data["files"].items()}
        previous = {str(k): str(v) for k, v in (data.get("previous") or {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest(readable=False)
    return Manifest(files, previous)


def rendered_paths(docs: Path) -> set[str]:
    """The files in ``docs`` that ``maturity render`` wrote (the plugin replaces them with its own)."""
    return read_manifest(docs).paths


def _write_manifest(out: Path, files: dict[str, str], previous: dict[str, str] | None = None) -> None:
    data = {"generator": "maturity render", "version": 1,
            "note": "maturity render 写入的文件及其 SHA-256；maturity render --clean 只删除这些文件。",
            "files": dict(sorted(files.items()))}
    if previous:
        data["previous"] = dict(sorted(previous.items()))
    write_atomic(out / MANIFEST, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


@dataclass
class RenderResult:
    written: list[str] = field(default_factory=list)  # created or changed
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # render's own files the site no longer has
    kept: list[str] = field(default_factory=list)  # render's files changed by hand since: left alone
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): nothing was written
    deferred: list[Copy] = field(default_factory=list)  # evidence with a page name: copied into the built site

    @property
    def total(self) -> int:
        return len(self.written) + len(self.unchanged)


def _blocked(out: Path, rel: str) -> str | None:
    """Why ``rel`` cannot be written under ``out`` (a folder on the way is a file or a link), else None."""
    here = out
    for part in PurePosixPath(rel).parts[:-1]:
        here = here / part
        if here.is_symlink():
            return "symlink"
        if here.exists() and not here.is_dir():
            return "not_a_folder"
    target = out / rel
    if target.is_symlink():
        return "symlink"
    if target.exists() and not target.is_file():
        return "not_a_file"
    return None


def plan(site: Site, fragments: dict[str, str]) -> tuple[dict[str, bytes | Path], list[Copy]]:
    """Every file render writes (site path -> content, or the file to copy), and the evidence it cannot."""
    files: dict[str, bytes | Path] = {}
    deferred: list[Copy] = []
    for page in site.pages:
        files[page.src_uri] = page_file(page).encode("utf-8")
    for asset in site.assets:
        files[asset.path] = asset.data
    for copy in site.copies:
        if is_page_name(copy.path):
            deferred.append(copy)
        else:
            files[copy.path] = copy.source
    for src_uri, fragment in sorted(fragments.items()):
        files[overview_file(src_uri)] = overview_fragment(fragment).encode("utf-8")
    return files, deferred


def render(site: Site, out: Path, fragments: dict[str, str] | None = None) -> RenderResult:
    """Write the site into the docs folder ``out`` beside the hand-written pages (see the module's text).

    ``fragments``: the overview for each hand-written page that carries the marker (src_uri -> HTML).
    When any target is taken (a hand-written file, one changed by hand since render wrote it, a link),
    nothing is written and the result lists the conflicts."""
    result = RenderResult()
    old = read_manifest(out)
    if not old.readable:
        result.conflicts.append((MANIFEST, "manifest"))
        return result
    files, result.deferred = plan(site, fragments or {})
    new_hashes: dict[str, str] = {}
    current: dict[str, str | None] = {}
    for rel, content in files.items():
        new_hashes[rel] = sha256_of(content) if isinstance(content, Path) else _sha256(content)
        why = _blocked(out, rel)
        if why:
            result.conflicts.append((rel, why))
            continue
        target = out / rel
        current[rel] = sha256_of(target) if target.is_file() else None
        if current[rel] is not None and not old.owns(rel, current[rel]):
            result.conflicts.append((rel, "edited" if rel in old.paths else "hand_written"))
    if result.conflicts:
        return result
    stale = sorted(old.paths - set(files))
    # The manifest first: should writing stop half-way, every file is still known as render's.
    _write_manifest(out, {**{rel: old.files.get(rel) or old.previous[rel] for rel in stale}, **new_hashes},
                    previous={**old.previous, **old.files})
    for rel, content in sorted(files.items()):
        if current[rel] == new_hashes[rel]:
            result.unchanged.append(rel)
            continue
        target = out / rel
        if isinstance(content, Path):
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.maturity-tmp")
            shutil.copyfile(content, tmp)
            os.replace(tmp, target)
        else:
            write_atomic_bytes(target, content)
        result.written.append(rel)
    kept = _remove(out, stale, old)
    result.removed = [rel for rel in stale if rel not in kept]
    result.kept = kept
    # Files changed by hand stay listed: a later --clean still knows they came from render, and leaves them.
    _write_manifest(out, {**new_hashes, **{rel: old.files.get(rel) or old.previous[rel] for rel in kept}})
    return result


def _remove(out: Path, paths: list[str], manifest: Manifest) -> list[str]:
    """Delete the files of ``paths`` that are still as render wrote them; return those left (changed by hand)."""
    kept = []
    for rel in paths:
        target = out / rel
        if _blocked(out, rel) or not target.is_file():
            continue  # gone already (or not a plain file: never render's to delete)
        if not manifest.owns(rel, sha256_of(target)):
            kept.append(rel)
            continue
        target.unlink()
        _prune(out, target.parent)
    return kept


def _prune(out: Path, folder: Path) -> None:
    """Remove folders left empty by a removal, up to (not including) ``out``."""
    out = out.resolve()
    here = folder.resolve()
    while here != out and out in here.parents:
        try:
            here.rmdir()
        except OSError:
            return  # not empty
        here = here.parent


def unrender(out: Path) -> RenderResult:
    """``maturity render --clean``: remove every file render wrote into ``out`` that is still as it wrote it."""
    result = RenderResult()
    old = read_manifest(out)
    if not old.readable:
        result.conflicts.append((MANIFEST, "manifest"))
        return result
    paths = sorted(old.paths)
    kept = _remove(out, paths, old)
    result.removed = [rel for rel in paths if rel not in kept]
    result.kept = kept
    if kept:
        _write_manifest(out, {rel: old.files.get(rel) or old.previous[rel] for rel in kept})
    elif (out / MANIFEST).is_file():
        (out / MANIFEST).unlink()
        _prune(out, (out / MANIFEST).parent)
    return result


def copy_into_site(copies: list[Copy], site_dir: Path) -> list[str]:
    """After the generator's build: the evidence files with a page name, copied as they are into the built site."""
    written = []
    for copy in copies:
        target = site_dir / copy.path
        if target.is_file() and target.read_bytes() == copy.source.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(copy.source, target)
        written.append(copy.path)
    return written


__all__ = ["front_matter", "page_markdown", "write_skeleton", "open_copies", "write_atomic", "render", "unrender", "read_manifest",
           "rendered_paths", "copy_into_site", "overview_file", "RENDERED_OVERVIEW", "MANIFEST"]
