"""``maturity announce``: record the announcement (公示) of an assessment (the work is in :mod:`maturity.exchange.announce`)."""

from __future__ import annotations

import sys
from pathlib import Path

from maturity import i18n
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, display_path, load_folder


def cmd_announce(args) -> int:
    from maturity.exchange import announce

    repo = load_folder(args, Path(args.path))
    if repo is None:
        return EXIT_USAGE
    if repo.model is None or not repo.assessments:
        for d in repo.errors:
            print(d, file=sys.stderr)
        print(i18n.t("writers.nothing_written"), file=sys.stderr)
        return EXIT_INVALID
    a = repo.assessments[0]
    try:
        plan = announce.plan(repo, a, args.start, args.days, args.level)
        if plan.text is not None:
            from maturity.data.files import write_atomic
            write_atomic(plan.path, plan.text)
    except announce.Refused as exc:
        for p in exc.problems:
            print(f"maturity announce: {p}", file=sys.stderr)
        print(i18n.t("writers.nothing_written"), file=sys.stderr)
        return EXIT_USAGE if exc.usage else EXIT_INVALID
    if plan.unknown_years:
        years = "、".join(str(y) for y in plan.unknown_years)
        print(f"{i18n.t('severity.warning')}：{i18n.t('diagnostics.MAT612.message', years=years)}", file=sys.stderr)
    key = "writers.announce.written" if plan.text is not None else "writers.announce.unchanged"
    print(i18n.t(key, file=display_path(plan.path)))
    print(i18n.t("writers.announce.period", start=plan.start, last_day=plan.last_day, days=plan.days,
                 level=(a.model or repo.model).level_name(plan.level)))
    return EXIT_OK
