"""The packed pages and files of a site kept in a temporary file until they are written (docs/performance.md#spool).

The demo site is built three ways — spooled, in memory (no temporary file can be made), and with a disk that fills
part-way through — and every page, search version and file must read back the same, in any order.
"""

from __future__ import annotations

import os
import tempfile

import pytest

from maturity import gate
from maturity.publish import site as site_mod
from maturity.publish.site import Spooled
from maturity.settings import load_settings


def _site(demo):
    publication = gate.prepare(load_settings(demo.root), display_base=demo.root, history=lambda *_: (None, None))
    return publication.site


def _contents(site) -> dict:
    out = {p.src_uri: (p.title, p.html, p.search_html, p.find_html) for p in reversed(site.pages)}  # read back in reverse order
    out.update({a.path: a.content for a in reversed(site.assets)})
    return out


@pytest.fixture
def in_memory(demo, monkeypatch):
    with monkeypatch.context() as m:
        def refuse(*args, **kwargs):
            raise OSError("no temporary folder")

        m.setattr(tempfile, "TemporaryFile", refuse)
        site = _site(demo)
    assert all(isinstance(p._html, bytes) for p in site.pages)
    return _contents(site)


def test_a_built_site_keeps_no_page_or_file_content_in_memory(demo):
    site = _site(demo)
    assert site.pages and site.assets
    assert all(isinstance(p._html, Spooled) for p in site.pages)
    assert all(isinstance(p._search, Spooled) for p in site.pages if p._search is not None)
    assert all(isinstance(a._packed, Spooled) for a in site.assets)


def test_what_the_spool_gives_back_is_what_was_made(demo, in_memory):
    assert _contents(_site(demo)) == in_memory


def test_a_disk_that_fills_keeps_the_rest_in_memory(demo, in_memory, monkeypatch):
    written = []
    real = os.pwrite

    def filling(fd, data, offset):
        if len(written) >= 25:
            raise OSError(28, "No space left on device")
        written.append(len(data))
        return real(fd, data, offset)

    monkeypatch.setattr(site_mod.os, "pwrite", filling)
    site = _site(demo)
    kinds = {type(p._html) for p in site.pages} | {type(a._packed) for a in site.assets}
    assert kinds == {Spooled, bytes} and len(written) == 25
    assert _contents(site) == in_memory


def test_without_positional_file_io_the_site_stays_in_memory(demo, in_memory, monkeypatch):
    monkeypatch.delattr(site_mod.os, "pwrite")  # as on Windows
    site = _site(demo)
    assert all(isinstance(p._html, bytes) for p in site.pages)
    assert _contents(site) == in_memory
