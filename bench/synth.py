"""Synthetic assessment data, deterministic from a seed: the demo data and the benchmark's data.

Usage: python bench/synth.py OUT_DIR --count N [--seed S]   (writes OUT_DIR/assessments and OUT_DIR/evidence)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
from fractions import Fraction

import yaml
from dataclasses import dataclass, field
from pathlib import Path

from maturity.exchange.layout import scalar, scores_text
from maturity.data.model import Model, load_model
from maturity.data.uscc import CHARSET, check_character

METHODS = ["document_review", "interview", "observation", "site_tour", "system_demo"]
REGIONS = ["北京市", "上海市", "广东省深圳市", "浙江省杭州市", "江苏省苏州市", "四川省成都市", "湖北省武汉市", "福建省厦门市"]
CATEGORIES = ["specialised.management.strategy", "specialised.incubation.startup", "specialised.digital.applications",
              "specialised.finance.guarantee", "specialised.info-policy.policy-research", "platform.trading.b2b",
              "comprehensive.general.general"]
SCORES = [1, 0.8, 0.5, 0]


def credit_code(rng: random.Random, prefix: str = "91") -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(CHARSET) for _ in range(9))
    return body + check_character(body)


@dataclass
class Spec:
    id: str
    org_id: str
    name: str
    region: str
    category: str
    kind: str
    level: int
    target: float  # rough A aimed at, at the applied level
    applied: dt.date
    stage: str
    credit_code: str = ""
    publication: dict | None = None
    review_failed: bool = False
    level_targets: dict = field(default_factory=dict)  # target by the level a requirement is introduced at


def _evidence(rng: random.Random, root: Path, spec: Spec, count: int) -> list[dict]:
    """Add ``count`` items for this assessment to the organisation's register (shared by its assessments)."""
    folder = root / "evidence" / spec.org_id
    (folder / "files").mkdir(parents=True, exist_ok=True)
    register = folder / "register.yml"
    earlier = yaml.safe_load(register.read_text(encoding="utf-8"))["items"] if register.exists() else []
    titles = ["服务目录及服务产品说明", "年度服务工作计划", "客户需求登记台账", "服务合同台账", "客户满意度调查报告",
              "服务质量检查记录", "信息安全管理制度", "应急预案及演练记录", "知识库目录", "管理评审会议纪要",
              "员工培训记录", "供应商评价记录", "项目管理台账", "服务变更记录", "投诉处理记录", "改进措施跟踪表"]
    items = []
    for i in range(len(earlier), len(earlier) + count):
        title = titles[i % len(titles)] + (f"（{i // len(titles) + 1}）" if i >= len(titles) else "")
        cls = "public" if i % 4 == 0 else ("confidential" if i % 7 == 3 else "restricted")
        n = i - len(earlier)
        record = spec.applied - dt.timedelta(days=200 + rng.randrange(0, 400)) if n < 3 else spec.applied - dt.timedelta(days=rng.randrange(10, 400))
        eid = f"E{i + 1:03d}"
        item = {"id": eid, "title": title, "method": METHODS[i % len(METHODS)], "record_date": record,
                "collected": spec.applied + dt.timedelta(days=rng.randrange(20, 40)), "class": cls}
        if i % 9 == 8:
            item["url"] = f"https://www.example.com/{spec.org_id}/{eid.lower()}.html"
        else:
            name = f"files/{eid}.md"
            body = f"# {title}\n\n{spec.name} {title}（示例证据，虚构内容）。\n\n记录日期：{record}\n"
            (folder / name).write_text(body, encoding="utf-8")
            item["file"] = name
            item["sha256"] = hashlib.sha256(body.encode()).hexdigest()
        items.append(item)
    lines = ["# yaml-language-server: $schema=../../plugins/maturity/schemas/evidence.schema.json",
             f"# 证据登记：{spec.name}（示例数据，虚构）", f"organisation: {scalar(spec.name)}", "items:"]
    for it in earlier + items:
        lines.append(f"  - id: {it['id']}")
        for k in ("title", "method", "record_date", "collected", "file", "url", "sha256", "class"):
            if k in it:
                lines.append(f"    {k}: {scalar(it[k])}")
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return items


def _scores(rng: random.Random, model: Model, spec: Spec, evidence: list[dict]) -> dict:
    blocks = {}
    weights = {1: 0.0, 0.8: 0.0, 0.5: 0.0, 0: 0.0}
    t = spec.target
    # A mix whose mean is near the target: mostly 1 and 0.8, some 0.5, rare 0.
    hi = max(0.0, min(1.0, (t - 0.6) / 0.4))
    weights = [hi * 0.6, 0.3 + hi * 0.1, 0.35 * (1 - hi) + 0.05, 0.25 * (1 - hi)]
    ids = [e["id"] for e in evidence]
    drawn = {r.id: rng.choices(SCORES, weights)[0] for r in model.requirements_at(spec.level)}
    for intro in range(1, spec.level + 1):
        group = [r.id for r in model.requirements_at(spec.level) if min(r.levels) == intro]
        _steer(rng, drawn, group, spec.level_targets.get(intro, t))
    _consistent(rng, model, spec.level, drawn)
    for ad in model.assessment_domains_at(spec.level):
        reqs = {}
        for r in ad.requirements_at(spec.level):
            s = drawn[r.id]
            refs = tuple(sorted(rng.sample(ids, k=min(len(ids), rng.randint(1, 3))))) if s else ()
            note = {1: "证据充分，制度与记录一致。", 0.8: "基本落实，个别记录不完整。", 0.5: "已有制度，执行记录不足。", 0: "未提供相关证据。"}[s]
            reqs[r.id] = (s, refs, note)
        blocks[ad.code] = {
            "achievements": f"{ad.name}方面已建立相应制度并按要求运行。",
            "gaps": f"{ad.name}的量化分析和记录完整性仍有不足。",
            "recommendations": f"完善{ad.name}的记录与定期评审，纳入年度改进计划。",
            "requirements": reqs,
        }
    return blocks


def _steer(rng: random.Random, drawn: dict, group: list[str], target: float) -> None:
    """Move single scores one step up or down until the group's mean is within 0.02 of the target."""
    for _ in range(10 * len(group)):
        mean = sum(drawn[r] for r in group) / len(group) if group else target
        if abs(mean - target) <= 0.02:
            return
        up = mean < target
        candidates = [r for r in group if (drawn[r] != 1 if up else drawn[r] != 0)]
        if not candidates:
            return
        r = rng.choice(candidates)
        i = SCORES.index(drawn[r])
        drawn[r] = SCORES[i - 1] if up else SCORES[i + 1]


def _consistent(rng: random.Random, model: Model, level: int, drawn: dict) -> None:
    """No lower level failing while a higher one passes (that is a MAT500 warning, which fails `maturity check`):
    lift single scores of the lowest such level one step until none is left."""
    threshold = Fraction(str(model.threshold))
    ids = {k: [r.id for r in model.requirements_at(k)] for k in range(1, level + 1)}
    for _ in range(3 * len(drawn)):
        passes = {k: sum(Fraction(str(drawn[r])) for r in rs) >= threshold * len(rs) for k, rs in ids.items() if rs}
        bad = [k for k, ok in passes.items() if not ok and any(passes[h] for h in passes if h > k)]
        if not bad:
            return
        candidates = [r for r in ids[min(bad)] if drawn[r] != 1]
        r = rng.choice(candidates)
        drawn[r] = SCORES[SCORES.index(drawn[r]) - 1]


def write_assessment(root: Path, model: Model, spec: Spec, seed: int, evidence_count: int = 16) -> None:
    rng = random.Random(f"{seed}:{spec.id}")
    spec.credit_code = spec.credit_code or credit_code(rng)
    evidence = _evidence(rng, root, spec, evidence_count)
    folder = root / "assessments" / spec.id
    folder.mkdir(parents=True, exist_ok=True)
    blocks = _scores(rng, model, spec, evidence)
    (folder / "scores.yml").write_text(scores_text(model, spec.level, blocks), encoding="utf-8")
    (folder / "assessment.yml").write_text(_record(spec), encoding="utf-8")
    if spec.publication:
        (folder / "publication.yml").write_text(_publication(spec.publication), encoding="utf-8")
        seal(root, model, spec)


def _record(s: Spec) -> str:
    third = s.kind == "third_party"
    a = s.applied
    d = lambda days: (a + dt.timedelta(days=days)).isoformat()
    lines = [
        "# yaml-language-server: $schema=../../plugins/maturity/schemas/assessment.schema.json",
        "# 示例数据：机构与人员均为虚构。",
        f"id: {s.id}",
        "organisation:",
        f"  id: {s.org_id}", f"  name: {s.name}", f"  credit_code: {scalar(s.credit_code)}",
        f"  region: {s.region}", f"  category: {s.category}", f"  address: {s.region}示例路 {len(s.name)} 号",
        f"kind: {s.kind}", f"applied_level: {s.level}", f"stage: {s.stage}",
        f"body: {'示例第三方评估中心' if third else s.name + '自评估团队'}",
        f"objectives: 评价{s.name}的通用服务能力是否达到{'一二三四五'[s.level - 1]}星级要求，识别改进机会。",
        "scope:", f"  organisation: {s.name}（总部）",
        "  functions: [服务战略管理, 服务产品设计, 服务交付与运营, 质量与持续改进]",
        "  processes: [需求受理, 服务交付, 投诉处理, 内部审核]",
        "criteria: [T/ZXGJXH 002—2023 中小企业服务 服务机构 通用能力成熟度模型, 中小企业服务 服务机构 通用能力成熟度评估指南]",
        "team:",
    ]
    if third:
        lines += ["  - {name: 王评审, role: leader, organisation: 示例第三方评估中心, qualification: 高级评估师}",
                  "  - {name: 李评估, role: member, organisation: 示例第三方评估中心, qualification: 评估师}",
                  "  - {name: 赵专家, role: expert, organisation: 示例大学经济管理学院, qualification: 教授}"]
    else:
        lines += [f"  - {{name: 陈主管, role: leader, organisation: {s.name}, qualification: 分管中小企业服务的副总经理}}",
                  f"  - {{name: 周质量, role: member, organisation: {s.name}, qualification: 质量主管}}"]
    lines += ["organisation_participants:", "  - {name: 刘总, position: 总经理}", "  - {name: 孙经理, position: 服务运营部经理}",
              "eligibility: {a: true, b: true, c: true, d: true, e: true}"]
    if third:
        lines.append("application_conditions: {a: true, b: true, c: true, d: true, e: true, f: true}")
    lines.append("dates:")
    if third:
        lines += [f"  applied: {a.isoformat()}", f"  accepted: {d(5)}"]
        if s.stage in ("planned", "on_site", "reported", "submitted"):
            lines += [f"  plan_confirmed: {d(15)}", f"  on_site_start: {d(25)}", f"  on_site_end: {d(27)}"]
        if s.stage in ("reported", "submitted"):
            lines.append(f"  report: {d(40)}")
        if s.stage == "submitted":
            lines.append(f"  submitted: {d(45)}")
    else:
        lines += [f"  started: {a.isoformat()}", f"  report: {d(30)}"]
    lines += [f"places: [{s.region}示例路 {len(s.name)} 号]"]
    if third:
        lines.append("document_reviews:")
        if s.review_failed:
            lines.append(f"  - {{round: 1, date: {d(10)}, conclusion: 不符合要求, notes: 运行证据不完整，需补充服务质量和改进记录。}}")
        else:
            lines.append(f"  - {{round: 1, date: {d(10)}, conclusion: 符合要求}}")
        if s.stage in ("planned", "on_site", "reported", "submitted"):
            lines += ["plan:", "  purpose: 确定被评估方通用能力成熟度等级", f"  scope: {s.name}全部中小企业服务业务",
                      "  tasks: [文件审查, 现场访谈, 记录抽查, 系统演示]", f"  schedule: {d(25)} 至 {d(27)}，共 3 天",
                      "  methods: [访谈, 观察, 现场巡视, 文件与记录评审, 信息系统演示]", "  premises: 被评估方会议室一间、投影设备",
                      "  confirmed: true", f"  confirmed_date: {d(15)}",
                      "meetings:", f"  - {{kind: opening, date: {d(25)}, place: 被评估方会议室, chair: 王评审}}"]
            if s.stage in ("reported", "submitted"):
                lines.append(f"  - {{kind: closing, date: {d(27)}, place: 被评估方会议室, chair: 王评审}}")
    else:
        lines += ["meetings:", f"  - {{kind: launch, date: {a.isoformat()}, place: 公司会议室, chair: 陈主管}}"]
    if s.stage in ("reported", "submitted", "completed"):
        lines += ["conclusion:", "  summary: 被评估方建立了较完整的中小企业服务管理体系，主要过程有记录可查。",
                  "  suggestions: [加强服务数据的量化分析, 完善知识管理与经验复用机制]",
                  "adherence: 评估组依据评估准则开展全部评估活动，未发现偏离评估准则的情况。",
                  "disagreements: []" if s.level % 2 else "disagreements:\n  - {topic: 服务承载能力的证据范围, team_view: 应包含近一年的容量监测数据, organisation_view: 季度报告已足以说明, status: 未解决，已记录}",
                  "improvement_actions:",
                  f"  - {{action: 建立服务指标月度分析报告制度, owner: 孙经理, deadline: {d(120)}, domain: CI-MA, status: open}}",
                  f"  - {{action: 补充应急演练记录并每半年演练一次, owner: 周质量, deadline: {d(180)}, domain: SD-SCO, status: in_progress}}"]
    lines.append("internal_notes: 评估组内部备注，不对外发布。")
    return "\n".join(lines) + "\n"


def _publication(p: dict) -> str:
    lines = ["# yaml-language-server: $schema=../../plugins/maturity/schemas/publication.schema.json",
             "# 评估管理机构的复核确认、公示与发证（指南 8.4）。"]
    r = p["review"]
    lines += ["review:", f"  date: {r['date']}", f"  decision: {r['decision']}", f"  members: [{', '.join(r['members'])}]"]
    if r.get("reasons"):
        lines.append(f"  reasons: {r['reasons']}")
    if p.get("announcement"):
        a = p["announcement"]
        lines += ["announcement:", f"  start: {a['start']}", f"  level: {a['level']}"]
        if a.get("objections"):
            lines.append("  objections:")
            lines += [f"    - {{{', '.join(f'{k}: {scalar(_dated(v))}' for k, v in o.items())}}}" for o in a["objections"]]
    if p.get("certificate"):
        c = p["certificate"]
        lines += ["certificate:", f"  number: {c['number']}", f"  level: {c['level']}", f"  issued: {c['issued']}",
                  f"  valid_until: {c['valid_until']}", "  digest: sha256:" + "0" * 64]
        if c.get("events"):
            lines.append("  events:")
            lines += [f"    - {{{', '.join(f'{k}: {scalar(_dated(v))}' for k, v in e.items())}}}" for e in c["events"]]
    return "\n".join(lines) + "\n"


def _dated(value):
    """An ISO date string as a date, so that it is written unquoted like every other date."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else value
    except ValueError:
        return value


def seal(root: Path, model: Model, spec: Spec) -> None:
    """Record the digest of the data as issued (what the authority does with maturity digest)."""
    from maturity.exchange import digest
    from maturity.repository import load_repository
    folder = root / "assessments" / spec.id
    pub = folder / "publication.yml"
    if not pub.exists() or "sha256:" + "0" * 64 not in pub.read_text(encoding="utf-8"):
        return
    repo = load_repository(root, model=model, only=[folder], sealed_history=False)
    a = repo.assessments[0]
    value = digest.digest(a, repo.registers.get(a.organisation["id"]), model.id)
    pub.write_text(pub.read_text(encoding="utf-8").replace("sha256:" + "0" * 64, value), encoding="utf-8")


def bulk_specs(n: int, seed: int) -> list[Spec]:
    rng = random.Random(seed)
    specs = []
    for i in range(n):
        level = i % 5 + 1
        specs.append(Spec(f"bench-{i:05d}", f"bench-org-{i:05d}", f"示例服务机构{i:05d}有限公司", rng.choice(REGIONS),
                          rng.choice(CATEGORIES), "third_party", level, rng.uniform(0.7, 0.97),
                          dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(0, 200)), "reported"))
    return specs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model, _ = load_model()
    for spec in bulk_specs(args.count, args.seed):
        write_assessment(args.out, model, spec, args.seed)


if __name__ == "__main__":
    main()
