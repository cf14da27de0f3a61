"""A repository of assessments: load every folder, check everything, score what is valid."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from maturity import heap, i18n
from maturity.cache import CheckedFiles
from maturity.checks import assessors as assessor_checks
from maturity.checks import integrity, publication, rules, seal
from maturity.data.assessment import PUBLICATION, RECORD, SCORES, Assessment, PackedAssessment, Unpacked, read_assessment
from maturity.data.assessors import AssessorRegister, load_assessor_register, resolve_team
from maturity.diagnostics import Collector, Diagnostic, Location
from maturity.checks.evidence import check_aliases
from maturity.data.evidence import REGISTER, EvidenceRegister, load_register
from maturity.data.model import Model
from maturity.data.registry import Registry, load_registry
from maturity.data import parallel
from maturity.data.reading import FileCache, FileReader
from maturity.scoring import AssessmentResult, score_assessment
from maturity.settings import Settings
from maturity.verdicts import Verdicts


@dataclass
class Repository:
    root: Path
    model: Model | None  # the default model (assessments that name none); each assessment's is ``a.model``
    assessments: list[Assessment] = field(default_factory=list)
    registers: dict[str, EvidenceRegister] = field(default_factory=dict)
    results: dict[str, AssessmentResult] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    unread: list[str] = field(default_factory=list)  # folders whose assessment.yml could not be read at all
    registry: Registry | None = None
    assessors: AssessorRegister | None = None  # the authority's register of assessors; None: the site has none
    recalled: int = 0  # assessments that passed before with nothing changed: not checked again (maturity.verdicts)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def assessment(self, aid: str) -> Assessment | None:
        return next((a for a in self.assessments if a.id == aid), None)

    def own_paths(self, a: Assessment) -> set[str]:
        """The files of an assessment as shown in diagnostics, including those that failed to load."""
        folder = posixpath.dirname(a.record_doc.path)
        files = {a.record_doc.path, posixpath.join(folder, SCORES), posixpath.join(folder, PUBLICATION)}
        reg = self.registers.get(a.organisation["id"])
        if reg is not None and reg.path:
            files.add(reg.path)
        if self.assessors is not None and any(m.assessor is not None for m in a.team):
            files.add(self.assessors.path)  # its team is read from the register
        return files

    def invalid_assessments(self) -> set[str]:
        """Ids of assessments that have an error in one of their own files."""
        bad_paths = {d.path for d in self.errors}
        return {a.id for a in self.assessments if self.own_paths(a) & bad_paths}


class DisplayPath:
    """Paths in diagnostics: relative to the working directory when possible, with / separators."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = (base or Path.cwd()).resolve()
        self._under = os.path.join(str(self.base), "")  # a path that starts so is below the base
        self._folders: dict[Path, str] = {}  # a folder -> where it resolves to: each folder resolved once per run

    def __call__(self, path: Path) -> str:
        try:
            if path.is_symlink():
                target = str(path.absolute())
            elif path.name in ("", ".."):
                target = str(path.resolve())
            else:  # the folder resolved, then the name, which is not a link: what resolving the whole path gives
                target = os.path.join(self._folder(path.parent), path.name)
            shown = target[len(self._under):] if target.startswith(self._under) else os.path.relpath(target, self.base)
            return shown.replace(os.sep, "/") if os.sep != "/" else shown
        except ValueError:
            return path.as_posix()

    def _folder(self, folder: Path) -> str:
        """Where ``folder`` resolves to: where its parent does, and its name, when it is not a link (one ``lstat``),
        else resolved whole; each folder once per run. Ten thousand assessment folders resolved each in full (a
        ``lstat`` per part of the path, and more per link) took a second of a warm check."""
        found = self._folders.get(folder)
        if found is None:
            parent, name = folder.parent, folder.name
            if parent == folder or name in ("", "..") or folder.is_symlink():
                found = str(folder.resolve())
            else:
                found = os.path.join(self._folder(parent), name)
            self._folders[folder] = found
        return found


def find_assessment_folders(assessments_dir: Path) -> list[Path]:
    if not assessments_dir.is_dir():
        return []
    with os.scandir(assessments_dir) as entries:  # the folder's own listing says which entries are folders
        names = sorted(e.name for e in entries if not e.name.startswith(".") and e.is_dir())
    return [assessments_dir / name for name in names]


@dataclass(frozen=True)
class Verdict:
    """What checking a repository concluded (:func:`validate_repository`): its findings, not its scores."""

    settings: Settings
    diagnostics: list[Diagnostic]
    assessments: int  # assessments read (their record passed its schema)
    unread: list[str]  # folders whose assessment.yml could not be read at all
    recalled: int = 0  # of those, how many passed before with nothing changed and were not read again

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def validate_repository(settings: Settings, *, only: list[Path] | None = None, parallel: bool = False) -> Verdict:
    """Check the repository (or the folders in ``only``) as :func:`load_repository` does, and say what was found.

    Over the whole repository, units that passed before with nothing changed are not read again
    (:mod:`maturity.verdicts`): the findings are the same as a full load's, and the run follows the change."""
    repo = load_repository(settings, only=only, parallel=parallel, skim=True)
    return Verdict(repo.settings, repo.diagnostics, len(repo.assessments), repo.unread, repo.recalled)


def load_repository(
    settings: Settings | Path | str,
    *,
    model: Model | None = None,
    only: list[Path] | None = None,
    display_base: Path | None = None,
    sealed_history: bool = True,
    cache: FileCache | None = None,
    parallel: bool = False,
    skim: bool = False,
) -> Repository:
    """Load, check and score the assessments of ``settings.root`` (or just the folders in ``only``).

    A path instead of settings means the default settings for that folder (mkdocs.yml is not read:
    callers that want the repository's own settings pass :func:`maturity.settings.load_settings`).

    ``parallel``: worker processes may read a cold run's files (``settings.jobs``; :mod:`maturity.data.parallel`).
    Only a program's entry point should say so — the CLI, the MkDocs plugin: a worker process starts by importing
    the program's main module, which a script without ``if __name__ == "__main__":`` would run again.

    Over the whole repository, with the build cache, what passed every check before with nothing changed is not
    checked again (:mod:`maturity.verdicts`): its record is read, its result was remembered, its scores are read only
    if asked for; ``skim``: not even read — such an assessment comes back with its record and publication only, no
    scores (for :func:`validate_repository`, never for publishing).
    The findings are the same either way.
    """
    if not isinstance(settings, Settings):
        settings = Settings(root=Path(settings))
    display = DisplayPath(display_base)
    store = CheckedFiles.open(settings.root) if settings.cache else None
    repo = None
    try:
        with heap.paused_collection():  # millions of objects that live on, next to no cycles (maturity.heap)
            repo = _load(settings, FileReader(display, settings.max_file_size, cache, store), model, only,
                         sealed_history, parallel, skim)
        return repo
    finally:
        if store is not None:  # a partial run keeps the entries of the folders it did not read
            store.close(prune=only is None and repo is not None and repo.model is not None)


def _load(settings: Settings, reader: FileReader, model: Model | None, only: list[Path] | None,
          sealed_history: bool, parallel: bool, skim: bool = False) -> Repository:
    root, display = settings.root, reader.display
    out = Collector()
    if model is None:
        registry = load_registry(settings.model, settings.models, display)
        out.extend(registry.diagnostics)
        model = registry.default
    else:
        registry = Registry(model, {model.key: model})
    repo = Repository(root, model, settings=settings, registry=registry)
    if model is None:
        repo.diagnostics = out.items
        return repo
    assessors_file = settings.assessors_path
    repo.assessors = load_assessor_register(assessors_file, reader, out)
    assessors_shown = display(assessors_file) if assessors_file else i18n.t("words.assessors_unset")
    folders = only if only is not None else find_assessment_folders(settings.assessments_path)
    # Verdicts are kept by folder name under the assessments folder: only a run over the whole repository uses them.
    memo = Verdicts.start(reader.store, settings, registry, sealed_history, display) if only is None else None
    reader.prefetched = _prefetch(settings, reader, folders) if parallel else None
    try:
        _check_folders(repo, folders, reader, registry, assessors_shown, out, sealed_history, memo, skim)
    finally:
        if reader.prefetched is not None:
            reader.prefetched.close()
            reader.prefetched = None
    _check_unique_ids(repo.assessments, out)
    _check_organisations(repo.assessments, out)
    publication.check_certificate_numbers(repo.assessments, out)
    if sealed_history:
        integrity.check_recorded_digests(repo.assessments, settings, out)
    # Every register counts for what a public item may not publish, also one no loaded assessment cites;
    # it is checked in full (and reported) when the whole repository is checked.
    others = _register_folders(settings.evidence_path, set(repo.registers))
    quiet = Collector()
    for org in others:
        repo.registers[org] = _register(settings, org, reader, out if only is None else quiet, memo, skim)
    check_aliases(list(repo.registers.values()), out)
    for register in repo.registers.values():
        if register.document is not None:
            register.document.release()
    repo.diagnostics = sorted(set(out.items), key=lambda d: (d.path, d.line, d.column, d.code, d.message))
    return repo


def _prefetch(settings: Settings, reader: FileReader, folders: list[Path]) -> parallel.Prefetch | None:
    """Worker processes to read and check the folders' files ahead, when there are enough not in the caches."""
    files = [(folder / name, kind) for folder in folders
             for name, kind in ((RECORD, "assessment"), (SCORES, "scores"), (PUBLICATION, "publication"))]
    cached = max(reader.store.size() if reader.store is not None else 0, len(reader.cache) if reader.cache is not None else 0)
    count = parallel.workers(settings.jobs, len(files), cached)
    return parallel.Prefetch(files, reader.display, settings.max_file_size, count, settings.evidence_path) if count else None


def _check_folders(repo: Repository, folders: list[Path], reader: FileReader, registry, assessors_shown: str,
                   out: Collector, sealed_history: bool, memo: Verdicts | None = None, skim: bool = False) -> None:
    """Read, check and score the assessment of each folder.

    One pass: each assessment is read, checked and scored before the next is read, and its scores file's raw
    data released, so the memory held grows by what an assessment keeps, not by its files. Where the build cache
    keeps a scores file packed, not even its scores are kept: they are made again when asked for (:class:`Unpacked`).
    What passed before with nothing changed (``memo``) is read and scored, not checked; with ``skim``, not read."""
    settings, display = repo.settings, reader.display
    unpacked = Unpacked()  # the scores of a few assessments at a time in memory, not of all (docs/performance.md#unpacked)

    def register_of(org: str, items: bool = False) -> EvidenceRegister:
        """``items``: an assessment is checked against it — a register recalled without its items is loaded."""
        known = repo.registers.get(org)
        if known is None or (items and known.without_items):
            repo.registers[org] = known = _register(settings, org, reader, out, memo, skim and not items)
        return known

    for folder in folders:
        if skim and memo is not None and (a := memo.assessment(folder, registry, register_of)) is not None:
            repo.assessments.append(a)  # passed before, nothing it depends on changed
            repo.recalled += 1
            continue
        passed = memo.passed(folder, register_of) if memo is not None and not skim else None
        if not (folder / RECORD).exists():
            out.error(Location(display(folder / RECORD), 0, 0), "MAT009")
            repo.unread.append(folder.name)
            continue
        found = Collector()  # this assessment's own findings (its register's go to ``out`` directly)
        a = (read_assessment(folder, reader, registry, found, passed.scores, passed.texts, unpacked) if passed is not None
             else read_assessment(folder, reader, registry, found, unpacked=unpacked))
        if passed is not None and (a is None or passed.organisation != a.organisation["id"] or found.items
                                   or not isinstance(a, PackedAssessment) or passed.result.id != a.id
                                   or passed.result.applied_level != a.applied_level):
            # What was remembered does not fit what is read (cannot happen but by a damaged cache): read it all.
            passed, found = None, Collector()
            a = read_assessment(folder, reader, registry, found, unpacked=unpacked)
        if a is None:
            out.extend(found.items)
            repo.unread.append(folder.name)
            continue
        repo.assessments.append(a)
        register = register_of(a.organisation["id"], items=True)
        if passed is not None:  # passed every check before, and nothing it depends on changed
            a.members = resolve_team(a.record, repo.assessors)
            repo.results[a.id] = passed.result
            repo.recalled += 1
        else:
            _check_assessment(repo, a, register, assessors_shown, found, sealed_history)
            out.extend(found.items)
            if memo is not None:
                memo.keep_assessment(a, clean=not found.items, result=repo.results.get(a.id))
        if a.scores_doc is not None:
            a.scores_doc.release()
        for kept in (a.record_doc, a.publication_doc):  # their data stays (the record itself): no packed copy needed
            if kept is not None:
                kept.packed_as(None)
        for doc, name in ((a.record_doc, RECORD), (a.scores_doc, SCORES), (a.publication_doc, PUBLICATION)):
            if doc is not None:
                doc.leave_text_in(folder / name)


def _register(settings: Settings, org: str, reader: FileReader, out: Collector, memo: Verdicts | None,
              skim: bool = False) -> EvidenceRegister:
    """An organisation's register. When it passed before and nothing changed, it is recalled without reading it: with
    its items as they were made then, or with ``skim`` (its items are not needed) without them; else it is loaded
    and checked."""
    if memo is not None and (register := memo.register(org, settings.evidence_path, settings.private_evidence_dir,
                                                       items=not skim)):
        return register
    found = Collector()
    register = load_register(settings.evidence_path, org, reader, found, settings.private_evidence_dir)
    out.extend(found.items)
    if memo is not None:
        memo.keep_register(register, settings.evidence_path, clean=not found.items)
    return register


def _score(repo: Repository, a: Assessment) -> AssessmentResult | None:
    """The team as resolved from the register of assessors, and the score (None without a valid scores file)."""
    a.members = resolve_team(a.record, repo.assessors)
    if a.model is None or a.scores_doc is None:
        return None
    result = repo.results[a.id] = score_assessment(a.model, a)
    return result


def _check_assessment(repo: Repository, a: Assessment, register: EvidenceRegister, assessors_shown: str, out: Collector,
                      sealed_history: bool) -> None:
    """Everything that can be checked within one assessment (and its organisation's register), and its score."""
    settings = repo.settings
    result = _score(repo, a)
    rules.check_record(a, out)
    assessor_checks.check_team_references(a, repo.assessors, assessors_shown, out)
    if a.model is None:  # MAT057: nothing else can be checked against an unknown model
        return
    mine = a.model
    rules.check_scores(a, mine, register, out)
    rules.check_partial_scores(a, mine, register, out)
    rules.check_operating_evidence(a, register, out)
    if result is not None:
        rules.check_result(a, mine, result, out)
    rules.check_concluded(a, mine, result, out)
    publication.check_publication(a, mine, result, settings.publication, settings.publication.calendar(), out)
    seal.check_seal(a, register, mine, settings.publication, out, settings.root if sealed_history else None)


def _register_folders(evidence_root: Path, known: set[str] = frozenset()) -> list[str]:
    """The organisations with a register, other than ``known``."""
    if not evidence_root.is_dir():
        return []
    return sorted(p.name for p in evidence_root.iterdir()
                  if p.name not in known and not p.name.startswith(".") and (p / REGISTER).is_file())


def _check_unique_ids(assessments: list[Assessment], out: Collector) -> None:
    seen: dict[str, Assessment] = {}
    for a in assessments:
        if a.id in seen:
            out.error(a.record_doc.at("id"), "MAT100", id=a.id, first=seen[a.id].record_doc.path)
        else:
            seen[a.id] = a


def _check_organisations(assessments: list[Assessment], out: Collector) -> None:
    """One organisation id stands for one legal entity: the same credit code everywhere."""
    seen: dict[str, Assessment] = {}
    for a in assessments:
        org = a.organisation
        first = seen.setdefault(org["id"], a)
        if first is not a and first.organisation["credit_code"] != org["credit_code"]:
            out.error(a.record_doc.at("organisation", "credit_code"), "MAT103", id=org["id"], first=first.record_doc.path)
