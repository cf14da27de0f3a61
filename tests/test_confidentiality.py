"""Nothing that is not public reaches the built site.

A copy of the demo repository gets a unique marker in every place that must never be published:
``internal_notes`` of every assessment, ``internal_note`` on scored requirements, and the description,
URL and file content of restricted evidence (whose title *is* published) and the title, description,
URL and file content of confidential evidence. The registers are re-hashed and the certificates
re-sealed so that the data stays valid; a real ``mkdocs build --strict`` then runs once, and every
output file (pages, search index, JSON, feed, badges, sitemap — gzip included) is scanned for every
marker, raw and with JSON/HTML escapes resolved.
"""

from __future__ import annotations

import re
from pathlib import Path
import pytest

from security_helpers import (  # noqa: E402  (security_helpers puts tests/ on sys.path)
    copy_demo,
    dump,
    errors_of,
    load,
    mkdocs_build,
    rehash_evidence,
    reseal,
    sha256_file,
    site_files,
)

REQUIREMENT_LINE = re.compile(r"^(\s+[A-Z]+-[A-Z]+-\d-\d\d: \{.*)\}(\s*(#.*)?)$")


class Markers:
    """Unique, searchable markers, each remembering where it was planted."""

    def __init__(self) -> None:
        self.where: dict[str, str] = {}

    def new(self, where: str) -> str:
        marker = f"ZQLEAK{len(self.where):04d}Q"
        self.where[marker] = where
        return marker


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("confidential")
    copy_demo(root)
    marks = Markers()
    visible: dict[str, dict[str, str]] = {}  # organisation -> evidence id -> restricted title (published)
    hidden_files: list[tuple[str, str]] = []  # (organisation, file) of restricted/confidential evidence
    public_files: list[tuple[str, str, str]] = []  # (organisation, id, file) of public evidence

    # internal_notes of every assessment (added where the demo has none)
    for record in sorted((root / "assessments").glob("*/assessment.yml")):
        aid = record.parent.name
        text = record.read_text(encoding="utf-8")
        note = f"internal_notes: 评估组内部意见{marks.new(f'{aid}/assessment.yml internal_notes')}，不得公开"
        text, n = re.subn(r"(?m)^internal_notes:.*$", lambda m: note, text)
        if n == 0:
            text = text.rstrip("\n") + "\n" + note + "\n"
        record.write_text(text, encoding="utf-8", newline="\n")

    # internal_note on several scored requirements of every assessment (flow mappings, one per line)
    for scores in sorted((root / "assessments").glob("*/scores.yml")):
        aid = scores.parent.name
        lines = scores.read_text(encoding="utf-8").split("\n")
        hits = [i for i, line in enumerate(lines) if REQUIREMENT_LINE.match(line)]
        assert len(hits) >= 3, f"{scores}: expected one-line requirement entries"
        for i in (hits[0], hits[len(hits) // 2], hits[-1]):
            rid = lines[i].split(":")[0].strip()
            marker = marks.new(f"{aid}/scores.yml {rid} internal_note")
            lines[i] = REQUIREMENT_LINE.sub(lambda m: f"{m.group(1)}, internal_note: 仅内部可见{marker}}}{m.group(2)}", lines[i])
        scores.write_text("\n".join(lines), encoding="utf-8", newline="\n")

    # restricted and confidential evidence
    for register in sorted((root / "evidence").glob("*/register.yml")):
        org = register.parent.name
        data = load(register)
        for item in data["items"]:
            eid, cls = item["id"], item["class"]
            if cls == "public":
                if item.get("file"):
                    public_files.append((org, eid, item["file"]))
                continue
            where = f"evidence/{org} {eid} ({cls})"
            if cls == "restricted":
                item["title"] = f"{item['title']}〔受限{eid}-{org}〕"  # published: must appear
                visible.setdefault(org, {})[eid] = item["title"]
            else:
                item["title"] = f"保密标题{marks.new(where + ' title')}"
            item["description"] = f"内部说明{marks.new(where + ' description')}"
            if item.get("url"):
                item["url"] = f"https://intranet.example.org/{marks.new(where + ' url')}/record.html"
            if item.get("file"):
                path = register.parent / item["file"]
                with path.open("a", encoding="utf-8", newline="\n") as f:
                    f.write(f"\n内部文件内容{marks.new(where + ' file content')}\n")
                item["sha256"] = sha256_file(path)
                hidden_files.append((org, item["file"]))
        dump(register, data)
    rehash_evidence(root)
    reseal(root)
    errors = errors_of(root)
    assert not errors, "the planted copy should be valid:\n" + "\n".join(errors)
    build = mkdocs_build(root)
    return build, marks, visible, hidden_files, public_files


def concluded_scores(root: Path) -> list[Path]:
    """scores.yml of the assessments that have a result (only their reports, and evidence, are published)."""
    done = {"third_party": ("reported", "submitted"), "self": ("completed",)}
    out = []
    for scores in sorted((root / "assessments").glob("*/scores.yml")):
        record = load(scores.parent / "assessment.yml")
        if record["stage"] in done[record["kind"]]:
            out.append(scores)
    return out


@pytest.fixture(scope="module")
def build(planted):
    b = planted[0]
    assert b.returncode == 0, f"mkdocs build --strict failed:\n{b.output}"
    return b


@pytest.fixture(scope="module")
def outputs(build):
    return site_files(build.site)


def test_every_kind_of_output_is_scanned(outputs):
    names = {f.rel for f in outputs}
    assert any(n.endswith(".html") and n.startswith("assessments/2") for n in names)
    for required in ("search/search_index.json", "certificates.json", "feed.xml", "sitemap.xml", "sitemap.xml.gz"):
        assert required in names, f"{required} missing from the site"
    assert any(re.fullmatch(r"certificates/[^/]+\.json", n) for n in names), "no per-certificate JSON"
    assert any(re.fullmatch(r"badges/[^/]+\.svg", n) for n in names), "no badge"


def test_no_marker_in_any_output_file(planted, outputs):
    _, marks, *_ = planted
    assert len(marks.where) > 100, "markers should have been planted in many places"
    leaks = []
    for f in outputs:
        for text in (f.raw.upper(), f.normalised.upper()):
            for marker in marks.where:
                if marker in text:
                    leaks.append(f"{f.rel}: {marker} ({marks.where[marker]})")
    assert not leaks, "non-public content published:\n" + "\n".join(sorted(set(leaks)))


def test_restricted_titles_are_published(planted, build):
    """The scan above must be able to fail: the evidence tables are there, with the restricted titles."""
    _, _, visible, _, _ = planted
    shown = 0
    for report in sorted((build.site / "assessments").glob("*/index.html")):
        text = report.read_text(encoding="utf-8")
        for titles in visible.values():
            shown += sum(1 for title in titles.values() if title in text)
    cited_restricted = 0
    for scores in concluded_scores(build.root):
        org = load(scores.parent / "assessment.yml")["organisation"]["id"]
        refs = {ref for block in load(scores).values() for e in block["requirements"].values() for ref in e.get("evidence", [])}
        cited_restricted += len(refs & set(visible.get(org, {})))
    assert cited_restricted > 0
    assert shown >= cited_restricted, f"only {shown} of {cited_restricted} cited restricted titles are on the report pages"


def test_restricted_and_confidential_files_are_not_copied(planted, build):
    _, _, _, hidden, public = planted
    assert hidden
    copied = [f"evidence/{org}/{file}" for org, file in hidden if (build.site / "evidence" / org / file).exists()]
    assert not copied, f"non-public evidence files copied: {copied}"
    # nor under another name: no output file has the bytes of a non-public file
    hidden_bytes = {(build.root / "evidence" / org / file).read_bytes() for org, file in hidden}
    clones = [p.relative_to(build.site).as_posix() for p in build.site.rglob("*") if p.is_file() and p.read_bytes() in hidden_bytes]
    assert not clones, f"non-public evidence published as {clones}"


def test_public_evidence_files_are_copied(planted, build):
    _, _, _, _, public = planted
    cited = set()
    for scores in concluded_scores(build.root):
        org = load(scores.parent / "assessment.yml")["organisation"]["id"]
        for block in load(scores).values():
            for entry in block["requirements"].values():
                cited |= {(org, ref) for ref in entry.get("evidence", [])}
    expected = [(org, file) for org, eid, file in public if (org, eid) in cited]
    assert expected, "the demo should cite public evidence files"
    for org, file in expected:
        out = build.site / "evidence" / org / file
        assert out.is_file(), f"public evidence evidence/{org}/{file} not copied"
        assert out.read_bytes() == (build.root / "evidence" / org / file).read_bytes()


def test_internal_fields_are_marked_in_the_schemas_and_absent_from_templates():
    """The schema marks the team-only fields; no template of the site reads them."""
    import json
    from maturity.data.schema import schema_text

    def marked(node, path=()):
        if isinstance(node, dict):
            if node.get("x-maturity-internal"):
                yield path[-1]
            for k, v in node.items():
                yield from marked(v, path + (k,))

    internal = {name for kind in ("assessment", "scores") for name in marked(json.loads(schema_text(kind)))}
    assert internal == {"internal_notes", "internal_note"}
    templates = Path(__file__).resolve().parents[1] / "plugins" / "maturity" / "publish" / "templates"
    for template in templates.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not any(name in text for name in internal), template.name
