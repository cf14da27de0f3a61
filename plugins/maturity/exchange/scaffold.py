"""``maturity new``: a complete assessment folder, valid from the start, ready to score."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from maturity.data.files import write_atomic
from maturity.i18n import shown
from maturity.exchange.layout import SCHEMA_BASE, scalar, scores_text
from maturity.data.model import Model


@dataclass
class NewAssessment:
    id: str
    organisation_id: str
    name: str
    credit_code: str
    region: str
    category: str
    kind: str
    level: int
    today: dt.date
    model: str | None = None  # the model named in assessment.yml (ID or ID@VERSION); None: the site's default


def record_text(n: NewAssessment, model: Model) -> str:
    third = n.kind == "third_party"
    stage = "applied" if third else "planning"
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_BASE}/assessment.schema.json",
        "# 评估记录（指南第 3–8 章）。带 # 的行是说明，可删除。",
        f"id: {scalar(n.id)}",
        *([f"model: {scalar(n.model)}  # 本评估依据的模型（maturity model --list）"] if n.model else []),
        "organisation:",
        f"  id: {scalar(n.organisation_id)}  # 机构代号，证据放在 evidence/{n.organisation_id}/",
        f"  name: {scalar(n.name)}",
        f"  credit_code: {scalar(n.credit_code)}",
        f"  region: {scalar(n.region)}",
        f"  category: {n.category}  # 见 classification-003.yml",
        f"kind: {n.kind}  # self 自评估；third_party 第三方评估",
        f"applied_level: {n.level}",
        f"stage: {stage}",
        f"body: {'待填写评估机构名称' if third else '自评估团队'}",
        "objectives: 待填写评估目标",
        "scope:",
        f"  organisation: {scalar(n.name)}",
        "  functions: [待填写被评估的职能或过程]",
        f"criteria: [{', '.join(scalar(c, flow=True) for c in model.criteria)}]",
        "team:",
        f"  - {{name: 待填写, role: leader, organisation: {scalar('待填写评估机构' if third else n.name)}}}",
        "eligibility: {a: true, b: true, c: true, d: true, e: false}  # 指南第 5 章 a–e，请核实",
    ]
    if third:
        lines.append("application_conditions: {a: true, b: true, c: true, d: true, e: true, f: true}  # 指南 8.3.2 a–f，请核实")
    lines += [
        "dates:",
        f"  started: {n.today.isoformat()}",
    ]
    if third:  # 8.3.2 b is checked against this date, so it is written when the application is made
        lines.append("  # applied: YYYY-MM-DD  # 提交申请的日期；须有申请日前至少 6 个月的运行证据（指南 8.3.2 b）")
    lines += [
        "places: [待填写评估地点]",
        "improvement_actions: []",
    ]
    return "\n".join(lines) + "\n"


def register_text(name: str) -> str:
    """An empty evidence register of the organisation ``name`` (shown on one line: it is a comment)."""
    return f"# yaml-language-server: $schema={SCHEMA_BASE}/evidence.schema.json\n# 证据登记：{shown(name)}\nitems: []\n"


def create(root: Path, model: Model, n: NewAssessment, assessments_dir: str = "assessments", evidence_dir: str = "evidence") -> list[Path]:
    """Write the folder; refuse to touch anything that exists."""
    folder = root / assessments_dir / n.id
    if folder.exists():
        raise FileExistsError(folder)
    written = []
    write_atomic(folder / "assessment.yml", record_text(n, model))
    written.append(folder / "assessment.yml")
    write_atomic(folder / "scores.yml", scores_text(model, n.level, {}))
    written.append(folder / "scores.yml")
    register = root / evidence_dir / n.organisation_id / "register.yml"
    if not register.exists():
        write_atomic(register, register_text(n.name))
        written.append(register)
    return written
