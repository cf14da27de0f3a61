"""One gate: what passes review is what publishes.

:func:`prepare` is the whole path of a publication — load, validate, score, build every page and
file, check the outputs — and both the MkDocs plugin and ``maturity check`` run it, so a pull
request is judged by exactly what the build on ``main`` will do. :func:`check` adds what of the
build's writing can fail (making every file by its name, opening the evidence it copies), in a
temporary folder, and gives the verdict of ``mkdocs build --strict``: it fails on any error or warning.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from maturity import heap
from maturity.data.reading import FileCache
from maturity.diagnostics import Diagnostic, Severity, sort_key
from maturity.exchange import gitrepo
from maturity.exchange.history import History, WorkingTree, load_history
from maturity.publish import Site, build_site, forked, made_names, outputs, pagefind, scratch
from maturity.publish.made_names import MadeNames
from maturity.publish.site import Spool
from maturity.publish.writer import footprint, open_copies, rendered_paths, write_skeleton
from maturity.repository import Repository, load_repository
from maturity.settings import Settings


@dataclass
class Publication:
    """What a build would publish, and every problem found on the way."""

    settings: Settings
    repo: Repository
    site: Site | None  # None when the model file cannot be used (nothing can be built)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    names_recalled: bool = False  # maturity check: its files' names were made before without fault, not again

    def failures(self, strict: bool = True) -> list[Diagnostic]:
        return self.settings.failures(self.diagnostics, strict)

    @property
    def unpublished(self) -> list[str]:
        """Assessments left off the site because of an error in their files."""
        return sorted(self.repo.invalid_assessments() | set(self.repo.unread))


def git_history(settings: Settings, models, current=None, jobs: int = 1) -> tuple[History | None, str | None]:
    """The report pages' git history and the commit built from (None, None when the option is off).

    ``models``: the repository's Registry (or one Model); ``current``: the working tree's versions
    (:class:`maturity.exchange.history.WorkingTree`), not parsed again where a commit holds them; ``jobs``:
    worker processes for the versions to score (1: none; only a program's entry point may ask for more)."""
    if not settings.history or models is None:
        return None, None
    head = gitrepo.head_commit(settings.root)
    history = load_history(settings.root, models, settings.assessments_dir, cached=settings.cache, current=current,
                           jobs=jobs)
    return history, (head if history.available else None)


HistoryLoader = Callable[[Settings, object, object, int], "tuple[History | None, str | None]"]


def prepare(settings: Settings, *, existing: set[str] = frozenset(), cache: FileCache | None = None,
            display_base: Path | None = None, history: HistoryLoader = git_history, parallel: bool = False,
            contents: bool = True, spool: Spool | None = None) -> Publication:
    """Load, check and score; build the site; check what was built.

    ``existing``: the names of the hand-written files; ``history``: how to read the git history
    (the plugin keeps it between ``mkdocs serve`` rebuilds); ``parallel``: see :func:`load_repository`;
    ``contents``: False when no page will be written, only names (:func:`check`; see :func:`build_site`);
    ``spool``: where the site keeps its packed pages (see :func:`build_site`).
    """
    with heap.out_of_sight():  # the repository's millions of objects, walked by no collection until the site is made
        repo = load_repository(settings, display_base=display_base, cache=cache, parallel=parallel)
        if repo.model is None:
            return Publication(settings, repo, None, list(repo.diagnostics))
        found_history, commit = history(settings, repo.registry or repo.model,
                                        lambda algorithm: WorkingTree(repo.assessments, repo.results, algorithm),
                                        settings.jobs if parallel else 1)
        site = build_site(repo, history=found_history, commit=commit, jobs=settings.jobs if parallel else 1,
                          contents=contents, spool=spool)
    found = list(repo.diagnostics) + site.diagnostics + outputs.collisions(site, set(existing))
    return Publication(settings, repo, site, sorted(set(found), key=sort_key))


@dataclass
class Prepared:
    """What a build keeps of a :class:`Publication` once the repository's data is let go: the site, the findings
    and three figures for its log. Plain data: it can be pickled (:func:`prepare_apart`)."""

    site: Site | None
    diagnostics: list[Diagnostic]
    errors: int  # errors in the repository's files
    unpublished: list[str]  # assessments left off the site for them
    recalled: int  # assessments whose remembered verdict was taken (maturity.verdicts)

    @classmethod
    def of(cls, publication: Publication) -> "Prepared":
        return cls(publication.site, publication.diagnostics, len(publication.repo.errors), publication.unpublished,
                   publication.repo.recalled)


def prepare_apart(settings: Settings, *, existing: set[str] = frozenset(), cache: FileCache | None = None,
                  display_base: Path | None = None, history: HistoryLoader = git_history,
                  apart: bool = True) -> Prepared:
    """:func:`prepare` for a build (in parallel), done in a forked copy of this process when ``apart``, the settings'
    ``jobs`` is not 1 (one process) and the platform allows it (:func:`maturity.publish.forked.apart`); else, or when
    the copy delivers nothing, here.

    Why: reading a repository and making its site leaves this process's heap scattered. At N = 10,000 some 460 MiB
    of Python's memory stayed taken for 125 MiB of live objects, and the C library cannot give back a page that
    holds one; MkDocs and then Pagefind came on top (docs/performance.md#apart). Done in a copy, all of that goes
    with it; this process gets the site back (pickled), its pages still in the spool file it made itself and the
    copy wrote into. The copy's findings come back with it and are logged here, so ``--strict`` counts them.
    ``cache`` (kept across ``mkdocs serve`` rebuilds) and ``history`` (a loader that remembers, as the plugin's) keep
    what they learn only when the work is done here: a build that runs once need not care, ``mkdocs serve`` passes
    ``apart=False``."""
    spool = Spool()

    def work() -> tuple[Prepared, tuple[int, bool]]:
        publication = prepare(settings, existing=existing, cache=cache, display_base=display_base, history=history,
                              parallel=True, spool=spool)
        return Prepared.of(publication), spool.state()

    done, result = forked.apart(work, shared=(spool,)) if apart and settings.jobs != 1 else (False, None)
    if not done:
        result = work()
    prepared, state = result
    spool.resume(state)
    return prepared


def hand_written(settings: Settings, docs_dir: str | None = None) -> set[str]:
    """The names (relative to docs_dir) of the hand-written files, as MkDocs would name them.

    What ``maturity render`` wrote there is not hand-written: the build replaces it with its own pages."""
    root = settings.root / (docs_dir or settings.site.docs_dir)
    if not root.is_dir():
        return set()
    rendered = rendered_paths(root)
    return {rel for p in root.rglob("*") if p.is_file() and (rel := p.relative_to(root).as_posix()) not in rendered}


def overview_pages(settings: Settings, existing: set[str]) -> list[str]:
    """The hand-written pages (names relative to docs_dir) that carry the overview marker."""
    root = settings.root / settings.site.docs_dir
    found = []
    for rel in sorted(existing):
        if rel.endswith(".md") and not any(part.startswith(".") for part in rel.split("/")):
            try:
                text = (root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # the generator reports an unreadable page itself
            if settings.overview_marker in text and _marker_line(text, settings.overview_marker):
                found.append(rel)
    return found


def _marker_line(text: str, marker: str) -> bool:
    """Whether the marker stands on a line of its own outside code blocks (not merely quoted in the text)."""
    fence = None
    for line in text.splitlines():
        stripped = line.strip()
        if fence is None and stripped[:3] in ("```", "~~~"):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence):
            fence = None
        elif fence is None and stripped == marker:
            return True
    return False


def check(settings: Settings, *, display_base: Path | None = None, docs_dir: str | None = None,
          parallel: bool = False) -> Publication:
    """Everything the strict build does with the data, into a temporary folder; the verdict is ``failures()``."""
    # Only names are written (write_skeleton): the pages the build cache holds are not read from it.
    publication = prepare(settings, existing=hand_written(settings, docs_dir), display_base=display_base,
                          parallel=parallel, contents=False)
    if settings.search == "pagefind":
        # As the plugin checks it before building. Pagefind itself is not run here: it indexes the HTML the
        # site generator writes, which a check does not make, and no data can make it fail (see docs).
        try:
            pagefind.binary()
        except pagefind.PagefindError as exc:
            config = settings.config_file.name if settings.config_file else "mkdocs.yml"
            publication.diagnostics.append(Diagnostic.make(config, 0, 0, "MAT904", Severity.ERROR, error=str(exc)))
    if publication.site is not None:
        _make_names(settings, publication)
    return publication


def _make_names(settings: Settings, publication: Publication) -> None:
    """Make every file of the site by its name in a scratch folder, unless the same names were made there before
    without fault (:mod:`maturity.publish.made_names`); open every evidence file it copies either way."""
    site = publication.site
    # In memory where there is room: making ninety thousand files on a disk was a large part of a check (docs/performance.md#scratch).
    room = scratch.folder(*footprint(site))
    made = MadeNames.open(settings)
    try:
        names = made_names.digest(site, room or tempfile.gettempdir()) if made.enabled else None
        if names is not None and names in made:
            open_copies(site)
            publication.names_recalled = True
            return
        with tempfile.TemporaryDirectory(prefix="maturity-check-", dir=room) as tmp:
            write_skeleton(site, Path(tmp))
    except OSError as exc:  # e.g. an evidence file that cannot be read at copy time, or no temporary folder at all
        publication.diagnostics.append(Diagnostic.make(
            str(getattr(exc, "filename", "") or settings.evidence_dir), 0, 0, "MAT903", Severity.ERROR,
            error=exc.strerror or str(exc)))
        return
    if names is not None:
        made.keep(names)
