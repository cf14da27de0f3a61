"""Diagnostics: one located problem, with a stable code and a Chinese message."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"  # always fails
    WARNING = "warning"  # fails a strict run (mkdocs build --strict, maturity check)
    NOTE = "note"  # said, never fails: e.g. a confidential file that is not on this machine

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "note": "提示"}[self.value]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem found in a data file.

    ``line`` and ``column`` are 1-based; 0 means "the whole file".
    """

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.label} {self.code} {self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


class Collector:
    """Gathers diagnostics so that every problem is reported, not just the first."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, where: "Location", code: str, message: str) -> None:
        self.items.append(Diagnostic(where.path, where.line, where.column, code, Severity.ERROR, message))

    def warning(self, where: "Location", code: str, message: str) -> None:
        self.items.append(Diagnostic(where.path, where.line, where.column, code, Severity.WARNING, message))

    def note(self, where: "Location", code: str, message: str) -> None:
        self.items.append(Diagnostic(where.path, where.line, where.column, code, Severity.NOTE, message))

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
