"""Diagnostics: one located problem, with a stable code, its arguments and a message from the catalogue."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from maturity import i18n


class Severity(enum.Enum):
    ERROR = "error"  # always fails
    WARNING = "warning"  # fails a strict run (mkdocs build --strict, maturity check)
    NOTE = "note"  # said, never fails: e.g. a confidential file that is not on this machine

    @property
    def label(self) -> str:
        return i18n.t(f"severity.{self.value}")

    def label_in(self, lang: str) -> str:
        return i18n.t(f"severity.{self.value}", lang)


def _frozen(value: Any):
    """Arguments are kept as they can be compared, hashed and written to JSON."""
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem found in a data file.

    ``line`` and ``column`` are 1-based; 0 means "the whole file". ``key`` names the message in
    the catalogue (``MAT303.mismatch``; the code alone when it has one message) and ``args`` fill
    it in: the words live in :mod:`maturity.i18n`, not here.
    """

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    key: str
    args: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def make(cls, path: str, line: int, column: int, key: str, severity: Severity = Severity.ERROR, /, **args: Any) -> "Diagnostic":
        return cls(path, line, column, key.split(".", 1)[0], severity, key,
                   tuple(sorted((k, _frozen(v)) for k, v in args.items())))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING

    def text(self, lang: str = i18n.DEFAULT) -> str:
        """The message alone, in ``lang``."""
        key = self.key if "." in self.key else f"{self.key}.message"
        return i18n.t(f"diagnostics.{key}", lang, **dict(self.args))

    @property
    def title(self) -> str:
        """A short English name of the problem (``Dates out of order``)."""
        return i18n.t(f"diagnostics.{self.code}.title", "en")

    @property
    def message(self) -> str:
        """The Chinese message followed by the English title, as every output shows it."""
        return f"{self.text()}{self.title}."

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{i18n.shown(self.location)}: {self.severity.label} {self.code} {self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "key": self.key,
            "args": dict(self.args),
            "message": self.message,
        }


class Collector:
    """Gathers diagnostics so that every problem is reported, not just the first."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, where: "Location", key: str, severity: Severity, /, **args: Any) -> None:
        self.items.append(Diagnostic.make(where.path, where.line, where.column, key, severity, **args))

    def error(self, where: "Location", key: str, /, **args: Any) -> None:
        self.add(where, key, Severity.ERROR, **args)

    def warning(self, where: "Location", key: str, /, **args: Any) -> None:
        self.add(where, key, Severity.WARNING, **args)

    def note(self, where: "Location", key: str, /, **args: Any) -> None:
        self.add(where, key, Severity.NOTE, **args)

    def extend(self, items) -> None:
        self.items.extend(items)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)


@dataclass(frozen=True)
class Location:
    path: str
    line: int = 0
    column: int = 0


def sort_key(d: Diagnostic) -> tuple:
    return (d.path, d.line, d.column, d.code, d.message)
