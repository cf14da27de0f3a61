"""Shared by the security tests (test_confidentiality.py, test_hostile_content.py, test_bad_files.py,
test_reproducible.py, test_csp_browser.py): editing a copy of the demo repository so that it stays
valid, reading every file of a built site, and the catalogue of hostile payloads planted into every
free-text field of the demo (:func:`hostile_build`, one strict build per test session).

Editing evidence files changes their sha256, and editing an organisation's name or an evidence URL
changes what a certificate attests (its digest, MAT610): :func:`rehash_evidence` and :func:`reseal`
bring the register and ``publication.yml`` up to date, the way the authority would with
``maturity digest`` and a re-issue.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_helpers import PROJECT, Build, copy_demo, mkdocs_build  # noqa: E402,F401  (re-exported for the tests)

from maturity.exchange import digest as digests  # noqa: E402
from maturity.data.publication import certificate_of  # noqa: E402
from maturity.repository import load_repository  # noqa: E402
from maturity.data.text import MULTILINE, field_name  # noqa: E402


# --- YAML files as data -------------------------------------------------------------------------

def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data) -> None:
    """Write ``data`` back as YAML: every string quoted by PyYAML as it needs, keys in their order."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 20, default_flow_style=False)
    path.write_text(text, encoding="utf-8", newline="\n")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rehash_evidence(root: Path) -> int:
    """Put the real sha256 of every evidence file into its register (the text is edited in place)."""
    changed = 0
    for register in sorted((root / "evidence").glob("*/register.yml")):
        text = register.read_text(encoding="utf-8")
        for item in (load(register) or {}).get("items") or []:
            file, old = item.get("file"), item.get("sha256")
            if not file or not old or not (register.parent / file).is_file():
                continue
            new = sha256_file(register.parent / file)
            if new != old:
                assert text.count(old) == 1, f"{old} is not unique in {register}"
                text = text.replace(old, new)
                changed += 1
        register.write_text(text, encoding="utf-8", newline="\n")
    return changed


def reseal(root: Path) -> int:
    """Replace each certificate's digest in force by the digest of the data as it is now."""
    repo = load_repository(root, display_base=root, sealed_history=False)
    changed = 0
    for a in repo.assessments:
        cert = certificate_of(a) if a.publication is not None else None
        if cert is None or not cert.sealed_digest or a.scores_doc is None:
            continue
        new = digests.digest(a, repo.registers.get(a.organisation["id"]), repo.model.id)
        if new == cert.sealed_digest:
            continue
        path = a.folder / "publication.yml"
        text = path.read_text(encoding="utf-8")
        assert text.count(cert.sealed_digest) >= 1
        path.write_text(text.replace(cert.sealed_digest, new), encoding="utf-8", newline="\n")
        changed += 1
    return changed


def errors_of(root: Path) -> list[str]:
    repo = load_repository(root, display_base=root, sealed_history=False)
    return [str(d) for d in repo.errors]


# --- reading the built site --------------------------------------------------------------------------

@dataclass(frozen=True)
class OutputFile:
    rel: str  # relative to site/, with /
    raw: str  # the bytes as UTF-8 text (gzip files decompressed)
    normalised: str  # JSON un-escaped, HTML entities resolved, zero-width spaces removed


def read_output(path: Path, rel: str) -> OutputFile:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    raw = data.decode("utf-8", errors="replace")
    text = raw
    if rel.endswith(".json"):
        try:
            text = json.dumps(json.loads(raw), ensure_ascii=False)
        except ValueError:
            pass
    normalised = html.unescape(html.unescape(text)).replace("\u200b", "")
    return OutputFile(rel, raw, normalised)


def site_files(site: Path) -> list[OutputFile]:
    return [read_output(p, p.relative_to(site).as_posix()) for p in sorted(site.rglob("*")) if p.is_file()]


# --- a tolerant HTML reader that keeps what matters for security ----------------------------------

@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    line: int
    text: str = ""  # for <script> and <style>: their content


class Scanner(HTMLParser):
    """Every element (with all its attributes, duplicates included), the text of script/style, comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.comments: list[str] = []
        self.data: list[str] = []
        self._open: Element | None = None

    def handle_starttag(self, tag, attrs):
        el = Element(tag, list(attrs), self.getpos()[0])
        self.elements.append(el)
        if tag in ("script", "style"):
            self._open = el

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, list(attrs), self.getpos()[0]))

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open.tag:
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.text += data
        else:
            self.data.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def unknown_decl(self, data):  # <![CDATA[ ... ]]> outside foreign content
        self.comments.append(data)


def scan_html(text: str) -> Scanner:
    s = Scanner()
    s.feed(text)
    s.close()
    return s


def url_scheme(value: str) -> str:
    """The scheme a browser would see: entities resolved, whitespace and control characters dropped."""
    v = html.unescape(value or "")
    v = "".join(ch for ch in v if ch > " " and ch != "\x7f").lower()
    return v.split(":", 1)[0] if ":" in v.split("/", 1)[0] else ""


# --- the payload catalogue, planted into every free-text field (test_hostile_content.py, test_csp_browser.py) --

PAYLOADS = (
    '<script>alert("XSS")</script>',
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><svg/onload=alert(1)>",
    '" onmouseover="alert(1)" x="',
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    '[y](JaVaScRiPt:alert(1) "t")',
    "[z]( javascript:alert(1))",
    "<https://example.org/ok> <javascript:alert(1)>",
    '<a href="javascript:alert(1)">a</a>',
    '<a href="&#106;avascript:alert(1)">b</a>',
    "<style>body{display:none}</style>",
    "</title><script>alert(1)</script>",
    "</textarea></script><script>alert(1)</script>",
    '<div style="width: expression(alert(1))">c</div>',
    '<p style="background:url(javascript:alert(1))">d</p>',
    '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
    "<iframe src=//evil.example></iframe><object data=javascript:alert(1)></object><embed src=x>",
    '<base href="//evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "TPL{{ 7*7 }}TPL",
    "{% raw %}{% for x in 'ab' %}RAW{{ x }}{% endfor %}{% endraw %}",
    "{% for x in 'ab' %}LOOP{{ x }}{% endfor %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "]]> <![CDATA[x]]> <!-- --> -->",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;",
    "zero\u200bwidth\u200dspaces",  # allowed (bidirectional overrides and the BOM are refused: MAT018)
)
TITLE_BREAKER = "</title><script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '示例" onload="alert(1)" x="机构'  # an organisation name alone: a badge attribute must hold it
HOSTILE_TOKENS = ("alert", "XSS", "evil.example", "expression(", "display:none")

# Values the rules check beyond their schema (so they cannot carry text), and references to files and evidence.
NOT_FREE_TEXT = {"credit_code", "category", "number", "file", "url"}
FILES = {"assessment.yml": "assessment", "scores.yml": "scores", "publication.yml": "publication", "register.yml": "evidence"}


def _schema(name: str) -> dict:
    return json.loads((PROJECT / "plugins" / "maturity" / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def _child(node: dict, key) -> dict:
    if isinstance(key, int):
        if "items" in node:
            return node["items"]
        for alt in node.get("anyOf", []):
            if alt.get("type") == "array":
                return alt.get("items", {})
        return {}
    props = node.get("properties", {})
    if key in props:
        return props[key]
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


def _free_text(node: dict) -> bool:
    if any(k in node for k in ("pattern", "enum", "format", "const")):
        return False
    if node.get("type") == "string":
        return True
    return any(alt.get("type") == "string" and not any(k in alt for k in ("pattern", "enum", "format")) for alt in node.get("anyOf", []))


def _allows_list(node: dict) -> bool:
    return any(alt.get("type") == "array" for alt in node.get("anyOf", []))


class Planter:
    def __init__(self) -> None:
        self.fields: list[str] = []

    def text(self, where: str, block: bool, multiline: bool = True) -> str:
        tag = f"F{len(self.fields):03d}"
        n = len(self.fields)
        self.fields.append(where)
        if not multiline:  # a one-line field (a name, a title): the title breaker and one more payload each, in turn
            return f"{tag} {TITLE_BREAKER} {PAYLOADS[n % len(PAYLOADS)]}"
        return tag + (" " if not block else "\n\n") + ("\n\n" if block else " ").join(PAYLOADS)

    def walk(self, data, node: dict, pointer: tuple, where: str):
        if isinstance(data, dict):
            return {k: self.walk(v, _child(node, k), pointer + (k,), where) for k, v in data.items()}
        if isinstance(data, list):
            return [self.walk(v, _child(node, i), pointer + (i,), where) for i, v in enumerate(data)]
        reference = pointer[-1] in NOT_FREE_TEXT or (len(pointer) > 1 and pointer[-2] == "evidence")
        if isinstance(data, str) and _free_text(node) and not reference:
            shown = where + ":" + "/".join(str(p) for p in pointer)
            if _allows_list(node):  # one payload per item, each rendered on its own
                tag = self.text(shown, False).split(" ", 1)[0]
                return [f"{tag}-{i} {p}" for i, p in enumerate(PAYLOADS)]
            multiline = field_name(pointer) in MULTILINE
            return self.text(shown, block=multiline and len(self.fields) % 2 == 0, multiline=multiline)
        return data


_HOSTILE: dict[str, tuple[Build, Planter]] = {}


def hostile_build(tmp_path_factory) -> tuple[Build, Planter]:
    """The demo with :data:`PAYLOADS` planted in every free-text field, built (strict) once per session."""
    if "hostile" in _HOSTILE:
        return _HOSTILE["hostile"]
    root = tmp_path_factory.mktemp("hostile")
    copy_demo(root)
    planter = Planter()
    # fields the demo leaves empty: give them content first
    zixun = root / "assessments" / "2026-shili-zixun"
    record = load(zixun / "assessment.yml")
    record["disagreements"] = [{"topic": "x", "team_view": "x", "organisation_view": "x", "status": "x"}]
    record["document_reviews"][0]["notes"] = "x"
    record["meetings"][0]["attendees"] = ["x", "y"]
    record["meetings"][0]["notes"] = "x"
    record["title"] = "x"
    dump(zixun / "assessment.yml", record)
    pub = load(zixun / "publication.yml")
    pub["review"]["reasons"] = "x"
    dump(zixun / "publication.yml", pub)
    for path in sorted(root.glob("assessments/*/*.yml")) + sorted(root.glob("evidence/*/register.yml")):
        kind = FILES[path.name]
        where = path.relative_to(root).as_posix()
        data = planter.walk(load(path), _schema(kind), (), where)
        if where == "assessments/2026-shili-kechuang/assessment.yml":
            data["organisation"]["name"] = ATTRIBUTE_BREAKOUT
        dump(path, data)
    reseal(root)
    errors = errors_of(root)
    assert not errors, "the hostile copy should be valid data:\n" + "\n".join(e[:300] for e in errors[:20])
    build = mkdocs_build(root)
    assert build.returncode == 0, f"strict build of hostile (but valid) data failed:\n{build.output[-5000:]}"
    _HOSTILE["hostile"] = (build, planter)
    return build, planter
