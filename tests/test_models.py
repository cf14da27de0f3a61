"""Models as a registry: ids and versions, an assessment names its model, no code names a model's contents."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import yaml

from conftest import A, MODEL_FILE, PROJECT, expect
from maturity.data.registry import BUILT_IN, load_registry
from maturity.exchange import digest as digests
from test_cli import run

PACKAGE = PROJECT / "plugins" / "maturity"


def model_codes() -> set[str]:
    """Every capability-domain code, assessment-domain code and requirement id of every built-in model."""
    codes = set()
    for name in BUILT_IN:
        path = PACKAGE / "models" / name
        if not path.is_file():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for cd in data["capability_domains"]:
            codes.add(cd["code"])
            for ad in cd["assessment_domains"]:
                codes.add(ad["code"])
                codes.update(r["id"] for r in ad["requirements"])
    return codes


def test_no_python_code_names_a_domain_or_requirement_of_any_model():
    codes = model_codes()
    assert len(codes) > 200
    pattern = re.compile(r"\b(" + "|".join(sorted((re.escape(c) for c in codes), key=len, reverse=True)) + r")\b")
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and not node.value.strip().startswith("\n"):
                text = node.value
                hits = [m.group() for m in pattern.finditer(text) if "-" in m.group() or text == m.group()]
                if hits:
                    found.append(f"{path.relative_to(PROJECT)}:{node.lineno}: {hits}")
    assert not found, "\n".join(found)


def test_the_registry_lists_the_built_in_models_with_versions():
    registry = load_registry(None)
    assert registry.default.key == "T/ZXGJXH 002—2023@2023" and registry.default.status == "in_force"
    r = run("model", "--list", "--format", "json", cwd=PROJECT)
    listed = {m["key"]: m for m in json.loads(r.stdout)}
    assert listed["T/ZXGJXH 002—2023@2023"]["default"] is True


def test_an_assessment_names_its_model_by_id_or_id_and_version(demo):
    demo.replace(A, "id: 2026-shili-zixun\n", "id: 2026-shili-zixun\nmodel: T/ZXGJXH 002—2023\n")
    repo = demo.load()
    assert repo.assessment("2026-shili-zixun").model.key == "T/ZXGJXH 002—2023@2023"
    assert not repo.errors
    demo.replace(A, "model: T/ZXGJXH 002—2023\n", "model: T/ZXGJXH 002—2023@2023\n")
    assert not demo.load().errors


def test_an_unknown_model_is_a_located_error(demo):
    demo.replace(A, "id: 2026-shili-zixun\n", "id: 2026-shili-zixun\nmodel: T/ZXGJXH 002—2023@1999\n")
    d = expect(demo.load(), "MAT057", A, demo.line_of(A, "model: T/ZXGJXH"))
    assert "T/ZXGJXH 002—2023@2023" in d.message, "the known models are listed"


def test_naming_the_model_does_not_change_a_certified_digest(demo):
    before = demo.load()
    a = before.assessment("2026-shili-zixun")
    sealed = digests.digest(a, before.registers["shili-zixun"], a.model.id)
    demo.replace(A, "id: 2026-shili-zixun\n", "id: 2026-shili-zixun\nmodel: T/ZXGJXH 002—2023@2023\n")
    after = demo.load()
    b = after.assessment("2026-shili-zixun")
    assert digests.digest(b, after.registers["shili-zixun"], b.model.id) == sealed
    assert not [d for d in after.errors if d.code == "MAT610"]


def test_a_model_with_another_scale_is_checked_against_its_own_scale(demo, tmp_path):
    """The scores schema no longer hard-codes the first model's four values: the model's scale decides."""
    text = MODEL_FILE.read_text(encoding="utf-8")
    text = text.replace('version: "2023"', 'version: "2099"').replace("  - {label: 大部分满足, label_en: largely met, value: 0.8}\n",
                                                                      "  - {label: 大部分满足, label_en: largely met, value: 0.75}\n")
    other = tmp_path / "revision.yml"
    other.write_text(text, encoding="utf-8")
    (demo.root / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  - maturity:\n      models: [{other}]\n", encoding="utf-8")
    pingtai = "assessments/2026-shili-pingtai"
    demo.replace(f"{pingtai}/assessment.yml", "id: 2026-shili-pingtai\n", "id: 2026-shili-pingtai\nmodel: T/ZXGJXH 002—2023@2099\n")
    repo = demo.load()
    bad = [d for d in repo.diagnostics if d.code == "MAT201" and pingtai in d.path]
    assert bad and "0.75" in bad[0].message, "0.8 is not on this model's scale"
    text = (demo.root / f"{pingtai}/scores.yml").read_text(encoding="utf-8").replace("score: 0.8,", "score: 0.75,")
    (demo.root / f"{pingtai}/scores.yml").write_text(text, encoding="utf-8")
    assert not [d for d in demo.load().diagnostics if d.code == "MAT201" and pingtai in d.path]
