"""Federation: one listing of several authorities' published certificate registers (``maturity aggregate``).

A national body does not build one site of every assessment: each authority (a province) builds and
publishes its own, and the national body reads what they published — each ``certificates.json`` —
and publishes a combined register, a listing and a verification page that send the visitor to the
issuing authority's own certificate page.

What comes in is another site's output and is never trusted. A source is read whole or not at all:
it must fit the size limit, be UTF-8 JSON, match ``certificates.schema.json``, hold no control or
bidirectional-override characters, repeat no certificate number, and link only to https pages on
its own site (relative links are resolved against it). A source that fails any of this is reported
with its name and left out; none of its records is merged. The same certificate number in two
sources is reported and both records are kept, each with its source: the listing does not decide
which authority is right.

No MkDocs, no argparse: the command is :mod:`maturity.cli.aggregate`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import socket
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import fastjsonschema
import jinja2
import yaml
from markupsafe import Markup

from maturity import i18n
from maturity.data import schema as schemas
from maturity.data.text import FORBIDDEN, LINE_BREAK
from maturity.publish import csp
from maturity.publish.records import SCHEMA_VERSION, CertificateRecord, CertificateRegister, SourceRef, dumps

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # a province of 10,000 certificates publishes about 10 MB
DEFAULT_TIMEOUT = 30.0  # seconds, for connecting and for each read
DEFAULT_PAGE_SIZE = 500  # certificates per listing page (about 300 KB)
MAX_CONFIG_BYTES = 1024 * 1024
MAX_SCHEMA_ERRORS = 5
MULTILINE_KEYS = frozenset({"reason", "how_to_object"})
URL_KEYS = frozenset({"url", "json"})
# Dash-like characters and white space, as the verify page's script folds them (maturity.js normalise/compact).
_DASHES = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"))
ASSETS = ("maturity.js", "maturity.css", "aggregate.css")
ASSET_DIR = "assets"
USER_AGENT = "maturity-aggregate"


class ConfigError(Exception):
    """The configuration cannot be used: nothing is read, nothing is written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class SourceError(Exception):
    """One source cannot be used; the message says why, in Chinese."""


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    site: str
    register: str  # an https URL, or a path relative to ``base``
    base: Path = Path(".")

    @property
    def is_url(self) -> bool:
        return self.register.startswith("https://")

    @property
    def shown(self) -> str:
        """The register as the published listing names it: the URL, or only a local file's name."""
        return self.register if self.is_url else posixpath.basename(self.register.replace("\\", "/"))

    @property
    def ref(self) -> SourceRef:
        return SourceRef(self.id, self.name, self.site)


@dataclass(frozen=True)
class Config:
    sources: tuple[Source, ...]
    title: str
    authority: str | None


@dataclass(frozen=True)
class SourceResult:
    source: Source
    register: CertificateRegister | None = None
    error: str | None = None
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        return self.register is not None

    def to_json(self) -> dict:
        reg = self.register
        return {"id": self.source.id, "name": self.source.name, "site": self.source.site, "register": self.source.shown,
                "status": "ok" if reg else "failed", "error": self.error, "sha256": self.sha256,
                "generated": reg.generated.isoformat() if reg else None,
                "certificates": len(reg.certificates) if reg else 0, "announcements": len(reg.announcements) if reg else 0}


@dataclass(frozen=True)
class Aggregate:
    config: Config
    results: tuple[SourceResult, ...]
    generated: dt.date
    certificates: tuple[CertificateRecord, ...]
    announcements: tuple
    duplicates: tuple[tuple[str, tuple[str, ...]], ...]  # (number, source ids)

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if not r.ok]

    def to_json(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, "generated": self.generated.isoformat(),
                "sources": [r.to_json() for r in self.results],
                "duplicates": [{"number": n, "sources": list(ids)} for n, ids in self.duplicates],
                "certificates": [c.to_json() for c in self.certificates],
                "announcements": [a.to_json() for a in self.announcements]}

    def problems(self) -> list[str]:
        """What the command reports: every source left out, every certificate number in more than one source."""
        names = {r.source.id: r.source.name for r in self.results}
        out = [i18n.t("aggregate.source_failed", id=r.source.id, name=r.source.name, error=r.error) for r in self.failed]
        out += [i18n.t("aggregate.duplicate", number=n, sources="、".join(f"{names[i]}（{i}）" for i in ids))
                for n, ids in self.duplicates]
        return out


# -- the configuration -------------------------------------------------------------------------------

def load_config(path: Path) -> Config:
    """``aggregate.yml``, checked against ``aggregate.schema.json``; :class:`ConfigError` lists every problem."""
    shown = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError([i18n.t("aggregate.config_unreadable", file=shown, error=exc.strerror or str(exc))]) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError([i18n.t("aggregate.config_too_large", file=shown, limit=MAX_CONFIG_BYTES)])
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError([i18n.t("aggregate.config_yaml", file=shown, error=str(exc).splitlines()[0])]) from None
    problems = [i18n.t("aggregate.config_field", file=shown, field="/".join(map(str, e.absolute_path)) or i18n.t("words.top_level"),
                       error=e.message)
                for e in sorted(schemas.validator("aggregate").iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        raise ConfigError(problems)
    seen: set[str] = set()
    sources = []
    for s in data["sources"]:
        if s["id"] in seen:
            problems.append(i18n.t("aggregate.config_duplicate_id", file=shown, id=s["id"]))
        seen.add(s["id"])
        site = urlsplit(s["site"])
        if site.scheme != "https" or not site.hostname or site.username or site.password or _has_forbidden(s["site"]):
            problems.append(i18n.t("aggregate.config_site", file=shown, id=s["id"], url=s["site"]))
        scheme = urlsplit(s["register"]).scheme.lower()
        if len(scheme) > 1 and scheme != "https" or _has_forbidden(s["register"]):  # (one letter: a Windows drive)
            problems.append(i18n.t("aggregate.config_register", file=shown, id=s["id"], scheme=scheme or "?", url=s["register"]))
        site_url = s["site"] if s["site"].endswith("/") else s["site"] + "/"
        sources.append(Source(s["id"], s["name"].strip(), site_url, s["register"], path.parent))
    if problems:
        raise ConfigError(problems)
    return Config(tuple(sources), data.get("title") or i18n.t("aggregate.page.title"), data.get("authority"))


def _has_forbidden(text: str) -> bool:
    return bool(FORBIDDEN.search(text) or LINE_BREAK.search(text) or any(c.isspace() for c in text))


# -- reading one source --------------------------------------------------------------------------------

class _HttpsOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() != "https":
            raise SourceError(i18n.t("aggregate.redirect", url=newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The register's bytes: a local file, or an https download with a timeout and a size limit."""
    if not source.is_url:
        path = source.base / source.register
        shown = source.register  # as the configuration wrote it: the message is published on the pages
        try:
            with open(path, "rb") as fh:
                return read_limited(fh, max_bytes)
        except FileNotFoundError:
            raise SourceError(i18n.t("aggregate.not_found", file=shown)) from None
        except IsADirectoryError:
            raise SourceError(i18n.t("aggregate.unreadable", file=shown, error="是文件夹")) from None
        except OSError as exc:
            raise SourceError(i18n.t("aggregate.unreadable", file=shown, error=exc.strerror or str(exc))) from None
    opener = urllib.request.build_opener(_HttpsOnly())
    request = urllib.request.Request(source.register, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                raise SourceError(i18n.t("aggregate.too_large", limit=max_bytes))
            return read_limited(response, max_bytes)
    except urllib.error.HTTPError as exc:
        raise SourceError(i18n.t("aggregate.http_status", status=exc.code)) from None
    except (TimeoutError, socket.timeout):
        raise SourceError(i18n.t("aggregate.timeout", seconds=timeout)) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise SourceError(i18n.t("aggregate.timeout", seconds=timeout)) from None
        raise SourceError(i18n.t("aggregate.network", error=str(exc.reason))) from None
    except (OSError, ValueError) as exc:  # a reset connection, a malformed URL, a bad status line
        raise SourceError(i18n.t("aggregate.network", error=str(exc))) from None


def read_limited(stream, max_bytes: int) -> bytes:
    """At most ``max_bytes`` from ``stream``; more than that is refused, not cut off."""
    chunks, total = [], 0
    while True:
        chunk = stream.read(min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise SourceError(i18n.t("aggregate.too_large", limit=max_bytes))


def _refuse_constant(name: str):
    raise ValueError(f"{name} 不是 JSON 数值")


def read_register(raw: bytes, source: Source) -> CertificateRegister:
    """A register checked whole, its links resolved against the source's site, each record marked with its source."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(i18n.t("aggregate.not_utf8")) from None
    try:
        data = json.loads(text.removeprefix("\ufeff"), parse_constant=_refuse_constant)
    except RecursionError:
        raise SourceError(i18n.t("aggregate.too_deep")) from None
    except ValueError as exc:
        raise SourceError(i18n.t("aggregate.not_json", error=str(exc))) from None
    if isinstance(data, dict) and data.get("schema_version") != SCHEMA_VERSION and "schema_version" in data:
        raise SourceError(i18n.t("aggregate.schema_version", found=data.get("schema_version"), expected=SCHEMA_VERSION))
    _check_schema(data)
    data = _checked_strings(data, source)
    seen: set[str] = set()
    for c in data["certificates"]:
        key = number_key(c["number"])
        if key in seen:
            raise SourceError(i18n.t("aggregate.repeated_number", number=c["number"]))
        seen.add(key)
    try:
        register = CertificateRegister.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:  # the schema should have caught it; never half-read
        raise SourceError(i18n.t("aggregate.schema", errors=str(exc))) from None
    ref = source.ref
    return replace(register, certificates=tuple(replace(c, source=ref) for c in register.certificates),
                   announcements=tuple(replace(a, source=ref) for a in register.announcements))


def _check_schema(data) -> None:
    try:
        schemas.fast("certificates")(data)
        if not schemas.has_integral_float(data):
            return
    except fastjsonschema.JsonSchemaException:
        pass
    except RecursionError:
        raise SourceError(i18n.t("aggregate.too_deep")) from None
    errors = sorted(schemas.validator("certificates").iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        shown = "；".join(f"{'/'.join(map(str, e.absolute_path)) or i18n.t('words.top_level')}：{i18n.shown(e.message)}"
                         for e in errors[:MAX_SCHEMA_ERRORS])
        more = f"（另有 {len(errors) - MAX_SCHEMA_ERRORS} 处）" if len(errors) > MAX_SCHEMA_ERRORS else ""
        raise SourceError(i18n.t("aggregate.schema", errors=shown + more))


def _checked_strings(data, source: Source, path: tuple = ()):
    """``data`` with every string checked (no control characters; line breaks only in free text) and links resolved."""
    if isinstance(data, dict):
        return {k: _checked_strings(v, source, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_checked_strings(v, source, (*path, i)) for i, v in enumerate(data)]
    if not isinstance(data, str):
        return data
    where = "/".join(map(str, path))
    bad = FORBIDDEN.search(data)
    if bad:
        raise SourceError(i18n.t("aggregate.control", field=where, code=f"U+{ord(bad.group()):04X}"))
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if key not in MULTILINE_KEYS and LINE_BREAK.search(data):
        raise SourceError(i18n.t("aggregate.line_break", field=where))
    if key in URL_KEYS and len(path) == 3 and path[0] == "certificates":
        return safe_link(data, source, where)
    return data


def safe_link(value: str, source: Source, where: str = "url") -> str:
    """An absolute https link on the source's own site (a relative one is resolved against it), else refused."""
    if any(c.isspace() for c in value):
        raise SourceError(i18n.t("aggregate.bad_url", field=where, url=value))
    url = urljoin(source.site, value)
    parts, site = urlsplit(url), urlsplit(source.site)
    if parts.scheme != "https" or parts.username or parts.password:
        raise SourceError(i18n.t("aggregate.bad_url", field=where, url=value))
    if parts.hostname != site.hostname or parts.port != site.port:
        raise SourceError(i18n.t("aggregate.foreign_url", field=where, url=value, site=source.site))
    return url


def number_key(number: str) -> str:
    """A certificate number as the verify page compares it: width, case, dashes and spaces do not count."""
    folded = unicodedata.normalize("NFKC", number).translate(_DASHES).upper()
    return "".join(c for c in folded if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))


# -- the whole -------------------------------------------------------------------------------------------

def aggregate(config: Config, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT,
              today: dt.date | None = None, reader=fetch) -> Aggregate:
    """Read every source (``reader``: how bytes are fetched), keep the ones that pass, and combine them."""
    results = []
    for source in config.sources:
        try:
            raw = reader(source, max_bytes=max_bytes, timeout=timeout)
            register = read_register(raw, source)
        except SourceError as exc:
            results.append(SourceResult(source, error=str(exc)))
            continue
        results.append(SourceResult(source, register, sha256=hashlib.sha256(raw).hexdigest()))
    return combine(config, results, today or dt.date.today())


def combine(config: Config, results: list[SourceResult], today: dt.date) -> Aggregate:
    order = {s.id: i for i, s in enumerate(config.sources)}
    ok = [r for r in results if r.ok]
    certificates = sorted((c for r in ok for c in r.register.certificates),
                          key=lambda c: (number_key(c.number), order[c.source.id]))
    announcements = sorted((a for r in ok for a in r.register.announcements),
                           key=lambda a: (a.start, order[a.source.id], a.assessment))
    where: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for c in certificates:
        key = number_key(c.number)
        where.setdefault(key, []).append(c.source.id)
        shown.setdefault(key, c.number)
    duplicates = tuple((shown[k], tuple(ids)) for k, ids in where.items() if len(ids) > 1)
    # The data is as current as its oldest source: each source's statuses are computed for its own date.
    generated = min((r.register.generated for r in ok), default=today)
    return Aggregate(config, tuple(results), generated, tuple(certificates), tuple(announcements), duplicates)


# -- the published folder --------------------------------------------------------------------------------

def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("maturity.publish", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(t=i18n.t, STATUS=i18n.labels("status"))
    env.filters["stars"] = lambda n: "★" * n if isinstance(n, int) and 0 < n <= 5 else str(n)
    return env


class _Links:
    """What the site's verify template asks of ``links``, for a flat folder of pages."""

    def file(self, path: str) -> str:
        return path

    def to(self, src_uri: str) -> str:
        return "index.html"


def listing_name(n: int) -> str:
    return f"certificates-{n}.html"


def pages(agg: Aggregate, *, page_size: int = DEFAULT_PAGE_SIZE) -> dict[str, str]:
    """Every file of the published folder: relative path -> text."""
    env = _environment()
    chunks = [agg.certificates[i:i + page_size] for i in range(0, len(agg.certificates), page_size)] or [()]
    authority = agg.config.authority or i18n.t("aggregate.page.authority_fallback")
    common = dict(agg=agg, config=agg.config, listings=[listing_name(i + 1) for i in range(len(chunks))],
                  authority=authority)

    def page(name: str, template: str, title: str, **context) -> str:
        content = env.get_template(template).render(**common, **context)
        whole = env.get_template("aggregate/base.html").render(**common, title=title, content=Markup(content), here=name)
        return csp.with_policy(whole, untrusted=content)

    out = {"certificates.json": dumps(agg.to_json())}
    out["index.html"] = page("index.html", "aggregate/index.html", agg.config.title)
    for i, chunk in enumerate(chunks):
        first = i * page_size + 1
        out[listing_name(i + 1)] = page(
            listing_name(i + 1), "aggregate/listing.html",
            f"{i18n.t('aggregate.page.listing')} · {i18n.t('aggregate.page.listing_page', n=i + 1, total=len(chunks))}",
            chunk=chunk, n=i + 1, total=len(chunks), first=first, last=first + len(chunk) - 1)
    out["verify.html"] = page("verify.html", "aggregate/verify.html", i18n.t("aggregate.page.verify"),
                              links=_Links(), build_date=agg.generated.isoformat(), level_names={},
                              status_names=i18n.labels("status"), default_model="",
                              pages=_VerifyPages(authority, ""))
    folder = resources.files("maturity.publish").joinpath("assets")
    for name in ASSETS:
        out[f"{ASSET_DIR}/{name}"] = folder.joinpath(name).read_text(encoding="utf-8")
    return out


@dataclass(frozen=True)
class _VerifyPages:
    authority_name: str
    authority_contact: str


def write(agg: Aggregate, out: Path, *, page_size: int = DEFAULT_PAGE_SIZE) -> list[Path]:
    """Write the folder; listing pages of an earlier, longer run are removed. Returns the files written."""
    files = pages(agg, page_size=page_size)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("certificates-*.html"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)
        written.append(path)
    return written
