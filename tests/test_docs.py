"""The command-line page documents what the command line has: every command, every option, every exit code."""

from __future__ import annotations

import argparse
import re

from conftest import PROJECT
from maturity.cli import build_parser
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE

CLI_MD = (PROJECT / "docs" / "guide" / "cli.md").read_text(encoding="utf-8")


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every leaf command ("check", "sheet export", …) and its parser."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(commands(sub, f"{prefix}{name} ") or {f"{prefix}{name}": sub})
    return found


def section(command: str) -> str:
    """The text of the section ``## maturity COMMAND`` (to the next section of that level)."""
    match = re.search(rf"^## maturity {re.escape(command)} \{{#[a-z-]+\}}\n(.*?)(?=^## |\Z)", CLI_MD, re.S | re.M)
    assert match, f"docs/guide/cli.md has no section “## maturity {command}”"
    return match.group(1)


def test_every_command_has_a_section():
    found = commands(build_parser())
    assert len(found) >= 14
    for command in found:
        section(command)


def test_every_option_of_every_command_is_documented():
    missing = []
    for command, parser in commands(build_parser()).items():
        text = section(command)
        for action in parser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag not in ("--help",) and flag not in text and flag not in section_common():
                    missing.append(f"{command} {flag}")
    assert not missing, missing


def section_common() -> str:
    match = re.search(r"^## 站点设置与公共选项.*?(?=^## )", CLI_MD, re.S | re.M)
    return match.group(0)


def test_the_exit_codes_are_listed():
    match = re.search(r"^## 退出码.*?(?=^## )", CLI_MD, re.S | re.M)
    assert match
    for code in (EXIT_OK, EXIT_INVALID, EXIT_USAGE):
        assert f"| {code} |" in match.group(0) or f"`{code}`" in match.group(0), code
