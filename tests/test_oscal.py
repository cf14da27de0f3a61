"""OSCAL exports (``maturity export oscal`` / ``oscal-catalog``), read back with compliance-trestle's OSCAL models.

trestle 3.x holds pydantic models of OSCAL 1.1.3 that forbid unknown fields and check every required field,
token and UUID pattern: an export that is not OSCAL fails to parse here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog

from conftest import MODEL_FILE, PROJECT, ZIXUN
from maturity.data.registry import load_registry
from maturity.exchange import oscal
from maturity.scoring import display, exact
from test_cli import CMD, LOCATED, run

PINGTAI = "assessments/2026-shili-pingtai"
XINXI = "assessments/2026-shili-xinxi"
SITE = "https://authority.example.org/maturity/"


def site(demo, url: str = SITE) -> None:
    (demo.root / "mkdocs.yml").write_text(f"site_name: x\nsite_url: {url}\nplugins:\n  - maturity\n", encoding="utf-8")


def export(repo, aid: str) -> dict:
    a = repo.assessment(aid)
    s = repo.settings.site
    return oscal.assessment_results(a, a.model, repo.results[aid], repo.registers.get(a.organisation["id"]),
                                    s.url, s.directory_urls)


def read_back(document: dict) -> AssessmentResults:
    assert set(document) == {"assessment-results"}
    return AssessmentResults.parse_obj(document["assessment-results"])


def props(obj: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in obj.get("props", []):
        assert p.get("ns", oscal.NS) == oscal.NS
        out.setdefault(p["name"], []).append(p["value"])
    return out


def findings_by_requirement(document: dict) -> dict[str, dict]:
    found = document["assessment-results"]["results"][0].get("findings", [])
    by_id = {f["target"]["target-id"].removesuffix("_smt"): f for f in found}
    assert len(by_id) == len(found), "one finding per requirement"
    return by_id


# --- assessment results ----------------------------------------------------------------------------------

def test_a_concluded_assessment_reads_back_with_one_finding_per_requirement(demo):
    site(demo)
    repo = demo.load()
    a = repo.assessment("2026-shili-zixun")
    document = export(repo, a.id)
    parsed = read_back(document)
    assert parsed.metadata.oscal_version.__root__ == oscal.OSCAL_VERSION
    requirements = a.model.requirements_at(a.applied_level)
    result = document["assessment-results"]["results"][0]
    by_id = findings_by_requirement(document)
    assert list(by_id) == [r.id for r in requirements], "every requirement of the applied level, in model order"
    assert len(parsed.results[0].findings) == len(requirements)
    controls = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assert [c["control-id"] for c in controls] == [r.id for r in requirements]
    for r in requirements:
        score, f = a.scores[r.id], by_id[r.id]
        assert props(f)["score"] == [exact(score.value)]
        assert props(f)["score-label"] == [a.model.scale_label(score.value)]
        assert f.get("remarks", "") == score.note
        state = f["target"]["status"]
        assert state["state"] == ("satisfied" if score.value == 1 else "not-satisfied")
        assert state["reason"] == {1: "pass", 0: "fail"}.get(score.value, "other")
        cited = {uuid["observation-uuid"] for uuid in f.get("related-observations", [])}
        assert cited == {oscal.uid("observation", a.id, ref) for ref in score.evidence}
    level = repo.results[a.id].applied
    p = props(result)
    assert p["result-status"] == ["concluded"] and p["conforms"] == ["true"]
    assert p["level-score"] == [exact(level.score)] and p["level-score-display"] == [display(level.score)]
    assert p["recommended-level"] == [str(repo.results[a.id].recommended_level)]
    assert "predicted-level" not in p
    assert result["end"] == "2026-04-11T00:00:00+08:00", "the report's date"
    assert result["links"][0]["href"] == f"{SITE}assessments/2026-shili-zixun/"
    uuids = [f["uuid"] for f in result["findings"]] + [o["uuid"] for o in result["observations"]]
    assert len(set(uuids)) == len(uuids)


def test_evidence_shows_no_more_than_the_report_page(demo):
    """Public: link and description. Restricted: id and title. Confidential: id and sha256 — never a path or URL."""
    site(demo)
    register = "evidence/shili-zixun/register.yml"
    demo.replace(register, "    title: 服务目录及服务产品说明（2）\n", "    title: 服务目录及服务产品说明（2）\n    description: 公开的说明文字\n")
    demo.replace(register, "    title: 客户需求登记台账（2）\n", "    title: 客户需求登记台账（2）\n    description: 受限的说明文字\n")
    repo = demo.load()
    assert not repo.errors
    a = repo.assessment("2026-shili-zixun")
    document = export(repo, a.id)
    read_back(document)
    text = oscal.dumps(document)
    items = repo.registers["shili-zixun"].items
    observations = {props(o)["evidence-id"][0]: o for o in document["assessment-results"]["results"][0]["observations"]}
    assert set(observations) == {ref for r in a.model.requirements_at(a.applied_level) for ref in a.scores[r.id].evidence}
    classes = {items[ref].confidentiality for ref in observations}
    assert classes == {"public", "restricted", "confidential"}, "the demo cites every class"
    for ref, o in observations.items():
        item = items[ref]
        assert props(o)["confidentiality"] == [item.confidentiality]
        if item.sha256:
            assert props(o)["sha256"] == [item.sha256]
        if item.is_public:
            href = o["relevant-evidence"][0]["href"]
            assert href == (item.url or f"{SITE}evidence/shili-zixun/{item.file}")
            continue
        for secret in filter(None, (item.file, item.url, item.file and item.file.rsplit("/", 1)[-1], item.description)):
            assert secret not in text, f"{ref} ({item.confidentiality}) discloses {secret!r}"
        assert "href" not in o["relevant-evidence"][0] and not o.get("links")
        if item.confidentiality == "confidential":
            assert item.title not in text, "a confidential item's title is not published either"
            assert "record-date" not in props(o)
        else:
            assert o["title"] == f"{ref} {item.title}"
    assert observations["E017"]["description"] == "公开的说明文字"
    assert "受限的说明文字" not in text


def test_a_changed_score_changes_its_finding_and_nothing_else_of_the_findings(demo):
    s = f"{ZIXUN}/scores.yml"
    before = export(demo.load(), "2026-shili-zixun")
    demo.replace(s, "SS-SDM-3-01: {score: 1, evidence: [E024], note: 证据充分，制度与记录一致。}",
                 "SS-SDM-3-01: {score: 0.5, evidence: [E024], note: 执行记录不足。}")
    after = export(demo.load(), "2026-shili-zixun")
    read_back(after)
    old, new = findings_by_requirement(before), findings_by_requirement(after)
    assert old.keys() == new.keys()
    changed = [rid for rid in old if old[rid] != new[rid]]
    assert changed == ["SS-SDM-3-01"]
    assert old["SS-SDM-3-01"]["uuid"] == new["SS-SDM-3-01"]["uuid"], "the same requirement keeps its UUID"
    assert props(new["SS-SDM-3-01"])["score"] == ["1/2"] and new["SS-SDM-3-01"]["remarks"] == "执行记录不足。"
    assert new["SS-SDM-3-01"]["target"]["status"]["state"] == "not-satisfied"
    score = lambda d: props(d["assessment-results"]["results"][0])["level-score"]  # noqa: E731
    assert score(before) != score(after)
    version = lambda d: d["assessment-results"]["metadata"]["version"]  # noqa: E731
    assert version(before) != version(after), "the document's version follows its content"


def test_the_export_is_deterministic(demo):
    """Same data, same bytes: UUIDs from ids, timestamps from the data's dates, whatever the day."""
    first = oscal.dumps(export(demo.load(), "2026-shili-zixun"))
    second = oscal.dumps(export(demo.load(), "2026-shili-zixun"))
    assert first == second
    document = json.loads(first)["assessment-results"]
    assert document["uuid"] == oscal.uid("assessment-results", "2026-shili-zixun")
    assert document["metadata"]["last-modified"] == "2026-04-16T00:00:00+08:00", "the record's latest date"
    assert document["results"][0]["start"] == "2026-03-02T00:00:00+08:00", "the record's first date"
    env = {"SOURCE_DATE_EPOCH": "4102444800"}  # 2100-01-01: nothing may depend on the day of the export
    r1 = run("export", "oscal", ZIXUN, "-o", "-", cwd=demo.root)
    r2 = subprocess.run([*CMD, "export", "oscal", ZIXUN, "-o", "-"], cwd=demo.root, capture_output=True, text=True,
                        encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8", **env}, timeout=60)
    assert r1.returncode == r2.returncode == 0, r1.stderr + r2.stderr
    assert r1.stdout == r2.stdout == first


def test_an_assessment_in_progress_has_no_verdict(demo):
    repo = demo.load()
    a = repo.assessment("2026-shili-pingtai")
    assert not a.concluded and repo.results[a.id].complete, "scored in full, but before the report"
    document = export(repo, a.id)
    read_back(document)
    result = document["assessment-results"]["results"][0]
    p = props(result)
    assert p["result-status"] == ["not-concluded"] and p["stage"] == ["document_review"]
    for verdict in ("conforms", "level-score", "level-score-display", "recommended-level", "predicted-level"):
        assert verdict not in p, verdict
    assert "end" not in result and "links" not in result and "remarks" not in result
    assert "工作数据" in result["description"]


def test_an_unscored_requirement_is_no_finding(demo):
    """待评分 is not 不满足: OSCAL's finding status has only satisfied / not-satisfied, so there is no finding."""
    demo.replace(f"{PINGTAI}/scores.yml", "SS-SDM-3-01: {score: 1,", "SS-SDM-3-01: {score: null,")
    repo = demo.load()
    a = repo.assessment("2026-shili-pingtai")
    document = export(repo, a.id)
    read_back(document)
    result = document["assessment-results"]["results"][0]
    by_id = findings_by_requirement(document)
    requirements = a.model.requirements_at(a.applied_level)
    assert len(by_id) == len(requirements) - 1 and "SS-SDM-3-01" not in by_id
    assert "SS-SDM-3-01" in [c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]]
    p = props(result)
    assert p["unscored"] == ["1"] and p["unscored-requirement"] == ["SS-SDM-3-01"]
    assert "level-score" not in p and "conforms" not in p


def test_a_self_assessment_has_a_predicted_level(demo):
    repo = demo.load()
    document = export(repo, "2026-shili-xinxi")
    read_back(document)
    p = props(document["assessment-results"]["results"][0])
    assert p["kind"] == ["self"] and p["predicted-level"] == [str(repo.results["2026-shili-xinxi"].recommended_level)]
    assert "recommended-level" not in p
    assert [party for party in document["assessment-results"]["metadata"]["parties"]
            if props(party)["role"] == ["assessment-body"]] == []


def test_each_assessment_is_exported_against_its_own_model(demo, tmp_path):
    text = MODEL_FILE.read_text(encoding="utf-8").replace('version: "2023"', 'version: "2099"')
    text = text.replace("  - {label: 大部分满足, label_en: largely met, value: 0.8}\n",
                        "  - {label: 大部分满足, label_en: largely met, value: 0.75}\n")
    other = tmp_path / "revision.yml"
    other.write_text(text, encoding="utf-8")
    (demo.root / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  - maturity:\n      models: [{other}]\n", encoding="utf-8")
    demo.replace(f"{PINGTAI}/assessment.yml", "id: 2026-shili-pingtai\n", "id: 2026-shili-pingtai\nmodel: T/ZXGJXH 002—2023@2099\n")
    scores = (demo.root / PINGTAI / "scores.yml").read_text(encoding="utf-8").replace("score: 0.8,", "score: 0.75,")
    (demo.root / PINGTAI / "scores.yml").write_text(scores, encoding="utf-8")
    repo = demo.load()
    assert repo.model.version == "2023" and repo.assessment("2026-shili-pingtai").model.version == "2099"
    document = export(repo, "2026-shili-pingtai")
    read_back(document)
    assert props(document["assessment-results"]["metadata"])["model"] == ["T/ZXGJXH 002—2023@2099"]
    assert "3/4" in {props(f)["score"][0] for f in findings_by_requirement(document).values()}


def test_a_record_without_dates_is_refused_with_its_location(demo):
    repo = demo.load()
    a = repo.assessment("2026-shili-pingtai")
    a.record = {**a.record, "dates": {}, "document_reviews": [], "meetings": []}
    with pytest.raises(oscal.Refused) as caught:
        export(repo, a.id)
    problem = caught.value.problems[0]
    assert re.match(rf"^{PINGTAI}/assessment\.yml:\d+:\d+: ", problem) and "dates" in problem, problem


def test_trestle_rejects_what_is_not_oscal(demo):
    """The read-back is a real check: a finding without its target, or an unknown field, fails."""
    document = export(demo.load(), "2026-shili-zixun")
    broken = json.loads(oscal.dumps(document))
    del broken["assessment-results"]["results"][0]["findings"][0]["target"]
    with pytest.raises(Exception):
        read_back(broken)
    broken = json.loads(oscal.dumps(document))
    broken["assessment-results"]["results"][0]["verdict"] = "符合"
    with pytest.raises(Exception):
        read_back(broken)


# --- the catalog -------------------------------------------------------------------------------------------

def test_the_model_reads_back_as_a_catalog():
    model = load_registry(None).default
    document = oscal.catalog(model)
    assert set(document) == {"catalog"}
    parsed = Catalog.parse_obj(document["catalog"])
    assert [g.id for g in parsed.groups] == [cd.code for cd in model.capability_domains]
    controls = {}
    for cd, group in zip(model.capability_domains, document["catalog"]["groups"]):
        assert [g["id"] for g in group["groups"]] == [ad.code for ad in cd.assessment_domains]
        for ad, sub in zip(cd.assessment_domains, group["groups"]):
            assert props(sub)["level"] == [str(lv) for lv in ad.levels]
            controls.update({c["id"]: c for c in sub["controls"]})
    assert len(controls) == sum(len(ad.requirements) for ad in model.assessment_domains)
    for ad in model.assessment_domains:
        for r in ad.requirements:
            c = controls[r.id]
            assert props(c)["level"] == [str(lv) for lv in sorted(r.levels)]
            assert c["parts"] == [{"id": f"{r.id}_smt", "name": "statement", "prose": r.text}]
    meta = props(document["catalog"]["metadata"])
    assert meta["requirements-status"] == [model.requirements_status] and meta["threshold"] == ["4/5"]
    assert meta["level"] == [str(lv.level) for lv in model.levels]
    assert oscal.dumps(oscal.catalog(model)) == oscal.dumps(document), "deterministic"


# --- the command ------------------------------------------------------------------------------------------

def test_the_command_writes_never_overwrites_without_force_and_writes_to_stdout(demo):
    out = demo.root / "out" / "zixun.json"
    r = run("export", "oscal", ZIXUN, "-o", out, cwd=demo.root)
    assert r.returncode == 0, r.stderr
    assert "107 条发现" in r.stdout and "已形成结论" in r.stdout
    written = out.read_text(encoding="utf-8")
    read_back(json.loads(written))
    out.write_text("mine", encoding="utf-8")
    r = run("export", "oscal", ZIXUN, "-o", out, cwd=demo.root)
    assert r.returncode == 2 and "--force" in r.stderr and out.read_text(encoding="utf-8") == "mine"
    r = run("export", "oscal", ZIXUN, "-o", out, "--force", cwd=demo.root)
    assert r.returncode == 0 and out.read_text(encoding="utf-8") == written
    r = run("export", "oscal", "2026-shili-zixun", "-o", "-", cwd=demo.root)  # by id, to standard output
    assert r.returncode == 0 and r.stdout == written and not r.stderr
    r = run("export", "oscal", ZIXUN, cwd=demo.root)  # the default name
    assert r.returncode == 0 and (demo.root / "2026-shili-zixun.oscal-ar.json").read_text(encoding="utf-8") == written
    r = run("export", "oscal", ZIXUN, "-o", "out", cwd=demo.root)
    assert r.returncode == 2 and "文件夹" in r.stderr


def test_the_command_reports_bad_input_located_and_writes_nothing(demo):
    demo.replace(f"{ZIXUN}/scores.yml", "SS-SDM-3-01: {score: 1,", "SS-SDM-3-01: {score: 0.7,")
    r = run("export", "oscal", ZIXUN, "-o", "out.json", cwd=demo.root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    located = [m for m in map(LOCATED.match, r.stderr.splitlines()) if m]
    assert any(m["code"] == "MAT201" and m["path"] == f"{ZIXUN}/scores.yml" for m in located), r.stderr
    assert not (demo.root / "out.json").exists()
    for bad in ("assessments/nope", "no-such-assessment", "../etc"):
        r = run("export", "oscal", bad, "-o", "out.json", cwd=demo.root)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (bad, r.stderr)
    assert not (demo.root / "out.json").exists()


def test_the_catalog_command(demo):
    r = run("export", "oscal-catalog", "-o", "-", cwd=demo.root)
    assert r.returncode == 0, r.stderr
    Catalog.parse_obj(json.loads(r.stdout)["catalog"])
    r2 = run("export", "oscal-catalog", "T/ZXGJXH 002—2023@2023", "-o", "cat.json", cwd=demo.root)
    assert r2.returncode == 0 and (demo.root / "cat.json").read_text(encoding="utf-8") == r.stdout
    assert "217 条要求" in r2.stdout
    r = run("export", "oscal-catalog", "T/ZXGJXH 002—2023@1999", cwd=demo.root)
    assert r.returncode == 2 and "T/ZXGJXH 002—2023@2023" in r.stderr and "Traceback" not in r.stderr


def test_trestle_models_load_without_the_network():
    """Importing the OSCAL models opens no connection: not even the modules that could are loaded."""
    code = ("import sys; import trestle.oscal.assessment_results, trestle.oscal.catalog; "
            "print(sorted(m for m in ('socket', 'ssl', 'http.client', 'urllib3', 'requests', 'paramiko') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=PROJECT)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr
