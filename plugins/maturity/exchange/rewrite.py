"""Adding to a data file: the new data written in the canonical layout, every comment kept, or nothing.

The commands that add to a register or to ``publication.yml`` do not edit text by hand: they write the
file's data, with what they add, the way ``maturity fmt`` writes it, with the comments the file carries.
That is only a small, reviewable change when the file is already in the canonical layout (which CI keeps
it in); a file that is not is refused, with the command that puts it right, rather than re-laid out
unasked. The result is parsed again and must hold exactly the data intended.
"""

from __future__ import annotations

from pathlib import Path

from maturity import i18n
from maturity.data import schema
from maturity.data.model import Model
from maturity.data.yamlfile import Document, load_yaml, parse_yaml
from maturity.diagnostics import Collector
from maturity.exchange.fmt import format_text


class RewriteError(Exception):
    """The file cannot be added to; ``problems`` says why (diagnostics with file and line where there are)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_canonical(path: Path, display: str, kind: str, model: Model | None) -> tuple[str, Document]:
    """The text and document of a valid data file in the canonical layout; RewriteError otherwise."""
    doc, diags = load_yaml(path, display)
    out = Collector()
    out.extend(diags)
    if doc is None or not schema.check(doc, kind, out):
        raise RewriteError([str(d) for d in out.items if d.is_error] + [i18n.t("writers.fix_first")])
    text = path.read_text(encoding="utf-8-sig")
    if format_text(text, doc, kind, model) != text:
        raise RewriteError([i18n.t("writers.not_canonical", file=display)])
    return text, doc


def with_data(text: str, doc: Document, kind: str, model: Model | None, data: dict) -> str:
    """``text`` with ``data`` in place of its own, canonical, comments kept; checked by parsing it again."""
    new = format_text(text, doc, kind, model, data=data)
    parsed, diags = parse_yaml(new, doc.path)
    out = Collector()
    out.extend(diags)
    if parsed is None or not schema.check(parsed, kind, out) or parsed.data != data:
        # Only values a command let through unchecked could get here: say so, write nothing.
        raise RewriteError([str(d) for d in out.items if d.is_error] + [i18n.t("writers.not_written", file=doc.path)])
    return new
