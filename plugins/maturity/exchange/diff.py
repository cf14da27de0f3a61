"""What a change does: ``maturity diff BASE [HEAD]``.

Both sides are loaded, checked and scored by the same core as ``validate``, each with the settings
of its own revision. The diff compares results — changed scores (with the requirement's text),
evidence references, C, B and A per level, and above all a change of conformity or of the
recommended level — and then everything else, field by field, in words (:mod:`maturity.exchange.changes`).
Rendering is :mod:`maturity.exchange.diff_render`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from maturity.exchange import changes, gitrepo
from maturity.exchange.changes import Change
from maturity.data.publication import announcement_of
from maturity.data.assessment import PUBLICATION, SCORES
from maturity.diagnostics import Diagnostic
from maturity.data.model import Model
from maturity.repository import Repository, load_repository
from maturity.settings import CONFIG_FILE, Settings, load_settings



@dataclass(frozen=True)
class ScoreChange:
    requirement: str
    domain: str
    text: str
    old: Fraction | None
    new: Fraction | None


@dataclass(frozen=True)
class EvidenceChange:
    requirement: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class FigureChange:
    """One figure (A of a level, B or C at the applied level) before and after."""

    key: str
    old: Fraction | None
    new: Fraction | None


@dataclass(frozen=True)
class LevelChange:
    level: int
    old: Fraction | None
    new: Fraction | None
    old_conforms: bool | None
    new_conforms: bool | None


@dataclass
class AssessmentDiff:
    id: str
    status: str  # added, removed, changed
    name: str
    organisation_id: str = ""
    model: Model | None = None  # the model the assessment is assessed against (the new side's, else the old's)
    old_path: str | None = None
    new_path: str | None = None
    old_applied: int | None = None
    new_applied: int | None = None
    scores: list[ScoreChange] = field(default_factory=list)
    evidence: list[EvidenceChange] = field(default_factory=list)
    levels: list[LevelChange] = field(default_factory=list)
    domains: list[FigureChange] = field(default_factory=list)
    assessment_domains: list[FigureChange] = field(default_factory=list)
    old_conforms: bool | None = None
    new_conforms: bool | None = None
    old_recommended: int | None = None
    new_recommended: int | None = None
    changes: list[Change] = field(default_factory=list)  # every other change, in words (exchange.changes)
    domain_table: list[tuple[str, str, str]] = field(default_factory=list)  # a new assessment's C per domain
    diagnostics: list[Diagnostic] = field(default_factory=list)  # errors on the new side

    @property
    def conformity_changed(self) -> bool:
        return self.old_conforms != self.new_conforms or self.old_recommended != self.new_recommended

    @property
    def is_empty(self) -> bool:
        return self.status == "changed" and not (self.scores or self.evidence or self.changes or self.diagnostics
                                                  or self.conformity_changed or self.old_path != self.new_path)


@dataclass
class RepositoryDiff:
    base: str
    head: str | None  # None: the working tree
    model: Model
    assessments: list[AssessmentDiff]
    diagnostics: list[Diagnostic]  # problems outside any one assessment, on the new side
    registers: list[tuple[str, list[Change]]] = field(default_factory=list)  # (organisation, changes of its register)
    assessors: list[Change] = field(default_factory=list)  # changes of the register of assessors


def diff_revisions(settings: Settings, base: str, head: str | None, *, only: list[str] | None = None,
                   overrides: dict | None = None) -> RepositoryDiff:
    """Compare ``base`` with ``head`` (a revision, or None for the working tree).

    Each side is checked with its own settings: the mkdocs.yml (and a model file inside the
    repository) of that revision, with the command's flags (``overrides``) applied to both.
    """
    root = settings.root
    try:
        top = gitrepo.toplevel(root)
    except gitrepo.GitError as exc:
        raise gitrepo.GitError(f"{root} 不在 git 仓库中。Not a git repository.") from exc
    prefix = root.resolve().relative_to(top.resolve()).as_posix() if root.resolve() != top.resolve() else ""
    wanted = [settings.assessments_dir, settings.evidence_dir, CONFIG_FILE]
    if settings.assessors:  # the register of assessors: each side's teams are read with that side's register
        wanted.append(settings.assessors)
    if settings.model is not None:
        try:
            wanted.append(settings.model.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            pass  # a model outside the repository is the same on both sides
    paths = [f"{prefix}/{p}" if prefix else p for p in wanted]
    base_id = gitrepo.resolve(top, base)

    def side(revision: str, dest: Path) -> Repository:
        gitrepo.export(top, revision, paths, dest)
        here = dest / prefix if prefix else dest
        here.mkdir(parents=True, exist_ok=True)
        side_settings = load_settings(here).with_overrides(**(overrides or {}))
        if settings.model is not None and side_settings.model is None:
            side_settings = side_settings.with_overrides(model=settings.model)
        return load_repository(side_settings, display_base=here)

    with tempfile.TemporaryDirectory(prefix="maturity-diff-") as tmp:
        old = side(base_id, Path(tmp) / "base")
        if head is None:
            new = load_repository(settings, display_base=root)
            head_label = None
        else:
            new = side(gitrepo.resolve(top, head), Path(tmp) / "head")
            head_label = head
    if new.model is None:
        raise gitrepo.GitError("模型文件无法使用。Model unusable.")
    return compare(old, new, base, head_label, only)


def _folder(repo: Repository, a) -> str:
    return a.record_doc.path.rsplit("/", 1)[0]


def _own_files(a) -> set[str]:
    """The files of an assessment as diagnostics name them, including one that failed to load."""
    folder = a.record_doc.path.rsplit("/", 1)[0]
    return {a.record_doc.path, f"{folder}/{SCORES}", f"{folder}/{PUBLICATION}"}


def compare(old: Repository, new: Repository, base: str, head: str, only: list[str] | None = None) -> RepositoryDiff:
    model = new.model
    old_by_id = {a.id: a for a in old.assessments}
    new_by_id = {a.id: a for a in new.assessments}
    wanted = None
    if only:
        wanted = {Path(p).as_posix().rstrip("/") for p in only}

    def selected(repo, a) -> bool:
        if wanted is None:
            return True
        folder = _folder(repo, a)
        return any(folder == w or folder.startswith(w + "/") or w.startswith(folder + "/") or w == a.id for w in wanted)

    diffs = []
    for aid in sorted(set(old_by_id) | set(new_by_id)):
        a_old, a_new = old_by_id.get(aid), new_by_id.get(aid)
        if not ((a_old and selected(old, a_old)) or (a_new and selected(new, a_new))):
            continue
        d = _compare_one(model, old, new, a_old, a_new)
        if not d.is_empty:
            diffs.append(d)
    own = {path for a in new.assessments for path in _own_files(a)}
    stray = [x for x in new.errors if x.path not in own]
    orgs = {d_.organisation_id for d_ in diffs} if wanted is not None else set(old.registers) | set(new.registers)
    registers = []
    for org in sorted(orgs):
        found = changes.register_changes(_register_data(old, org), _register_data(new, org))
        if found:
            registers.append((org, changes.ordered(found)))
    people = changes.assessor_changes(_assessor_data(old), _assessor_data(new)) if wanted is None else []
    return RepositoryDiff(base, head, model, diffs, stray, registers, people)


def _assessor_data(repo: Repository):
    register = repo.assessors
    return register.document.data if register is not None and register.document is not None else None


def _register_data(repo: Repository, org: str):
    register = repo.registers.get(org)
    return register.document.data if register is not None and register.document is not None else None


def _compare_one(default: Model, old: Repository, new: Repository, a_old, a_new) -> AssessmentDiff:
    some = a_new or a_old
    model = (a_new.model if a_new is not None and a_new.model else None) or (a_old.model if a_old else None) or default
    d = AssessmentDiff(some.id, "added" if a_old is None else "removed" if a_new is None else "changed",
                       some.organisation["name"], organisation_id=some.organisation["id"], model=model)
    r_old = old.results.get(a_old.id) if a_old else None
    r_new = new.results.get(a_new.id) if a_new else None
    if a_old:
        d.old_path, d.old_applied = _folder(old, a_old), a_old.applied_level
        d.old_conforms = r_old.conforms if r_old and r_old.complete else None
        d.old_recommended = r_old.recommended_level if r_old else None
    if a_new:
        d.new_path, d.new_applied = _folder(new, a_new), a_new.applied_level
        d.new_conforms = r_new.conforms if r_new and r_new.complete else None
        d.new_recommended = r_new.recommended_level if r_new else None
        mine = _own_files(a_new)
        d.diagnostics = [x for x in new.errors if x.path in mine]
    # Requirement by requirement only when both sides have a readable score sheet: an added or removed
    # assessment, or a scores.yml that cannot be read, would list every requirement as 待评分.
    both = a_old is not None and a_new is not None and a_old.scores_doc is not None and a_new.scores_doc is not None
    old_scores = a_old.scores if both else {}
    new_scores = a_new.scores if both else {}
    for rid in sorted(set(old_scores) | set(new_scores), key=_requirement_order(model)):
        so, sn = old_scores.get(rid), new_scores.get(rid)
        vo, vn = (so.value if so else None), (sn.value if sn else None)
        req = model.requirement(rid)
        if vo != vn:
            d.scores.append(ScoreChange(rid, req.assessment_domain if req else "", req.text if req else "", vo, vn))
        eo, en = set(so.evidence if so else ()), set(sn.evidence if sn else ())
        if eo != en and so and sn:
            d.evidence.append(EvidenceChange(rid, tuple(sorted(en - eo)), tuple(sorted(eo - en))))
    if a_old and a_new:
        found = changes.record_changes(a_old.record, a_new.record)
        if both:
            found += changes.scores_changes(a_old.scores_doc.data, a_new.scores_doc.data)
        found += changes.publication_changes(a_old.publication, a_new.publication, model.level_name,
                                             _last_day(new, a_new))
        d.changes = changes.ordered(found)
    if a_old is None and a_new is not None:
        d.domain_table = changes.domain_table(model, r_new)
    levels = sorted(set(r_old.levels if r_old else {}) | set(r_new.levels if r_new else {}))
    for lv in levels:
        lo = r_old.levels.get(lv) if r_old else None
        ln = r_new.levels.get(lv) if r_new else None
        d.levels.append(LevelChange(lv, lo.score if lo else None, ln.score if ln else None,
                                    lo.conforms if lo else None, ln.conforms if ln else None))
    ao = r_old.applied if r_old and both else None
    an = r_new.applied if r_new and both else None
    if ao is None or an is None:  # B and C only when A can be computed on both sides
        ao = an = None
    rank = {code: i for i, code in enumerate([cd.code for cd in model.capability_domains] +
                                             [ad.code for ad in model.assessment_domains])}
    for attr, target in (("domains", d.domains), ("assessment_domains", d.assessment_domains)):
        vo = getattr(ao, attr) if ao else {}
        vn = getattr(an, attr) if an else {}
        for key in sorted(set(vo) | set(vn), key=lambda k: (rank.get(k, len(rank)), k)):
            if vo.get(key) != vn.get(key):
                target.append(FigureChange(key, vo.get(key), vn.get(key)))
    return d


def _last_day(repo: Repository, a):
    """The announcement's last day to object, in working days with that side's settings (None without one)."""
    publication = repo.settings.publication
    found = announcement_of(a, publication, publication.calendar()) if a.publication else None
    return found.last_day if found is not None else None


def _requirement_order(model: Model):
    order = {r.id: i for i, r in enumerate(r for ad in model.assessment_domains for r in ad.requirements)}
    return lambda rid: (order.get(rid, len(order)), rid)
