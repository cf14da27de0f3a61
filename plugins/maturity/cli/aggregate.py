"""``maturity aggregate``: several authorities' published certificate registers as one listing.

The work is :mod:`maturity.exchange.aggregate`; this module reads the options, reports every source
left out and every certificate number found in more than one source, and writes the folder.
Exit 0: every source combined, no number twice; 1: the folder was written but a source was left out or
a number is in more than one source (or no source could be read: nothing is written); 2: the
configuration or the options cannot be used, or the folder cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from maturity import i18n
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE


def cmd_aggregate(args) -> int:
    from maturity.exchange import aggregate as federation

    try:
        config = federation.load_config(Path(args.config))
    except federation.ConfigError as exc:
        for problem in exc.problems:
            print(f"maturity aggregate: {problem}", file=sys.stderr)
        return EXIT_USAGE
    result = federation.aggregate(config, max_bytes=int(args.max_size * 1024 * 1024), timeout=args.timeout)
    for problem in result.problems():
        print(f"maturity aggregate: {problem}", file=sys.stderr)
    if not any(r.ok for r in result.results):
        print(f"maturity aggregate: {i18n.t('aggregate.nothing_read')}", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.out)
    try:
        federation.write(result, out, page_size=args.page_size)
    except OSError as exc:
        print(f"maturity aggregate: {i18n.t('aggregate.cannot_write', file=str(exc.filename or out), error=exc.strerror or str(exc))}",
              file=sys.stderr)
        return EXIT_USAGE
    pages = max(1, -(-len(result.certificates) // args.page_size))
    print(i18n.t("aggregate.written", dir=str(out), sources=sum(r.ok for r in result.results),
                 certificates=len(result.certificates), announcements=len(result.announcements), pages=pages,
                 failed=len(result.failed), duplicates=len(result.duplicates)))
    return EXIT_INVALID if result.failed or result.duplicates else EXIT_OK
