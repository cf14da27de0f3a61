"""The canonical text of data files: stable order, one requirement per line."""

from __future__ import annotations

import yaml

from maturity.data.yamlfile import DateText

SCHEMA_BASE = "../../plugins/maturity/schemas"


def scalar(value, flow: bool = False) -> str:
    """One YAML scalar or flow collection on one line, quoted only when YAML needs it.

    ``flow``: the scalar stands inside ``{…}`` or ``[…]``, where a comma, a question mark or a bracket ends an
    unquoted text, and a colon may not begin one.
    """
    if isinstance(value, DateText):
        return str(value)  # a date written unquoted stays unquoted
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30, sort_keys=False)
    text = text.removesuffix("\n").removesuffix("\n...").strip(" \n")  # YAML's own spaces only: U+3000 and the like are text
    if isinstance(value, str) and any(c in value for c in "\n\r\x85\u2028\u2029"):
        # A line break (e.g. Alt+Enter in a spreadsheet cell) would spread the scalar over several lines;
        # double quotes write it as an escape and keep one record per line.
        text = yaml.safe_dump(value, allow_unicode=True, default_style='"', width=1 << 30).removesuffix("\n")
    elif flow and isinstance(value, str) and text[:1] not in "'\"" and (text[:1] == ":" or any(c in text for c in ",?[]{}")):
        # Inside {…} or […] these end an unquoted text (or may not begin it): written as the item of a list,
        # PyYAML quotes it as a flow collection needs ("a, b" → 'a, b').
        text = yaml.safe_dump([value], allow_unicode=True, default_flow_style=True, width=1 << 30)
        text = text.removesuffix("\n")[1:-1]
    return text


def score_line(rid: str, score, evidence=(), note: str = "", internal_note: str = "") -> str:
    parts = [f"score: {scalar(score, flow=True)}"]
    if evidence:
        parts.append(f"evidence: [{', '.join(scalar(e, flow=True) for e in evidence)}]")
    if note:
        parts.append(f"note: {scalar(note, flow=True)}")
    if internal_note:
        parts.append(f"internal_note: {scalar(internal_note, flow=True)}")
    return f"{rid}: {{{', '.join(parts)}}}"


def scores_text(model, level: int, blocks: dict, schema_base: str = SCHEMA_BASE) -> str:
    """scores.yml for ``level``: every assessment domain in model order, every requirement on its line.

    ``blocks`` maps a domain code to {"achievements", "gaps", "recommendations", "requirements":
    {rid: (score, evidence, note)}}; requirements missing from it are written unscored (``score: null``,
    待评分) — never as 不满足, which is a score of 0.
    """
    values = " / ".join(format(float(s.value), "g") for s in model.scale)  # the model's own scale
    labels = " / ".join(s.label for s in model.scale)
    out = [f"# yaml-language-server: $schema={schema_base}/scores.schema.json",
           f"# 评分表：{model.level_name(level)}的全部要求，每行一条。得分可写 {values} 或 {labels}；"
           "null 表示待评分（不是 0 分）。"]
    for ad in model.assessment_domains_at(level):
        block = blocks.get(ad.code, {})
        out.append(f"{ad.code}:  # {ad.name}")
        for key in ("achievements", "gaps", "recommendations"):
            if block.get(key):
                out.append(f"  {key}: {scalar(block[key])}")
        out.append("  requirements:")
        for r in ad.requirements_at(level):
            score, evidence, note = block.get("requirements", {}).get(r.id, (None, (), ""))
            out.append("    " + score_line(r.id, score, evidence, note))
    return "\n".join(out) + "\n"
