"""``maturity fmt``: one stable layout for every data file, so that diffs show meaning only.

The layout: keys in the order of the file's JSON Schema (scores in the model's order), block
mappings, flow lists of scalars, one flow mapping per line for short records (every scored
requirement, always), quoting only where YAML needs it. Comments are kept: the header, full
lines before a key and comments at the end of a key's line. Files with errors are not touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from maturity.data import schema
from maturity.diagnostics import Collector
from maturity.data.files import write_atomic
from maturity.exchange.layout import scalar
from maturity.data.model import Model
from maturity.data.yamlfile import Document, load_yaml

WIDTH = 160  # a record longer than this on one line is written as a block
KINDS = {"assessment.yml": "assessment", "scores.yml": "scores", "publication.yml": "publication", "register.yml": "evidence"}


@dataclass
class Comments:
    header: list[str] = field(default_factory=list)
    before: dict[tuple, list[str]] = field(default_factory=dict)
    trailing: dict[tuple, str] = field(default_factory=dict)
    line: dict[tuple, int] = field(default_factory=dict)  # where each pointer's comments stood, for their order

    def inside(self, pointer: tuple) -> list[str]:
        """The comments of everything below ``pointer``, in their original order: kept as full lines
        when the value is written on one line (e.g. a block-style requirement entry)."""
        n = len(pointer)
        found = [(self.line.get(q, 0), 0, c) for q, cs in self.before.items() if len(q) > n and q[:n] == pointer for c in cs]
        found += [(self.line.get(q, 0), 1, c) for q, c in self.trailing.items() if len(q) > n and q[:n] == pointer]
        return [c for _, _, c in sorted(found, key=lambda x: (x[0], x[1]))]


def comment_start(line: str) -> int | None:
    """Index of a comment's '#' in ``line`` (outside quotes), or None."""
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return None


def read_comments(text: str, doc: Document) -> Comments:
    # A line belongs to its leftmost token; of a key and the mapping it opens, to the key. A block
    # sequence starts at its first "- ": that line belongs to the first item, not to the sequence.
    best: dict[int, tuple[int, int]] = {}
    by_line: dict[int, tuple] = {}
    for pointer, (line, col) in list(doc.values.items()) + list(doc.keys.items()):
        first = doc.values.get(pointer + (0,))
        if first is not None and first[0] == line and doc.keys.get(pointer, (0, 0))[0] != line:
            continue
        rank = (col, -len(pointer))
        if pointer and (line not in best or rank < best[line]):
            best[line], by_line[line] = rank, pointer
    out = Comments()
    pending: list[str] = []
    seen_content = False
    for n, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        at = comment_start(line)
        if stripped.startswith("#"):
            # A comment keeps how deep it stood: one indented under the end of a block stays in that block.
            (pending if seen_content else out.header).append(line.rstrip() if seen_content else stripped)
            continue
        if not stripped:
            if not seen_content and out.header:
                out.header.append("")
            continue
        seen_content = True
        pointer = by_line.get(n)
        if pointer is None:
            continue
        out.line.setdefault(pointer, n)
        if pending:
            out.before.setdefault(pointer, []).extend(pending)
            pending = []
        if at is not None:
            out.trailing[pointer] = line[at:].strip()
    while out.header and out.header[-1] == "":
        out.header.pop()
    if pending:  # comments at the very end stay at the end
        out.before[("__end__",)] = pending
    return out


@dataclass
class _Emitter:
    comments: Comments
    order: object  # callable(pointer, keys) -> ordered keys
    force_flow: object  # callable(pointer) -> bool
    lines: list[str] = field(default_factory=list)

    def emit_mapping(self, value: dict, pointer: tuple, indent: int, first_prefix: str | None = None) -> None:
        for i, key in enumerate(self.order(pointer, list(value))):
            p = pointer + (key,)
            prefix = first_prefix if (i == 0 and first_prefix is not None) else " " * indent
            for c in self.comments.before.get(p, []):
                self.lines.append(_indented(c, indent))
            self.emit_entry(prefix + f"{_key(key)}:", value[key], p, indent)

    def emit_entry(self, head: str, v, p: tuple, indent: int) -> None:
        trailing = self.comments.trailing.get(p)
        # Under a key, a mapping is a block (one field per line) unless it is a checklist of booleans.
        inline = isinstance(v, list) and _is_flat(v) or isinstance(v, dict) and v and all(isinstance(x, bool) for x in v.values())
        flow = self.flow(v, p) if (self.force_flow(p) or inline or v == {}) else None
        if flow is not None and (self.force_flow(p) or len(head) + len(flow) < WIDTH):
            self.lines.extend(_indented(c, indent) for c in self.comments.inside(p))
            self.lines.append(_join(f"{head} {flow}", trailing))
        elif isinstance(v, dict):
            self.lines.append(_join(head, trailing))
            self.emit_mapping(v, p, indent + 2)
        elif isinstance(v, list):
            self.lines.append(_join(head, trailing))
            for j, item in enumerate(v):
                self.emit_item(item, p + (j,), indent + 2)
        else:
            self.lines.append(_join(f"{head} {scalar(v)}", trailing))

    def emit_item(self, item, p: tuple, indent: int) -> None:
        for c in self.comments.before.get(p, []):
            self.lines.append(_indented(c, indent))
        trailing = self.comments.trailing.get(p)
        flow = self.flow(item, p) if _is_flat(item) else None
        if flow is not None and indent + 2 + len(flow) < WIDTH:
            self.lines.extend(_indented(c, indent) for c in self.comments.inside(p))
            self.lines.append(_join(" " * indent + f"- {flow}", trailing))
        elif isinstance(item, dict) and item:
            first = len(self.lines)
            self.emit_mapping(item, p, indent + 2, first_prefix=" " * indent + "- ")
            if trailing and first < len(self.lines):
                self.lines[first] = _join(self.lines[first], trailing)
        else:
            self.lines.append(_join(" " * indent + f"- {scalar(item)}", trailing))


    def flow(self, v, p: tuple) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(scalar(x, flow=True) for x in v) + "]"
        parts = []
        for k in self.order(p, list(v)):
            x = v[k]
            value = self.flow(x, p + (k,)) if isinstance(x, (list, dict)) else scalar(x, flow=True)
            parts.append(f"{scalar(k, flow=True)}: {value}")
        return "{" + ", ".join(parts) + "}"


def _indented(comment: str, indent: int) -> str:
    """A full-line comment at the key's indentation, or deeper when it stood deeper (the end of a block)."""
    own = len(comment) - len(comment.lstrip(" "))
    return " " * max(indent, own) + comment.lstrip(" ")


def _join(text: str, comment: str | None) -> str:
    return f"{text}  {comment}" if comment else text


def _key(key: str) -> str:
    return scalar(key)


def _is_flat(v) -> bool:
    if isinstance(v, list):
        return all(not isinstance(x, (dict, list)) for x in v)
    if isinstance(v, dict):
        return all(not isinstance(x, dict) and (not isinstance(x, list) or _is_flat(x)) for x in v.values())
    return False




def _schema_order(kind: str):
    root = json.loads(schema.schema_text(kind))

    def node_at(pointer: tuple) -> dict:
        node = root
        for part in pointer:
            if node.get("type") == "array" or "items" in node:
                node = node.get("items", {})
            elif isinstance(part, str) and part in node.get("properties", {}):
                node = node["properties"][part]
            elif isinstance(node.get("additionalProperties"), dict):
                node = node["additionalProperties"]
            else:
                return {}
        return node

    def order(pointer: tuple, keys: list[str]) -> list[str]:
        props = list(node_at(pointer).get("properties", {}))
        rank = {k: i for i, k in enumerate(props)}
        return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))

    return order


def _scores_order(model: Model):
    base = _schema_order("scores")
    domain_rank = {ad.code: i for i, ad in enumerate(model.assessment_domains)}
    req_rank = {r.id: i for i, r in enumerate(r for ad in model.assessment_domains for r in ad.requirements)}

    def order(pointer: tuple, keys: list[str]) -> list[str]:
        if pointer == ():
            return sorted(keys, key=lambda k: (domain_rank.get(k, len(domain_rank)), k))
        if len(pointer) == 2 and pointer[1] == "requirements":
            return sorted(keys, key=lambda k: (req_rank.get(k, len(req_rank)), k))
        return base(pointer, keys)

    return order


def format_text(text: str, doc: Document, kind: str, model: Model, data=None) -> str:
    """``text`` (parsed as ``doc``) in the canonical layout, its comments kept.

    ``data``: write these data instead of the document's own, with the comments the document's keys carry
    (what a command that adds to a file writes: the added keys have no comments of their own).
    """
    comments = read_comments(text, doc)
    data = doc.data if data is None else data
    if kind == "scores":
        names = {ad.code: ad.name for ad in model.assessment_domains}
        for code in data:
            if (code,) not in comments.trailing and code in names:
                comments.trailing[(code,)] = f"# {names[code]}"
        emitter = _Emitter(comments, _scores_order(model), lambda p: len(p) == 3 and p[1] == "requirements")
    else:
        emitter = _Emitter(comments, _schema_order(kind), lambda p: False)
    emitter.lines.extend(comments.header)
    emitter.emit_mapping(data, (), 0)
    emitter.lines.extend(_indented(c, 0) for c in comments.before.get(("__end__",), []))
    return "\n".join(emitter.lines) + "\n"


def data_files(root: Path, assessments_dir: str = "assessments", evidence_dir: str = "evidence") -> list[Path]:
    files = []
    for folder in sorted((root / assessments_dir).glob("*/")):
        files += [folder / name for name in ("assessment.yml", "scores.yml", "publication.yml") if (folder / name).is_file()]
    files += sorted((root / evidence_dir).glob("*/register.yml"))
    return files


def format_file(path: Path, display: str, model: Model, out: Collector) -> str | None:
    """The formatted text of ``path``; None (with diagnostics) when the file has errors."""
    kind = KINDS.get(path.name)
    if kind is None:
        return None
    doc, diags = load_yaml(path, display)
    out.extend(diags)
    if doc is None or not schema.check(doc, kind, out):
        return None
    text = path.read_text(encoding="utf-8-sig")
    return format_text(text, doc, kind, model)


def run(paths: list[Path], model: Model | Callable[[Path], Model], display, check: bool) -> tuple[list[Path], Collector]:
    """Format (or with ``check`` only compare) the files; return those that differ(ed).

    ``model``: the model, or a function giving each file's (a scores file is ordered by its assessment's model).
    """
    out = Collector()
    changed = []
    for path in paths:
        formatted = format_file(path, display(path), model(path) if callable(model) else model, out)
        if formatted is None:
            continue
        if path.read_text(encoding="utf-8-sig") != formatted:
            changed.append(path)
            if not check:
                write_atomic(path, formatted)
    return changed, out


def data_files_of(folder: Path) -> list[Path]:
    """The data files of one assessment folder."""
    return [folder / name for name in ("assessment.yml", "scores.yml", "publication.yml") if (folder / name).is_file()]
