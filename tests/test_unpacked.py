"""Scores made from their packed data when asked for and let go again (maturity.data.assessment.Unpacked).

A repository read with the build cache keeps each scores file that passed packed; its scores are made when a check
or a page asks for them and let go once more than ``Unpacked.LIMIT`` others were made since. Here the limit is one
or two, so that every assessment of the demo is let go and made again: what a load and a build give must be what
they give without the cache, where every assessment holds its scores throughout.
"""

from __future__ import annotations

import pytest

from conftest import Repo
from maturity.data.assessment import PackedAssessment, Unpacked
from maturity.publish import build_site
from maturity.repository import load_repository
from maturity.settings import load_settings


@pytest.fixture
def limit(monkeypatch):
    def set_to(n: int) -> int:
        monkeypatch.setattr(Unpacked, "LIMIT", n)
        return n
    return set_to


def _load(demo: Repo, cache: bool = True):
    return load_repository(load_settings(demo.root).with_overrides(cache=cache), display_base=demo.root)


def _made(repo) -> list[str]:
    return [a.id for a in repo.assessments if isinstance(a, PackedAssessment) and a.unpacked]


def test_a_load_leaves_the_scores_of_at_most_the_limit_made(demo, limit):
    n = limit(2)
    repo = _load(demo)
    packed = [a for a in repo.assessments if isinstance(a, PackedAssessment)]
    assert len(packed) > n, "the demo's clean assessments are kept packed"
    assert len(_made(repo)) <= n
    for a in packed:  # asking for each in turn: never more than the limit at once
        assert a.scores
        assert a.unpacked and len(_made(repo)) <= n


def test_scores_let_go_are_made_again_as_they_were(demo, limit):
    limit(1)
    repo, full = _load(demo), _load(demo, cache=False)
    assert not any(isinstance(a, PackedAssessment) for a in full.assessments), "without the cache nothing is packed"
    by_id = {a.id: a for a in full.assessments}
    assert [a.id for a in repo.assessments] == list(by_id)
    for _ in range(2):  # the second time round each one's scores were let go and are made anew
        for a in repo.assessments:
            b = by_id[a.id]
            assert (a.scores, a.findings, a.cited) == (b.scores, b.findings, b.cited)
    assert {k: repr(v) for k, v in repo.results.items()} == {k: repr(v) for k, v in full.results.items()}
    assert repo.diagnostics == full.diagnostics


def test_scores_held_by_a_caller_outlive_their_letting_go(demo, limit):
    limit(1)
    first, second, *_ = [a for a in _load(demo).assessments if isinstance(a, PackedAssessment)]
    held = first.scores
    copy = dict(held)
    assert second.scores and not first.unpacked, "making the second's let the first's go"
    assert held == copy and first.scores == copy and first.scores is not held


def test_a_site_built_one_assessment_unpacked_at_a_time_is_the_site_built_without_the_cache(demo, limit):
    limit(1)
    packed, full = build_site(_load(demo)), build_site(_load(demo, cache=False))
    assert not packed.diagnostics and not full.diagnostics
    assert _pages(packed) == _pages(full)


def _pages(site) -> dict:
    pages = {p.src_uri: (p.title, p.toc, p.html, p.search_html, p.find_html) for p in site.pages}
    return pages | {f"file:{a.path}": a.content for a in site.assets}
