"""Reproducible builds: the same data and settings give the same bytes.

Three real ``mkdocs build --strict`` runs of the demo repository, with the plugin's ``build_date``
left unset so that ``SOURCE_DATE_EPOCH`` (the same for all three) decides the date:

* two in different temporary folders (different absolute paths, different lengths), same environment;
* a third with another locale (``zh_CN.UTF-8`` when installed, else ``C``) and another
  ``PYTHONHASHSEED`` (0 vs 1234).

Every output file is compared byte for byte (gzip files included); the assertion lists each
difference.
"""

from __future__ import annotations

import difflib
import gzip
import os
import re
import shutil
import subprocess

import pytest

from security_helpers import copy_demo
from site_helpers import EPOCH, MKDOCS


def _locale(preferred: str, fallback: str) -> str:
    try:
        names = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return fallback
    wanted = preferred.lower().replace("-", "")
    return preferred if any(n.lower().replace("-", "") == wanted for n in names) else fallback


OTHER_LOCALE = _locale("zh_CN.UTF-8", "C")


def prepare(root):
    """One copy of the demo (taken once, so that all builds see the same files), build_date unset."""
    copy_demo(root)
    config = root / "mkdocs.yml"
    text, n = re.subn(r"(?m)^(\s+build_date:).*$", r"\1 null", config.read_text(encoding="utf-8"))
    assert n == 1
    config.write_text(text, encoding="utf-8")
    return root


def build(source, root, *, lang: str, hashseed: str):
    shutil.copytree(source, root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONHASHSEED"))}
    env.update(SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1", NO_COLOR="1", LANG=lang, LC_ALL=lang,
               PYTHONHASHSEED=hashseed)
    proc = subprocess.run([str(MKDOCS), "build", "--strict", "--clean"], cwd=root, env=env, capture_output=True, timeout=180)
    assert proc.returncode == 0, (proc.stdout + proc.stderr).decode("utf-8", "replace")
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    source = prepare(tmp_path_factory.mktemp("source") / "repo")
    first = build(source, tmp_path_factory.mktemp("a") / "repo", lang="C.UTF-8", hashseed="0")
    second = build(source, tmp_path_factory.mktemp("b") / "a" / "much" / "longer" / "path" / "副本", lang="C.UTF-8", hashseed="0")
    third = build(source, tmp_path_factory.mktemp("c") / "repo", lang=OTHER_LOCALE, hashseed="1234")
    return first, second, third


def differences(one, two) -> list[str]:
    a = {p.relative_to(one).as_posix(): p for p in one.rglob("*") if p.is_file()}
    b = {p.relative_to(two).as_posix(): p for p in two.rglob("*") if p.is_file()}
    out = [f"only in the first build: {n}" for n in sorted(set(a) - set(b))]
    out += [f"only in the second build: {n}" for n in sorted(set(b) - set(a))]
    for name in sorted(set(a) & set(b)):
        x, y = a[name].read_bytes(), b[name].read_bytes()
        if x == y:
            continue
        if name.endswith(".gz"):
            x, y = gzip.decompress(x), gzip.decompress(y)
            if x == y:
                out.append(f"{name}: same content, different gzip header")
                continue
        diff = difflib.unified_diff(x.decode("utf-8", "replace").splitlines(), y.decode("utf-8", "replace").splitlines(),
                                    lineterm="", n=0)
        shown = [line[:200] for line in list(diff)[2:8]]
        out.append(f"{name} differs:\n    " + "\n    ".join(shown))
    return out


def test_site_has_the_published_outputs(sites):
    site = sites[0]
    for name in ("index.html", "certificates.json", "feed.xml", "search/search_index.json", "sitemap.xml", "sitemap.xml.gz"):
        assert (site / name).is_file(), name
    assert "2026-11-21" in (site / "certificates.json").read_text(encoding="utf-8"), "SOURCE_DATE_EPOCH sets the build date"


def test_same_bytes_from_different_folders(sites):
    diff = differences(sites[0], sites[1])
    assert not diff, "builds in two folders differ:\n" + "\n".join(diff)


def test_same_bytes_with_other_locale_and_hash_seed(sites):
    diff = differences(sites[0], sites[2])
    assert not diff, f"builds with LANG=C.UTF-8/PYTHONHASHSEED=0 and LANG={OTHER_LOCALE}/PYTHONHASHSEED=1234 differ:\n" + "\n".join(diff)


def test_no_absolute_build_path_in_the_output(sites):
    for site in sites:
        root = str(site.parent)
        leaks = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and root.encode() in p.read_bytes()]
        assert not leaks, f"the build folder {root} appears in {leaks}"


def test_a_second_build_from_the_build_cache_gives_the_same_bytes(sites):
    """The first build's folder built again, its cache kept: pages taken from the store (maturity.publish.rendered)
    and every output file the same, byte for byte. Built once more when its files have settled: what passed is
    then not checked again (maturity.verdicts), and the bytes are still the same."""
    import time

    from maturity.cache import CheckedFiles

    first = sites[0]
    root = first.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONHASHSEED"))}
    env.update(SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1", NO_COLOR="1", LANG="C.UTF-8", LC_ALL="C.UTF-8",
               PYTHONHASHSEED="0")

    def warm(folder: str) -> str:
        proc = subprocess.run([str(MKDOCS), "build", "--strict", "--clean", "-d", folder], cwd=root, env=env,
                              capture_output=True, timeout=180)
        output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        assert proc.returncode == 0, output
        assert differences(first, root / folder) == []
        return output

    # The copy's files were written just before the first build: not settled then, so nothing was remembered.
    data = [p for p in root.rglob("*") if not {".cache", "site"} & set(p.relative_to(root).parts)]
    newest = max(max(p.stat().st_mtime, p.stat().st_ctime) for p in data)
    time.sleep(max(0.0, newest + CheckedFiles.SETTLED_NS / 1e9 + 0.2 - time.time()))
    output = warm("site-warm")
    taken = re.search(r"生成的 (\d+) 个页面和文件中，(\d+) 个取自构建缓存", output)
    assert taken and int(taken.group(2)) > 20, output
    output = warm("site-warm-again")
    recalled = re.search(r"(\d+) 个评估上次通过了全部检查", output)
    assert recalled and int(recalled.group(1)) >= 2, output
