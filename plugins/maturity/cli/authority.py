"""The authority's commands: ``digest`` (what to record at issue) and ``verify`` (check it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from maturity.exchange import digest as digests
from maturity.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, load, load_folder, missing_paths
from maturity.data.publication import certificate_of


def cmd_digest(args) -> int:
    repo = load_folder(args, Path(args.path))
    if repo is None:
        return EXIT_USAGE
    a = repo.assessments[0] if repo.assessments else None
    if a is None or a.scores_doc is None:
        for d in repo.errors:
            print(d, file=sys.stderr)
        return EXIT_INVALID
    value = digests.digest(a, repo.registers.get(a.organisation["id"]), repo.model.id)
    if args.show:
        form = digests.canonical(a, repo.registers.get(a.organisation["id"]), repo.model.id)
        print(json.dumps(form, ensure_ascii=False, sort_keys=True, indent=2))
    print(value)
    return EXIT_OK


def cmd_verify(args) -> int:
    if missing_paths(args):
        return EXIT_USAGE
    repo = load(args)
    failed = 0
    checked = 0
    for a in repo.assessments:
        cert = certificate_of(a, repo.settings)
        if cert is None:
            continue
        checked += 1
        sealed = cert.sealed_digest
        current = digests.digest(a, repo.registers.get(a.organisation["id"]), repo.model.id) if a.scores_doc else None
        if sealed and current == sealed:
            print(f"✓ 证书 {cert.number}（{a.id}）：数据与签发时一致 {sealed}")
            continue
        failed += 1
        if not sealed:
            print(f"✗ 证书 {cert.number}（{a.id}）：没有记录数据摘要 digest")
            continue
        print(f"✗ 证书 {cert.number}（{a.id}）：数据与签发时不一致")
        print(f"    记录：{sealed}")
        print(f"    现在：{current}")
        for d in repo.errors:
            if d.code == "MAT610" and a.publication_doc and d.path == a.publication_doc.path:
                print(f"    {d}")
    print(f"核验了 {checked} 张证书：{checked - failed} 张一致，{failed} 张不一致。")
    return EXIT_INVALID if failed else EXIT_OK
