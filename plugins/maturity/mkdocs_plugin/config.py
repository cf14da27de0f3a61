"""Options of the ``maturity`` plugin in ``mkdocs.yml``.

The same options, with the same defaults, are read by every ``maturity`` command through
:mod:`maturity.settings` (a test keeps the two in step); MkDocs checks their types here, and
:func:`maturity.settings.from_options` checks everything else for both.
"""

from __future__ import annotations

import datetime as dt

from mkdocs.config import base
from mkdocs.config import config_options as c

from maturity.settings import NAME_POLICIES, PageSettings, PublicationSettings

_P = PublicationSettings()
_G = PageSettings()


class MaturityConfig(base.Config):
    enabled = c.Type(bool, default=True)
    # The model file, relative to mkdocs.yml; empty means the built-in T/ZXGJXH 002—2023 model.
    model = c.Optional(c.Type(str))
    # More model files the site uses (other schemes, other versions), relative to mkdocs.yml.
    models = c.ListOfItems(c.Type(str), default=[])
    # Folders, relative to mkdocs.yml.
    assessments_dir = c.Type(str, default="assessments")
    evidence_dir = c.Type(str, default="evidence")
    # Evidence kept out of git (storage: private), e.g. !ENV MATURITY_PRIVATE_EVIDENCE; relative to mkdocs.yml.
    private_evidence_dir = c.Optional(c.Type(str))
    templates_dir = c.Type(str, default="templates")
    # The authority's register of assessors (guide 6.3 c), relative to mkdocs.yml; no such file: no register.
    assessors = c.Type(str, default="assessors.yml")
    # Largest data file read, in bytes.
    max_file_size = c.Type(int, default=2 * 1024 * 1024)
    # The date certificate status is computed for: YYYY-MM-DD; empty means SOURCE_DATE_EPOCH, else today.
    # (YAML reads an unquoted 2026-11-21 as a date, a quoted one as text: both are accepted.)
    build_date = c.Optional(c.Type((str, dt.date)))
    # Show each report's git history (date, author, subject, A before → after) and the commit built from.
    history = c.Type(bool, default=True)
    # Placeholder in hand-written pages replaced by the overview (counts by level, region, category).
    overview_marker = c.Type(str, default="<!-- maturity:overview -->")
    # Every HTML page carries a Content-Security-Policy meta tag: only the site's own scripts and styles run.
    csp = c.Type(bool, default=True)
    # The build cache in .cache/maturity/ (checked data, verdicts, git history, rendered pages; safe to delete).
    cache = c.Type(bool, default=True)
    # Processes that parse and check data files in a cold build: 0 as many as cores, 1 the main process only.
    jobs = c.Type(int, default=0)
    # Who indexes the generated pages: the theme's search (material) or Pagefind with a search page (pagefind).
    search = c.Choice(("material", "pagefind"), default="material")
    # An English edition of every generated page under en/ (the JSON, feed and badges stay single).
    english = c.Type(bool, default=False)
    # The authority's publication settings (see docs/guide/authority.md).
    announcement_days = c.Type(int, default=_P.announcement_days)
    objection_contact = c.Type(str, default=_P.objection_contact)
    certificate_number = c.Type(str, default=_P.certificate_number)
    validity_years = c.Type(int, default=_P.validity_years)
    surveillance_months = c.Type(int, default=_P.surveillance_months)
    # The public pages (see docs/guide/authority.md).
    authority_name = c.Type(str, default=_G.authority_name)
    authority_contact = c.Type(str, default=_G.authority_contact)
    in_progress = c.Choice(("show", "hide"), default=_G.in_progress)
    participant_names = c.Choice(NAME_POLICIES, default=_G.participant_names)
    team_names = c.Choice(NAME_POLICIES, default=_G.team_names)
    icp_number = c.Type(str, default=_G.icp_number)
    police_number = c.Type(str, default=_G.police_number)
    # Rows per page of the assessments list and of each section's list of the certificates (page/2/ and on).
    list_page_size = c.Type(int, default=_G.list_page_size)
    holidays = c.ListOfItems(c.Type((str, dt.date)), default=[])  # extra days off, YYYY-MM-DD, for years the calendar does not know
    workdays = c.ListOfItems(c.Type((str, dt.date)), default=[])  # extra working weekend days (调休)
