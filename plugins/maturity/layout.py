"""The canonical text of data files: stable order, one requirement per line."""

from __future__ import annotations

import yaml

SCHEMA_BASE = "../../plugins/maturity/schemas"


def scalar(value) -> str:
    """One YAML scalar or flow collection, quoted only when YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def score_line(rid: str, score, evidence=(), note: str = "") -> str:
    parts = [f"score: {scalar(score)}"]
    if evidence:
        parts.append(f"evidence: [{', '.join(scalar(e) for e in evidence)}]")
    if note:
        parts.append(f"note: {scalar(note)}")
    return f"{rid}: {{{', '.join(parts)}}}"


def scores_text(model, level: int, blocks: dict, schema_base: str = SCHEMA_BASE) -> str:
    """scores.yml for ``level``: every assessment domain in model order, every requirement on its line.

    ``blocks`` maps a domain code to {"achievements", "gaps", "recommendations", "requirements":
    {rid: (score, evidence, note)}}; requirements missing from it are written as 不满足 (not met).
    """
    out = [f"# yaml-language-server: $schema={schema_base}/scores.schema.json",
           f"# 评分表：{model.level_name(level)}的全部要求，每行一条。得分可写 1 / 0.8 / 0.5 / 0 或 全部满足 / 大部分满足 / 部分满足 / 不满足。"]
    for ad in model.assessment_domains_at(level):
        block = blocks.get(ad.code, {})
        out.append(f"{ad.code}:  # {ad.name}")
        for key in ("achievements", "gaps", "recommendations"):
            if block.get(key):
                out.append(f"  {key}: {scalar(block[key])}")
        out.append("  requirements:")
        for r in ad.requirements_at(level):
            score, evidence, note = block.get("requirements", {}).get(r.id, ("不满足", (), ""))
            out.append("    " + score_line(r.id, score, evidence, note))
    return "\n".join(out) + "\n"
