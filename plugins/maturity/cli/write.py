"""Commands that write data files: ``new`` (and ``fmt``, ``sheet``). Writes are atomic; nothing is overwritten by ``new``."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from maturity import i18n
from maturity.data import uscc
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, find_root, settings_of
from maturity.data.model import load_model


def cmd_new(args) -> int:
    from maturity.data import classification
    from maturity.exchange import scaffold
    # --model names a model file (as for every command) or, when no such file exists, a model the site
    # knows (ID or ID@VERSION): then the new assessment names it in its ``model:``.
    ref = args.model if args.model and not Path(args.model).is_file() else None
    if ref:
        args.model = None
    settings = settings_of(args, Path(args.root))
    if ref:
        from maturity.cli._common import display_path
        from maturity.data.registry import load_registry
        registry = load_registry(settings.model, settings.models, display_path)
        model, diags = registry.resolve(ref), registry.diagnostics
        if model is None and not any(d.is_error for d in diags):
            known = "、".join(m.key for m in registry.listed())
            print(f"maturity new: --model：{i18n.t('cli.unknown_model', ref=ref, known=known)}", file=sys.stderr)
            return EXIT_USAGE
    else:
        model, diags = load_model(settings.model)
    if model is None:
        for d in diags:
            print(d, file=sys.stderr)
        return EXIT_INVALID
    problems = []
    for option, value in (("id", args.id), ("--organisation", args.organisation)):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):  # the schema's pattern; also keeps paths inside the repository
            problems.append(f"{option}：“{value}”只能由小写字母、数字和连字符组成，且不以连字符开头")
    why = uscc.problem(args.credit_code)
    if why:
        problems.append(f"--credit-code：{i18n.t('diagnostics.MAT101.' + why[0], **why[1])}")
    if args.category not in classification.categories():
        problems.append(f"--category：分类代码“{args.category}”不存在（见 maturity model 或 classification-003.yml）")
    if args.level not in model.level_numbers:
        levels = model.level_numbers
        shown = f"{levels[0]}–{levels[-1]}" if len(levels) > 1 else str(levels[0])
        problems.append(f"--level：等级应为 {shown}（{'、'.join(f'{lv.level} {lv.name}' for lv in model.levels)}）")
    if problems:
        for p in problems:
            print(f"maturity new: {p}", file=sys.stderr)
        return EXIT_USAGE
    n = scaffold.NewAssessment(args.id, args.organisation, args.name, args.credit_code, args.region, args.category,
                               args.kind, args.level, dt.date.today(), ref)
    try:
        written = scaffold.create(settings.root, model, n, settings.assessments_dir, settings.evidence_dir)
    except FileExistsError as exc:
        print(f"maturity new: {exc} 已存在，未做任何修改。Already exists; nothing written.", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"已创建 {path}")
    return EXIT_OK


def cmd_fmt(args) -> int:
    from maturity.exchange import fmt
    from maturity.cli._common import display_path
    from maturity.data.registry import load_registry
    settings = settings_of(args, find_root(Path((args.paths or ["."])[0])))
    registry = load_registry(settings.model, settings.models, display_path)
    model = registry.default
    if model is None:
        for d in registry.diagnostics:
            print(d, file=sys.stderr)
        return EXIT_INVALID

    def model_of(path: Path):
        """The model of the assessment a file belongs to (its ``model:``), else the default."""
        return registry.resolve(_named_model(path.parent / "assessment.yml")) or model

    files: list[Path] = []
    for raw in args.paths or ["."]:
        p = Path(raw)
        if not p.exists():
            print(f"maturity fmt: 路径不存在：{raw}。No such path.", file=sys.stderr)
            return EXIT_USAGE
        if p.is_file():
            files.append(p)
        elif p.resolve() == settings.assessments_path.resolve() or any(p.glob("*/assessment.yml")):
            files += [f for folder in sorted(x for x in p.iterdir() if x.is_dir()) for f in fmt.data_files_of(folder)]
        elif (p / "assessment.yml").exists():
            files += fmt.data_files_of(p)
        else:
            files += fmt.data_files(p, settings.assessments_dir, settings.evidence_dir)
    changed, out = fmt.run(files, model_of, display_path, check=args.check)
    for d in out.items:
        print(d, file=sys.stderr)
    for path in changed:
        print(("需要格式化：" if args.check else "已格式化：") + display_path(path))
    if out.has_errors:
        print("有错误的文件未格式化；请先修正（maturity validate）。Files with errors were left as they are.", file=sys.stderr)
        return EXIT_INVALID
    if args.check and changed:
        print(f"{len(changed)} 个文件不是统一格式；运行 maturity fmt 修正。", file=sys.stderr)
        return EXIT_INVALID
    if not changed:
        print(f"{len(files)} 个文件均已是统一格式。")
    return EXIT_OK


def _named_model(record: Path) -> str | None:
    """The ``model:`` an assessment record names (None: none, or the record cannot be read)."""
    from maturity.data.yamlfile import load_yaml
    if not record.is_file():
        return None
    doc, _ = load_yaml(record, str(record))
    value = doc.data.get("model") if doc is not None and isinstance(doc.data, dict) else None
    return value if isinstance(value, str) else None


def cmd_sheet_export(args) -> int:
    from maturity.exchange import sheet
    repo, a, code = _one_assessment(args)
    if a is None:
        return code
    model = a.model or repo.model  # the model the assessment names
    dest = Path(args.output) if args.output else Path(f"{a.id}-评分表.xlsx")
    if dest.exists() and not args.force:
        print(f"maturity sheet export: {dest} 已存在；使用 --force 覆盖。Exists; use --force.", file=sys.stderr)
        return EXIT_USAGE
    try:
        sheet.export_sheet(model, a, dest)
    except sheet.SheetError as exc:
        for p in exc.problems:
            print(f"maturity sheet export: {p}", file=sys.stderr)
        print(f"未导出 {dest}。Nothing was written.", file=sys.stderr)
        return EXIT_INVALID
    print(f"已导出 {dest}（{len(model.requirements_at(a.applied_level))} 条要求）")
    return EXIT_OK


def cmd_sheet_import(args) -> int:
    from maturity.exchange import sheet
    repo, a, code = _one_assessment(args)
    if a is None:
        return code
    if not Path(args.file).is_file():
        print(f"maturity sheet import: 找不到文件 {args.file}。No such file.", file=sys.stderr)
        return EXIT_USAGE
    register = repo.registers.get(a.organisation["id"])
    registered = register.items.keys() if register is not None else ()
    try:
        report = sheet.import_report(a.model or repo.model, a, Path(args.file), registered)
    except sheet.SheetError as exc:
        for p in exc.problems:
            print(f"{args.file}: {p}", file=sys.stderr)
        print("评分表有错误，scores.yml 未做任何修改。Nothing was written.", file=sys.stderr)
        return EXIT_INVALID
    if not report.fingerprint:
        print(f"{args.file}: {i18n.t('writers.sheet.no_fingerprint')}", file=sys.stderr)
    for note in report.notes:
        print(f"{args.file}: {note}", file=sys.stderr)
    if report.kept:
        print(i18n.t("writers.sheet.kept", n=len(report.kept), requirements="、".join(report.kept)))
    changed = report.changed
    if changed:
        print(f"已更新 {len(changed)} 条要求：{'、'.join(changed)}")
    else:
        print("评分表与 scores.yml 一致，没有修改。" if not report.kept else i18n.t("writers.sheet.nothing_to_apply"))
    return EXIT_OK


def _one_assessment(args):
    """The repository around the one assessment named by args.path, and that assessment, loaded and free of
    errors in its record and scores file (its evidence references included)."""
    from maturity.cli._common import load_folder
    repo = load_folder(args, Path(args.path))
    if repo is None:
        return None, None, EXIT_USAGE
    a = repo.assessments[0] if repo.assessments else None
    broken = [d for d in repo.errors if a is None or a.scores_doc is None or d.path in (a.record_doc.path, a.scores_doc.path)]
    if a is None or a.scores_doc is None or broken:
        for d in broken or repo.errors:
            print(d, file=sys.stderr)
        print("请先修正上述错误（maturity validate）。Fix the errors first.", file=sys.stderr)
        return None, None, EXIT_INVALID
    return repo, a, EXIT_OK
