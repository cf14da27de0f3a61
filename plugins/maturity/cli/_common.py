"""What the commands share: the repository's settings, PATH arguments, and output formats."""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

from maturity.data.assessment import RECORD
from maturity.diagnostics import Diagnostic, Severity
from maturity.repository import DisplayPath, Repository, find_assessment_folders, load_repository
from maturity.settings import CONFIG_FILE, Settings, load_settings

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def find_root(path: Path) -> Path:
    """The repository a PATH belongs to: the nearest folder at or above it that holds mkdocs.yml.

    Without one: for an assessment folder (or a file in it) the folder two levels up, for a folder
    of assessment folders its parent, else the folder itself.
    """
    full = path.resolve()
    start = full if full.is_dir() else full.parent
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    if (start / RECORD).is_file():  # an assessment folder, or a file in one
        return start.parent.parent
    if any(start.glob(f"*/{RECORD}")):  # the assessments folder
        return start.parent
    return start


def settings_of(args, root: Path) -> Settings:
    """The repository's settings (its mkdocs.yml, as the plugin reads it), with the command's flags applied."""
    config_file = getattr(args, "config_file", None)
    settings = load_settings(root, config_file)
    model = getattr(args, "model", None)
    return settings.with_overrides(model=Path(model).resolve() if model else None,
                                   assessments_dir=getattr(args, "assessments_dir", None),
                                   evidence_dir=getattr(args, "evidence_dir", None))


def targets(args) -> tuple[Settings, list[Path] | None]:
    """The settings and the assessment folders PATHs name (None: every folder of the repository)."""
    paths = [Path(p) for p in (getattr(args, "paths", None) or ["."])]
    root = find_root(Path(args.config_file).resolve().parent if getattr(args, "config_file", None) else paths[0])
    settings = settings_of(args, root)
    assessments = settings.assessments_path.resolve()
    folders: list[Path] = []
    for p in paths:
        full = p.resolve()
        if full == settings.root.resolve() or full == assessments and len(paths) == 1:
            return settings, None
        if full == assessments:
            folders.extend(find_assessment_folders(p))
        elif full.is_file() and full.parent.parent == assessments:
            folders.append(p.parent)  # a data file: its assessment folder
        elif full.is_dir() and (full.parent == assessments or (full / RECORD).exists()):
            folders.append(p)
        elif full.is_dir() and any(full.glob(f"*/{RECORD}")):
            folders.extend(find_assessment_folders(p))
        else:
            folders.append(p)  # reported: not an assessment folder (MAT009)
    return settings, folders


def load(args) -> Repository:
    settings, only = targets(args)
    return load_repository(settings, only=only, parallel=True)


def github_annotation(d: Diagnostic) -> str:
    def esc(s: str, prop: bool = False) -> str:
        s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return s.replace(":", "%3A").replace(",", "%2C") if prop else s
    kind = "error" if d.is_error else "warning" if d.is_warning else "notice"
    return f"::{kind} file={esc(d.path, True)},line={max(d.line, 1)},col={max(d.column, 1)},title={esc(d.code, True)}::{esc(d.message)}"


# GitLab's Code Quality severities. Warnings fail the gate too (strict), so they are more than "minor".
GITLAB_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "info"}


def gitlab_code_quality(diagnostics) -> list[dict]:
    """Diagnostics as a GitLab Code Quality report: the subset of the Code Climate format GitLab reads.

    The merge request widget lists the findings that are new against the target branch's report, matched
    by fingerprint. The fingerprint leaves the line out, so a finding that only moved (lines added above it)
    is not "new"; identical findings in one file are told apart by their order.
    """
    seen: Counter = Counter()
    report = []
    for d in diagnostics:
        key = "\0".join((d.code, d.path, d.message))
        seen[key] += 1
        fingerprint = hashlib.md5(f"{key}\0{seen[key]}".encode("utf-8"), usedforsecurity=False).hexdigest()
        report.append({"description": f"{d.code} {d.message}", "check_name": d.code, "fingerprint": fingerprint,
                       "severity": GITLAB_SEVERITY[d.severity],
                       "location": {"path": d.path, "lines": {"begin": max(d.line, 1)}}})
    return report


def missing_paths(args) -> bool:
    """A PATH that does not exist is a usage error, not an empty repository that passes."""
    given = getattr(args, "paths", None) or ([args.path] if getattr(args, "path", None) else [])
    missing = [p for p in given if not Path(p).exists()]
    for p in missing:
        print(f"maturity {args.command}: 路径不存在：{p}。No such path.", file=sys.stderr)
    return bool(missing)


def display_path(path: Path) -> str:
    return DisplayPath()(path)


def load_folder(args, folder: Path) -> Repository | None:
    """Load the repository around one assessment folder, only that folder; None if it is not one."""
    if not (folder / RECORD).exists():
        print(f"maturity {args.command}: {folder} 不是评估文件夹（缺少 {RECORD}）。Not an assessment folder.", file=sys.stderr)
        return None
    settings = settings_of(args, find_root(folder))
    return load_repository(settings, only=[folder])
