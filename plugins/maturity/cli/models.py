"""``maturity model diff`` and ``maturity migrate``: between models and their versions (the work is in
:mod:`maturity.exchange.model_diff` and :mod:`maturity.exchange.migrate`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from maturity import i18n
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, display_path, find_root, load_folder, settings_of
from maturity.data.model import load_model
from maturity.data.registry import load_registry


def resolve(registry, ref: str):
    """A model by reference (ID or ID@VERSION) or by model file path; None (said on stderr) when neither."""
    model = registry.resolve(ref)
    if model is None and ref.endswith((".yml", ".yaml")) and Path(ref).is_file():
        model, found = load_model(Path(ref), display_path(Path(ref)))
        for d in found:
            print(d, file=sys.stderr)
        return model
    if model is None:
        print(i18n.t("cli.unknown_model", ref=ref, known="、".join(m.key for m in registry.listed())), file=sys.stderr)
    return model


def cmd_model_diff(args, old_ref: str, new_ref: str) -> int:
    from maturity.exchange import model_diff

    settings = settings_of(args, find_root(Path(".")))
    registry = load_registry(settings.model, settings.models, display_path)
    old, new = resolve(registry, old_ref), resolve(registry, new_ref)
    if old is None or new is None:
        return EXIT_USAGE
    d = model_diff.compare_models(old, new)
    if args.format == "json":
        print(json.dumps(model_diff.to_json(d), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(i18n.t("model_diff.title", old=old.key, new=new.key))
    if d.is_empty:
        print(i18n.t("model_diff.nothing"))
    for what, o, n in d.model:
        print(i18n.t("model_diff.model_line", what=i18n.t(f"model_diff.what.{what}"), old=o, new=n))
    for kind in ("added", "removed", "reworded", "levels", "domain"):
        found = d.of_kind(kind)
        if not found:
            continue
        print(f"\n{i18n.t(f'model_diff.{kind}', n=len(found))}")
        for c in found:
            if kind == "added":
                print(f"  + {c.id}  {c.new}")
            elif kind == "removed":
                print(f"  - {c.id}  {c.old}")
            elif kind == "reworded":
                print(f"  ~ {c.id}\n      {i18n.t('model_diff.before')}{c.old}\n      {i18n.t('model_diff.after')}{c.new}")
            else:
                print(f"  ~ {c.id}  {c.old} → {c.new}")
    return EXIT_OK


def cmd_migrate(args) -> int:
    from maturity.data.files import write_atomic
    from maturity.exchange import migrate

    repo = load_folder(args, Path(args.path))
    if repo is None:
        return EXIT_USAGE
    if not repo.assessments or repo.registry is None:
        for d in repo.errors:
            print(d, file=sys.stderr)
        print(i18n.t("writers.nothing_written"), file=sys.stderr)
        return EXIT_INVALID
    target = resolve(repo.registry, args.to)
    if target is None:
        return EXIT_USAGE
    a = repo.assessments[0]
    try:
        plan = migrate.plan(a, target, display_path)
    except migrate.Refused as exc:
        for p in exc.problems:
            print(f"maturity migrate: {p}", file=sys.stderr)
        print(i18n.t("writers.nothing_written"), file=sys.stderr)
        return EXIT_INVALID
    t = lambda key, **kw: i18n.t(f"migrate.{key}", **kw)  # noqa: E731
    print(t("title", id=a.id, old=a.model.key, new=target.key))
    print(t("carried", n=len(plan.carried)))
    if plan.reworded:
        print(t("reworded", n=len(plan.reworded), ids="、".join(plan.reworded)))
    if plan.added:
        print(t("added", n=len(plan.added), ids="、".join(plan.added)))
    for x in plan.dropped:
        print(t("dropped", id=x.id, score="null" if x.score is None else x.score, note=x.note or "—"))
    if plan.dropped_domains:
        print(t("dropped_domains", codes="、".join(plan.dropped_domains)))
    if args.dry_run:
        print(t("dry_run"))
        return EXIT_OK
    for path, text in (plan.scores, plan.record):
        write_atomic(path, text)
    print(t("written", files=f"{display_path(plan.record[0])}、{display_path(plan.scores[0])}"))
    if plan.reworded or plan.added:
        print(t("next"))
    return EXIT_OK
