"""One page builder, three generators: the demo built by MkDocs + plugin, ProperDocs + plugin, and
``maturity render`` + Zensical publishes the same report and certificate pages and the same data.

Each build runs on its own copy of the demo, in a network namespace of its own when the machine
allows one (``unshare -n``: no network at all), so a generator that fetched anything at build time
would fail here. What the generators do differently (search index, theme overrides, the
Content-Security-Policy) is asserted too, as docs/guide/generators.md describes it, so that a change
in a generator is noticed.

The render tests at the end check the command itself: the gate's verdict, the manifest, never
writing over or deleting a file it did not write.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_helpers import EPOCH, PROJECT, copy_demo, mkdocs_build, parse_html

BIN = Path(sys.executable).parent  # the environment running the tests (.venv or .venv-newest)
PROPERDOCS = BIN / "properdocs"
ZENSICAL = BIN / "zensical"
MATURITY = BIN / "maturity" if (BIN / "maturity").exists() else Path(sys.executable).parent / "maturity"
ENV = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true",
           PYTHONIOENCODING="utf-8", NO_COLOR="1")
GENERATED = ("assessments/", "certificates/", "organisations/", "verify/")


def _offline_prefix() -> list[str]:
    """``unshare -n`` when this machine lets the tests make a network namespace (root, or user namespaces)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    try:
        ok = subprocess.run([unshare, "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return [unshare, "-n"] if ok else []


OFFLINE = _offline_prefix()


def run(cmd: list, cwd: Path, *, offline: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
    proc = subprocess.run((OFFLINE if offline else []) + [str(c) for c in cmd], cwd=cwd, env=ENV, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)
    proc.output = proc.stdout + proc.stderr  # type: ignore[attr-defined]
    return proc


def need(tool: Path) -> None:
    if not tool.exists():
        pytest.skip(f"{tool.name} is not installed beside this Python (it is in the test extra: run ./scripts/test to install the lock)")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The demo's site three ways: name -> built site folder."""
    need(PROPERDOCS)
    need(ZENSICAL)
    out = {}
    # MkDocs + plugin: the primary way, untouched by render.
    root = tmp_path_factory.mktemp("mkdocs")
    copy_demo(root)
    build = mkdocs_build(root)
    assert build.returncode == 0, build.output[-4000:]
    out["mkdocs"] = build.site
    # ProperDocs + plugin, over a docs folder that `maturity render` has filled: the plugin must replace
    # what render wrote (no collision, no stale page, the overview once).
    root = tmp_path_factory.mktemp("properdocs")
    copy_demo(root)
    r = run([MATURITY, "render"], root)
    assert r.returncode == 0, r.output
    r = run([PROPERDOCS, "build", "--strict", "--clean"], root)
    assert r.returncode == 0, r.output[-4000:]
    out["properdocs"] = root / "site"
    # maturity render + Zensical (which ignores the plugin), then the evidence with page names.
    root = tmp_path_factory.mktemp("zensical")
    copy_demo(root)
    r = run([MATURITY, "render"], root)
    assert r.returncode == 0, r.output
    r = run([ZENSICAL, "build", "--clean"], root)
    assert r.returncode == 0 and "Build finished" in r.output, r.output[-4000:]
    r = run([MATURITY, "render", "--site", "site"], root)
    assert r.returncode == 0, r.output
    out["zensical"] = root / "site"
    return out


def files(site: Path, prefix: str = "") -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / prefix).rglob("*") if p.is_file()}


def generated_pages(site: Path) -> set[str]:
    return {f for f in files(site) if f.endswith(".html") and f.startswith(GENERATED)}


# --- the same publication ---------------------------------------------------------------------------


def test_the_same_report_and_certificate_pages(builds):
    pages = {name: generated_pages(site) for name, site in builds.items()}
    assert pages["mkdocs"], "the demo publishes report and certificate pages"
    assert any(p.startswith("certificates/ZXGJ-") for p in pages["mkdocs"])
    assert pages["properdocs"] == pages["mkdocs"]
    assert pages["zensical"] == pages["mkdocs"]


def test_the_same_data_byte_for_byte(builds):
    """certificates.json, each certificate's JSON, the feed, the badges, the evidence and its viewers, the site's own assets."""
    reference = builds["mkdocs"]
    data = {f for f in files(reference) if f.endswith((".json", ".xml", ".svg")) and not f.startswith(("search/", "assets/javascripts/"))
            and f != "sitemap.xml"}
    data |= files(reference, "evidence") | files(reference, "assets/maturity")
    assert {"certificates.json", "feed.xml"} <= data and any(f.startswith("badges/") for f in data)
    assert any(f.endswith(".md") for f in data) and any(f.endswith(".md.html") for f in data)
    for name in ("properdocs", "zensical"):
        site = builds[name]
        for f in sorted(data):
            assert (site / f).is_file(), f"{name}: {f} missing"
            assert (site / f).read_bytes() == (reference / f).read_bytes(), f"{name}: {f} differs"
        # nothing more under evidence/: no evidence turned into a page
        assert files(site, "evidence") == files(reference, "evidence"), name
    register = json.loads((builds["zensical"] / "certificates.json").read_text(encoding="utf-8"))
    assert register["certificates"], "the register is not empty"


def test_pages_keep_their_titles_and_stay_out_of_the_navigation(builds):
    for name, site in builds.items():
        home = parse_html(site / "index.html")
        nav_links = {a.get("href") for a in home.find_all("a", cls="md-nav__link")}
        assert not any(h and h.rstrip("/").count("/") >= 1 and h.startswith(("assessments/", "certificates/", "organisations/"))
                       for h in nav_links), f"{name}: generated pages in the navigation"
    for page in sorted(generated_pages(builds["mkdocs"])):
        titles = {name: parse_html(site / page).find("title").text for name, site in builds.items()}
        assert len(set(titles.values())) == 1, (page, titles)


def test_the_home_page_overview_is_there_once(builds):
    for name, site in builds.items():
        text = (site / "index.html").read_text(encoding="utf-8")
        assert text.count('class="mt-overview"') == 1, name
        assert "maturity:rendered-overview" not in text or name == "zensical", name


def test_the_list_pages_hide_their_table_of_contents(builds):
    for name, site in builds.items():
        sidebar = parse_html(site / "certificates/index.html").find("div", cls="md-sidebar--secondary")
        assert sidebar is not None and "hidden" in sidebar.attrs, name


def test_the_pages_load_the_sites_stylesheet_and_script(builds):
    for name, site in builds.items():
        doc = parse_html(site / "verify/index.html")
        assert any((l.get("href") or "").endswith("assets/maturity/maturity.css") for l in doc.find_all("link")), name
        assert any((s.get("src") or "").endswith("assets/maturity/maturity.js") for s in doc.find_all("script")), name


def test_nothing_is_fetched_at_build_time_or_load_time(builds):
    if not OFFLINE:
        pytest.skip("no network namespace here (unshare -n): the builds ran with the network as it is")
    # The builds above ran without a network; what the pages load comes from the site itself.
    for name, site in builds.items():
        for page in ("index.html", "assessments/2026-shili-zixun/index.html", "verify/index.html"):
            doc = parse_html(site / page)
            for el in doc.find_all("script") + doc.find_all("link") + doc.find_all("img"):
                ref = el.get("src") or (el.get("href") if el.tag == "link" and el.get("rel") != "canonical" else None)
                assert not ref or "://" not in ref and not ref.startswith("//"), f"{name} {page}: {ref}"


# --- what differs, as docs/guide/generators.md says ---------------------------------------------------


def test_zensical_indexes_the_short_version_of_a_report(builds):
    index = json.loads((builds["zensical"] / "search.json").read_text(encoding="utf-8"))
    report = [e for e in index["items"] if e["location"].startswith("assessments/2026-shili-zixun/")]
    text = " ".join(e["text"] for e in report)
    assert "91110108MA01XL0K77" in text, "the short version: name, credit code, level, result"
    assert "SS-SDM-3-01" not in text and "SS-SDM" not in text, "the requirement tables stay out of the index"
    # MkDocs' index holds the same short version (the plugin hands it to Material's search)
    mk = json.loads((builds["mkdocs"] / "search/search_index.json").read_text(encoding="utf-8"))
    mk_text = " ".join(e["text"] for e in mk["docs"] if e["location"].startswith("assessments/2026-shili-zixun/"))
    assert "91110108MA01XL0K77" in mk_text and "SS-SDM" not in mk_text


def test_only_the_plugin_adds_the_content_security_policy_and_filing_numbers(builds):
    meta = '<meta http-equiv="Content-Security-Policy"'
    for name in ("mkdocs", "properdocs"):
        text = (builds[name] / "assessments/2026-shili-zixun/index.html").read_text(encoding="utf-8")
        assert meta in text and "京ICP备" in text, name
    text = (builds["zensical"] / "assessments/2026-shili-zixun/index.html").read_text(encoding="utf-8")
    assert meta not in text, "Zensical pages now carry a policy: update docs/guide/generators.md"
    assert "京ICP备" not in text, "Zensical now shows the filing numbers: update docs/guide/generators.md"
    # the evidence viewers are pages of their own, with their own policy, in every build
    viewer = next(iter(sorted((builds["zensical"] / "evidence").rglob("*.md.html"))))
    assert meta in viewer.read_text(encoding="utf-8")


def test_zensical_without_render_publishes_no_results(tmp_path):
    need(ZENSICAL)
    copy_demo(tmp_path)
    r = run([ZENSICAL, "build", "--clean"], tmp_path)
    assert r.returncode == 0, r.output
    assert not (tmp_path / "site/certificates.json").exists() and not generated_pages(tmp_path / "site"), \
        "Zensical now runs the plugin: update docs/guide/generators.md"


# --- maturity render itself -------------------------------------------------------------------------


def listing(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    copy_demo(tmp_path)
    return tmp_path


def test_render_refuses_when_the_gate_fails_and_writes_nothing(demo_copy):
    record = demo_copy / "assessments/2026-shili-zixun/assessment.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("stage: ", "stage: nonsense-", 1), encoding="utf-8")
    before = listing(demo_copy / "docs")
    r = run([MATURITY, "render"], demo_copy, offline=False)
    assert r.returncode == 1, r.output
    assert "什么也没有写入" in r.output
    assert listing(demo_copy / "docs") == before


def test_render_writes_the_plugins_paths_and_a_manifest(demo_copy):
    before = listing(demo_copy / "docs")
    r = run([MATURITY, "render"], demo_copy, offline=False)
    assert r.returncode == 0, r.output
    after = listing(demo_copy / "docs")
    manifest = json.loads(after[".maturity/manifest.json"])
    assert set(after) - set(before) == set(manifest["files"]) | {".maturity/manifest.json"}
    assert {k: v for k, v in after.items() if k in before} == before, "no hand-written file changed"
    for path in ("assessments/index.md", "assessments/2026-shili-zixun/index.md", "certificates/index.md",
                 "verify/index.md", "certificates.json", "feed.xml", "assets/maturity/maturity.css",
                 ".maturity/overview/index.md.html"):
        assert path in manifest["files"], path
    assert not any(p.startswith("evidence/") and p.endswith(".md") for p in manifest["files"]), \
        "evidence named like a page is not put where a generator makes it a page"
    # every file render writes is git-ignored by the repository's .gitignore (never committed by mistake)
    ignored = [line[len("/docs/"):] for line in (PROJECT / ".gitignore").read_text(encoding="utf-8").splitlines()
               if line.startswith("/docs/")]
    for path in list(manifest["files"]) + [".maturity/manifest.json"]:
        assert any(path == rule or rule.endswith("/") and path.startswith(rule) for rule in ignored), \
            f"{path}: add it to .gitignore (and to docs/guide/generators.md)"
    again = run([MATURITY, "render"], demo_copy, offline=False)
    assert again.returncode == 0 and listing(demo_copy / "docs") == after
    # the gate still passes with the rendered files there (they are not hand-written pages)
    check = run([MATURITY, "check"], demo_copy, offline=False)
    assert check.returncode == 0, check.output


def test_render_never_writes_over_a_file_it_did_not_write(demo_copy):
    mine = demo_copy / "docs/.maturity/overview/index.md.html"
    mine.parent.mkdir(parents=True)
    mine.write_text("手写\n", encoding="utf-8")
    r = run([MATURITY, "render"], demo_copy, offline=False)
    assert r.returncode == 1 and "手写文件" in r.output, r.output
    assert mine.read_text(encoding="utf-8") == "手写\n"
    assert not (demo_copy / "docs/.maturity/manifest.json").exists()
    assert not (demo_copy / "docs/certificates.json").exists(), "nothing at all is written"


def test_render_leaves_a_generated_file_changed_by_hand(demo_copy):
    assert run([MATURITY, "render"], demo_copy, offline=False).returncode == 0
    page = demo_copy / "docs/verify/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n改过\n", encoding="utf-8")
    r = run([MATURITY, "render"], demo_copy, offline=False)
    assert r.returncode == 1 and "手工修改" in r.output, r.output
    assert page.read_text(encoding="utf-8").endswith("改过\n")


def test_render_removes_its_own_stale_pages_and_clean_removes_only_its_files(demo_copy, tmp_path_factory):
    assert run([MATURITY, "render"], demo_copy, offline=False).returncode == 0
    # a page the site no longer has goes at the next render: never a stale page published
    shutil.rmtree(demo_copy / "assessments/2026-shili-xinxi")
    stale = demo_copy / "docs/assessments/2026-shili-xinxi/index.md"
    assert stale.is_file()
    r = run([MATURITY, "render"], demo_copy, offline=False)
    assert r.returncode == 0, r.output
    assert not stale.exists() and not stale.parent.exists()
    # a hand-written file among the generated ones stays; --clean leaves the docs as they were
    note = demo_copy / "docs/assessments/说明.md"
    note.write_text("# 说明\n", encoding="utf-8")
    r = run([MATURITY, "render", "--clean"], demo_copy, offline=False)
    assert r.returncode == 0, r.output
    copy = tmp_path_factory.mktemp("pristine")
    copy_demo(copy)
    assert listing(demo_copy / "docs") == {**listing(copy / "docs"), "assessments/说明.md": "# 说明\n".encode()}


def test_render_site_needs_a_built_site(demo_copy):
    r = run([MATURITY, "render", "--site", "nowhere"], demo_copy, offline=False)
    assert r.returncode == 2 and "index.html" in r.output
