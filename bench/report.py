"""The benchmark's report: the targets judged against one run's figures, the Markdown, the docs page's results part."""

from __future__ import annotations

from pathlib import Path

BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
MET, MISSED, NOT = "达到", "**未达到**", "未测量"


def _size(results: dict, n: int) -> dict | None:
    return next((s for s in results["sizes"] if s["n"] == n), None)


def _judge(value, limit, n_measured, n_target, fmt, below=False) -> tuple[str, str]:
    if value is None:
        return "—", NOT
    text = fmt(value) + ("" if n_measured == n_target else f"（N = {n_measured:,}）")
    if n_measured != n_target:
        return text, f"{NOT}（目标针对 N = {n_target:,}）"
    return text, MET if (value < limit if below else value <= limit) else MISSED


def _memory(summary: dict) -> float:
    """The peak memory of a command: of all its processes together where measured, else of its largest process."""
    return max(summary["peak_mb"], summary.get("tree_mb") or 0)


def _mib(summary: dict) -> str:
    """A command's peak memory for a table: the largest process, and all processes together where measured."""
    tree = summary.get("tree_mb")
    return _f(summary["peak_mb"], 0) + ("" if tree is None else f"（{_f(tree, 0)}）")


def _parts(results: dict, n: int) -> dict | None:
    return next((p for p in results.get("parts") or [] if p["n"] == n and p.get("ok")), None)


def least_build(p: dict) -> float:
    """Seconds a build of that data takes at least: MkDocs making as many pages, and Pagefind indexing them."""
    return p["mkdocs"]["median_s"] + p["pagefind"].get("s", 0)  # no "s": the theme's search, no Pagefind run


def least_parse(p: dict) -> float:
    """Wall seconds a cold check takes at least: libyaml's events over the data files, shared over every core."""
    return p["yaml"]["cpu_s"] / max(1, p["yaml"]["cores"] or 1)


def bounds(results: dict) -> dict[str, str]:
    """For each target the parts bound (keyed as :func:`targets` names them): the best it could measure."""
    measured = [p for p in results.get("parts") or [] if p.get("ok")]
    if not measured:
        return {}
    largest = max(measured, key=lambda p: p["n"])  # at another N than a target's: for reference, as its figure is

    def at(n: int) -> dict:
        return _parts(results, n) or largest

    def shown(p: dict, n: int, text: str) -> str:
        return text if p["n"] == n else f"{text}（N = {p['n']:,}）"

    found = {}
    for n in (1000, 10000):
        p = at(n)
        s = _size(results, p["n"])
        if s and s["floor"]["median_s"]:
            found[f"cold{n}"] = shown(p, n, f"≥ {least_build(p) / s['floor']['median_s']:.2f} ×")
    p = at(1000)
    warm = next((s for s in results["sizes"] if "warm" in s and s["n"] == p["n"]), None)
    if warm:
        found["warm"] = shown(p, 1000, f"≥ {least_build(p) / warm['project']['median_s']:.2f} × 冷构建（{least_build(p):.1f} s）")
    p = at(10000)
    found["validate_cold"] = found["check_cold"] = shown(p, 10000, f"≥ {least_parse(p):.1f} s")
    found["memory"] = shown(p, 10000, f"约 {p['pagefind'].get('peak_mb', 0) + p['mkdocs']['peak_mb']:,.0f} MiB")
    return found


def targets(results: dict) -> list[dict]:
    """Each target of the issue: what was measured (at which N), whether it is met, and the least the parts allow."""
    rows = []
    sizes = results["sizes"]
    largest = max(sizes, key=lambda s: s["n"]) if sizes else None
    least = bounds(results)

    def ratio(s):
        return s["project"]["median_s"] / s["floor"]["median_s"] if s and s["floor"]["median_s"] else None

    for n in (1000, 10000):
        s = _size(results, n) or largest  # at another N: shown for reference, not judged
        measured, status = _judge(ratio(s), 3, s and s["n"], n, lambda v: f"{v:.2f} ×")
        if n == 1000 and status == MET and ratio(s) <= 2:
            status = f"{MET}（也达到 ≤ 2 × 的更高目标）"
        goal = "≤ 3 ×（更高目标 ≤ 2 ×）" if n == 1000 else "≤ 3 ×"
        rows.append({"target": f"冷构建，N = {n:,}，与下限的比值 {goal}", "measured": measured, "status": status,
                     "least": least.get(f"cold{n}")})

    warm = next((s for s in sizes if "warm" in s), None)
    value = warm["warm"]["median_s"] / warm["project"]["median_s"] if warm else None
    measured, status = _judge(value, 0.3, warm and warm["n"], 1000, lambda v: f"{v:.2f} × 冷构建（{warm['warm']['median_s']:.1f} s）")
    rows.append({"target": "修改一个得分后的热构建，N = 1,000，≤ 0.3 × 冷构建", "measured": measured, "status": status,
                 "least": least.get("warm")})
    dirty = next((s for s in sizes if "dirty" in s), None)
    value = dirty["dirty"]["median_s"] / dirty["project"]["median_s"] if dirty else None
    measured, status = _judge(value, 0.3, dirty and dirty["n"], 1000, lambda v: f"{v:.2f} × 冷构建（{dirty['dirty']['median_s']:.1f} s）")
    rows.append({"target": "同上，`mkdocs build --dirty`（[预览用](#dirty)），≤ 0.3 × 冷构建", "measured": measured, "status": status})

    c = results.get("commands")
    for command in ("validate", "check"):
        for cache, limit in (("cold", 15), ("warm", 3)):
            value = c[f"{command}_{cache}"]["median_s"] if c else None
            measured, status = _judge(value, limit, c and c["n"], 10000, lambda v: f"{v:.1f} s")
            rows.append({"target": f"`maturity {command}`，N = 10,000，{'冷' if cache == 'cold' else '热（修改一个得分后）'} ≤ {limit} s",
                         "measured": measured, "status": status, "least": least.get(f"{command}_{cache}")})

    # The build's memory is that of all its processes (worker processes too) where that was measured.
    value = _memory(largest["project"]) if largest else None
    tree = largest and largest["project"].get("tree_mb") is not None
    measured, status = _judge(value, 1024, largest and largest["n"], 10000,
                              lambda v: f"{v:,.0f} MiB（{'全部进程' if tree else '最大的一个进程'}）", below=True)
    rows.append({"target": "构建的峰值内存，N = 10,000，< 1 GB", "measured": measured, "status": status,
                 "least": least.get("memory")})

    h = results.get("history")
    for cache in ("cold", "warm"):
        value = h[f"share_{cache}"] if h else None
        if value is None:
            measured, status = "—", NOT
        else:
            measured = f"{value * 100:.1f} %（{h['commits']:,} 个提交，N = {h['n']:,}）"
            status = (MET if value <= 0.10 else MISSED) if h["commits"] == 1000 else f"{NOT}（目标针对 1,000 个提交）"
        rows.append({"target": f"git 历史（1,000 个提交的仓库）占构建时间 ≤ 10 %，{'冷' if cache == 'cold' else '热'}缓存",
                     "measured": measured, "status": status})

    p = results.get("payload")
    value = p["encoded_bytes"] if p and p.get("measured") else None
    measured, status = _judge(value, 1_000_000, p and p["n"], 10000, lambda v: f"{v / 1e6:.2f} MB（gzip 约 {p['served_gzip_bytes'] / 1e6:.2f} MB）")
    if p and not p.get("measured"):
        measured = f"未测量：{p.get('why')}"
    rows.append({"target": "访客第一次搜索下载的数据，N = 10,000，≤ 1 MB", "measured": measured, "status": status})

    value = largest["listing"]["max_bytes"] if largest else None
    measured, status = _judge(value, 500_000, largest and largest["n"], 10000,
                              lambda v: f"{v / 1e3:,.0f} KB（{largest['listing']['max_page']}）")
    rows.append({"target": "列表页，N = 10,000，每页 ≤ 500 KB", "measured": measured, "status": status})
    return rows


# The checks in a fresh checkout with the cache kept (bench/run.py, --check): (runs' key, what was done, column).
CHECKOUTS = (
    ("fresh", "重新检出（CI 作业的情形，[按内容沿用](#content-recall)）：热运行之后再改动一个得分，把数据文件夹在原处重新复制一份"
              "（路径和内容不变，每个文件和文件夹都是新的：inode、时间），保留 `.cache`，等 3.5 s 后运行。", "重新检出"),
    ("elsewhere", "在另一个目录中重新检出（每个并发作业一个构建目录的 CI 执行器，[缓存与位置无关](#relocatable)）：再改动一个得分，"
                  "把项目目录改名为另一个名字，并在那里把数据文件夹重新复制一份，保留 `.cache`，等 3.5 s 后在那里运行，之后改回原名。",
     "另一个目录"),
)


def _f(v, digits=1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def markdown(r: dict) -> str:
    m = r["machine"]
    out = ["### 机器与命令", "",
           f"- 日期：{r['date']}；用时 {r['minutes']} 分钟；每项测量运行 {r['repeat']} 次，取中位数；搜索：{r['search']}",
           f"- 机器：{m['cpus']} 核 {m['cpu'] or '（CPU 型号未知）'}，{m['memory_gib']} GiB 内存，{m['system']}",
           f"- 版本：Python {m['python']}，MkDocs {m['mkdocs']}，Material {m['material']}，PyYAML {m['pyyaml']}，maturity {m['maturity']}",
           f"- 负载平均值（1、5、15 分钟）：开始时 {', '.join(f'{x:.2f}' for x in r['load_before'])}；"
           f"结束时 {', '.join(f'{x:.2f}' for x in r['load_after'])}",
           "", "```bash", r["command"], "```", ""]

    naive = any("naive" in s for s in r["sizes"])
    out += ["### 冷构建：本项目 (a) 与下限 (b)", "",
            "本项目每次构建前删除 `.cache` 和 `site`；(a) 与 (b) 交替运行，每次一个进程。峰值内存为最大的一个进程的 `ru_maxrss`，"
            "括号中为构建的全部进程（包括工作进程）同时占用的内存之和的峰值（进程树的 PSS 之和，每 0.5 s 取样一次）。", ""]
    head = ["N", "(a) 本项目 s", "(b) 下限 s", "(a)/(b)"] + (["(c) 朴素 s", "(c)/(a)"] if naive else []) + \
           ["(a) 峰值 MiB", "(b) 峰值 MiB", "(a) 输出 MB", "(b) 输出 MB", "最大列表页 KB"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in r["sizes"]:
        a, b, c = s["project"], s["floor"], s.get("naive")
        cells = [f"{s['n']:,}", _f(a["median_s"]), _f(b["median_s"]), _f(a["median_s"] / b["median_s"], 2)]
        if naive:
            cells += [_f(c and c["median_s"]), _f(c and c["median_s"] / a["median_s"], 2)] if c else ["—", "—"]
        listing = s["listing"]["max_bytes"]
        cells += [_mib(a), _mib(b), _f(a.get("output_mb")), _f(b.get("output_mb")),
                  _f(listing and listing / 1e3, 0)]
        out.append("| " + " | ".join(cells) + " |" + ("" if a["ok"] and b["ok"] else "（有构建失败）"))
    out.append("")
    for s in r["sizes"]:
        out.append(f"- N = {s['n']:,} 各次（s）：(a) {', '.join(_f(x['s']) for x in s['project']['runs'])}；"
                   f"(b) {', '.join(_f(x['s']) for x in s['floor']['runs'])}"
                   + (f"；(c) {', '.join(_f(x['s']) for x in s['naive']['runs'])}" if "naive" in s else ""))
    if len(r["sizes"]) > 1:
        first = r["sizes"][0]
        for s in r["sizes"][1:]:
            out.append(f"- 增长 N = {first['n']:,} → {s['n']:,}（×{s['n'] / first['n']:g}）：时间 ×{s['project']['median_s'] / first['project']['median_s']:.2f}，"
                       f"输出 ×{(s['project']['output_mb'] or 0) / (first['project']['output_mb'] or 1):.2f}")
    out.append("")

    out += ["### 冷与热：修改一个得分之后", "",
            "冷：先删除 `<项目>/.cache`；热：紧接着冷的一次，改动一个 `scores.yml` 中的一个得分（1 与 0.8 之间来回）后再运行。"
            "`mkdocs build --dirty`：保留上一次的站点，先 `--dirty` 构建一次（不计），再改动一个得分后 `--dirty` 构建（计时）。", ""]
    rows = [("`mkdocs build`", s["n"], s["project"], s["warm"]) for s in r["sizes"] if "warm" in s]
    rows += [("`mkdocs build --dirty`", s["n"], s["project"], s["dirty"]) for s in r["sizes"] if "dirty" in s]
    c = r.get("commands")
    if c:
        rows += [(f"`maturity {k}`", c["n"], c[f"{k}_cold"], c[f"{k}_warm"]) for k in ("validate", "check")]
    if rows:
        out += ["| 命令 | N | 次数 | 冷 s | 热 s | 热/冷 | 峰值 MiB（冷/热；括号中为全部进程） |", "|---|---|---|---|---|---|---|"]
        for name, n, cold, warm in rows:
            out.append(f"| {name} | {n:,} | {len(cold['runs'])} | {_f(cold['median_s'])} | {_f(warm['median_s'])} | {_f(warm['median_s'] / cold['median_s'], 2)} | "
                       f"{_mib(cold)} / {_mib(warm)} |")
        for kind, text, column in CHECKOUTS:
            if not (c and all(f"{k}_{kind}" in c for k in ("validate", "check"))):
                continue
            out += ["", text, "", f"| 命令 | N | 次数 | {column} s | {column}/冷 | 峰值 MiB（括号中为全部进程） |", "|---|---|---|---|---|---|"]
            for k in ("validate", "check"):
                cold, anew = c[f"{k}_cold"], c[f"{k}_{kind}"]
                out.append(f"| `maturity {k}` | {c['n']:,} | {len(anew['runs'])} | {_f(anew['median_s'])} | "
                           f"{_f(anew['median_s'] / cold['median_s'], 2)} | {_mib(anew)} |")
        if c:
            for k in ("validate", "check"):
                runs = [x for kind in ("cold", "warm", "fresh", "elsewhere") for x in c.get(f"{k}_{kind}", {}).get("runs", [])]
                lines = sorted({x["last_line"] for x in runs if x.get("last_line")})
                exits = sorted({x.get("exit", 0) for x in runs})
                out += ["", f"`maturity {k}` 的结论（退出码 {', '.join(map(str, exits))}）：" + "；".join(lines)]
    else:
        out.append("本次未测量（`--warm`、`--check`）。")
    out.append("")

    ci = r.get("ci")
    if ci:
        out += ["### 拉取请求的 CI 作业（git）", "",
                f"N = {ci['n']:,} 的数据提交在一个 git 仓库中。主分支的作业克隆它，冷运行 `maturity check`（{_f(ci['main_check']['median_s'])} s），"
                "保存 `.cache`（如 CI 的缓存）；每个拉取请求修改一个得分，它的作业把那个提交克隆到新的目录（每个文件都是新的），"
                "恢复主分支作业的缓存，等 3.5 s 后运行命令（`bench/ci_jobs.py`）。每个命令一个作业，先后每轮互换。", "",
                "| 命令 | N | 次数 | s | 峰值 MiB（括号中为全部进程） | 结论 |", "|---|---|---|---|---|---|"]
        for k in ("check", "validate"):
            runs = ci[k]
            lines = "；".join(sorted({x["last_line"] for x in runs["runs"] if x.get("last_line")}))
            out.append(f"| `maturity {k}` | {ci['n']:,} | {len(runs['runs'])} | {_f(runs['median_s'])} | {_mib(runs)} | {lines} |")
        out.append("")

    h = r.get("history")
    out += ["### git 历史的开销", ""]
    if h:
        out += [f"N = {h['n']:,} 的数据提交一次，之后 {h['commits'] - 1:,} 个提交各修改一个评估的一个得分（共 {h['commits']:,} 个提交）。"
                "有历史：在这个仓库中构建；无历史：在去掉 `.git` 的副本中构建；两者交替，先后每轮互换。历史占比 =（有 − 无）/ 有。", "",
                "| 缓存 | 有历史 s | 无历史 s | 历史占比 | 峰值 MiB（有/无；括号中为全部进程） |", "|---|---|---|---|---|"]
        for cache, name in (("cold", "冷（先删除 `.cache`）"), ("warm", "热（上一次构建的缓存）")):
            w, wo = h[f"with_{cache}"], h[f"without_{cache}"]
            share = h[f"share_{cache}"]
            out.append(f"| {name} | {_f(w['median_s'])} | {_f(wo['median_s'])} | {_f(share and share * 100)} % | "
                       f"{_mib(w)} / {_mib(wo)} |")
    else:
        out.append("本次未测量（`--history`）。")
    out.append("")

    p = r.get("payload")
    out += ["### 访客第一次搜索下载的数据", ""]
    if p and p.get("measured"):
        out += [f"N = {p['n']:,}，搜索 {p['engine']}，查询“{p['query']}”，显示 {p['results_shown']} 条结果。页面加载完成后到结果出现，"
                f"加上加载时已取得的搜索文件：浏览器 resource timing 计 {p['encoded_bytes']:,} 字节（encodedBodySize；"
                f"解码后 {p['decoded_bytes']:,} 字节）；服务器发出 {p['served_bytes']:,} 字节（含 web worker 的请求），"
                f"按 gzip 压缩约 {p['served_gzip_bytes']:,} 字节（测量用的 http.server 不压缩）。", "",
                "| 文件 | 字节 |", "|---|---|"]
        out += [f"| `{x['path']}` | {x['bytes']:,} |" for x in p["served"]]
    elif p:
        out.append(f"N = {p['n']:,}：未测量（{p.get('why')}）。")
    else:
        out.append("本次未测量（`--payload`）。")
    out.append("")

    out += ["### 列表页", "", "| N | 列表页数 | 最大的一页 | KB |", "|---|---|---|---|"]
    for s in r["sizes"]:
        li = s["listing"]
        out.append(f"| {s['n']:,} | {li['pages']} | `{li['max_page']}` | {_f(li['max_bytes'] and li['max_bytes'] / 1e3, 0)} |")
    out.append("")

    sv = r.get("serve")
    out += ["### `mkdocs serve`", ""]
    if sv:
        def seconds(value) -> str:
            return f"{value:.1f} s" if value else "未测得"

        out.append(f"N = {sv['n']:,}，修改一个得分后到重新构建完成（浏览器收到刷新通知）：{seconds(sv['s'])}；"
                   f"`mkdocs serve --dirty`（[只重建改动了的页面](#dirty)）：{seconds(sv.get('dirty_s'))}。")
    else:
        out.append("本次未测量（`--serve`）。")
    out.append("")

    parts = [p for p in r.get("parts") or [] if p.get("ok")]
    out += ["### 所用部件本身的开销", ""]
    if parts:
        out += ["在同一数据上分别测量（`bench/parts.py`）：MkDocs 与 Material 构建与本项目站点同样多的一行页面（同主题、同搜索，"
                "冷构建，取中位数）；Pagefind 为这些页面的简短版本建索引（构建中的做法，它自己的峰值内存）；libyaml 读出全部数据文件的"
                "事件、不建出任何值所用的 CPU 时间。本项目的构建至少要做前两件，冷的检查至少要做第三件，所以它们限定了相应的目标"
                "最好能测得多少（下表“部件的下限”一列）。", "",
                "| N | 页面数 | MkDocs 一行页面 s（峰值 MiB） | Pagefind s（峰值 MiB） | 两者合计 / 下限 (b) | libyaml 事件 CPU s（文件数，MB） | 按核数平分 s |",
                "|---|---|---|---|---|---|---|"]
        for p in parts:
            s = _size(r, p["n"])
            ratio = f"{least_build(p) / s['floor']['median_s']:.2f} ×" if s and s["floor"]["median_s"] else "—"
            y = p["yaml"]
            out.append(f"| {p['n']:,} | {p['pages']:,} | {_f(p['mkdocs']['median_s'])}（{_f(p['mkdocs']['peak_mb'], 0)}） | "
                       f"{_f(p['pagefind'].get('s'))}（{_f(p['pagefind'].get('peak_mb'), 0)}） | {ratio} | "
                       f"{_f(y['cpu_s'])}（{y['files']:,}，{_f(y['mb'])}） | {_f(least_parse(p))}（{y['cores']} 核） |")
    else:
        out.append("本次未测量（`--parts`）。")
    out.append("")

    out += ["### 目标", "", "| 目标 | 测得 | 部件的下限 | 状态 |", "|---|---|---|---|"]
    out += [f"| {t['target']} | {t['measured']} | {t.get('least') or '—'} | {t['status']} |" for t in r["targets"]]
    return "\n".join(out) + "\n"


def write_docs(page: Path, text: str) -> None:
    """Replace what is between the results markers of the docs page."""
    content = page.read_text(encoding="utf-8")
    start, end = content.find(BEGIN), content.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{page}: no {BEGIN} … {END} markers")
    page.write_text(content[: start + len(BEGIN)] + "\n\n" + text + "\n" + content[end:], encoding="utf-8")
