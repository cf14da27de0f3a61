"""The ``maturity`` command: the core for assessors and CI, without building a site."""

from __future__ import annotations

import argparse
import sys

from maturity.settings import SettingsError
from maturity.cli.check import cmd_check, cmd_model, cmd_score, cmd_validate
from maturity.cli.authority import cmd_digest, cmd_verify
from maturity.cli.review import cmd_diff
from maturity.cli.write import cmd_fmt, cmd_new, cmd_sheet_export, cmd_sheet_import
from maturity.cli._common import EXIT_OK, EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="maturity", description="中小企业服务机构通用能力成熟度评估（评估即代码）")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-f", "--config-file", help="站点配置文件（默认：仓库根目录的 mkdocs.yml；其中 maturity 插件的设置对所有命令有效）")
    common.add_argument("--model", help="模型文件（默认：mkdocs.yml 中的 model，否则内置 T/ZXGJXH 002—2023）")
    common.add_argument("--assessments-dir", help="评估文件夹所在目录（默认：mkdocs.yml 中的设置，否则 assessments）")
    common.add_argument("--evidence-dir", help="证据目录（默认：mkdocs.yml 中的设置，否则 evidence）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", parents=[common], help="发布前的总检查：与 mkdocs build --strict 的结论相同（数据、计分、全部页面和文件）")
    p.add_argument("path", nargs="?", default=".", metavar="PATH", help="仓库根目录（默认当前目录）")
    p.add_argument("--format", choices=["text", "json", "github", "gitlab"], default="text",
                   help="github：GitHub Actions 标注；gitlab：GitLab Code Quality 报告（JSON，输出到标准输出）")
    p.set_defaults(func=cmd_check, paths=None)

    p = sub.add_parser("validate", parents=[common], help="只检查评估数据（快），列出全部问题")
    p.add_argument("paths", nargs="*", metavar="PATH", help="仓库根目录、assessments 目录、评估文件夹或其中的数据文件（默认当前目录）")
    p.add_argument("--format", choices=["text", "json", "github", "gitlab"], default="text",
                   help="github：GitHub Actions 标注；gitlab：GitLab Code Quality 报告（JSON，输出到标准输出）")
    p.add_argument("--strict", action="store_true", help="警告也算失败（与 maturity check、mkdocs build --strict 一致）")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("score", parents=[common], help="计算评估得分与等级")
    p.add_argument("paths", nargs="+", metavar="PATH", help="评估文件夹")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("model", parents=[common], help="显示现行模型（--categories：机构分类代码）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--categories", action="store_true", help="列出机构分类代码（assessment.yml 的 organisation.category）")
    p.set_defaults(func=cmd_model)

    p = sub.add_parser("new", parents=[common], help="新建评估文件夹（全部要求已列出，待评分）")
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

    p = sub.add_parser("diff", parents=[common], help="比较两个 git 版本的评估结果（得分、等级、证据变化）")
    p.add_argument("base", metavar="BASE", help="基准版本，如 origin/main、HEAD~1")
    p.add_argument("head", metavar="HEAD", nargs="?", default=None, help="比较的版本（默认：工作区）")
    p.add_argument("paths", nargs="*", metavar="PATH", help="只比较这些评估文件夹")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("--root", default=".", help="仓库根目录（默认当前目录）")
    p.add_argument("--exit-code", action="store_true", help="新版本有错误时以 1 退出")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("fmt", parents=[common], help="把数据文件改写为统一格式（--check 只检查）")
    p.add_argument("paths", nargs="*", metavar="PATH", help="仓库根目录、评估文件夹或数据文件（默认当前目录）")
    p.add_argument("--check", action="store_true", help="只检查，不改写；有文件需要格式化时以 1 退出")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("digest", parents=[common], help="计算评估的数据摘要（发证时记入 publication.yml）")
    p.add_argument("path", metavar="PATH", help="评估文件夹")
    p.add_argument("--show", action="store_true", help="同时显示参与计算的规范化数据")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("verify", parents=[common], help="核验证书记录的数据摘要与现有数据是否一致")
    p.add_argument("paths", nargs="*", metavar="PATH", help="仓库根目录、assessments 目录或评估文件夹（默认当前目录）")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("sheet", help="Excel 评分表：导出与导入")
    sheet_sub = p.add_subparsers(dest="sheet_command", required=True, metavar="ACTION")
    q = sheet_sub.add_parser("export", parents=[common], help="导出评分表 .xlsx")
    q.add_argument("path", metavar="PATH", help="评估文件夹")
    q.add_argument("-o", "--output", help="输出文件（默认：<评估编号>-评分表.xlsx）")
    q.add_argument("--force", action="store_true", help="覆盖已有文件")
    q.set_defaults(func=cmd_sheet_export, command="sheet export")
    q = sheet_sub.add_parser("import", parents=[common], help="把评分表中的修改写回 scores.yml")
    q.add_argument("file", metavar="FILE", help="评分表 .xlsx")
    q.add_argument("path", metavar="PATH", help="评估文件夹")
    q.set_defaults(func=cmd_sheet_import, command="sheet import")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:
        print(f"maturity: 站点设置有误（mkdocs.yml 中 maturity 插件的选项）：{exc}。Invalid settings.", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
