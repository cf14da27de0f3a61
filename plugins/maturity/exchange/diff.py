"""What a change does to the results: ``maturity diff BASE [HEAD]``.

Both sides are loaded and scored by the same core as ``validate``; the diff compares results,
not lines: changed scores (with the requirement's text), evidence added or removed, C, B and A
per level, and above all a change of conformity or of the recommended level.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from maturity import i18n
from maturity.exchange import gitrepo
from maturity.data.assessment import PUBLICATION, SCORES
from maturity.diagnostics import Diagnostic
from maturity.data.model import Model
from maturity.scoring import exact
from maturity.repository import Repository, load_repository
from maturity.settings import CONFIG_FILE, Settings, load_settings
from maturity.scoring import display

WORKING_TREE = "工作区"  # shown for a missing HEAD revision


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
    record_fields: list[str] = field(default_factory=list)  # top-level keys of assessment.yml that changed
    diagnostics: list[Diagnostic] = field(default_factory=list)  # errors on the new side

    @property
    def conformity_changed(self) -> bool:
        return self.old_conforms != self.new_conforms or self.old_recommended != self.new_recommended

    @property
    def is_empty(self) -> bool:
        return self.status == "changed" and not (self.scores or self.evidence or self.record_fields or self.diagnostics
                                                  or self.conformity_changed or self.old_path != self.new_path)


@dataclass
class RepositoryDiff:
    base: str
    head: str
    model: Model
    assessments: list[AssessmentDiff]
    diagnostics: list[Diagnostic]  # problems outside any one assessment, on the new side


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
            head_label = WORKING_TREE
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
    return RepositoryDiff(base, head, model, diffs, stray)


def _compare_one(model: Model, old: Repository, new: Repository, a_old, a_new) -> AssessmentDiff:
    some = a_new or a_old
    d = AssessmentDiff(some.id, "added" if a_old is None else "removed" if a_new is None else "changed",
                       some.organisation["name"])
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
        d.record_fields = sorted(k for k in set(a_old.record) | set(a_new.record) if a_old.record.get(k) != a_new.record.get(k))
        if a_old.publication != a_new.publication:
            d.record_fields.append("publication.yml")
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


def _requirement_order(model: Model):
    order = {r.id: i for i, r in enumerate(r for ad in model.assessment_domains for r in ad.requirements)}
    return lambda rid: (order.get(rid, len(order)), rid)


# -- rendering -------------------------------------------------------------------

def _fig(v: Fraction | None) -> str:
    return "—" if v is None else display(v)


def _score(model: Model, v: Fraction | None) -> str:
    return i18n.t("diff.unscored") if v is None else f"{model.scale_label(v)}({float(v):g})"


def _verdict(conforms: bool | None) -> str:
    return i18n.t("diff.incomplete") if conforms is None else i18n.t("score.conforms") if conforms else i18n.t("score.fails")


def headline(model: Model, d: AssessmentDiff) -> str:
    """E.g. “三星: 0.83 → 0.78，不再符合；推荐等级 三星 → 二星”."""
    if d.status == "added":
        return f"新增评估：申请{model.level_name(d.new_applied)}，" + _verdict(d.new_conforms) + \
               f"；推荐等级 {model.level_name(d.new_recommended)}"
    if d.status == "removed":
        return "评估已删除"
    parts = []
    applied = d.new_applied
    lv = next((x for x in d.levels if x.level == applied), None)
    if lv and (lv.old != lv.new or d.old_conforms != d.new_conforms):
        verdict = ""
        if lv.new is None:
            verdict = "，无法计算（有待评分的要求或错误）"
        elif d.old_conforms and not d.new_conforms:
            verdict = "，不再符合"
        elif not d.old_conforms and d.new_conforms:
            verdict = "，变为符合"
        elif d.new_conforms is not None:
            verdict = "，仍符合" if d.new_conforms else "，仍不符合"
        parts.append(f"{model.level_name(applied)}: {_fig(lv.old)} → {_fig(lv.new)}{verdict}")
    if d.old_applied != d.new_applied:
        parts.append(f"申请等级 {model.level_name(d.old_applied)} → {model.level_name(d.new_applied)}")
    if d.old_recommended != d.new_recommended:
        parts.append(f"推荐等级 {model.level_name(d.old_recommended)} → {model.level_name(d.new_recommended)}")
    return "；".join(parts) or "得分与等级不变"


def render_text(rd: RepositoryDiff) -> str:
    model = rd.model
    out = [f"maturity diff {rd.base} → {rd.head}"]
    if not rd.assessments:
        out.append("没有评估发生变化。")
    for d in rd.assessments:
        status = {"added": "新增", "removed": "删除", "changed": "修改"}[d.status]
        out += ["", f"{d.id} {d.name}（{status}）", f"  {'⚠ ' if d.conformity_changed else ''}{headline(model, d)}"]
        if d.old_path and d.new_path and d.old_path != d.new_path:
            out.append(f"  目录：{d.old_path} → {d.new_path}")
        if d.scores:
            out.append("  得分变化：")
            for s in d.scores:
                out.append(f"    {s.requirement} {_score(model, s.old)} → {_score(model, s.new)}  {s.text}")
        if d.evidence:
            out.append("  证据引用变化：")
            for e in d.evidence:
                out.append(f"    {e.requirement} " + " ".join([f"+{x}" for x in e.added] + [f"-{x}" for x in e.removed]))
        changed_levels = [x for x in d.levels if x.old != x.new]
        if changed_levels:
            out.append("  等级得分 A：" + "；".join(f"{model.level_name(x.level)} {_fig(x.old)} → {_fig(x.new)}" for x in changed_levels))
        if d.domains:
            out.append("  能力域得分 B：" + "；".join(f"{x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.domains))
        if d.assessment_domains:
            out.append("  评估域得分 C：" + "；".join(f"{x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.assessment_domains))
        if d.record_fields:
            out.append("  评估记录中变化的项：" + "、".join(d.record_fields))
        for x in d.diagnostics:
            out.append(f"  {x}")
    for x in rd.diagnostics:
        out.append(str(x))
    return "\n".join(out)


def render_markdown(rd: RepositoryDiff) -> str:
    model = rd.model
    out = [f"## 评估变化：`{rd.base}` → `{rd.head}`", ""]
    if not rd.assessments:
        out.append("没有评估发生变化。")
    for d in rd.assessments:
        status = {"added": "新增", "removed": "删除", "changed": "修改"}[d.status]
        out += [f"### {d.id} {_md(d.name)}（{status}）", ""]
        line = headline(model, d)
        out += [f"> **⚠️ {line}**" if d.conformity_changed else f"> {line}", ""]
        if d.scores:
            out += ["| 要求 | 原得分 | 新得分 | 要求内容 |", "|---|---|---|---|"]
            out += [f"| `{s.requirement}` | {_score(model, s.old)} | {_score(model, s.new)} | {_md(s.text)} |" for s in d.scores]
            out.append("")
        if d.evidence:
            out += ["| 要求 | 新增证据 | 移除证据 |", "|---|---|---|"]
            out += [f"| `{e.requirement}` | {' '.join(e.added) or '—'} | {' '.join(e.removed) or '—'} |" for e in d.evidence]
            out.append("")
        if d.levels:
            out += ["| 等级 | A 原值 | A 新值 | 判定 |", "|---|---|---|---|"]
            for x in d.levels:
                verdict = "符合" if x.new_conforms else ("不符合" if x.new_conforms is False else "—")
                if x.old_conforms is not None and x.old_conforms != x.new_conforms:
                    verdict = f"**{'符合' if x.old_conforms else '不符合'} → {verdict}**"
                out.append(f"| {model.level_name(x.level)} | {_fig(x.old)} | {_fig(x.new)} | {verdict} |")
            out.append("")
        figures = [f"B {x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.domains] + \
                  [f"C {x.key} {_fig(x.old)} → {_fig(x.new)}" for x in d.assessment_domains]
        if figures:
            out += ["得分变化：" + "；".join(figures), ""]
        if d.record_fields:
            out += ["评估记录中变化的项：" + "、".join(f"`{k}`" for k in d.record_fields), ""]
        for x in d.diagnostics:
            out.append(f"- ❌ `{x.location}` {x.code} {_md(x.message)}")
        if d.diagnostics:
            out.append("")
    for x in rd.diagnostics:
        out.append(f"- ❌ `{x.location}` {x.code} {_md(x.message)}")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Text inside a Markdown table or heading: no pipes, no HTML, no line breaks."""
    return (text or "").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def to_json(rd: RepositoryDiff) -> dict:
    model = rd.model

    def fig(v):
        return None if v is None else {"value": float(v), "exact": exact(v)}

    return {
        "base": rd.base, "head": rd.head,
        "assessments": [{
            "id": d.id, "status": d.status, "organisation": d.name, "old_path": d.old_path, "new_path": d.new_path,
            "applied_level": {"old": d.old_applied, "new": d.new_applied},
            "conforms": {"old": d.old_conforms, "new": d.new_conforms},
            "recommended_level": {"old": d.old_recommended, "new": d.new_recommended},
            "conformity_changed": d.conformity_changed,
            "headline": headline(model, d),
            "scores": [{"requirement": s.requirement, "domain": s.domain, "text": s.text, "old": fig(s.old), "new": fig(s.new)} for s in d.scores],
            "evidence": [{"requirement": e.requirement, "added": list(e.added), "removed": list(e.removed)} for e in d.evidence],
            "levels": [{"level": x.level, "old": fig(x.old), "new": fig(x.new), "old_conforms": x.old_conforms, "new_conforms": x.new_conforms} for x in d.levels],
            "domains": [{"code": x.key, "old": fig(x.old), "new": fig(x.new)} for x in d.domains],
            "assessment_domains": [{"code": x.key, "old": fig(x.old), "new": fig(x.new)} for x in d.assessment_domains],
            "record_fields": d.record_fields,
            "diagnostics": [x.as_dict() for x in d.diagnostics],
        } for d in rd.assessments],
        "diagnostics": [x.as_dict() for x in rd.diagnostics],
    }
