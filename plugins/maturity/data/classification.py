"""The three-level classification of service institutions (003), as data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    description: str
    depth: int
    parent: str | None


@cache
def categories() -> dict[str, Category]:
    text = resources.files("maturity").joinpath("models", "classification-003.yml").read_text(encoding="utf-8")
    out: dict[str, Category] = {}
    stack = [(node, 1, None) for node in reversed(yaml.safe_load(text)["categories"])]
    while stack:
        node, depth, parent = stack.pop()
        out[node["code"]] = Category(node["code"], node["name"], node.get("description", ""), depth, parent)
        for child in reversed(node.get("children", [])):
            stack.append((child, depth + 1, node["code"]))
    return out


def path_names(code: str) -> list[str]:
    """Names from the top level down to ``code``, e.g. [专业类服务机构, 投融资服务机构, 银行]."""
    cats = categories()
    names = []
    while code:
        cat = cats[code]
        names.append(cat.name)
        code = cat.parent
    return list(reversed(names))
