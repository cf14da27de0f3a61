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
    model_id = (a.model or repo.model).id  # the model the assessment names, as the seal check computes it
    value = digests.digest(a, repo.registers.get(a.organisation["id"]), model_id)
    if args.show:
        form = digests.canonical(a, repo.registers.get(a.organisation["id"]), model_id)
        print(json.dumps(form, ensure_ascii=False, sort_keys=True, indent=2))
    print(value)
    return EXIT_OK


def cmd_verify(args) -> int:
    """Each certificate: its recorded digest equals the data's, and every evidence file it cites is unchanged."""
    if missing_paths(args):
        return EXIT_USAGE
    repo = load(args)
    failed = checked = 0
    for a in repo.assessments:
        cert = certificate_of(a, repo.settings.publication)
        if cert is None:
            continue
        checked += 1
        register = repo.registers.get(a.organisation["id"])
        problems = _problems(repo, a, cert, register)
        unchecked = _unchecked_files(a, register)
        if problems:
            failed += 1
            print(f"✗ 证书 {cert.number}（{a.id}）：数据与签发时不一致")
            for line in problems:
                print(f"    {line}")
        else:
            print(f"✓ 证书 {cert.number}（{a.id}）：数据与签发时一致 {cert.sealed_digest}")
        if unchecked:
            print(f"    未核验（文件不在本机，storage: private）：{'、'.join(unchecked)}")
    print(f"核验了 {checked} 张证书：{checked - failed} 张一致，{failed} 张不一致。")
    return EXIT_INVALID if failed else EXIT_OK


def _problems(repo, a, cert, register) -> list[str]:
    sealed = cert.sealed_digest
    if not sealed:
        return ["没有记录数据摘要 digest"]
    out = []
    current = digests.digest(a, register, (a.model or repo.model).id) if a.scores_doc else None
    if current != sealed:
        out += [f"记录：{sealed}", f"现在：{current}"]
    # The digest covers the registered sha256 of each cited file; the files themselves are hashed again
    # here, so that a file changed behind an unchanged register is caught too.
    for ref in a.cited:
        item = register.items.get(ref) if register else None
        if item is None or not item.file:
            continue
        if not item.private and item.path is None:
            out.append(f"证据 {ref} 的文件 {item.file} 不存在")
        elif item.actual_sha256 is not None and item.actual_sha256 != item.sha256:
            out.append(f"证据 {ref} 的文件 {item.file} 已被修改（登记 {item.sha256}，实际 {item.actual_sha256}）")
    mine = {a.record_doc.path, a.publication_doc.path if a.publication_doc else ""}
    out += [str(d) for d in repo.errors if d.code in ("MAT610", "MAT615") and d.path in mine]
    return out


def _unchecked_files(a, register) -> list[str]:
    return [ref for ref in a.cited if register and ref in register.items and register.items[ref].private
            and register.items[ref].actual_sha256 is None]

