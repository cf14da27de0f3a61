"""An assessment folder: ``assessment.yml`` (the record), ``scores.yml``, ``publication.yml``."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from maturity.data import schema
from maturity.diagnostics import Collector
from maturity.data.evidence import as_date
from maturity.data.yamlfile import Document

RECORD, SCORES, PUBLICATION = "assessment.yml", "scores.yml", "publication.yml"

KINDS = ("self", "third_party")
# Stages of guide clause 8, in process order for each kind (their names: i18n "stages.*").
SELF_STAGES = ("planning", "self_assessing", "completed")
FORMAL_STAGES = ("applied", "accepted", "document_review", "planned", "on_site", "reported", "submitted")
STAGES = SELF_STAGES + FORMAL_STAGES
ON_SITE_STAGES = ("planned", "on_site", "reported", "submitted")  # 8.3.5: only after the review passes
ROLES = ("leader", "member", "expert")
# Where the guide draws a conclusion (project interpretation, docs/guide/interpretations.md): a third-party
# assessment's report (8.3.13); a self-assessment's completion with its predicted level (8.2.5).
CONCLUDED_STAGES = {"self": ("completed",), "third_party": ("reported", "submitted")}
PLACEHOLDER = "待填写"  # what `maturity new` writes where a person must fill something in
REVIEW_FAILED = "不符合要求"


@dataclass(frozen=True, slots=True)
class Score:
    requirement: str
    raw: Any  # as written: a number, a label, or None (待评分: not scored yet)
    value: Fraction | None
    evidence: tuple[str, ...]
    note: str

    @property
    def unscored(self) -> bool:
        """Not assessed yet (``score: null``): not the same as 不满足, which is a score of 0."""
        return self.raw is None


@dataclass(frozen=True, slots=True)
class Findings:
    achievements: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()


@dataclass
class Assessment:
    """One assessment, as recorded in its folder; ``record`` is ``assessment.yml`` as data."""

    folder: Path
    record: dict
    record_doc: Document
    scores: dict[str, Score] = field(default_factory=dict)
    findings: dict[str, Findings] = field(default_factory=dict)
    scores_doc: Document | None = None  # scores.yml, when it passed its schema (the scores above come from it)
    partial_doc: Document | None = None  # scores.yml, read but with schema errors: its valid lines are still checked
    publication: dict | None = None
    publication_doc: Document | None = None
    model: Any = None  # the Model it is assessed against (its ``model:`` reference, else the default)
    members: list | None = None  # the team with references to the register of assessors resolved (repository)

    @property
    def team(self) -> list:
        """The team as people read it (:class:`maturity.data.assessors.TeamMember`): inline entries as written,
        references completed from the register of assessors once the repository has resolved them."""
        if self.members is None:
            from maturity.data.assessors import resolve_team
            self.members = resolve_team(self.record, None)
        return self.members

    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def cited(self) -> tuple[str, ...]:
        """The evidence ids its scores cite, each once, sorted."""
        return tuple(sorted({ref for s in self.scores.values() for ref in s.evidence}))

    @property
    def organisation(self) -> dict:
        return self.record["organisation"]

    @property
    def kind(self) -> str:
        return self.record["kind"]

    @property
    def is_self_assessment(self) -> bool:
        return self.kind == "self"

    @property
    def applied_level(self) -> int:
        return self.record["applied_level"]

    @property
    def stage(self) -> str:
        return self.record["stage"]

    @property
    def concluded(self) -> bool:
        """Whether the assessment has reached the stage at which the guide concludes (a result may be published)."""
        return self.stage in CONCLUDED_STAGES.get(self.kind, ())

    def date(self, name: str) -> dt.date | None:
        return as_date(self.record.get("dates", {}).get(name))

    @property
    def reference_date(self) -> dt.date | None:
        """The date an assessment is listed under: its report, else its latest known date."""
        dates = [as_date(v) for v in self.record.get("dates", {}).values()]
        report = self.date("report")
        return report or max((d for d in dates if d), default=None)


def texts(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class _MadeOnUse:
    """An attribute of a :class:`PackedAssessment` made from its scores file's data when first read."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = f"_{name}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        obj._fill()
        return obj.__dict__[self.name]

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.name] = value


class Unpacked:
    """Which :class:`PackedAssessment` objects of a repository have their scores made: the ``limit`` made most recently.
    Making one more lets the oldest go (it makes them again if asked), so a run that touches every assessment's
    scores in turn (checking them, rendering their pages) holds a few hundred Python objects each for ``limit``
    assessments, not for every one (docs/performance.md#unpacked)."""

    LIMIT = 64  # more than the assessments a page or a check looks at together (an organisation's, an old and a new)

    def __init__(self, limit: int | None = None) -> None:
        self.limit = self.LIMIT if limit is None else limit
        self._made: deque[PackedAssessment] = deque()

    def made(self, a: "PackedAssessment") -> None:
        self._made.append(a)
        while len(self._made) > self.limit:
            self._made.popleft()._let_go()

    def __len__(self) -> int:
        return len(self._made)


class PackedAssessment(Assessment):
    """An assessment whose scores file passed its schema and is kept packed (as the build cache holds its data): its
    scores and findings are made from that data only when asked for, and let go again when :class:`Unpacked` says
    so. Either it passed every check before with nothing changed since (:mod:`maturity.verdicts`: its scores file
    is not even read; what the other pages need of its scores, which evidence they cite, was remembered with the
    verdict), or it was just read and is checked with its scores made on the way."""

    def __init__(self, *args, cited: tuple[str, ...] | None = None, unpacked: Unpacked | None = None, **kwargs) -> None:
        self._pending = False
        super().__init__(*args, **kwargs)
        self._cited = cited
        self._unpacked = unpacked
        self._pending = True

    scores = _MadeOnUse()
    findings = _MadeOnUse()

    @property
    def cited(self) -> tuple[str, ...]:
        if self._cited is None:  # worked out once: it outlives the scores it comes from
            self._cited = super().cited
        return self._cited

    @property
    def unpacked(self) -> bool:
        """Whether its scores and findings are made now."""
        return not self._pending

    def _fill(self) -> None:
        if self._pending:
            self._pending = False
            self.scores, self.findings = _scores(self.scores_doc, self.model)
            self.scores_doc.release()
            if self._unpacked is not None:
                self._unpacked.made(self)

    def _let_go(self) -> None:
        """Drop the scores and findings made (whoever still holds them keeps them); made again when next asked for."""
        if not self._pending:
            self.__dict__.pop("_scores", None)
            self.__dict__.pop("_findings", None)
            self._pending = True


def read_assessment(folder: Path, reader, registry, out: Collector,
                    recalled: tuple[str, bytes, tuple[str, ...]] | None = None,
                    texts: tuple[str | None, str | None] = (None, None),
                    unpacked: Unpacked | None = None) -> Assessment | None:
    """Read the files of one folder. The record must pass its schema for an Assessment to exist.

    ``registry`` resolves the model the record names (:class:`maturity.data.registry.Registry`, or a
    bare Model when there is only one). ``recalled``: the scores file passed every check before and is
    unchanged — (the SHA-256 of its text, its data packed as the build cache keeps it, the evidence it
    cites); it is not read, and a :class:`PackedAssessment` is made. ``texts``: with it, the SHA-256 of the
    record's and the publication file's texts then (None where not known), taken from the store unread.
    ``unpacked``: a scores file kept packed (it passed and the build cache took it) makes a :class:`PackedAssessment`
    whose scores are let go as ``unpacked`` says; without it, or without a packed copy, an :class:`Assessment` holds
    its scores for as long as it lives.
    """
    doc, ok = reader.checked(folder / RECORD, "assessment", out, texts[0] if recalled is not None else None)
    if not ok:
        _read_scores(folder, reader, None, out)  # still report its problems
        _read_publication(folder, reader, out)
        return None
    model = registry.resolve(doc.data.get("model")) if hasattr(registry, "resolve") else registry
    if recalled is not None and model is not None:
        digest, packed, cited = recalled
        file = folder / SCORES
        assessment = PackedAssessment(folder, doc.data, doc, cited=cited, unpacked=unpacked)
        assessment.model = model
        assessment.scores_doc = Document(reader.display(file), packed=packed, source=file, digest=digest)
        _read_publication_into(assessment, folder, reader, out, texts[1])
        return assessment
    assessment = Assessment(folder, doc.data, doc)
    if model is None:
        known = "、".join(m.key for m in registry.listed())
        out.error(doc.at("model"), "MAT057", ref=doc.data.get("model"), known=known)
    assessment.model = model
    scores_doc, valid = _read_scores(folder, reader, model, out)
    if model is None:
        scores_doc = None  # scores mean nothing without their scale
    if scores_doc is not None and valid and unpacked is not None and scores_doc.packed is not None:
        assessment = PackedAssessment(folder, doc.data, doc, model=model, scores_doc=scores_doc, unpacked=unpacked)
    elif scores_doc is not None and valid:
        assessment.scores_doc = scores_doc
        assessment.scores, assessment.findings = _scores(scores_doc, model)
    elif scores_doc is not None:
        assessment.partial_doc = scores_doc
    _read_publication_into(assessment, folder, reader, out)
    return assessment


def _read_publication_into(assessment: Assessment, folder: Path, reader, out: Collector, digest: str | None = None) -> None:
    pub = _read_publication(folder, reader, out, digest)
    if pub is not None:
        assessment.publication_doc, assessment.publication = pub, pub.data


def _read_scores(folder: Path, reader, model, out: Collector) -> tuple[Document | None, bool]:
    """scores.yml and whether it passed its schema (a file with schema errors is still checked line by line)."""
    file = folder / SCORES
    if not file.exists():
        out.error(_whole(reader.display(file)), "MAT209")
        return None, False
    doc, valid = reader.checked(file, "scores", out)
    if doc is None:
        return None, False
    if valid and model is not None:
        valid = _on_scale(doc, model, out)
    return doc, valid


def _on_scale(doc: Document, model, out: Collector) -> bool:
    """Every score on the model's scale (the schema allows any number or label: the scale is the model's)."""
    allowed = "、".join([f"{float(s.value):g}" for s in model.scale] + [s.label for s in model.scale] + ["null"])
    ok = True
    for code, block in doc.data.items():
        for rid, entry in block["requirements"].items():
            raw = entry["score"]
            if raw is not None and model.score_value(raw) is None:
                out.error(doc.at(code, "requirements", rid, "score"), "MAT201", actual=f"“{raw}”", allowed=allowed)
                ok = False
    return ok


def _read_publication(folder: Path, reader, out: Collector, digest: str | None = None) -> Document | None:
    file = folder / PUBLICATION
    if not file.exists():
        return None
    doc, ok = reader.checked(file, "publication", out, digest)
    if not ok:
        return None
    return doc


def _scores(doc: Document, model) -> tuple[dict[str, Score], dict[str, Findings]]:
    scores, findings = {}, {}
    cited: dict[tuple, tuple] = {}  # one tuple per distinct list of evidence: rows often cite the same items
    for code, block in doc.data.items():
        findings[code] = Findings(texts(block.get("achievements")), texts(block.get("gaps")), texts(block.get("recommendations")))
        for rid, entry in block["requirements"].items():
            refs = tuple(entry.get("evidence", ()))
            scores[rid] = Score(rid, entry["score"], model.score_value(entry["score"]), cited.setdefault(refs, refs),
                                entry.get("note", ""))
    return scores, findings


def _whole(path: str):
    from maturity.diagnostics import Location
    return Location(path, 0, 0)


def from_documents(record_doc: Document, scores_doc: Document | None, model, record_checked: bool = False) -> Assessment | None:
    """An assessment from already-parsed files (e.g. an old version read from git); None when invalid.

    ``record_checked``: the record is known to pass its schema (the same bytes passed it when the build read them)."""
    quiet = Collector()
    if not record_checked and not schema.check(record_doc, "assessment", quiet):
        return None
    a = Assessment(Path(record_doc.path).parent, record_doc.data, record_doc)
    if scores_doc is not None and schema.check(scores_doc, "scores", quiet):
        a.scores_doc = scores_doc
        a.scores, a.findings = _scores(scores_doc, model)
    return a
