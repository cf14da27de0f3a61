"""Where each generated page and file lives on the site, and links between them.

The one module that knows the site's URL scheme: pages are named by their source path
(``assessments/<id>/index.md``), as MkDocs and other generators that read ``mkdocs.yml`` do.
"""

from __future__ import annotations

import posixpath

from maturity.data.text import slug


def url_of(src_uri: str, directory_urls: bool = True) -> str:
    """The URL path of a page built from ``src_uri`` (MkDocs' rule for index pages)."""
    if src_uri.endswith("index.md"):
        base = src_uri[: -len("index.md")]
        return base if directory_urls else base + "index.html"
    return src_uri


def built_path(src_uri: str, directory_urls: bool = True) -> str:
    """The file a page built from ``src_uri`` is written to, relative to the site (MkDocs' rule)."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html" if directory_urls else stem + ".html"


def assessment_uri(assessment_id: str) -> str:
    return f"assessments/{assessment_id}/index.md"


def organisation_uri(org_id: str) -> str:
    return f"organisations/{org_id}/index.md"


def certificate_uri(number: str) -> str:
    return f"certificates/{slug(number)}/index.md"


def certificate_json_path(number: str) -> str:
    return f"certificates/{slug(number)}.json"


def evidence_site_path(org: str, file: str) -> str:
    return f"evidence/{org}/{file}"


def badge_path(org_id: str) -> str:
    return f"badges/{org_id}.svg"


def list_page_uri(first: str, number: int) -> str:
    """Page ``number`` of the list whose first page is ``first`` (``…/index.md``).

    Page 1 keeps the list's own address (links from everywhere else stay right); later pages are
    ``…/page/<n>/``, as Material's blog numbers its index pages.
    """
    if number <= 1:
        return first
    return f"{first[: -len('index.md')]}page/{number}/index.md"


def certificate_section_uri(section: str) -> str:
    """The paged list of one section of the certificates page (``valid``, ``history``, …).

    One folder deeper than a certificate's page (``certificates/<number>/``), so that no certificate
    number, whatever the authority's numbering, can name the same page.
    """
    return f"certificates/list/{slug(section.replace('_', '-'))}/index.md"


ASSESSMENTS_INDEX = "assessments/index.md"
CERTIFICATES_INDEX = "certificates/index.md"
VERIFY = "verify/index.md"
FIND = "search/index.md"  # the search page over Pagefind's index (search: pagefind); beside Material's search/search_index.json
CERTIFICATES_JSON = "certificates.json"
FEED = "feed.xml"
ASSET_DIR = "assets/maturity"
# The English edition: every generated page again under this folder; the data products stay single.
ENGLISH = "en/"
ENGLISH_HOME = ENGLISH + "index.md"


def edition_uri(src_uri: str, lang: str) -> str:
    """The page ``src_uri`` (as the Chinese edition names it) in the edition of ``lang``."""
    return ENGLISH + src_uri if lang == "en" else src_uri


def counterpart_uri(src_uri: str) -> str:
    """The same page in the other edition: ``en/x/index.md`` <-> ``x/index.md``."""
    return src_uri[len(ENGLISH):] if src_uri.startswith(ENGLISH) else ENGLISH + src_uri


def absolute(site_url: str | None, path: str) -> str:
    """A site path as an absolute URL when the site's address is known, else as a root-relative path."""
    if site_url:
        return site_url.rstrip("/") + "/" + path.lstrip("/")
    return "/" + path.lstrip("/")


class Links:
    """Relative links from the page being rendered, so the site works under any base path.

    ``prefix`` is the edition's folder (``en/`` for the English edition): :meth:`to` links a page of
    the same edition, :meth:`file` a file that exists once for both (JSON, feed, badges, evidence).
    """

    def __init__(self, directory_urls: bool, current: str = "", prefix: str = "") -> None:
        self.directory_urls = directory_urls
        self.current = current
        self.prefix = prefix

    def to(self, src_uri: str) -> str:
        target = url_of(self.prefix + src_uri, self.directory_urls)
        here = url_of(self.current, self.directory_urls)
        here_dir = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
        rel = posixpath.relpath(target or ".", here_dir.rstrip("/") or ".")
        if self.directory_urls and (target.endswith("/") or not target) and not rel.endswith("/"):
            rel += "/"
        return rel if rel != "./" else "./"

    def page(self, src_uri: str) -> str:
        """A link to ``src_uri`` as it is, whatever the edition (the counterpart of the current page)."""
        return Links(self.directory_urls, self.current).to(src_uri)

    def current_url(self) -> str:
        return url_of(self.current, self.directory_urls)

    def file(self, site_path: str) -> str:
        here = url_of(self.current, self.directory_urls)
        here_dir = here if here.endswith("/") else posixpath.dirname(here) + "/"
        return posixpath.relpath(site_path, here_dir.rstrip("/") or ".")
