"""The ``maturity`` command: the core for assessors and CI, without building a site."""

from __future__ import annotations

import argparse
import importlib
import sys

from maturity.settings import SettingsError
from maturity.cli._common import EXIT_OK, EXIT_USAGE


def _date(text: str):
    """A YYYY-MM-DD option, inside the range data files accept."""
    import datetime as dt

    from maturity import i18n
    from maturity.data.dates import check_date_range
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10:
        raise argparse.ArgumentTypeError(i18n.t("writers.bad_date", text=text))
    why = check_date_range(day)
    if why:
        raise argparse.ArgumentTypeError(f"{i18n.t('writers.bad_date', text=text)}：{why}")
    return day


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="maturity", description="中小企业服务机构通用能力成熟度评估（评估即代码）")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-f", "--config-file", help="站点配置文件（默认：仓库根目录的 mkdocs.yml；其中 maturity 插件的设置对所有命令有效）")
    common.add_argument("--model", help="模型文件（默认：mkdocs.yml 中的 model，否则内置 T/ZXGJXH 002—2023）；"
                                        "maturity new 也接受本站已知模型的编号或 编号@版本（写入 assessment.yml 的 model:）")
    common.add_argument("--assessments-dir", help="评估文件夹所在目录（默认：mkdocs.yml 中的设置，否则 assessments）")
    common.add_argument("--evidence-dir", help="证据目录（默认：mkdocs.yml 中的设置，否则 evidence）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", parents=[common], help="发布前的总检查：与 mkdocs build --strict 的结论相同（数据、计分、全部页面和文件）")
    p.add_argument("path", nargs="?", default=".", metavar="PATH", help="仓库根目录（默认当前目录）")
    p.add_argument("--format", choices=["text", "json", "github", "gitlab"], default="text",
                   help="github：GitHub Actions 标注；gitlab：GitLab Code Quality 报告（JSON，输出到标准输出）")
    p.set_defaults(func=_command("maturity.cli.check", "cmd_check"), paths=None)

    p = sub.add_parser("render", parents=[common], help="把生成的页面和文件写入 docs，供不运行 maturity 插件的生成器（如 Zensical）构建",
                       description="与 maturity check 同一检查、与插件同一页面生成：检查通过后，把报告、机构与证书页、列表、证书查询页、"
                                   "certificates.json 和每张证书的 JSON、订阅、徽章、证据查看页、公开证据和样式脚本写入 docs（与插件生成的"
                                   "路径和网址相同），并在 docs/.maturity/manifest.json 记录写入的文件。检查未通过或目标路径已被手写文件占用时"
                                   "什么也不写。只删除自己写入且未被修改的文件。")
    p.add_argument("path", nargs="?", default=".", metavar="PATH", help="仓库根目录（默认当前目录）")
    p.add_argument("--out", metavar="DIR", help="写入的目录（默认：mkdocs.yml 的 docs_dir，即 docs）")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--clean", action="store_true", help="删除以前 maturity render 写入的全部文件（手工修改过的除外），不写入新文件")
    mode.add_argument("--site", metavar="DIR",
                      help="构建之后：把名称为 Markdown 扩展名（.md 等）的公开证据文件原样复制到已构建的站点 DIR（生成器会把 docs 中的这些文件转换成页面）")
    p.set_defaults(func=_command("maturity.cli.render", "cmd_render"))

    p = sub.add_parser("validate", parents=[common], help="只检查评估数据（快），列出全部问题")
    p.add_argument("paths", nargs="*", metavar="PATH", help="仓库根目录、assessments 目录、评估文件夹或其中的数据文件（默认当前目录）")
    p.add_argument("--format", choices=["text", "json", "github", "gitlab"], default="text",
                   help="github：GitHub Actions 标注；gitlab：GitLab Code Quality 报告（JSON，输出到标准输出）")
    p.add_argument("--strict", action="store_true", help="警告也算失败（与 maturity check、mkdocs build --strict 一致）")
    p.set_defaults(func=_command("maturity.cli.check", "cmd_validate"))

    p = sub.add_parser("score", parents=[common], help="计算评估得分与等级")
    p.add_argument("paths", nargs="+", metavar="PATH", help="评估文件夹")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=_command("maturity.cli.check", "cmd_score"))

    p = sub.add_parser("model", parents=[common], help="显示模型（--list：本站的全部模型；--categories：机构分类代码）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--categories", action="store_true", help="列出机构分类代码（assessment.yml 的 organisation.category）")
    p.add_argument("--list", action="store_true", help="列出本站已知的全部模型（编号@版本、状态）")
    p.add_argument("ref", nargs="*", metavar="MODEL",
                   help="只显示这个模型：编号或 编号@版本（默认：站点的默认模型）；diff OLD NEW：两个模型（或版本）之间的变化")
    p.set_defaults(func=_command("maturity.cli.check", "cmd_model"))

    p = sub.add_parser("migrate", parents=[common], help="把评估改用另一个模型（或版本）：沿用条文未变的要求的得分，其余待评分",
                       description="沿用目标模型中条文未变的要求的得分、证据和说明；条文改动的要求保留证据和说明、改为待评分；"
                                   "新增的要求待评分；目标模型在本等级不再有的要求列出其得分和说明（git 历史中仍在）。"
                                   "已发证的评估不迁移：证书始终对应发证时的模型版本。有任何问题时什么也不写。")
    p.add_argument("path", metavar="PATH", help="评估文件夹")
    p.add_argument("--to", required=True, metavar="MODEL", help="目标模型：编号、编号@版本或模型文件路径")
    p.add_argument("--dry-run", action="store_true", help="只列出将发生的变化，不写文件")
    p.set_defaults(func=_command("maturity.cli.models", "cmd_migrate"))

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
    p.set_defaults(func=_command("maturity.cli.write", "cmd_new"))

    p = sub.add_parser("diff", parents=[common], help="比较两个 git 版本的评估结果（得分、等级、证据变化）")
    p.add_argument("base", metavar="BASE", help="基准版本，如 origin/main、HEAD~1")
    p.add_argument("head", metavar="HEAD", nargs="?", default=None, help="比较的版本（默认：工作区）")
    p.add_argument("paths", nargs="*", metavar="PATH", help="只比较这些评估文件夹")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("--root", default=".", help="仓库根目录（默认当前目录）")
    p.add_argument("--exit-code", action="store_true", help="新版本有错误时以 1 退出")
    p.set_defaults(func=_command("maturity.cli.review", "cmd_diff"))

    p = sub.add_parser("fmt", parents=[common], help="把数据文件改写为统一格式（--check 只检查）")
    p.add_argument("paths", nargs="*", metavar="PATH", help="仓库根目录、评估文件夹或数据文件（默认当前目录）")
    p.add_argument("--check", action="store_true", help="只检查，不改写；有文件需要格式化时以 1 退出")
    p.set_defaults(func=_command("maturity.cli.write", "cmd_fmt"))

    p = sub.add_parser("digest", parents=[common], help="计算评估的数据摘要（发证时记入 publication.yml）")
    p.add_argument("path", metavar="PATH", help="评估文件夹")
    p.add_argument("--show", action="store_true", help="同时显示参与计算的规范化数据")
    p.set_defaults(func=_command("maturity.cli.authority", "cmd_digest"))

    p = sub.add_parser("verify", parents=[common], help="核验证书记录的数据摘要与现有数据是否一致")
    p.add_argument("paths", nargs="*", metavar="PATH", help="仓库根目录、assessments 目录或评估文件夹（默认当前目录）")
    p.set_defaults(func=_command("maturity.cli.authority", "cmd_verify"))

    p = sub.add_parser("sheet", help="Excel 评分表：导出与导入")
    sheet_sub = p.add_subparsers(dest="sheet_command", required=True, metavar="ACTION")
    q = sheet_sub.add_parser("export", parents=[common], help="导出评分表 .xlsx")
    q.add_argument("path", metavar="PATH", help="评估文件夹")
    q.add_argument("-o", "--output", help="输出文件（默认：<评估编号>-评分表.xlsx）")
    q.add_argument("--force", action="store_true", help="覆盖已有文件")
    q.set_defaults(func=_command("maturity.cli.write", "cmd_sheet_export"), command="sheet export")
    q = sheet_sub.add_parser("import", parents=[common], help="把评分表中的修改写回 scores.yml")
    q.add_argument("file", metavar="FILE", help="评分表 .xlsx")
    q.add_argument("path", metavar="PATH", help="评估文件夹")
    q.set_defaults(func=_command("maturity.cli.write", "cmd_sheet_import"), command="sheet import")

    p = sub.add_parser("evidence", help="证据登记：登记一项证据")
    evidence_sub = p.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")
    q = evidence_sub.add_parser(
        "add", parents=[common], help="登记一项证据：复制文件、计算 sha256、写入证据登记表",
        description="把一项证据登记到 evidence/<机构代号>/register.yml（没有时新建）。文件在 evidence/<机构代号>/ 之外时复制到 "
                    "evidence/<机构代号>/files/（不移动原文件，不覆盖同名的其他文件）；已在其中的文件按原位置登记。"
                    "有任何问题时什么也不写。")
    q.add_argument("file", nargs="?", metavar="FILE", help="证据文件（用 --url 登记网址时省略）")
    q.add_argument("--organisation", required=True, help="机构代号，如 shili-zixun")
    q.add_argument("--class", dest="confidentiality", required=True, choices=["public", "restricted", "confidential"],
                   help="公开范围：public 公开（文件复制到网站）、restricted 受限、confidential 保密")
    q.add_argument("--method", default="document_review",
                   choices=["interview", "observation", "site_tour", "document_review", "system_demo"],
                   help="采集方式（默认 document_review：文件与记录评审）")
    q.add_argument("--title", help="标题（默认：文件名去掉扩展名；登记网址时必填）")
    q.add_argument("--record-date", required=True, type=_date, metavar="YYYY-MM-DD",
                   help="证据记录本身的日期（必填：申请日前 6 个月的运行证据按它核对，文件的修改时间不可靠）")
    q.add_argument("--collected", type=_date, metavar="YYYY-MM-DD", help="采集日期（默认今天）")
    q.add_argument("--id", help="证据编号（默认：登记表中下一个空闲的编号，如 E017）")
    q.add_argument("--private", action="store_true",
                   help="受限或保密证据存放在仓库之外（mkdocs.yml 的 private_evidence_dir），登记为 storage: private；"
                        "文件不在该目录的 <机构代号>/ 下时复制到其 <机构代号>/files/")
    q.add_argument("--url", help="登记网址而不是文件（不计算 sha256）")
    q.add_argument("--root", default=".", help="仓库根目录（默认当前目录）")
    q.set_defaults(func=_command("maturity.cli.evidence", "cmd_evidence_add"), command="evidence add")

    p = sub.add_parser(
        "announce", parents=[common], help="记录公示：写入 publication.yml 的 announcement，并给出异议截止日",
        description="为专家组已复核确认（confirmed）、已到形成结论阶段的第三方评估记录公示（指南 8.4.2），"
                    "异议截止日按工作日计算（法定节假日和调休按日历数据及 mkdocs.yml 的 holidays / workdays）。"
                    "已有的公示不修改：相同时什么也不做，只缺等级时补上。")
    p.add_argument("path", metavar="PATH", help="评估文件夹")
    p.add_argument("--start", required=True, type=_date, metavar="YYYY-MM-DD", help="公示开始日期（不早于复核日期）")
    p.add_argument("--days", type=int, help="公示期工作日数（默认：mkdocs.yml 的 announcement_days，不写入文件；给出时记为 working_days）")
    p.add_argument("--level", type=int, help="公示等级 1–5（默认：推荐等级；不能高于推荐等级）")
    p.set_defaults(func=_command("maturity.cli.announce", "cmd_announce"))

    p = sub.add_parser("export", help="导出为交换格式：OSCAL 评估结果（一个评估）、OSCAL 目录（一个模型）")
    export_sub = p.add_subparsers(dest="export_command", required=True, metavar="FORMAT")
    q = export_sub.add_parser(
        "oscal", parents=[common], help="把一个评估导出为 OSCAL 1.1 评估结果（JSON）",
        description="把一个评估导出为 OSCAL 1.1.3 评估结果（assessment-results，JSON）：申请等级的每条已评分要求一条发现"
                    "（得分、满足程度、说明），所引证据各一条观察（公开证据给出网址或网站链接；受限证据只有编号和标题，保密证据只有编号），"
                    "等级结论作为结果的属性——只在形成结论的阶段之后给出。同样的数据总是导出完全相同的文件。"
                    "映射见 docs/guide/oscal.md。")
    q.add_argument("assessment", metavar="ASSESSMENT", help="评估文件夹，或 assessments 中的评估编号")
    q.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认：<评估编号>.oscal-ar.json；- 为标准输出）")
    q.add_argument("--force", action="store_true", help="覆盖已有文件")
    q.set_defaults(func=_command("maturity.cli.export", "cmd_export_oscal"), command="export oscal")
    q = export_sub.add_parser(
        "oscal-catalog", parents=[common], help="把一个模型导出为 OSCAL 1.1 目录（JSON）",
        description="把模型导出为 OSCAL 1.1.3 目录（catalog，JSON）：能力域为组，评估域为子组，要求为控制项，"
                    "适用等级为属性。映射见 docs/guide/oscal.md。")
    q.add_argument("ref", nargs="?", metavar="MODEL", help="模型：编号或 编号@版本（默认：站点的默认模型；maturity model --list 列出全部）")
    q.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认：<模型编号>@<版本>.oscal-catalog.json；- 为标准输出）")
    q.add_argument("--force", action="store_true", help="覆盖已有文件")
    q.set_defaults(func=_command("maturity.cli.export", "cmd_export_oscal_catalog"), command="export oscal-catalog")

    p = sub.add_parser(
        "aggregate", help="汇总各评估管理机构发布的 certificates.json：合并的证书数据、证书列表页和证书查询页",
        description="按汇总配置（如 aggregate.yml）读取各来源发布的 certificates.json（https 网址或文件），逐个核对格式、"
                    "文字和链接；不合格的来源整个不汇总并报告原因，重复的证书编号报告而不合并。输出到 --out 目录："
                    "certificates.json（每条记录注明来源）、index.html（来源一览）、certificates-N.html（证书列表）、verify.html（证书查询）。"
                    "见 docs/guide/federation.md。")
    p.add_argument("config", metavar="CONFIG", help="汇总配置文件（格式：schemas/aggregate.schema.json）")
    p.add_argument("--out", required=True, metavar="DIR", help="输出目录（没有时新建；同名文件被覆盖）")
    p.add_argument("--max-size", type=_positive(float), default=64, metavar="MB",
                   help="每个来源的 certificates.json 的大小上限（MB，默认 64）；超过的来源不汇总")
    p.add_argument("--timeout", type=_positive(float), default=30, metavar="SECONDS",
                   help="下载网址时连接和每次读取的超时（秒，默认 30）")
    p.add_argument("--page-size", type=_positive(int), default=500, metavar="N", help="每个证书列表页的证书数（默认 500）")
    p.set_defaults(func=_command("maturity.cli.aggregate", "cmd_aggregate"))
    return parser


def _positive(kind):
    def parse(text: str):
        from maturity import i18n
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(i18n.t("cli.not_positive", text=text))
        return value
    return parse


def _command(module: str, name: str):
    """A subcommand's function, imported when it runs: ``maturity validate`` does not load the page builder."""
    def run(args):
        return getattr(importlib.import_module(module), name)(args)
    run.__qualname__ = name
    return run


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
