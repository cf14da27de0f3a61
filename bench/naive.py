"""The naive approach the benchmark compares against: report content written as Markdown pages.

A generator script renders every assessment's report — tables included — as a Markdown file,
and MkDocs builds them with its default navigation (every page in it), as a user would do
without this project. Usage: python bench/naive.py DATA_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from maturity.repository import load_repository
from maturity.scoring import display


def write_site(data: Path, out: Path) -> None:
    repo = load_repository(data, sealed_history=False)
    model = repo.model
    docs = out / "docs"
    (docs / "assessments").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# 评估结果\n", encoding="utf-8")
    for a in repo.assessments:
        r = repo.results.get(a.id)
        if r is None or r.applied is None:
            continue
        lines = [f"# {a.organisation['name']} {model.level_name(a.applied_level)}评估报告", "",
                 f"统一社会信用代码：{a.organisation['credit_code']}", "",
                 f"A = {display(r.applied.score)}，{'符合' if r.conforms else '不符合'}，推荐等级 {model.level_name(r.recommended_level)}", ""]
        for cd in model.capability_domains:
            if cd.code not in r.applied.domains:
                continue
            lines += [f"## {cd.name} B = {display(r.applied.domains[cd.code])}", ""]
            for ad in cd.assessment_domains:
                if ad.code not in r.applied.assessment_domains:
                    continue
                f = a.findings.get(ad.code)
                lines += [f"### {ad.name} C = {display(r.applied.assessment_domains[ad.code])}", ""]
                if f:
                    lines += [f"**当前成就：** {'；'.join(f.achievements)}", "", f"**现有不足：** {'；'.join(f.gaps)}", "",
                              f"**改进建议：** {'；'.join(f.recommendations)}", ""]
                lines += ["| 要求 | 内容 | 得分 | 证据 | 说明 |", "|---|---|---|---|---|"]
                for req in ad.requirements_at(a.applied_level):
                    s = a.scores[req.id]
                    lines.append(f"| {req.id} | {req.text} | {display(s.value, 1)} {model.scale_label(s.value)} | {' '.join(s.evidence)} | {s.note} |")
                lines.append("")
        (docs / "assessments" / f"{a.id}.md").write_text("\n".join(lines), encoding="utf-8")
    (out / "mkdocs.yml").write_text(
        "site_name: 评估结果（朴素方式）\ntheme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search\nmarkdown_extensions:\n  - tables\n", encoding="utf-8")


if __name__ == "__main__":
    write_site(Path(sys.argv[1]), Path(sys.argv[2]))
