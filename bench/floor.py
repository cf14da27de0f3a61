"""The floor: a plain MkDocs site with N one-line pages and the same theme.

Usage: python bench/floor.py N OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path


def write_site(n: int, out: Path) -> None:
    docs = out / "docs" / "pages"
    docs.mkdir(parents=True, exist_ok=True)
    (out / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    for i in range(n):
        (docs / f"p{i:05d}.md").write_text(f"# 页面 {i}\n\n示例机构 {i} 的一行内容。\n", encoding="utf-8")
    # Same theme and search; the pages are kept out of the navigation, as the project's report pages are.
    (out / "mkdocs.yml").write_text(
        "site_name: 基线\ntheme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search\nnav:\n  - index.md\nnot_in_nav: |\n  /pages/\n", encoding="utf-8")


if __name__ == "__main__":
    write_site(int(sys.argv[1]), Path(sys.argv[2]))
