"""What the commands share: turning PATH arguments into a loaded repository, and output formats."""

from __future__ import annotations

import sys
from pathlib import Path

from maturity.data.assessment import RECORD
from maturity.diagnostics import Diagnostic
from maturity.repository import Repository, DisplayPath, find_assessment_folders, load_repository

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _targets(paths: list[str], assessments_dir: str) -> tuple[Path, list[Path] | None]:
    """Resolve PATHs (repository root, assessments folder or assessment folders) to a root and folders."""
    if not paths:
        paths = ["."]
    root: Path | None = None
    folders: list[Path] = []
    whole = False
    for raw in paths:
        p = Path(raw)
        full = p.resolve()  # names of "." and ".." are known only once resolved (e.g. `maturity digest .`)
        if (p / RECORD).exists() or (full.parent.name == assessments_dir and p.is_dir()):
            folders.append(p)
            here = full.parent.parent if full.parent.name == assessments_dir else full.parent
        elif full.name == assessments_dir or (p.is_dir() and not (p / assessments_dir).is_dir() and any(p.glob(f"*/{RECORD}"))):
            folders.extend(find_assessment_folders(p))
            here = full.parent
        else:
            here = p
            folders.extend(find_assessment_folders(p / assessments_dir))
            whole = True
        root = root or here
    return root or Path("."), (None if whole and len(paths) == 1 else folders)


def load(args) -> Repository:
    root, only = _targets(args.paths, args.assessments_dir)
    return load_repository(root, model_path=args.model, assessments_dir=args.assessments_dir,
                           evidence_dir=args.evidence_dir, only=only)


def github_annotation(d: Diagnostic) -> str:
    def esc(s: str, prop: bool = False) -> str:
        s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return s.replace(":", "%3A").replace(",", "%2C") if prop else s
    kind = "error" if d.is_error else "warning"
    return f"::{kind} file={esc(d.path, True)},line={max(d.line, 1)},col={max(d.column, 1)},title={esc(d.code, True)}::{esc(d.message)}"


def missing_paths(args) -> bool:
    """A PATH that does not exist is a usage error, not an empty repository that passes."""
    missing = [p for p in args.paths if not Path(p).exists()]
    for p in missing:
        print(f"maturity {args.command}: 路径不存在：{p}。No such path.", file=sys.stderr)
    return bool(missing)




def display_path(path: Path) -> str:
    return DisplayPath()(path)


def load_folder(args, folder: Path) -> Repository | None:
    """Load the repository around one assessment folder, only that folder; None if it is not one."""
    if not (folder / RECORD).exists():
        print(f"maturity {args.command}: {folder} 不是评估目录（缺少 {RECORD}）。Not an assessment folder.", file=sys.stderr)
        return None
    root, only = _targets([str(folder)], args.assessments_dir)
    return load_repository(root, model_path=args.model, assessments_dir=args.assessments_dir,
                           evidence_dir=args.evidence_dir, only=only)
