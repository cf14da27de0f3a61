"""Options of the ``maturity`` plugin in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MaturityConfig(base.Config):
    enabled = c.Type(bool, default=True)
    # The model file; empty means the built-in T/ZXGJXH 002—2023 model.
    model = c.Optional(c.Type(str))
    # Folders, relative to mkdocs.yml.
    assessments_dir = c.Type(str, default="assessments")
    evidence_dir = c.Type(str, default="evidence")
    templates_dir = c.Type(str, default="templates")
    # Largest data file read, in bytes.
    max_file_size = c.Type(int, default=2 * 1024 * 1024)
    # The date certificate status is computed for: YYYY-MM-DD; empty means SOURCE_DATE_EPOCH, else today.
    build_date = c.Optional(c.Type(str))
    # Show each report's git history (date, author, subject, A before → after) and the commit built from.
    history = c.Type(bool, default=True)
    # Placeholder in hand-written pages replaced by the overview (counts by level, region, category).
    overview_marker = c.Type(str, default="<!-- maturity:overview -->")
