"""Model versions: ``maturity model diff`` and ``maturity migrate``, on a test revision of the model.

The revision (made here, not shipped: no fictitious standard in the demo) re-words one requirement of
the 三星 set, removes one, adds one and moves one to a higher level; it is registered through the
``models`` option of mkdocs.yml, as an authority would register a new version.
"""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import MODEL_FILE, expect
from test_cli import run

PINGTAI = "assessments/2026-shili-pingtai"
ZIXUN = "assessments/2026-shili-zixun"
OLD = "T/ZXGJXH 002—2023@2023"
NEW = "T/ZXGJXH 002—2023@2099"
LEVEL = 3  # pingtai's applied level


def three_star_requirements(data: dict) -> list[dict]:
    return [r for cd in data["capability_domains"] for ad in cd["assessment_domains"] for r in ad["requirements"]
            if LEVEL in r["levels"]]


@pytest.fixture
def revision(demo, tmp_path):
    """The demo with a revision of the model registered; the changed requirement ids."""
    data = yaml.safe_load(MODEL_FILE.read_text(encoding="utf-8"))
    data["version"], data["status"] = "2099", "draft"
    reqs = three_star_requirements(data)
    reworded, removed, moved = reqs[0], reqs[1], reqs[2]
    reworded["text"] = reworded["text"] + "（修订：并每季度复核一次。）"
    moved["levels"] = [lv for lv in moved["levels"] if lv > LEVEL] or [5]
    for cd in data["capability_domains"]:
        for ad in cd["assessment_domains"]:
            if removed in ad["requirements"]:
                ad["requirements"].remove(removed)
                prefix, number = removed["id"].rsplit("-", 1)
                added = {"id": f"{prefix}-{int(number) + 90}", "text": "新增的要求：建立服务对象回访制度。", "levels": [LEVEL, 4, 5]}
                ad["requirements"].append(added)
    path = tmp_path / "model-2099.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    demo.write("mkdocs.yml", f"site_name: x\nplugins:\n  - maturity:\n      models: ['{path.as_posix()}']\n")
    return {"reworded": reworded["id"], "removed": removed["id"], "added": added["id"], "moved": moved["id"],
            "file": path}


def test_the_revision_is_listed_beside_the_model_in_force(demo, revision):
    r = run("model", "--list", "--format", "json", cwd=demo.root)
    listed = {m["key"]: m for m in json.loads(r.stdout)}
    assert listed[OLD]["status"] == "in_force" and listed[OLD]["default"] is True
    assert listed[NEW]["status"] == "draft" and listed[NEW]["default"] is False


def test_model_diff_lists_added_removed_reworded_and_moved(demo, revision):
    r = run("model", "diff", OLD, NEW, "--format", "json", cwd=demo.root)
    assert r.returncode == 0, r.stderr
    found = {(c["id"], c["kind"]) for c in json.loads(r.stdout)["requirements"]}
    assert found == {(revision["reworded"], "reworded"), (revision["removed"], "removed"),
                     (revision["added"], "added"), (revision["moved"], "levels")}
    text = run("model", "diff", OLD, NEW, cwd=demo.root).stdout
    assert "条文改动的要求（1 条）" in text and "删除的要求（1 条）" in text and "新增的要求（1 条）" in text
    assert "改变适用等级的要求（1 条）" in text and f"~ {revision['moved']}" in text
    assert "（修订：并每季度复核一次。）" in text
    # a model file path works as well as a reference; a model compared with itself has no changes
    same = run("model", "diff", OLD, str(MODEL_FILE), cwd=demo.root)
    assert same.returncode == 0 and "都相同" in same.stdout


def test_model_diff_needs_two_models(demo, revision):
    assert run("model", "diff", OLD, cwd=demo.root).returncode == 2
    r = run("model", "diff", OLD, "T/ZXGJXH 002—2023@1999", cwd=demo.root)
    assert r.returncode == 2 and "找不到模型" in r.stderr and NEW in r.stderr


def test_migrate_carries_unchanged_scores_and_leaves_the_rest_unscored(demo, revision):
    before = yaml.safe_load(demo.read(f"{PINGTAI}/scores.yml"))
    old_entries = {rid: e for block in before.values() for rid, e in block["requirements"].items()}
    r = run("migrate", PINGTAI, "--to", NEW, cwd=demo.root)
    assert r.returncode == 0, r.stderr
    assert f"条文改动、改为待评分的要求：1 条" in r.stdout and revision["reworded"] in r.stdout
    assert f"新增、待评分的要求：1 条" in r.stdout and revision["added"] in r.stdout
    assert revision["removed"] in r.stdout and revision["moved"] in r.stdout  # dropped at this level, said with its score
    record = yaml.safe_load(demo.read(f"{PINGTAI}/assessment.yml"))
    assert record["model"] == NEW
    after = yaml.safe_load(demo.read(f"{PINGTAI}/scores.yml"))
    entries = {rid: e for block in after.values() for rid, e in block["requirements"].items()}
    assert entries[revision["reworded"]]["score"] is None
    assert entries[revision["reworded"]].get("evidence") == old_entries[revision["reworded"]].get("evidence")
    assert entries[revision["added"]] == {"score": None}
    assert revision["removed"] not in entries and revision["moved"] not in entries
    unchanged = set(entries) - {revision["reworded"], revision["added"]}
    assert unchanged and all(entries[rid] == old_entries[rid] for rid in unchanged)
    # the level has no A until the two are scored (unscored is not 0); then the assessment is whole again
    repo = demo.load()
    assert repo.results["2026-shili-pingtai"].complete is False
    assert not [d for d in repo.errors if PINGTAI in d.path], [str(d) for d in repo.errors]
    for rid in (revision["reworded"], revision["added"]):
        demo.replace(f"{PINGTAI}/scores.yml", f"{rid}: {{score: null", f"{rid}: {{score: 1")
    repo = demo.load()
    assert repo.results["2026-shili-pingtai"].complete is True and repo.results["2026-shili-pingtai"].applied.score
    # the result is already in the canonical layout
    assert run("fmt", "--check", PINGTAI, cwd=demo.root).returncode == 0


def test_migrate_dry_run_writes_nothing(demo, revision):
    record, scores = demo.read(f"{PINGTAI}/assessment.yml"), demo.read(f"{PINGTAI}/scores.yml")
    r = run("migrate", PINGTAI, "--to", NEW, "--dry-run", cwd=demo.root)
    assert r.returncode == 0 and "未写文件" in r.stdout
    assert demo.read(f"{PINGTAI}/assessment.yml") == record and demo.read(f"{PINGTAI}/scores.yml") == scores


def test_a_certified_assessment_stays_on_its_model_version(demo, revision):
    scores = demo.read(f"{ZIXUN}/scores.yml")
    r = run("migrate", ZIXUN, "--to", NEW, cwd=demo.root)
    assert r.returncode == 1 and "证书始终对应发证时的模型" in r.stderr and "Nothing was written" in r.stderr
    assert demo.read(f"{ZIXUN}/scores.yml") == scores


def test_migrate_to_the_same_model_or_an_unknown_one_is_refused(demo, revision):
    assert run("migrate", PINGTAI, "--to", OLD, cwd=demo.root).returncode == 1
    r = run("migrate", PINGTAI, "--to", "T/ZXGJXH 002—2023@1999", cwd=demo.root)
    assert r.returncode == 2 and "找不到模型" in r.stderr


def test_the_certificate_names_the_model_version_it_was_issued_under(demo, revision):
    from maturity.publish.build import build_site

    repo = demo.load()
    site = build_site(repo)
    register = json.loads(next(a.content for a in site.assets if a.path == "certificates.json"))
    assert {c["model_version"] for c in register["certificates"]} == {"2023"}
    page = next(p for p in site.pages if p.src_uri.startswith("certificates/ZXGJ-") and "index" in p.src_uri)
    assert "2023 版" in page.html


# --- the site under two models ----------------------------------------------------------------------------


@pytest.fixture
def two_models(demo, tmp_path):
    """A second model (another id, its own level names) registered, and 2026-shili-kechuang assessed under it."""
    data = yaml.safe_load(MODEL_FILE.read_text(encoding="utf-8"))
    data.update(id="T/TEST 001—2099", version="1", title="测试用模型")
    for lv in data["levels"]:
        lv["name"] = f"{lv['level']}级"
    path = tmp_path / "test-model.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    demo.write("mkdocs.yml", f"site_name: x\nplugins:\n  - maturity:\n      models: ['{path.as_posix()}']\n")
    demo.replace("assessments/2026-shili-kechuang/assessment.yml", "id: 2026-shili-kechuang\n",
                 "id: 2026-shili-kechuang\nmodel: T/TEST 001—2099\n")
    return demo


def test_each_report_speaks_in_its_own_model(two_models):
    from maturity.publish.build import build_site

    repo = two_models.load()
    assert not repo.errors, [str(d) for d in repo.errors]
    site = build_site(repo)
    pages = {p.src_uri: p.html for p in site.pages}
    kechuang = next(html for uri, html in pages.items() if uri.startswith("assessments/2026-shili-kechuang"))
    assert "测试用模型（T/TEST 001—2099，1 版）" in kechuang and "★★ 2级" in kechuang and "★★ 二星" not in kechuang
    zixun = next(html for uri, html in pages.items() if uri.startswith("assessments/2026-shili-zixun"))
    assert "T/ZXGJXH 002—2023，2023 版" in zixun and "三星" in zixun
    # the list names each row's model and can be filtered by it; each row's levels in its own words
    index = next(html for uri, html in pages.items() if uri.startswith("assessments/index"))
    assert index.count('data-col="8"') == 1 and "<option>T/TEST 001—2099</option>" in index
    row = next(line for line in index.split("<tr") if "2026-shili-kechuang" in line)
    assert "2级" in row and "T/TEST 001—2099" in row
    # the announcement in the feed uses the model's level name
    feed = next(a.content for a in site.assets if a.path == "feed.xml")
    assert "（2级）" in feed


def test_one_model_needs_no_model_column(demo):
    import shutil

    from maturity.publish.build import build_site

    shutil.rmtree(demo.root / "assessments" / "2026-shili-zonghe")  # the demo's only assessment under another model

    index = next(p.html for p in build_site(demo.load()).pages if p.src_uri.startswith("assessments/index"))
    assert 'data-col="8"' not in index


def test_the_demo_shows_the_003_assessment_under_its_own_model(demo):
    from maturity.publish.build import build_site

    pages = {p.src_uri: p.html for p in build_site(demo.load()).pages}
    zonghe = next(html for uri, html in pages.items() if uri.startswith("assessments/2026-shili-zonghe"))
    assert "（zxqy-003-pingjia，1 版）" in zonghe and "依据的是草案" in zonghe and "★ 达标" in zonghe
    index = next(html for uri, html in pages.items() if uri.startswith("assessments/index"))
    assert "<option>zxqy-003-pingjia</option>" in index and "<option>T/ZXGJXH 002—2023</option>" in index
