"""maturity diff misses nothing: every field, in words, in a real git repository."""

from __future__ import annotations

import json
import re

from test_git_workflow import PINGTAI_ID, init_repo, read, run, write

PINGTAI = f"assessments/{PINGTAI_ID}"
REGISTER = "evidence/shili-zixun/register.yml"


def diff(root, *args) -> str:
    r = run("diff", "HEAD", *args, cwd=root)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_narratives_notes_and_findings_are_changes(tmp_path):
    root = init_repo(tmp_path / "repo")
    text = read(root, f"{PINGTAI}/scores.yml")
    text = text.replace("  gaps: 战略决策的量化分析和记录完整性仍有不足。", "  gaps: 战略决策的量化分析仍有不足，记录已补全。", 1)
    text = text.replace("SS-SDM-3-01: {score: 1, evidence: [E014], note: 证据充分，制度与记录一致。}",
                        "SS-SDM-3-01: {score: 1, evidence: [E014], note: 证据充分，原件已核对。}", 1)
    write(root, f"{PINGTAI}/scores.yml", text)
    record = read(root, f"{PINGTAI}/assessment.yml").replace("识别改进机会。", "识别主要的改进机会。", 1)
    write(root, f"{PINGTAI}/assessment.yml", record)
    out = diff(root)
    assert "没有评估发生变化" not in out
    assert "SS-SDM 的现有不足：" in out and "{+" in out and "[-" in out
    assert "要求 SS-SDM-3-01 的说明：" in out and "原件已核对" in out
    assert "评估目标：" in out and "{+主要的+}" in out


def test_stage_transition_and_organisation_changes_in_words(tmp_path):
    root = init_repo(tmp_path / "repo")
    record = read(root, f"{PINGTAI}/assessment.yml")
    record = record.replace("stage: document_review", "stage: accepted", 1)
    record = record.replace("  category: platform.trading.b2b", "  category: platform.trading", 1)
    write(root, f"{PINGTAI}/assessment.yml", record)
    out = diff(root)
    assert "阶段：文件审查 → 已受理" in out
    assert "机构分类：平台类服务机构 / " in out and "→ 平台类服务机构 / " in out


def test_evidence_replaced_and_a_move_to_public_flagged_first(tmp_path):
    root = init_repo(tmp_path / "repo")
    text = read(root, REGISTER)
    # E004 (confidential) becomes public; E002's file gets a new hash
    block = text[text.index("  - id: E004"):]
    block = block[: block.index("\n  - id:", 1) + 1] if "\n  - id:" in block[1:] else block
    text = text.replace(block, block.replace("class: confidential", "class: public"), 1)
    text = re.sub(r"(  - id: E002\n(?:    .*\n)*?    sha256: )[0-9a-f]{64}", r"\g<1>" + "a" * 64, text, count=1)
    write(root, REGISTER, text)
    out = diff(root)
    section = out[out.index("证据登记 evidence/shili-zixun/register.yml"):]
    lines = [line.strip() for line in section.split("\n")[1:] if line.strip()]
    assert lines[0].startswith("⚠ 证据 E004 的公开范围：保密 → 公开"), lines
    assert any(line.startswith("证据 E002 的文件已替换") and "aaaaaaaaaaaa…" in line for line in lines), lines
    md = run("diff", "HEAD", "--format", "markdown", cwd=root).stdout
    assert "⚠️ **证据 E004 的公开范围：保密 → 公开" in md


def test_publication_steps_in_words(tmp_path):
    root = init_repo(tmp_path / "repo")
    pub = f"{PINGTAI}/publication.yml"
    write(root, f"{PINGTAI}/assessment.yml", read(root, f"{PINGTAI}/assessment.yml"))  # unchanged
    # the zixun certificate gets a suspension: an event in words, flagged
    zixun = "assessments/2026-shili-zixun/publication.yml"
    text = read(root, zixun).rstrip("\n") + "\n  events:\n    - {kind: suspended, date: 2026-09-01, reason: 未按期提交监督材料}\n"
    write(root, zixun, text)
    out = diff(root)
    assert "⚠ 证书 ZXGJ-2026-0012：暂停（2026-09-01），原因：未按期提交监督材料" in out
    assert not (root / pub).exists()


def test_a_new_assessment_shows_its_domain_table_and_json_marks_the_working_tree(tmp_path):
    root = init_repo(tmp_path / "repo")
    (root / "assessments" / "2027-copy").mkdir()
    for name in ("assessment.yml", "scores.yml"):
        text = read(root, f"assessments/2026-shili-xinxi/{name}").replace("2026-shili-xinxi", "2027-copy")
        write(root, f"assessments/2027-copy/{name}", text)
    out = diff(root)
    assert "2027-copy" in out and "各评估域得分 C：" in out
    md = run("diff", "HEAD", "--format", "markdown", cwd=root).stdout
    assert "<details><summary>各评估域得分 C</summary>" in md and "| `SS-DM` |" in md
    data = json.loads(run("diff", "HEAD", "--format", "json", cwd=root).stdout)
    assert data["head"] is None, "the working tree is null in JSON, not a word"
    added = next(a for a in data["assessments"] if a["id"] == "2027-copy")
    assert added["status"] == "added" and added["domain_table"]


def test_certificate_issued_in_words(tmp_path):
    root = init_repo(tmp_path / "repo")
    kechuang = "assessments/2026-shili-kechuang/publication.yml"  # announced, not certified yet
    text = read(root, kechuang).rstrip("\n") + (
        "\ncertificate:\n  number: ZXGJ-2026-0046\n  level: 2\n  issued: 2026-12-01\n"
        "  digest: sha256:" + "1" * 64 + "\n")
    write(root, kechuang, text)
    out = diff(root)
    assert "证书 ZXGJ-2026-0046 以二星签发（2026-12-01" in out


def test_the_register_of_assessors_is_in_the_diff(tmp_path):
    root = init_repo(tmp_path / "repo")
    text = read(root, "assessors.yml")
    assert "valid_until: 2027-06-30}" in text
    text = text.replace("valid_until: 2027-06-30}", "valid_until: 2030-06-30}", 1)  # a qualification extended
    write(root, "assessors.yml", text)
    out = diff(root)
    section = out[out.index("评估人员登记 assessors.yml"):]
    assert "评估人员 A0012：资格有效期至（PG-2022-0107）：2027-06-30 → 2030-06-30" in section, section
    data = json.loads(run("diff", "HEAD", "--format", "json", cwd=root).stdout)
    assert [c["key"] for c in data["assessors"]] == ["assessor_field"]
    md = run("diff", "HEAD", "--format", "markdown", cwd=root).stdout
    assert "### 评估人员登记 assessors.yml" in md and "2030-06-30" in md
