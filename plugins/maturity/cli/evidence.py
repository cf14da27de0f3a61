"""``maturity evidence add``: register one evidence item (the work is in :mod:`maturity.exchange.evidence_add`)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from maturity import i18n
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, display_path, find_root, settings_of


def cmd_evidence_add(args) -> int:
    from maturity.exchange import evidence_add

    settings = settings_of(args, find_root(Path(args.root)))
    req = evidence_add.Request(
        organisation=args.organisation, confidentiality=args.confidentiality, record_date=args.record_date,
        collected=args.collected or dt.date.today(), file=Path(args.file) if args.file is not None else None,
        url=args.url, method=args.method, title=args.title, id=args.id, private=args.private)
    try:
        plan = evidence_add.plan(settings, req, display_path)
        evidence_add.apply(plan)
    except evidence_add.Refused as exc:
        for p in exc.problems:
            print(f"maturity evidence add: {p}", file=sys.stderr)
        print(i18n.t("writers.nothing_written"), file=sys.stderr)
        return EXIT_USAGE if exc.usage else EXIT_INVALID
    for note in plan.notes:
        print(note, file=sys.stderr)
    if plan.copy_to is not None:
        print(i18n.t("writers.evidence.copied", source=str(plan.copy_from), file=display_path(plan.copy_to)))
    if plan.created:
        print(i18n.t("writers.evidence.created", register=display_path(plan.register)))
    where = plan.item.get("file") or plan.item.get("url")
    print(i18n.t("writers.evidence.added", id=plan.id, register=display_path(plan.register), where=where))
    print(f"{plan.id} sha256:{plan.sha256}" if plan.sha256 else f"{plan.id} {i18n.t('writers.evidence.no_sha256')}")
    return EXIT_OK
