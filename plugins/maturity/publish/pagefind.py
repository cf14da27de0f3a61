"""Pagefind: the search index of the generated pages, for sites too large for the theme's search.

Material's search loads its whole index into the browser, linear in the number of assessments.
Pagefind splits its index into chunks and a search downloads only the chunks its words need, so a
visitor's first search stays small at national scale. With ``search: pagefind``:

* each generated page carries its short version (the ``*_search.html`` templates: name, credit code,
  level, conclusion, certificate number) in a hidden ``data-pagefind-body`` element (:func:`body`),
  and only that is indexed: no requirement table, evidence or history;
* after the site generator has written the HTML, :func:`run` runs the ``pagefind`` binary over the
  built site, writing ``pagefind/`` beside the pages; it reads only the generated pages' folders
  (:func:`glob`), so a published evidence file in HTML can never put itself into the search.

The binary comes from the ``pagefind-bin-extended`` package (the extended build segments Chinese),
or from the file named by ``MATURITY_PAGEFIND``. This module knows nothing about MkDocs.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from maturity import i18n
from maturity.publish import urls

ENV = "MATURITY_PAGEFIND"  # a pagefind binary to use instead of the package's (e.g. one installed with npm)
BUNDLE = "pagefind"  # where the index and Pagefind's scripts go, relative to the built site
TIMEOUT = 30 * 60  # seconds: ten thousand assessments index in well under a minute; a hang must still end
# The folders of the pages Pagefind indexes, in both editions (evidence/ is left out on purpose).
FOLDERS = ("assessments", "organisations", "certificates")
_ID = re.compile(r'\sid="[^"]*"')


class PagefindError(RuntimeError):
    """Pagefind cannot be used or failed; the message says so in the catalogue's language."""


@dataclass(frozen=True)
class Indexed:
    binary: Path
    output: str  # what pagefind printed (its summary)


def binary() -> Path:
    """The pagefind executable, or PagefindError saying how to install it."""
    chosen = os.environ.get(ENV)
    if chosen:
        path = Path(chosen)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise PagefindError(i18n.t("build.pagefind_env", var=ENV, path=chosen))
        return path
    try:
        import pagefind_bin_extended  # the optional extra: pip install 'maturity[pagefind]'
        return Path(pagefind_bin_extended.get_executable())
    except (ImportError, FileNotFoundError, OSError):
        raise PagefindError(i18n.t("build.pagefind_missing")) from None


def glob() -> str:
    """Pagefind's --glob: the generated pages of both editions, nothing else."""
    folders = [*FOLDERS, *(urls.ENGLISH + f for f in FOLDERS)]
    return "{" + ",".join(folders) + "}/**/*.html"


def body(search_html: str) -> str:
    """What Pagefind indexes of a page: its short version, hidden (the page shows the whole), without ids."""
    return f'\n<div class="mt-find-body" data-pagefind-body hidden>\n{_ID.sub("", search_html)}\n</div>\n'


def run(site_dir: Path, *, directory_urls: bool = True, executable: Path | None = None) -> Indexed:
    """Index the built site in ``site_dir`` into ``site_dir/pagefind``; PagefindError when it cannot."""
    executable = executable or binary()
    cmd = [str(executable), "--site", str(site_dir), "--output-subdir", BUNDLE, "--glob", glob()]
    if not directory_urls:
        cmd.append("--keep-index-url")  # the pages are …/index.html: results must link there
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise PagefindError(i18n.t("build.pagefind_failed", code="timeout", output="")) from None
    except OSError as exc:
        raise PagefindError(i18n.t("build.pagefind_failed", code=exc.strerror or str(exc), output="")) from None
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        tail = "\n".join(output.splitlines()[-10:])
        raise PagefindError(i18n.t("build.pagefind_failed", code=proc.returncode, output=tail))
    if not (site_dir / BUNDLE / "pagefind.js").is_file():
        raise PagefindError(i18n.t("build.pagefind_failed", code=0, output=output[-2000:]))
    return Indexed(executable, output)
