"""Words out of code: every message and label comes from a per-language catalogue.

``zh.yml`` is the default and complete; another language (``en.yml``) may leave keys out and
falls back to Chinese. Keys are dotted paths into the nested YAML (``status.valid``,
``diagnostics.MAT303.mismatch``); texts use ``str.format`` fields (``{id}``). Values put into a
text are first made safe to show on one line by :func:`shown`, so a message is always one line,
whatever a data file holds.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

DEFAULT = "zh"
LANGUAGES = ("zh", "en")
MAX_SHOWN = 300  # characters of a value quoted in a message


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat catalogue of ``lang``: dotted key -> text."""
    if lang not in LANGUAGES:
        raise KeyError(f"no catalogue for language {lang!r}")
    text = resources.files("maturity.i18n").joinpath(f"{lang}.yml").read_text(encoding="utf-8")
    out: dict[str, str] = {}

    def walk(prefix: str, node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            out[prefix] = str(node)

    walk("", yaml.safe_load(text))
    return out


def has(key: str, lang: str = DEFAULT) -> bool:
    return key in catalogue(lang) or key in catalogue(DEFAULT)


def t(key: str, lang: str = DEFAULT, /, **args: Any) -> str:
    """The text of ``key`` in ``lang`` (else Chinese) with ``args`` filled in, each shown safely."""
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT)[key]
    return text.format(**{name: shown(value) for name, value in args.items()}) if args else text


def labels(prefix: str, lang: str = DEFAULT) -> dict[str, str]:
    """Every label under ``prefix`` (e.g. ``status``) as {code: text}, in catalogue order."""
    base = {k[len(prefix) + 1:]: v for k, v in catalogue(DEFAULT).items() if k.startswith(prefix + ".")}
    own = {k[len(prefix) + 1:]: v for k, v in catalogue(lang).items() if k.startswith(prefix + ".")}
    return {k: own.get(k, v) for k, v in base.items()}


class Translator:
    """The catalogue of one language, as a value: ``tr("page.index_title")``, ``tr.labels("status")``.

    No global state: the page builder renders the Chinese pages with ``translator("zh")`` and the
    English edition with ``translator("en")``, side by side in one build.
    """

    def __init__(self, lang: str) -> None:
        catalogue(lang)  # an unknown language fails here, not on the first page
        self.lang = lang

    def __call__(self, key: str, /, **args: Any) -> str:
        return t(key, self.lang, **args)

    def labels(self, prefix: str) -> dict[str, str]:
        return labels(prefix, self.lang)

    def has_own(self, key: str) -> bool:
        """Whether ``key`` is in this language's own catalogue (not only through the Chinese fallback)."""
        return key in catalogue(self.lang)

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


@cache
def translator(lang: str = DEFAULT) -> Translator:
    """A translator for ``lang`` (``zh`` or ``en``)."""
    return Translator(lang)


# Characters that would break a line, move the cursor, hide text or reorder it on a terminal or in a log.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    ch = match.group()
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\u{ord(ch):04x}")


def shown(value: Any) -> str:
    """A value as it may appear inside a message: one line, visible escapes, at most MAX_SHOWN characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN] + "…"
    return _UNSAFE.sub(_escape, text)
