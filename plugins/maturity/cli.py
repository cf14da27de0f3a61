"""The ``maturity`` command: the core for assessors and CI, without building a site."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from maturity import report, uscc
from maturity.assessment import RECORD
from maturity.diagnostics import Diagnostic
from maturity.model import load_model
from maturity.repository import Repository, find_assessment_folders, load_repository

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _targets(paths: list[str], assessments_dir: str) -> tuple[Path, list[Path] | None]:
    """Resolve PATHs (repository root, assessments folder or assessment folders) to a root and folders."""
    if not paths:
        paths = ["."]
    root: Path | None = None
    folders: list[Path] = []
    whole = False
    for raw in paths:
        p = Path(raw)
        if (p / RECORD).exists() or (p.parent.name == assessments_dir and p.is_dir()):
            folders.append(p)
            here = p.parent.parent if p.parent.name == assessments_dir else p.parent
        elif p.name == assessments_dir or (p.is_dir() and not (p / assessments_dir).is_dir() and any(p.glob(f"*/{RECORD}"))):
            folders.extend(find_assessment_folders(p))
            here = p.parent
        else:
            here = p
            folders.extend(find_assessment_folders(p / assessments_dir))
            whole = True
        root = root or here
    return root or Path("."), (None if whole and len(paths) == 1 else folders)


def _load(args) -> Repository:
    root, only = _targets(args.paths, args.assessments_dir)
    return load_repository(root, model_path=args.model, assessments_dir=args.assessments_dir,
                           evidence_dir=args.evidence_dir, only=only)


def _github(d: Diagnostic) -> str:
    def esc(s: str, prop: bool = False) -> str:
        s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return s.replace(":", "%3A").replace(",", "%2C") if prop else s
    kind = "error" if d.is_error else "warning"
    return f"::{kind} file={esc(d.path, True)},line={max(d.line, 1)},col={max(d.column, 1)},title={esc(d.code, True)}::{esc(d.message)}"


def _missing(args) -> bool:
    """A PATH that does not exist is a usage error, not an empty repository that passes."""
    missing = [p for p in args.paths if not Path(p).exists()]
    for p in missing:
        print(f"maturity {args.command}: 路径不存在：{p}。No such path.", file=sys.stderr)
    return bool(missing)


def cmd_validate(args) -> int:
    if _missing(args):
        return EXIT_USAGE
    repo = _load(args)
    errors = len(repo.errors)
    warnings = len(repo.diagnostics) - errors
    if args.format == "json":
        print(json.dumps({"valid": errors == 0, "assessments": len(repo.assessments), "errors": errors,
                          "warnings": warnings, "diagnostics": [d.as_dict() for d in repo.diagnostics]},
                         ensure_ascii=False, indent=2))
    else:
        for d in repo.diagnostics:
            print(_github(d) if args.format == "github" else str(d))
        summary = f"检查了 {len(repo.assessments)} 个评估：{errors} 个错误，{warnings} 个警告。"
        print(summary, file=sys.stderr if args.format == "github" else sys.stdout)
    return EXIT_INVALID if errors else EXIT_OK


def cmd_score(args) -> int:
    if _missing(args):
        return EXIT_USAGE
    repo = _load(args)
    if repo.model is None or not repo.assessments:
        for d in repo.diagnostics:
            print(d, file=sys.stderr)
        print("没有可计算的评估。", file=sys.stderr)
        return EXIT_INVALID
    items = []
    for a in repo.assessments:
        own = [d for d in repo.diagnostics if d.path in _own_paths(repo, a)]
        items.append((a, repo.results.get(a.id), own))
    if args.format == "json":
        data = [report.result_json(repo.model, a, r, own) for a, r, own in items]
        print(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
    else:
        for d in repo.errors:
            print(d, file=sys.stderr)
        print("\n\n".join(report.result_text(repo.model, a, r) for a, r, _ in items))
    return EXIT_INVALID if repo.errors else EXIT_OK


def _own_paths(repo: Repository, a) -> set[str]:
    return repo.own_paths(a)


def cmd_model(args) -> int:
    model, diags = load_model(args.model)
    for d in diags:
        print(d, file=sys.stderr)
    if model is None:
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps(report.model_json(model), ensure_ascii=False, indent=2))
    else:
        print(report.model_text(model))
    return EXIT_OK


def cmd_new(args) -> int:
    from maturity import classification, scaffold
    model, diags = load_model(args.model)
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
        problems.append(f"--credit-code：{why}")
    if args.category not in classification.categories():
        problems.append(f"--category：分类代码“{args.category}”不存在（见 maturity model 或 classification-003.yml）")
    if args.level not in model.level_numbers:
        problems.append(f"--level：等级应为 {model.level_numbers[0]}–{model.level_numbers[-1]}")
    if problems:
        for p in problems:
            print(f"maturity new: {p}", file=sys.stderr)
        return EXIT_USAGE
    n = scaffold.NewAssessment(args.id, args.organisation, args.name, args.credit_code, args.region, args.category,
                               args.kind, args.level, dt.date.today())
    try:
        written = scaffold.create(Path(args.root), model, n, args.assessments_dir, args.evidence_dir)
    except FileExistsError as exc:
        print(f"maturity new: {exc} 已存在，未做任何修改。Already exists; nothing written.", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"已创建 {path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="maturity", description="中小企业服务机构通用能力成熟度评估（评估即代码）")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model", help="模型文件（默认：内置 T/ZXGJXH 002—2023）")
    common.add_argument("--assessments-dir", default="assessments", help="评估目录名（默认 assessments）")
    common.add_argument("--evidence-dir", default="evidence", help="证据目录名（默认 evidence）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", parents=[common], help="检查评估数据，列出全部问题")
    p.add_argument("paths", nargs="*", metavar="PATH", help="仓库根目录、assessments 目录或评估目录（默认当前目录）")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("score", parents=[common], help="计算评估得分与等级")
    p.add_argument("paths", nargs="+", metavar="PATH", help="评估目录")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("model", parents=[common], help="显示现行模型")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_model)

    p = sub.add_parser("new", parents=[common], help="新建评估目录（全部要求已列出，待评分）")
    p.add_argument("id", help="评估编号，如 2026-example-consulting")
    p.add_argument("--organisation", required=True, help="机构代号，如 example-consulting")
    p.add_argument("--name", required=True, help="机构名称")
    p.add_argument("--credit-code", required=True, help="统一社会信用代码")
    p.add_argument("--region", required=True, help="所在地区")
    p.add_argument("--category", required=True, help="机构分类代码")
    p.add_argument("--kind", choices=["self", "third_party"], default="third_party")
    p.add_argument("--level", type=int, required=True, help="申请等级 1–5")
    p.add_argument("--root", default=".", help="仓库根目录（默认当前目录）")
    p.set_defaults(func=cmd_new)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
