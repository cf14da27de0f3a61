"""``maturity diff``: what a change does to the results, for reviewers and pull requests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from maturity.exchange import diff, diff_render
from maturity.exchange import gitrepo
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, settings_of


def cmd_diff(args) -> int:
    root = Path(args.root)
    if args.head is not None and (root / args.head).exists() and not _is_revision(root, args.head):
        # `maturity diff BASE PATH`: a folder, not a revision, so compare BASE with the working tree.
        args.paths, args.head = [args.head, *args.paths], None
    try:
        settings = settings_of(args, root)
        rd = diff.diff_revisions(settings, args.base, args.head, only=args.paths or None,
                                 overrides=dict(model=Path(args.model).resolve() if args.model else None,
                                                assessments_dir=args.assessments_dir, evidence_dir=args.evidence_dir))
    except gitrepo.GitError as exc:
        print(f"maturity diff: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps(diff_render.to_json(rd), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(diff_render.render_markdown(rd), end="")
    else:
        print(diff_render.render_text(rd))
    has_errors = any(d.diagnostics for d in rd.assessments) or rd.diagnostics
    return EXIT_INVALID if (args.exit_code and has_errors) else EXIT_OK


def _is_revision(root: Path, name: str) -> bool:
    try:
        gitrepo.resolve(root, name)
    except gitrepo.GitError:
        return False
    return True
