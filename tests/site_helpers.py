"""Shared helpers of the site tests (test_site_build.py, test_browser.py).

A copy of the demo repository is built with the real ``mkdocs build --strict`` in a subprocess;
the demo build is made once per test session and shared by both test modules.  Output HTML is
read with a small tree builder on top of :mod:`html.parser` (no third-party HTML library).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
# The environment running the tests (.venv, or .venv-newest with MATURITY_DEPS=newest).
MKDOCS = Path(sys.executable).parent / "mkdocs"
BUILD_DATE = "2026-11-21"
# SOURCE_DATE_EPOCH of BUILD_DATE, for everything else in the build that looks at the clock.
EPOCH = str(int(dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc).timestamp()))
INTERNAL_MARK = "（内部标记-不得发布）"  # appended to every internal_notes of the copy, with the assessment id
COPIED = ("mkdocs.yml", "docs", "templates", "assessments", "evidence", "assessors.yml")


# --- the demo repository --------------------------------------------------------------------------


# Folders whose pages the maturity plugin generates (assessments/index.md, certificates/index.md, ...).
GENERATED_DIRS = ("assessments/", "certificates/", "organisations/", "verify/")


def nav_pages(config_text: str) -> list[str]:
    """The hand-written Markdown files the ``nav`` of a mkdocs.yml names (not the plugin's pages)."""
    nav = yaml.safe_load(config_text).get("nav") or []
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            if node.endswith(".md") and "://" not in node and not node.startswith(GENERATED_DIRS):
                out.append(node)
        elif isinstance(node, list):
            for x in node:
                walk(x)
        elif isinstance(node, dict):
            for x in node.values():
                walk(x)

    walk(nav)
    return out


def copy_demo(dest: Path, *, build_date: str = BUILD_DATE) -> list[str]:
    """Copy the demo repository to ``dest`` with the plugin's ``build_date`` set.

    Nav pages missing from the project's docs/ get a one-line stand-in so that the site tests can
    still run; the names are returned (``test_nav_pages_exist`` reports them as a failure).
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = PROJECT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    config = dest / "mkdocs.yml"
    text, n = re.subn(r"(?m)^(\s+build_date:).*$", rf'\1 "{build_date}"', config.read_text(encoding="utf-8"))
    assert n == 1, "mkdocs.yml: expected exactly one build_date option under the maturity plugin"
    config.write_text(text, encoding="utf-8")
    # Make every internal note unique, so that a leak cannot be confused with the documentation's example.
    marked = 0
    for record in sorted((dest / "assessments").glob("*/assessment.yml")):
        raw = record.read_text(encoding="utf-8")
        raw, n = re.subn(r"(?m)^internal_notes:[ \t]*(\S.*?)[ \t]*$",
                         lambda m: f"internal_notes: {json.dumps(yaml.safe_load(m.group(1)) + INTERNAL_MARK + record.parent.name, ensure_ascii=False)}",
                         raw)
        marked += n
        record.write_text(raw, encoding="utf-8")
    assert marked, "the demo data should carry internal_notes"
    missing = [p for p in nav_pages(text) if not (dest / "docs" / p).is_file()]
    for p in missing:
        (dest / "docs" / p).parent.mkdir(parents=True, exist_ok=True)
        (dest / "docs" / p).write_text(f"# {p}\n\n（测试用占位页）\n", encoding="utf-8")
    return missing


@dataclass
class Build:
    root: Path
    returncode: int
    output: str  # stdout + stderr

    @property
    def site(self) -> Path:
        return self.root / "site"


def mkdocs_build(root: Path, *, strict: bool = True, timeout: float = 120, env: dict[str, str] | None = None,
                 dirty: bool = False) -> Build:
    """``mkdocs build`` in ``root``; ``env``: more environment variables for the build; ``dirty``: ``--dirty``
    instead of ``--clean`` (MkDocs warns of a dirty build: not with ``strict``)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8", NO_COLOR="1",
               **(env or {}))
    cmd = [str(MKDOCS), "build", "--dirty" if dirty else "--clean"] + (["--strict"] if strict else [])
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    return Build(root, proc.returncode, proc.stdout + proc.stderr)


_DEMO: dict[str, tuple[Build, list[str]]] = {}


def demo_build(tmp_path_factory) -> tuple[Build, list[str]]:
    """The demo site built once per session: (build, nav pages that had to be stood in for)."""
    if "demo" not in _DEMO:
        root = tmp_path_factory.mktemp("demo-site")
        missing = copy_demo(root)
        _DEMO["demo"] = (mkdocs_build(root), missing)
    return _DEMO["demo"]


# Rows per list page of the paged demo build: one, so that the demo's 9 assessments make 9 pages and its
# two past certificates a section list of two pages.
PAGED_SIZE = 1


def paged_demo_build(tmp_path_factory) -> Build:
    """The demo built once per session with ``list_page_size: PAGED_SIZE`` (test_list_pages.py, test_browser.py)."""
    if "paged" not in _DEMO:
        root = tmp_path_factory.mktemp("paged-site")
        copy_demo(root)
        config = root / "mkdocs.yml"
        text, n = re.subn(r"(?m)^(\s+)(build_date:.*)$", rf"\1\2\n\1list_page_size: {PAGED_SIZE}",
                          config.read_text(encoding="utf-8"))
        assert n == 1
        config.write_text(text, encoding="utf-8")
        _DEMO["paged"] = (mkdocs_build(root), [])
    build = _DEMO["paged"][0]
    assert build.returncode == 0, f"mkdocs build --strict failed on the paged demo copy:\n{build.output}"
    return build


# --- reading the data independently of the core ---------------------------------------------------

SCALE = {"全部满足": Fraction(1), "大部分满足": Fraction(4, 5), "部分满足": Fraction(1, 2), "不满足": Fraction(0)}


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def scores_of(folder: Path) -> dict[str, Fraction]:
    """Requirement id → score, read straight from scores.yml."""
    out = {}
    for domain in (read_yaml(folder / "scores.yml") or {}).values():
        for rid, entry in ((domain or {}).get("requirements") or {}).items():
            value = entry["score"] if isinstance(entry, dict) else entry
            out[rid] = SCALE[value] if isinstance(value, str) and value in SCALE else Fraction(str(value))
    return out


def truncated(value: Fraction, digits: int = 2) -> str:
    """Truncate to ``digits`` decimals, written out independently of maturity.scoring.display (non-negative values)."""
    n = (Fraction(value) * 10**digits).__floor__()
    return f"{n // 10**digits}.{n % 10**digits:0{digits}d}"


# --- output files ---------------------------------------------------------------------------------


def normalised_text(path: Path) -> str:
    """A file's text as a reader would see it: JSON un-escaped, HTML entities resolved, no zero-width spaces
    (the search index has them between the words jieba found)."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            raw = json.dumps(json.loads(raw), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(raw).replace("\u200b", "")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None" = None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list["Node"]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> "Node | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def by_id(self, id_: str) -> "Node | None":
        return next((n for n in self.iter() if n.attrs.get("id") == id_), None)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs), self.stack[-1]))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(source: str | Path) -> Node:
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def article(doc: Node) -> Node:
    """The page's own content (Material's article), without header, navigation and footer."""
    node = doc.find("article", cls="md-content__inner")
    assert node is not None, "no <article class=md-content__inner> in the page"
    return node


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- serving a built site and driving a real browser -------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
BROWSER_MISSING = f"browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: apt-get install chromium chromium-driver)"


def have_browser() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


def serve(directory: Path, requests: list | None = None):
    """Serve ``directory`` over http on 127.0.0.1 (a free port); yields the base URL, then stops.

    ``requests``: a list that gets (path, bytes of the file served) for every GET, workers' fetches included
    (which the page's own ``performance`` entries do not show)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

        def do_GET(self):
            super().do_GET()
            if requests is not None:
                path = Path(self.translate_path(self.path))
                path = path / "index.html" if path.is_dir() else path
                requests.append((self.path, path.stat().st_size if path.is_file() else 0))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def chromium(profile: Path):
    """Debian's chromium through chromedriver, headless, with nothing fetched from the network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)  # axe-core's run over a long page
    return driver


def built_demo(tmp_path_factory):
    """The demo site, built once by a module-scoped fixture; the build must succeed."""
    build, _missing = demo_build(tmp_path_factory)
    assert build.returncode == 0, f"mkdocs build --strict failed on the demo copy:\n{build.output}"
    return build
