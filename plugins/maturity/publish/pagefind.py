"""Pagefind: the search index of the generated pages, for sites too large for the theme's search.

Material's search loads its whole index into the browser, linear in the number of assessments.
Pagefind splits its index into chunks and a search downloads only the chunks its words need, so a
visitor's first search stays small at national scale. With ``search: pagefind``:

* each generated page that is indexed carries its short version (the ``*_search.html`` templates: name,
  credit code, level, conclusion, certificate number) as :attr:`maturity.publish.site.Page.find_html`;
  the page itself does not carry it, and no requirement table, evidence or history is indexed;
* :func:`run` writes each short version as a small HTML document of its own, at the path of its page, into a
  temporary folder, and runs the ``pagefind`` binary over that folder, writing the bundle to ``pagefind/`` in the
  site's folder. Pagefind never reads the built pages, so it may run before they are written (the MkDocs plugin
  runs it then, in the languages the theme is expected to write, and checks them once built:
  :func:`expected_editions`, :func:`built_editions`). Reading only short versions (a report is some 60 KB of
  HTML; its short version under 1 KB), Pagefind itself takes a fifth of the time, and nothing else in the site
  (a published evidence file in HTML, say) can put itself into the search.
  Writing the documents costs a folder and a file per page, which on a disk can eat the gain: they go to a
  memory file system where there is room (:mod:`maturity.publish.scratch`; docs/performance.md#render-share).

The binary comes from the ``pagefind-bin-extended`` package (the extended build segments Chinese),
or from the file named by ``MATURITY_PAGEFIND``. This module knows nothing about MkDocs.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from maturity import heap, i18n
from maturity.publish import scratch, urls

ENV = "MATURITY_PAGEFIND"  # a pagefind binary to use instead of the package's (e.g. one installed with npm)
BUNDLE = "pagefind"  # where the index and Pagefind's scripts go, relative to the built site
TIMEOUT = 30 * 60  # seconds: ten thousand assessments index in about ten seconds; a hang must still end
_ID = re.compile(r'\sid="[^"]*"')
_LANG = re.compile(r'<html\b[^>]*?\slang="([^"]*)"', re.IGNORECASE)


class PagefindError(RuntimeError):
    """Pagefind cannot be used or failed; the message says so in the catalogue's language."""


@dataclass(frozen=True)
class Indexed:
    binary: Path
    output: str  # what pagefind printed (its summary)
    editions: dict[str, str]  # the language of each edition's documents (prefix -> language)


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


def document(find_html: str, lang: str) -> str:
    """What Pagefind reads for one page: its short version, in the language of its edition (one index per
    language), without ids (its headings are not the page's anchors)."""
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8"></head>\n'
            f'<body><main data-pagefind-body>\n{_ID.sub("", find_html)}\n</main></body></html>\n')


def edition_language(site_dir: Path, prefix: str, directory_urls: bool, default: str) -> str:
    """The ``<html lang>`` of an edition's built search page (the generator decides it, e.g. Material's
    ``theme.language``): Pagefind's script picks the index of the page's language, so the documents use it."""
    try:
        with open(site_dir / urls.built_path(prefix + urls.FIND, directory_urls), "rb") as f:
            head = f.read(8192).decode("utf-8", "replace")
    except OSError:
        return default
    found = _LANG.search(head)
    return found.group(1) if found else default


def built_editions(site_dir: Path, directory_urls: bool) -> dict[str, str]:
    """The language of each edition of the built site (prefix -> ``<html lang>`` of its search page); the English
    edition only where its search page was built."""
    editions = {"": edition_language(site_dir, "", directory_urls, "zh")}
    if (site_dir / urls.built_path(urls.ENGLISH + urls.FIND, directory_urls)).is_file():
        editions[urls.ENGLISH] = edition_language(site_dir, urls.ENGLISH, directory_urls, "en")
    return editions


def expected_editions(pages, language: str) -> dict[str, str]:
    """The editions a site of ``pages`` will have before it is built: the generator's ``language`` for the default
    edition (what the theme writes as ``<html lang>``, e.g. Material's ``theme.language``), English for the English
    edition, whose pages say so themselves, where it has a search page. :func:`built_editions` tells once built."""
    editions = {"": language}
    if any(page.src_uri == urls.ENGLISH + urls.FIND for page in pages):
        editions[urls.ENGLISH] = "en"
    return editions


def write_documents(folder: Path, pages, editions: dict[str, str], directory_urls: bool) -> int:
    """Write each indexed page's document into ``folder`` at its page's path, in the language of its edition
    (``editions``: prefix -> language); how many were written.

    An edition with no indexed page (a site with no assessment yet) gets one document at its search page,
    holding only that page's title: Pagefind makes no index of nothing, and the search page needs one."""
    written, seen, titles = 0, set(), {}
    for page in pages:
        short = page.find_html
        if short is None:
            if page.src_uri in (urls.FIND, urls.ENGLISH + urls.FIND):  # an edition's search page
                titles[page.src_uri[: -len(urls.FIND)]] = page.title
            continue
        prefix = urls.ENGLISH if page.src_uri.startswith(urls.ENGLISH) else ""
        _write(folder, urls.built_path(page.src_uri, directory_urls), document(short, editions.get(prefix, "en")))
        written += 1
        seen.add(prefix)
    for prefix, lang in editions.items():
        if prefix not in seen:
            title = html.escape(titles.get(prefix, "search"))
            _write(folder, urls.built_path(prefix + urls.FIND, directory_urls), document(f"<h1>{title}</h1>", lang))
            written += 1
    return written


def _write(folder: Path, rel: str, text: str) -> None:
    if rel.startswith("/") or ".." in rel.split("/"):  # never reached from the checked ids; never outside ``folder``
        raise OSError(22, f"not a page path: {rel!r}")
    target = folder / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


DOCUMENT_BYTES = 2048  # what a document and its folder may take: a short version is under 1 KB


def run(site_dir: Path, pages, *, directory_urls: bool = True, executable: Path | None = None,
        editions: dict[str, str] | None = None) -> Indexed:
    """Index the short versions of ``pages`` (:class:`~maturity.publish.site.Page`) into ``site_dir/pagefind``, in the
    languages of ``editions`` (:func:`expected_editions`), or by default as the generator built the site in
    ``site_dir`` (:func:`built_editions`); PagefindError when it cannot."""
    executable = executable or binary()
    if editions is None:
        editions = built_editions(site_dir, directory_urls)
    with tempfile.TemporaryDirectory(prefix="maturity-find-", dir=scratch.folder(DOCUMENT_BYTES * len(pages), 2 * len(pages))) as tmp:
        try:
            write_documents(Path(tmp), pages, editions, directory_urls)
        except OSError as exc:
            raise PagefindError(i18n.t("build.pagefind_failed", code=exc.strerror or str(exc), output="")) from None
        cmd = [str(executable), "--site", tmp, "--output-path", str((site_dir / BUNDLE).resolve())]
        if not directory_urls:
            cmd.append("--keep-index-url")  # the pages are …/index.html: results must link there
        heap.give_back()  # Pagefind holds its whole index in memory while this process waits (maturity.heap)
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
    return Indexed(executable, output, editions)
