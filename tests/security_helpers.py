"""Shared by the security tests (test_confidentiality.py, test_hostile_content.py, test_bad_files.py,
test_reproducible.py): editing a copy of the demo repository so that it stays valid, and reading
every file of a built site.

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

from site_helpers import PROJECT, copy_demo, mkdocs_build  # noqa: E402,F401  (re-exported for the tests)

from maturity.exchange import digest as digests  # noqa: E402
from maturity.data.publication import certificate_of  # noqa: E402
from maturity.repository import load_repository  # noqa: E402


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
