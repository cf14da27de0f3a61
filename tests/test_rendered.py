"""Rendered pages remembered between builds (maturity.publish.rendered): never a stale page.

Each case builds the demo once to fill the store, changes one thing a page of an assessment shows, then builds
again with the store and without it: the two sites must be the same page for page, and the pages of assessments
the change did not touch must come from the store. A damaged store is ignored; a templates folder with a symbolic
link turns it off; the pages of one assessment see nothing of the others.
"""

from __future__ import annotations

import json
import signal
import sqlite3

import pytest

from conftest import ASSESSORS, MODEL_FILE, PROJECT, Repo
from maturity.cache import CACHE_DIR
from maturity.publish import build_site
from maturity.publish.site import Asset
from maturity.repository import load_repository
from maturity.settings import load_settings

DANBAO = "assessments/2026-shili-danbao"
# Published without a certificate: a change to its scores or evidence is not refused as a change to certified data
# (MAT610), which would leave it off the site and make any comparison of its pages vacuous.
KECHUANG = "2026-shili-kechuang"
KECHUANG_S = f"assessments/{KECHUANG}/scores.yml"
KECHUANG_R = "evidence/shili-kechuang/register.yml"
ZIXUN_REPORT = "assessments/2026-shili-zixun/index.md"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _site(demo: Repo, cache: bool = True, commit: str | None = None):
    settings = load_settings(demo.root).with_overrides(cache=cache)
    return build_site(load_repository(settings, display_base=demo.root), commit=commit)


def _pages(site) -> dict:
    """Every page and generated file, all of it."""
    pages = {p.src_uri: (p.title, p.toc, p.hide, p.search_exclude, p.wasm, p.html, p.search_html, p.find_html, p.size)
             for p in site.pages}
    return pages | {f"file:{a.path}": (a.content, a.size) for a in site.assets}


def test_a_second_build_takes_the_pages_of_assessments_and_organisations_from_the_store_and_is_the_same(demo, restored):
    cold = _site(demo)
    assert restored == []
    warm = _site(demo)
    reports = {p.src_uri for p in warm.pages if p.src_uri.startswith("assessments/2")}
    assert reports and reports <= set(restored), "every report and progress page"
    assert any(u.startswith("certificates/") for u in restored), "certificate pages are kept too"
    assert {p.src_uri for p in warm.pages if p.src_uri.startswith("organisations/")} <= set(restored), "and organisation pages"
    viewers = {a.path for a in warm.assets if a.path.endswith(".md.html")}
    assert viewers and viewers <= set(restored), "and the viewers of text evidence"
    assert "assessments/index.md" in restored, "and the list of assessments"
    assert _pages(warm) == _pages(cold) == _pages(_site(demo, cache=False))


@pytest.mark.parametrize("change", ["score", "evidence title", "evidence file", "assessor name", "template override",
                                    "site setting", "build date", "certificate suspended", "model text"])
def test_after_a_change_the_site_is_the_one_built_without_the_store(demo, restored, change):
    if change == "model text":  # the site's own copy of the model, named in mkdocs.yml
        demo.write("model.yml", MODEL_FILE.read_text(encoding="utf-8"))
        demo.write("mkdocs.yml", "site_name: 示例\nplugins:\n  - maturity:\n      model: model.yml\n")
    _site(demo)
    touched = KECHUANG
    if change == "model text":  # a requirement's wording, shown in every report's table
        demo.replace("model.yml", "text: 建立服务需求收集渠道，", "text: 建立并公布服务需求收集渠道，")
    elif change == "score":
        _change_one_score(demo)
    elif change == "evidence title":
        _change_evidence_title(demo)
    elif change == "evidence file":  # its viewer shows the new text
        _change_evidence_file(demo)
    elif change == "assessor name":
        demo.replace(ASSESSORS, "name: 王评审", "name: 王评审员")
        touched = "2026-shili-danbao"
    elif change == "template override":
        demo.write("templates/_evidence.html", (PROJECT / "plugins/maturity/publish/templates/_evidence.html").read_text(
            encoding="utf-8") + "<p>本站补充说明</p>\n")
        touched = None
    elif change == "site setting":
        demo.write("mkdocs.yml", "site_name: 示例\nplugins:\n  - maturity:\n      authority_name: 另一个评估管理机构\n")
        touched = None
    elif change == "build date":
        demo.write("mkdocs.yml", "site_name: 示例\nplugins:\n  - maturity:\n      build_date: 2031-01-01\n")
        touched = None
    else:
        _reinstate_danbao(demo)
        touched = "2026-shili-danbao"
    warm = _rebuilt(demo, restored)
    if change == "model text":  # every report against that model shows it; zonghe's, against another model, is kept
        assert "建立并公布服务需求收集渠道" in next(p.html for p in warm.pages if p.src_uri == f"assessments/{KECHUANG}/index.md")
        assert "assessments/2026-shili-zonghe/index.md" in restored
    if change == "evidence file":
        assert any("补充记录" in a.content for a in warm.assets if a.path.endswith(".md.html"))
    if touched is None:  # a change every page shows: nothing is taken from the store
        assert not [u for u in restored if u.startswith("assessments/2")], restored
    else:
        assert f"assessments/{touched}/index.md" in {p.src_uri for p in warm.pages}, "still published"
        assert f"assessments/{touched}/index.md" not in restored
        organisation = f"organisations/{touched.split('-', 1)[1]}/index.md"
        if change in ("score", "certificate suspended"):  # what its organisation's page shows too
            assert organisation not in restored
        elif change.startswith("evidence"):  # what it does not
            assert organisation in restored
        assert any(u.startswith("assessments/2") and touched not in u for u in restored), "the others are kept"


# The demo's assessments on several list pages, in both editions.
PAGED = "site_name: 示例\nplugins:\n  - maturity:\n      list_page_size: 2\n      english: true\n"


def _list_pages(site) -> dict[str, str]:
    """Each page of the assessments list (both editions) -> its HTML."""
    return {p.src_uri: p.html for p in site.pages if p.src_uri.removeprefix("en/").startswith("assessments/")
            and (p.src_uri.endswith("assessments/index.md") or "/page/" in p.src_uri)}


@pytest.mark.parametrize("change", ["score", "certificate suspended", "evidence title"])
def test_a_change_renders_again_only_the_list_pages_that_show_it(demo, restored, change):
    demo.write("mkdocs.yml", PAGED)
    cold = _list_pages(_site(demo))
    assert len(cold) >= 6, "three pages or more in each edition"
    if change == "score":
        _change_one_score(demo)
        touched = KECHUANG
    elif change == "evidence title":  # shown on a report, not in the list
        _change_evidence_title(demo)
        touched = None
    else:
        _reinstate_danbao(demo)
        touched = "2026-shili-danbao"
    warm = _rebuilt(demo, restored)
    showing = {uri for uri, html in _list_pages(warm).items() if touched and f"{touched}/\"" in html}
    assert len(showing) == (2 if touched else 0), "one page in each edition shows it"
    assert set(_list_pages(warm)) - showing <= set(restored), "the other list pages are taken from the store"
    assert not showing & set(restored)
    if touched:
        assert any(_list_pages(warm)[uri] != cold[uri] for uri in showing), "and what they show changed"


def test_a_site_that_overrides_a_template_renders_its_list_pages_with_the_whole_site(demo, restored):
    """Its templates may use the whole site's data in a list (docs/guide/authority.md#templates): not remembered."""
    original = (PROJECT / "plugins/maturity/publish/templates/index.html").read_text(encoding="utf-8")
    demo.write("templates/index.html", original + '<p id="seen">[{{ certified | length }}|{{ records | length }}|'
               "{{ results | length }}]</p>\n")
    first = _site(demo)
    restored.clear()
    second = _site(demo)
    assert "assessments/index.md" not in restored
    page = next(p.html for p in second.pages if p.src_uri == "assessments/index.md")
    counts = page.split('<p id="seen">[')[1].split("]")[0].split("|")
    assert counts[0] != "0" and int(counts[2]) > 2, "the site's certificates and results, not the page's rows"
    assert _pages(first) == _pages(second)


def _rebuilt(demo: Repo, restored: list[str]):
    """The site built again with the store, ``restored`` then naming only what this build took from it; the same,
    page for page, as the site built without the store (every page rendered, lists from the whole site's data)."""
    restored.clear()
    warm = _site(demo)
    assert _pages(warm) == _pages(_site(demo, cache=False))
    return warm


def _reinstate_danbao(demo: Repo) -> None:
    """danbao's certificate, suspended in the demo, is reinstated: its standing changes."""
    demo.replace(f"{DANBAO}/publication.yml", "    - {kind: suspended, date: 2026-10-15, reason: 收到服务质量投诉，暂停待核查}\n",
                 "    - {kind: suspended, date: 2026-10-15, reason: 收到服务质量投诉，暂停待核查}\n"
                 "    - {kind: restored, date: 2026-11-10, reason: 核查完毕，投诉不成立}\n")


def _change_one_score(demo: Repo) -> None:
    demo.replace(KECHUANG_S, "SS-SI-2-02: {score: 1,", "SS-SI-2-02: {score: 0.5,")


def _change_evidence_title(demo: Repo) -> None:
    """The title of E001, which the report of 2026-shili-kechuang cites."""
    demo.replace(KECHUANG_R, "  - id: E001\n    title: 服务目录及服务产品说明\n", "  - id: E001\n    title: 服务目录及服务产品说明（修订）\n")


def _change_evidence_file(demo: Repo) -> None:
    """E001 of kechuang (public, cited, no certificate whose recorded digest would then fail): new text, new SHA-256."""
    import hashlib

    register = KECHUANG_R
    lines = demo.read(register).split("\n")
    start = lines.index("  - id: E001")
    assert "    class: public" in lines[start:start + 9], "E001 is public: it has a viewer"
    file = next(line for line in lines[start:] if line.strip().startswith("file:")).split(":", 1)[1].strip()
    path = demo.path(f"evidence/shili-kechuang/{file}")
    old = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(path.read_bytes() + "\n补充记录。\n".encode("utf-8"))
    demo.replace(register, old, hashlib.sha256(path.read_bytes()).hexdigest())


def test_a_new_commit_changes_only_the_tail_and_the_pages_are_still_taken(demo, restored):
    _site(demo, commit=COMMIT)
    restored.clear()
    other = "f" * 40
    warm = _site(demo, commit=other)
    report = next(p for p in warm.pages if p.src_uri == ZIXUN_REPORT)
    assert ZIXUN_REPORT in restored
    assert other[:12] in report.html and COMMIT[:12] not in report.html
    assert _pages(warm) == _pages(_site(demo, cache=False, commit=other))


@pytest.mark.parametrize("damage", ["flipped", "truncated", "garbage", "another format"])
def test_a_damaged_store_is_ignored(demo, restored, damage):
    cold = _site(demo)
    [path] = demo.path(CACHE_DIR).glob("rendered-*.sqlite")
    with sqlite3.connect(path) as db:
        if damage == "flipped":  # one byte inside the packed HTML of every page: it no longer unpacks whole
            for key, data in db.execute("SELECT key, data FROM pages").fetchall():
                middle = len(data) // 2
                db.execute("UPDATE pages SET data = ? WHERE key = ?", (data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:], key))
        elif damage == "truncated":
            db.execute("UPDATE pages SET data = substr(data, 1, length(data) - 7)")
        elif damage == "garbage":
            db.execute("UPDATE pages SET data = 'not a page'")
        else:
            db.execute("UPDATE meta SET value = '999' WHERE key = 'format'")
    warm = _site(demo)
    assert _pages(warm) == _pages(cold)
    assert restored == []


def test_a_templates_folder_with_a_link_turns_the_store_off(demo, restored, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "_evidence.html").write_text("<p>外部模板</p>\n", encoding="utf-8")
    demo.path("templates").mkdir()
    (demo.path("templates") / "_evidence.html").symlink_to(outside / "_evidence.html")
    _site(demo)
    _site(demo)
    assert restored == [] and not list(demo.path(CACHE_DIR).glob("rendered-*.sqlite"))


def test_a_pipe_in_the_templates_folder_turns_the_store_off_without_blocking(demo, restored):
    import os

    demo.path("templates").mkdir()
    os.mkfifo(demo.path("templates") / "notes.html")  # opened to be read, it would wait for a writer forever

    def blocked(signum, frame):
        raise AssertionError("the build waited on the pipe")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(60)
    try:
        _site(demo)
        _site(demo)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert restored == [] and not list(demo.path(CACHE_DIR).glob("rendered-*.sqlite"))


def test_the_store_forgets_what_a_build_no_longer_makes(demo):
    _site(demo)
    [path] = demo.path(CACHE_DIR).glob("rendered-*.sqlite")
    with sqlite3.connect(path) as db:
        before = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    _change_one_score(demo)  # kechuang's report and organisation page get new keys; their old entries go
    _site(demo)
    with sqlite3.connect(path) as db:
        after = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    assert before == after > 20


def test_an_organisation_page_sees_only_its_own(demo):
    original = (PROJECT / "plugins/maturity/publish/templates/organisation.html").read_text(encoding="utf-8")
    demo.write("templates/organisation.html", original + "<p id=\"seen\">[{{ commit }}|{{ certified | length }}|"
               "{{ records | length }}|{{ results | length }}|{{ by_assessment | length }}|{{ assessments | length }}]</p>\n")
    site = _site(demo, commit=COMMIT)
    page = next(p for p in site.pages if p.src_uri == "organisations/shili-zixun/index.md")
    assert '<p id="seen">[|0|0|2|2|2]</p>' in page.html and not page.tail, "its two assessments, both certified"


def test_the_pages_of_an_assessment_see_only_their_own(demo):
    original = (PROJECT / "plugins/maturity/publish/templates/report.html").read_text(encoding="utf-8")
    demo.write("templates/report.html", original + "<p id=\"seen\">[{{ commit }}|{{ certified | length }}|{{ records | length }}|"
               "{{ results | length }}|{{ by_assessment | length }}|{{ history.changes | length if history else 0 }}]</p>\n")
    site = _site(demo, commit=COMMIT)
    report = next(p for p in site.pages if p.src_uri == ZIXUN_REPORT)
    assert '<p id="seen">[|0|0|1|1|0]</p>' in report.html
    assert COMMIT[:12] in report.tail, "the commit is said after the page"


def _built(demo: Repo):
    """The site as the publication build makes it (the git history read as there, for the same keys as a check)."""
    from maturity import gate

    return gate.prepare(load_settings(demo.root), display_base=demo.root).site


def _checked(demo: Repo):
    from maturity import gate

    publication = gate.check(load_settings(demo.root), display_base=demo.root)
    assert not publication.failures(), publication.diagnostics
    return publication.site


def test_a_check_takes_the_stored_pages_by_name_without_reading_them(demo, restored, monkeypatch):
    from maturity.publish import rendered
    from maturity.publish.site import NotRead

    built = _built(demo)
    unpacked: list[int] = []
    real = rendered._unpacked
    monkeypatch.setattr(rendered, "_unpacked", lambda data: unpacked.append(1) or real(data))
    restored.clear()
    site = _checked(demo)
    assert unpacked == [] and ZIXUN_REPORT in restored and any(p.endswith(".md.html") for p in restored)
    assert {p.src_uri for p in site.pages} == {p.src_uri for p in built.pages}
    assert {a.path for a in site.assets} == {a.path for a in built.assets}
    report = next(p for p in site.pages if p.src_uri == ZIXUN_REPORT)
    with pytest.raises(NotRead):  # never written as an empty page
        report.html
    viewer = next(a for a in site.assets if a.path.endswith(".md.html"))
    with pytest.raises(NotRead):
        viewer.data
    # The check kept every entry: the next build reads them, whole, and makes the same site.
    restored.clear()
    again = _built(demo)
    assert unpacked and ZIXUN_REPORT in restored
    assert _pages(again) == _pages(built)


def test_a_check_renders_what_the_store_does_not_hold_and_keeps_it(demo, restored):
    _built(demo)
    _change_one_score(demo)
    restored.clear()
    checked = _checked(demo)
    kechuang = next(p for p in checked.pages if p.src_uri == f"assessments/{KECHUANG}/index.md")
    assert kechuang.src_uri not in restored and "<h1" in kechuang.html  # rendered, and readable
    restored.clear()
    _built(demo)
    assert kechuang.src_uri in restored  # the check stored it for the build


def test_a_damaged_entry_taken_unread_by_a_check_is_rendered_again_by_the_build(demo, restored):
    built = _built(demo)
    [path] = demo.path(CACHE_DIR).glob("rendered-*.sqlite")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE pages SET data = 'not a page'")
    restored.clear()
    checked = _checked(demo)  # the same verdict: the check does not read the entries it takes
    assert ZIXUN_REPORT in restored and {p.src_uri for p in checked.pages} == {p.src_uri for p in built.pages}
    restored.clear()
    again = _built(demo)
    assert ZIXUN_REPORT not in restored  # read, found damaged, rendered again: never published from the damaged entry
    assert _pages(again) == _pages(built)


def test_cache_false_keeps_no_page(demo, restored):
    _site(demo, cache=False)
    _site(demo, cache=False)
    assert restored == [] and not list(demo.path(CACHE_DIR).glob("rendered-*.sqlite"))


def test_generated_files_found_well_formed_are_not_parsed_again_and_broken_ones_always_are(demo, monkeypatch):
    """MAT901 (maturity.publish.outputs): bytes found well-formed once are remembered by their SHA-256; a file that
    does not parse is reported by every build."""
    import types
    import xml.etree.ElementTree as ET

    from maturity.publish import outputs
    from maturity.publish.rendered import RenderedPages
    from maturity.publish.site import Site

    parsed: list[str] = []
    monkeypatch.setattr(outputs, "json", types.SimpleNamespace(loads=lambda text: parsed.append(text) or json.loads(text)))
    monkeypatch.setattr(outputs, "ET", types.SimpleNamespace(
        fromstring=lambda text: parsed.append(text) or ET.fromstring(text), ParseError=ET.ParseError))
    settings = load_settings(demo.root)

    def check(*assets: Asset) -> list[str]:
        parsed.clear()
        store = RenderedPages.open(settings)
        found = outputs.check(Site(assets=list(assets)), "templates", store)
        store.close(prune=True)
        return [d.code for d in found]

    feed, badge, data, broken = (Asset("feed.xml", "<feed/>"), Asset("b.svg", "<svg/>"), Asset("a.json", "{}"),
                                 Asset("x.json", "{"))
    assert check(feed, badge, data, broken) == ["MAT901"] and len(parsed) == 4
    assert check(feed, badge, data, broken) == ["MAT901"] and parsed == ["{"]
    assert check(Asset("feed.xml", "<feed>"), badge, data) == ["MAT901"] and parsed == ["<feed>"]
    assert check(feed, badge, data) == [] and parsed == ["<feed/>"]  # forgotten by the build that did not make it
    assert outputs.check(Site(assets=[broken]), "templates") and parsed[-1] == "{"  # no store: parsed


def test_a_check_asks_the_store_once_for_the_pages_it_takes_not_page_by_page():
    """What :meth:`RenderedPages.present` found is taken unread by a check without asking the store again (one query
    per five hundred keys, not one per page: 0.6 s at N = 10,000)."""
    from maturity.publish.rendered import RenderedPages
    from maturity.publish.site import UNREAD

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE pages (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
    db.executemany("INSERT INTO pages VALUES (?, ?)", [(f"k{i}", b"x") for i in range(1200)])
    store = RenderedPages(db, "context", read=False)
    assert store.present([f"k{i}" for i in range(1300)]) == {f"k{i}" for i in range(1200)}
    asked: list[str] = []
    db.set_trace_callback(asked.append)
    assert all(store.get(f"k{i}") is UNREAD for i in range(1200))
    assert asked == [] and store.taken == 1200
    assert store.get("k1250") is None and store.get("elsewhere") is None  # not found before: asked, and not there
    assert len(asked) == 2


def test_a_build_still_reads_each_page_it_takes():
    from maturity.publish.rendered import RenderedPages

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE pages (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
    db.execute("INSERT INTO pages VALUES ('k', 'not a page')")
    store = RenderedPages(db, "context", read=True)
    assert store.present(["k"]) == {"k"}
    assert store.get("k") is None, "a damaged entry found present is still read and refused"
