"""The authority's settings for publication: announcement period, certificate scheme, calendar.

They live with the plugin's options in ``mkdocs.yml`` (one place for the authority), and the
CLI reads them from there too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from maturity.data.workdays import WorkingCalendar


@dataclass
class AuthoritySettings:
    announcement_days: int = 5  # working days of the 公示 period
    objection_contact: str = "请在公示期内以书面形式向评估管理机构提出异议，并附联系方式和证明材料。"
    certificate_number: str = r"^[A-Z]{2,10}-\d{4}-\d{4}$"  # the scheme numbers must match
    validity_years: int = 3
    surveillance_months: int = 12
    holidays: list[dt.date] = field(default_factory=list)
    workdays: list[dt.date] = field(default_factory=list)

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(frozenset(self.holidays), frozenset(self.workdays))

    def number_matches(self, number: str) -> bool:
        return re.fullmatch(self.certificate_number, number) is not None


OPTIONS = ("announcement_days", "objection_contact", "certificate_number", "validity_years", "surveillance_months",
           "holidays", "workdays")


class SettingsError(ValueError):
    """The publication settings in mkdocs.yml cannot be used (the CLI reports it instead of a traceback)."""


def from_options(options: dict) -> AuthoritySettings:
    s = AuthoritySettings()
    for key in OPTIONS:
        if options.get(key) is not None:
            value = options[key]
            if key in ("holidays", "workdays"):
                if not isinstance(value, list):
                    raise SettingsError(f"{key} 应为日期列表，如 [2031-01-01]")
                try:
                    value = [v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in value]
                except ValueError as exc:
                    raise SettingsError(f"{key} 中有无效日期（应为 YYYY-MM-DD）：{exc}") from exc
            setattr(s, key, value)
    try:
        re.compile(s.certificate_number)
    except re.error as exc:
        raise SettingsError(f"certificate_number 不是有效的正则表达式：{exc}") from exc
    return s


class _Lenient(yaml.SafeLoader):
    """mkdocs.yml may use tags such as !ENV or !!python/name: read them as nothing."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_mkdocs_options(mkdocs_yml: Path) -> dict:
    """The ``maturity`` plugin's options in ``mkdocs.yml`` ({} when absent or unreadable)."""
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_Lenient) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    except ValueError as exc:  # e.g. an impossible date such as 2031-13-01
        raise SettingsError(f"{mkdocs_yml}：{exc}") from exc
    for entry in data.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("maturity"), dict):
            return entry["maturity"]
        if entry == "maturity":
            return {}
    return {}


def settings_for(root: Path) -> AuthoritySettings:
    """The settings of the repository at ``root`` (from its mkdocs.yml), or the defaults."""
    path = root / "mkdocs.yml"
    return from_options(read_mkdocs_options(path)) if path.is_file() else AuthoritySettings()
