"""Words of the standard: one glossary, and none of the variants it rules out, in what users read.

What is checked: the page templates, the theme overrides, the message catalogues, the command line's help and
messages, the README and the documentation. The glossary itself (the data file and its page) names the
variants, so it is left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "plugins" / "maturity"
GLOSSARY = yaml.safe_load((PACKAGE / "i18n" / "glossary.yml").read_text(encoding="utf-8"))["terms"]


def user_facing_files() -> list[Path]:
    files = [*PACKAGE.glob("publish/templates/*.html"), *PACKAGE.glob("publish/overrides/**/*.html"),
             PACKAGE / "i18n" / "zh.yml", *PACKAGE.glob("cli/*.py"), PACKAGE / "exchange" / "sheet.py",
             PROJECT / "README.md", *PROJECT.glob("docs/**/*.md")]
    return [f for f in files if f.name != "glossary.md"]


@pytest.mark.parametrize("term", GLOSSARY, ids=[t["term"] for t in GLOSSARY])
def test_no_ruled_out_variant(term):
    found = []
    for path in user_facing_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            for pattern in term["avoid"]:
                for m in re.finditer(pattern, line):
                    found.append(f"{path.relative_to(PROJECT)}:{n}: “{m.group()}” in {line.strip()[:80]}")
    assert not found, f"use “{term['term']}” ({term['why']}):\n" + "\n".join(found)


def test_the_glossary_page_lists_every_term():
    page = (PROJECT / "docs" / "guide" / "glossary.md").read_text(encoding="utf-8")
    for term in GLOSSARY:
        assert term["term"] in page, term["term"]
    assert "能力项" in page, "the mapping to the guide's 能力项 is said once, here"


def test_each_rule_catches_what_it_is_for():
    """The patterns are not vacuous: each ruled-out variant is found in a sentence that uses it."""
    samples = ["证据密级", "新建评估目录", "证书已过期", "要求未评分", "各能力项", "能力子域", "专家组审核", "证书摘要",
               "3 星证书", "三级证书"]
    for term in GLOSSARY:
        for pattern in term["avoid"]:
            assert any(re.search(pattern, text) for text in samples), pattern
    allowed = ["年度监督审核", "申请材料审核", "数据摘要", "星期一", "星级", "尚未评分", "三级指标"]
    for text in allowed:
        assert not any(re.search(p, text) for t in GLOSSARY for p in t["avoid"]), text
