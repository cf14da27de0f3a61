"""Shared fixtures: a writable copy of the demo repository and a small hand-made model.

Every test works in ``tmp_path``; nothing here writes into the project's own
``assessments/`` or ``evidence/``.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from maturity.diagnostics import Diagnostic, Severity
from maturity.repository import Repository, load_repository
from maturity.settings import PublicationSettings, Settings, load_settings

PROJECT = Path(__file__).resolve().parents[1]
MODEL_FILE = PROJECT / "plugins" / "maturity" / "models" / "t-zxgjxh-002-2023.yml"

# The demo files the validation tests mutate (paths relative to the repository root).
ZIXUN = "assessments/2026-shili-zixun"
A = f"{ZIXUN}/assessment.yml"
S = f"{ZIXUN}/scores.yml"
P = f"{ZIXUN}/publication.yml"
R = "evidence/shili-zixun/register.yml"
PINGTAI_A = "assessments/2026-shili-pingtai/assessment.yml"
# The demo's assessment folders, counted from the files (what every command must find).
DEMO_ASSESSMENTS = len(list((PROJECT / "assessments").glob("*/assessment.yml")))
XINXI = "assessments/2026-shili-xinxi"
OLD_ZIXUN_P = "assessments/2023-shili-zixun/publication.yml"
ASSESSORS = "assessors.yml"  # the authority's register of assessors (the demo's teams of danbao and kechuang use it)

CODE = re.compile(r"^MAT\d{3}$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Problems that concern a whole file (or a missing one) and so have no line: line 0 by design.
WHOLE_FILE = {"MAT001", "MAT002", "MAT006", "MAT009", "MAT017", "MAT055", "MAT209"}


# --- GB 32100, written out independently of maturity.data.uscc -------------------------------------
GB32100_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
GB32100_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # table of GB 32100


def gb32100_check(first17: str) -> str:
    total = sum(GB32100_CHARS.index(c) * w for c, w in zip(first17, GB32100_WEIGHTS))
    c = 31 - total % 31
    return GB32100_CHARS[0 if c == 31 else c]


def credit_code(first17: str) -> str:
    return first17 + gb32100_check(first17)


# --- diagnostics helpers ----------------------------------------------------------------------
def check_invariants(diagnostics: list[Diagnostic]) -> None:
    """What every diagnostic must satisfy, whatever the problem."""
    for d in diagnostics:
        assert d.path, d
        assert CODE.match(d.code), d
        assert CHINESE.search(d.message), f"message without Chinese: {d}"
        assert isinstance(d.severity, Severity)
        if d.code in WHOLE_FILE:
            assert d.line >= 0 and d.column >= 0, d
        else:
            assert d.line >= 1 and d.column >= 1, f"problem in a line without a line number: {d}"


def listing(diagnostics) -> str:
    return "\n".join(str(d) for d in diagnostics) or "(no diagnostics)"


def find(diagnostics, code: str, path: str | None = None, line: int | None = None) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code and (path is None or d.path == path)
            and (line is None or d.line == line)]


def expect(diagnostics, code: str, path: str, line: int, severity: Severity = Severity.ERROR) -> Diagnostic:
    """Exactly the diagnostic ``code`` at ``path:line`` with the given severity must be present."""
    if isinstance(diagnostics, Repository):
        diagnostics = diagnostics.diagnostics
    hits = find(diagnostics, code, path, line)
    assert hits, f"expected {code} at {path}:{line}; got:\n{listing(diagnostics)}"
    assert all(d.severity is severity for d in hits), listing(hits)
    return hits[0]


def is_build_cache(path: Path, root: Path) -> bool:
    """Whether ``path`` lies in maturity's build cache (.cache/): a cache, not data a command may not touch."""
    return ".cache" in path.relative_to(root).parts


# --- a writable repository ------------------------------------------------------------------------
@dataclass
class Repo:
    root: Path

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="\n")

    def replace(self, rel: str, old: str, new: str) -> None:
        """Replace the single occurrence of ``old`` (the test fails when it is not exactly one)."""
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        self.write(rel, text.replace(old, new))

    def drop_line(self, rel: str, needle: str) -> None:
        lines = self.read(rel).split("\n")
        hits = [i for i, line in enumerate(lines) if needle in line]
        assert len(hits) == 1, f"{needle!r} on {len(hits)} lines of {rel}"
        del lines[hits[0]]
        self.write(rel, "\n".join(lines))

    def line_of(self, rel: str, needle: str, nth: int = 1) -> int:
        """1-based number of the ``nth`` line of ``rel`` that contains ``needle``."""
        hits = [i + 1 for i, line in enumerate(self.read(rel).split("\n")) if needle in line]
        assert len(hits) >= nth, f"{needle!r} found on {len(hits)} lines of {rel}"
        return hits[nth - 1]

    def load(self, *, publication: PublicationSettings | None = None, max_bytes: int | None = None, **kwargs) -> Repository:
        # The repository's own settings (its mkdocs.yml, when a test writes one), as every command reads them.
        settings = load_settings(self.root).with_overrides(publication=publication, max_file_size=max_bytes)
        repo = load_repository(settings, display_base=self.root, **kwargs)
        check_invariants(repo.diagnostics)
        return repo


def evidence_line(demo: Repo, eid: str, key: str) -> int:
    """The line of ``key`` in the demo register's item ``eid`` (zixun's register)."""
    start = demo.line_of(R, f"id: {eid}")
    lines = demo.read(R).split("\n")
    for n in range(start, len(lines)):
        if lines[n].strip().startswith(f"{key}:"):
            return n + 1
    raise AssertionError(f"{eid} has no {key}")


@pytest.fixture
def restored(monkeypatch) -> list[str]:
    """The pages and files the next builds take from the page store (``Page.restored``, ``Asset.restored`` still run)."""
    from maturity.publish.site import Asset, Page

    taken: list[str] = []
    for cls in (Page, Asset):
        real = cls.restored.__func__

        def spy(cls, where, *args, real=real, **kwargs):
            taken.append(where)
            return real(cls, where, *args, **kwargs)

        monkeypatch.setattr(cls, "restored", classmethod(spy))
    return taken


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The whole demo site (data, docs, mkdocs.yml; :func:`site_helpers.copy_demo`), made once per module: not to be
    changed — a test that changes it takes :func:`site_copy`."""
    from site_helpers import copy_demo

    root = tmp_path_factory.mktemp("pristine")
    copy_demo(root)
    return root


@pytest.fixture
def site_copy(pristine: Path, tmp_path: Path) -> Path:
    """A copy of :func:`pristine` of this test's own."""
    root = tmp_path / "site"
    shutil.copytree(pristine, root)
    return root


@pytest.fixture
def demo(tmp_path: Path) -> Repo:
    """A copy of the demo repository (all assessments, evidence and the register of assessors) in ``tmp_path``."""
    for part in ("assessments", "evidence"):
        shutil.copytree(PROJECT / part, tmp_path / part)
    shutil.copy2(PROJECT / ASSESSORS, tmp_path / ASSESSORS)
    return Repo(tmp_path)


# --- a small model, hand-made for hand-computed scores ------------------------------------------
# Level 1: AA-X {X1a, X1b}, BB-Z {Z1}                              -> p = 3
# Level 2: AA-X {X1a, X1b, X2a, X2b}, AA-Y {Y2a, Y2b, Y2c}, BB-Z {Z1, Z2a, Z2b} -> p = 10
MINI_MODEL = """\
id: TEST-MINI
title: 测试用小模型
requirements_status: drafted
levels:
  - {level: 1, name: 一星}
  - {level: 2, name: 二星}
scale:
  - {label: 全部满足, value: 1}
  - {label: 大部分满足, value: 0.8}
  - {label: 部分满足, value: 0.5}
  - {label: 不满足, value: 0}
threshold: 0.8
capability_domains:
  - code: AA
    name: 甲能力域
    assessment_domains:
      - code: AA-X
        name: 甲一
        levels: [1, 2]
        requirements:
          - {id: AA-X-1-01, levels: [1, 2], text: 要求甲一之一}
          - {id: AA-X-1-02, levels: [1, 2], text: 要求甲一之二}
          - {id: AA-X-2-01, levels: [2], text: 要求甲一之三}
          - {id: AA-X-2-02, levels: [2], text: 要求甲一之四}
      - code: AA-Y
        name: 甲二
        levels: [2]
        requirements:
          - {id: AA-Y-2-01, levels: [2], text: 要求甲二之一}
          - {id: AA-Y-2-02, levels: [2], text: 要求甲二之二}
          - {id: AA-Y-2-03, levels: [2], text: 要求甲二之三}
  - code: BB
    name: 乙能力域
    assessment_domains:
      - code: BB-Z
        name: 乙一
        levels: [1, 2]
        requirements:
          - {id: BB-Z-1-01, levels: [1, 2], text: 要求乙一之一}
          - {id: BB-Z-2-01, levels: [2], text: 要求乙一之二}
          - {id: BB-Z-2-02, levels: [2], text: 要求乙一之三}
"""

MINI_DOMAINS = {
    1: {"AA-X": ["AA-X-1-01", "AA-X-1-02"], "BB-Z": ["BB-Z-1-01"]},
    2: {"AA-X": ["AA-X-1-01", "AA-X-1-02", "AA-X-2-01", "AA-X-2-02"],
        "AA-Y": ["AA-Y-2-01", "AA-Y-2-02", "AA-Y-2-03"],
        "BB-Z": ["BB-Z-1-01", "BB-Z-2-01", "BB-Z-2-02"]},
}

MINI_RECORD = """\
id: {id}
organisation:
  id: mini-org
  name: 小模型测试机构
  credit_code: {credit}
  region: 北京市
  category: specialised.management.strategy
kind: self
applied_level: {level}
stage: completed
team:
  - {{name: 张组长, role: leader, organisation: 小模型测试机构}}
dates:
  started: 2026-01-05
  report: 2026-02-05
conclusion:
  summary: 自评估完成。
"""

MINI_REGISTER = """\
items:
  - {id: E1, title: 测试证据, method: document_review, record_date: '2025-01-01', collected: '2026-01-10', url: 'https://example.org/e1', class: public}
"""


@dataclass
class Mini:
    root: Path
    model_path: Path

    def write(self, scores: dict, level: int = 2, aid: str = "2026-mini", applied: int | None = None) -> None:
        """An assessment of the mini model; ``scores`` maps requirement ids to scores as written in YAML.

        The scores file lists the requirements of ``level``; the record applies for ``applied`` (default ``level``).
        """
        folder = self.root / "assessments" / aid
        folder.mkdir(parents=True, exist_ok=True)
        record = MINI_RECORD.format(id=aid, credit=credit_code("91110108MA01XL0K7"), level=applied or level)
        (folder / "assessment.yml").write_text(record, encoding="utf-8")
        lines = []
        for code in MINI_DOMAINS[level]:
            lines.append(f"{code}:\n  requirements:")
            for rid in MINI_DOMAINS[level][code]:
                if rid in scores:
                    lines.append(f"    {rid}: {{score: {scores[rid]}, evidence: [E1]}}")
        (folder / "scores.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def load(self) -> Repository:
        repo = load_repository(Settings(root=self.root, model=self.model_path), display_base=self.root)
        check_invariants(repo.diagnostics)
        return repo


@pytest.fixture
def mini_model_path(tmp_path: Path) -> Path:
    path = tmp_path / "mini-model.yml"
    path.write_text(MINI_MODEL, encoding="utf-8")
    return path


@pytest.fixture
def mini(tmp_path: Path, mini_model_path: Path) -> Mini:
    root = tmp_path / "mini"
    (root / "evidence" / "mini-org").mkdir(parents=True)
    (root / "evidence" / "mini-org" / "register.yml").write_text(MINI_REGISTER, encoding="utf-8")
    return Mini(root, mini_model_path)


# --- the demo site, built ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo site built by a real ``mkdocs build --strict`` (once per session: :func:`site_helpers.built_demo`)."""
    from site_helpers import built_demo

    return built_demo(tmp_path_factory)


@pytest.fixture(scope="module")
def repo(built):
    """The built demo's repository, loaded and checked as the build loaded it."""
    return load_repository(built.root, display_base=built.root)


# --- a browser ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def driver(request, tmp_path_factory):
    """Debian's chromium for one test module (:func:`site_helpers.chromium`), skipped where it is not installed.

    A module's ``LISTENER`` script, when it has one, runs in every page before the page's own scripts (DevTools'
    ``Page.addScriptToEvaluateOnNewDocument``): the CSP tests record violations with it."""
    from site_helpers import chromium, have_browser

    if not have_browser():
        pytest.skip("browser tests need /usr/bin/chromium and /usr/bin/chromedriver")
    d = chromium(tmp_path_factory.mktemp("chromium-profile"))
    listener = getattr(request.module, "LISTENER", None)
    if listener:
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": listener})
    yield d
    d.quit()
