"""Read-only commands: ``validate``, ``score``, ``model``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from maturity.exchange import report
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, find_root, github_annotation, load, missing_paths, settings_of
from maturity.data.model import load_model


def cmd_validate(args) -> int:
    if missing_paths(args):
        return EXIT_USAGE
    repo = load(args)
    errors = len(repo.errors)
    warnings = len(repo.diagnostics) - errors
    if args.format == "json":
        print(json.dumps({"valid": errors == 0, "assessments": len(repo.assessments), "errors": errors,
                          "warnings": warnings, "diagnostics": [d.as_dict() for d in repo.diagnostics]},
                         ensure_ascii=False, indent=2))
    else:
        for d in repo.diagnostics:
            print(github_annotation(d) if args.format == "github" else str(d))
        summary = f"检查了 {len(repo.assessments)} 个评估：{errors} 个错误，{warnings} 个警告。"
        print(summary, file=sys.stderr if args.format == "github" else sys.stdout)
    return EXIT_INVALID if errors else EXIT_OK


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
        data = [report.result_json(repo.model, a, r, own) for a, r, own in items]
        print(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
    else:
        for d in repo.errors:
            print(d, file=sys.stderr)
        print("\n\n".join(report.result_text(repo.model, a, r) for a, r, _ in items))
    return EXIT_INVALID if repo.errors else EXIT_OK


def cmd_model(args) -> int:
    model, diags = load_model(settings_of(args, find_root(Path("."))).model)
    for d in diags:
        print(d, file=sys.stderr)
    if model is None:
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps(report.model_json(model), ensure_ascii=False, indent=2))
    else:
        print(report.model_text(model))
    return EXIT_OK
