"""``maturity export``: an assessment as OSCAL assessment results, a model as an OSCAL catalog.

The conversion is :mod:`maturity.exchange.oscal`; this module finds the data, refuses what has errors,
and writes the file (never over an existing one without ``--force``; ``-o -`` is standard output).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from maturity import i18n
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, display_path, find_root, load_folder, settings_of
from maturity.data.assessment import RECORD
from maturity.data.registry import load_registry


def cmd_export_oscal(args) -> int:
    from maturity.exchange import oscal

    folder = _assessment_folder(args)
    if folder is None:
        print(f"maturity {args.command}: {i18n.t('export.no_assessment', ref=args.assessment)}", file=sys.stderr)
        return EXIT_USAGE
    repo = load_folder(args, folder)
    if repo is None:
        return EXIT_USAGE
    a = repo.assessments[0] if repo.assessments else None
    errors = [d for d in repo.errors if a is None or d.path in repo.own_paths(a)]
    if a is None or a.model is None or errors or a.id not in repo.results:
        for d in errors or repo.errors:
            print(d, file=sys.stderr)
        print(i18n.t("export.invalid"), file=sys.stderr)
        return EXIT_INVALID
    site = repo.settings.site
    try:
        document = oscal.assessment_results(a, a.model, repo.results[a.id], repo.registers.get(a.organisation["id"]),
                                            site.url, site.directory_urls)
    except oscal.Refused as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(i18n.t("writers.nothing_written"), file=sys.stderr)
        return EXIT_INVALID
    result = document["assessment-results"]["results"][0]
    concluded = any(p["name"] == "result-status" and p["value"] == "concluded" for p in result["props"])
    summary = dict(findings=len(result.get("findings", [])), observations=len(result.get("observations", [])),
                   status=i18n.t("export.concluded" if concluded else "export.not_concluded"))
    return _write(args, oscal.dumps(document), f"{a.id}.oscal-ar.json", "export.written_results", summary)


def cmd_export_oscal_catalog(args) -> int:
    from maturity.data.text import slug
    from maturity.exchange import oscal

    root = find_root(Path(args.config_file).resolve().parent if args.config_file else Path("."))
    settings = settings_of(args, root)
    registry = load_registry(settings.model, settings.models, display_path)
    for d in registry.diagnostics:
        print(d, file=sys.stderr)
    model = registry.resolve(args.ref)
    if model is None:
        if args.ref:
            known = "、".join(m.key for m in registry.listed())
            print(f"maturity {args.command}: {i18n.t('cli.unknown_model', ref=args.ref, known=known)}", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_INVALID
    summary = dict(model=model.key, domains=len(model.capability_domains), assessment_domains=len(model.assessment_domains),
                   requirements=sum(len(ad.requirements) for ad in model.assessment_domains))
    default = f"{slug(model.id)}@{slug(model.version)}.oscal-catalog.json"
    return _write(args, oscal.dumps(oscal.catalog(model)), default, "export.written_catalog", summary)


def _assessment_folder(args) -> Path | None:
    """ASSESSMENT as given: a folder (or a file in one), else an assessment id in the repository's assessments folder."""
    given = Path(args.assessment)
    if given.exists():
        return given.parent if given.is_file() else given  # a data file: its assessment folder
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.assessment):  # the schema's id pattern: stays inside the folder
        return None
    root = find_root(Path(args.config_file).resolve().parent if args.config_file else Path("."))
    folder = settings_of(args, root).assessments_path / args.assessment
    return folder if (folder / RECORD).is_file() else None


def _write(args, text: str, default: str, key: str, summary: dict) -> int:
    """Write the export to -o (``-`` standard output; default ``default``); never over a file without --force."""
    from maturity.data.files import write_atomic, write_new

    out = args.output or default
    if out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    dest = Path(out)
    if dest.is_dir():
        print(f"maturity {args.command}: {i18n.t('export.is_folder', file=out)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.force:
            write_atomic(dest, text)
        else:
            write_new(dest, text)
    except FileExistsError:
        print(f"maturity {args.command}: {i18n.t('export.exists', file=out)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"maturity {args.command}: {i18n.t('export.cannot_write', file=out, error=exc.strerror or exc)}", file=sys.stderr)
        return EXIT_USAGE
    print(i18n.t(key, file=os.fspath(out), **summary))
    return EXIT_OK
