"""Read-only commands: ``check`` (the gate), ``validate``, ``score``, ``model``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from maturity.exchange import report
from maturity import i18n
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, find_root, github_annotation, gitlab_code_quality, load, missing_paths, settings_of, targets
from maturity.repository import validate_repository
from maturity.diagnostics import Severity
from maturity.cli._common import display_path
from maturity.data.registry import load_registry


def cmd_check(args) -> int:
    """Everything the strict publication build does with the data; exit 1 exactly when it would fail."""
    if missing_paths(args):
        return EXIT_USAGE
    root = find_root(Path(args.config_file).resolve().parent if args.config_file else Path(args.path))
    settings = settings_of(args, root)
    from maturity import gate  # the page builder: loaded by the command that renders, not by validate

    publication = gate.check(settings, parallel=True)
    failures = publication.failures(strict=True)
    site = publication.site
    pages, files = (len(site.pages), len(site.assets) + len(site.copies)) if site else (0, 0)
    if args.format == "json":
        print(json.dumps({"passed": not failures, "assessments": len(publication.repo.assessments),
                          "unpublished": publication.unpublished, "pages": pages, "files": files,
                          "errors": _count(publication.diagnostics, Severity.ERROR),
                          "warnings": _count(publication.diagnostics, Severity.WARNING),
                          "notes": _count(publication.diagnostics, Severity.NOTE),
                          "recalled": publication.repo.recalled,
                          "diagnostics": [d.as_dict() for d in publication.diagnostics]}, ensure_ascii=False, indent=2))
    else:
        _print(publication.diagnostics, args.format)
        key = "cli.check_failed" if failures else "cli.check_passed"
        print(i18n.t(key, assessments=len(publication.repo.assessments), pages=pages, files=files,
                     errors=_count(publication.diagnostics, Severity.ERROR),
                     warnings=_count(publication.diagnostics, Severity.WARNING)),
              file=sys.stderr if args.format in MACHINE else sys.stdout)
    return EXIT_INVALID if failures else EXIT_OK


def cmd_validate(args) -> int:
    if missing_paths(args):
        return EXIT_USAGE
    settings, only = targets(args)
    repo = validate_repository(settings, only=only, parallel=True)
    errors = _count(repo.diagnostics, Severity.ERROR)
    warnings = _count(repo.diagnostics, Severity.WARNING)
    failed = bool(repo.settings.failures(repo.diagnostics, strict=args.strict))
    if args.format == "json":
        print(json.dumps({"valid": not failed, "assessments": repo.assessments, "errors": errors,
                          "warnings": warnings, "notes": _count(repo.diagnostics, Severity.NOTE),
                          "recalled": repo.recalled, "diagnostics": [d.as_dict() for d in repo.diagnostics]},
                         ensure_ascii=False, indent=2))
    else:
        _print(repo.diagnostics, args.format)
        key = "cli.validate_summary_unread" if repo.unread else "cli.validate_summary"
        summary = i18n.t(key, assessments=repo.assessments + len(repo.unread), unread=len(repo.unread),
                         errors=errors, warnings=warnings)
        print(summary, file=sys.stderr if args.format in MACHINE else sys.stdout)
    return EXIT_INVALID if failed else EXIT_OK


def _models(registry, fmt: str) -> int:
    models = registry.listed()
    if fmt == "json":
        print(json.dumps([{"id": m.id, "version": m.version, "key": m.key, "status": m.status, "title": m.title,
                           "default": m is registry.default, "source": m.source} for m in models], ensure_ascii=False, indent=2))
    else:
        for m in models:
            mark = i18n.t("cli.default_model") if m is registry.default else ""
            print(f"{m.key:<32} {i18n.t('model_status.' + m.status):<6} {m.title}{mark}")
    return EXIT_OK


def _categories(fmt: str) -> int:
    """The classification of service institutions (003): every code an organisation's category may take."""
    from maturity.data import classification
    cats = classification.categories()
    if fmt == "json":
        print(json.dumps([{"code": c.code, "name": c.name, "depth": c.depth, "parent": c.parent} for c in cats.values()],
                         ensure_ascii=False, indent=2))
    else:
        for c in cats.values():
            print(f"{'  ' * (c.depth - 1)}{c.code:<40} {c.name}")
    return EXIT_OK


# Formats whose standard output a CI system reads: the summary line goes to standard error.
MACHINE = ("github", "gitlab")


def _print(diagnostics, fmt: str) -> None:
    if fmt == "gitlab":
        # The report on standard output (redirected to the artifact), the usual lines in the job log.
        for d in diagnostics:
            print(d, file=sys.stderr)
        print(json.dumps(gitlab_code_quality(diagnostics), ensure_ascii=False, indent=2))
        return
    for d in diagnostics:
        print(github_annotation(d) if fmt == "github" else str(d))


def _count(diagnostics, severity: Severity) -> int:
    return sum(1 for d in diagnostics if d.severity is severity)


def cmd_score(args) -> int:
    if missing_paths(args):
        return EXIT_USAGE
    repo = load(args)
    if repo.model is None or not repo.assessments:
        for d in repo.diagnostics:
            print(d, file=sys.stderr)
        print("没有可计算的评估。", file=sys.stderr)
        return EXIT_INVALID
    items = []
    for a in repo.assessments:
        own = [d for d in repo.diagnostics if d.path in repo.own_paths(a)]
        items.append((a, repo.results.get(a.id), own))
    if args.format == "json":
        data = [report.result_json(a.model or repo.model, a, r, own) for a, r, own in items]  # each its own model
        print(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
    else:
        for d in repo.errors:
            print(d, file=sys.stderr)
        print("\n\n".join(report.result_text(a.model or repo.model, a, r) for a, r, _ in items))
    return EXIT_INVALID if repo.errors else EXIT_OK


def cmd_model(args) -> int:
    if args.categories:
        return _categories(args.format)
    settings = settings_of(args, find_root(Path(".")))
    registry = load_registry(settings.model, settings.models, display_path)
    for d in registry.diagnostics:
        print(d, file=sys.stderr)
    if args.list:
        return _models(registry, args.format)
    refs = args.ref or []
    if refs[:1] == ["diff"]:
        if len(refs) != 3:
            print(i18n.t("model_diff.usage"), file=sys.stderr)
            return EXIT_USAGE
        from maturity.cli.models import cmd_model_diff
        return cmd_model_diff(args, refs[1], refs[2])
    if len(refs) > 1:
        print(i18n.t("model_diff.usage"), file=sys.stderr)
        return EXIT_USAGE
    ref = refs[0] if refs else None
    model = registry.resolve(ref)
    if model is None:
        if ref:
            print(i18n.t("cli.unknown_model", ref=ref, known="、".join(m.key for m in registry.listed())), file=sys.stderr)
            return EXIT_USAGE
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps(report.model_json(model), ensure_ascii=False, indent=2))
    else:
        print(report.model_text(model))
    return EXIT_OK
