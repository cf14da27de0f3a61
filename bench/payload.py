"""What a visitor's first search downloads: bytes fetched from the loaded page to the first results.

The built site is served over http on 127.0.0.1 (a thread of this process) and opened in Debian's headless
chromium, driven by selenium. Once the page has loaded and gone quiet, a query is typed into the search box
(Material: the header's search on the home page; pagefind: the input of the ``search/`` page) and the
results are awaited. Two counts of what was fetched from the end of the page load to the results:

- the browser's resource timing (``performance.getEntriesByType('resource')``: ``encodedBodySize`` and
  ``decodedBodySize``), plus the search files (``search/``, ``pagefind/``) fetched during the load;
- the server's own log of what it sent in the same interval, which also sees requests made by web
  workers (Material's search runs in one), with the gzip size of each file as a server would compress it.

Without chromium, chromedriver or selenium the result says "not measured" and why; nothing fails.
Usage: python bench/payload.py SITE_DIR [--engine material|pagefind] [--query 服务机构]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The tests' own headless chromium (Debian's, through chromedriver, nothing fetched): one setup for both.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from site_helpers import CHROMEDRIVER, CHROMIUM, chromium  # noqa: E402
QUERY = "服务机构"  # in every synthetic organisation's name (示例服务机构00001有限公司)


def _server(site: Path, log: list):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

        def send_head(self):
            f = super().send_head()
            if f is not None:
                log.append((time.monotonic(), urlsplit(self.path).path))
            return f

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, name="payload-server", daemon=True).start()
    return server


def _file(site: Path, path: str) -> Path | None:
    f = site / unquote(path).lstrip("/")
    if f.is_dir():
        f = f / "index.html"
    return f if f.is_file() else None


def _gzip_size(f: Path) -> int:
    return len(gzip.compress(f.read_bytes(), compresslevel=6))


def _quiet(driver, seconds: float = 1.0, limit: float = 30) -> None:
    """Wait for the page to have loaded and fetched nothing new for ``seconds``."""
    end = time.monotonic() + limit
    count, since = -1, time.monotonic()
    while time.monotonic() < end:
        state, n = driver.execute_script(
            "return [document.readyState, performance.getEntriesByType('resource').length]")
        if state != "complete" or n != count:
            count, since = n, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return
        time.sleep(0.1)


def _search(driver, engine: str, query: str, wait: float) -> int:
    """Type the query; the number of results shown once some are."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    if engine == "pagefind":
        box = WebDriverWait(driver, wait).until(lambda d: next(iter(
            d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__search-input, input[type=search]")), False))
        results = ".pagefind-ui__result, .pagefind-modular-list-result, [data-pagefind-result]"
    else:
        box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
        if not box.is_displayed():
            next(e for e in driver.find_elements(By.CSS_SELECTOR, "label[for=__search]") if e.is_displayed()).click()
            WebDriverWait(driver, wait).until(EC.visibility_of(box))
        results = ".md-search-result__item"
    box.click()
    box.send_keys(query)
    return WebDriverWait(driver, wait).until(
        lambda d: d.execute_script(f"return document.querySelectorAll({json.dumps(results)}).length") or False,
        f"no search results for {query!r}")


def measure(site: Path, engine: str = "material", query: str = QUERY, wait: float = 300) -> dict:
    """The bytes of a first search; ``{"measured": False, "why": …}`` when it cannot be measured."""
    result = {"engine": engine, "query": query, "measured": False}
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return {**result, "why": "no chromium"}
    try:
        import selenium  # noqa: F401
    except ImportError:
        return {**result, "why": "no selenium"}
    if engine == "pagefind" and not (site / "pagefind").is_dir():
        return {**result, "why": "the site has no pagefind/"}
    log: list = []
    server = _server(site, log)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    driver = None
    try:
        with tempfile.TemporaryDirectory(prefix="payload-chromium-") as profile:
            driver = chromium(Path(profile))
            driver.get(base + ("/search/" if engine == "pagefind" else "/"))
            _quiet(driver)
            t0_page = driver.execute_script("return performance.now()")
            t0_server = time.monotonic()
            shown = _search(driver, engine, query, wait)
            _quiet(driver, 1.0)
            entries = driver.execute_script(
                "return performance.getEntriesByType('resource').map(e => "
                "({name: e.name, start: e.startTime, encoded: e.encodedBodySize, decoded: e.decodedBodySize}))")
            driver.quit()
            driver = None
    except Exception as exc:  # a browser that does not start or a search that shows nothing: not measured
        return {**result, "why": f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ''}"}
    finally:
        if driver is not None:
            driver.quit()
        server.shutdown()
        server.server_close()

    def searchy(url: str) -> bool:
        path = urlsplit(url).path
        return "/search/" in path or "/pagefind/" in path or "search." in path.rsplit("/", 1)[-1]

    fetched = [e for e in entries if e["start"] >= t0_page or searchy(e["name"])]
    served = sorted({p for t, p in log if t >= t0_server} | {p for _, p in log if searchy(p)})
    files = [(p, _file(site, p)) for p in served]
    return {**result, "measured": True, "results_shown": shown,
            "encoded_bytes": sum(e["encoded"] for e in fetched), "decoded_bytes": sum(e["decoded"] for e in fetched),
            "resources": [{"url": urlsplit(e["name"]).path, "encoded": e["encoded"], "decoded": e["decoded"]} for e in fetched],
            "served_bytes": sum(f.stat().st_size for _, f in files if f),
            "served_gzip_bytes": sum(_gzip_size(f) for _, f in files if f),
            "served": [{"path": p, "bytes": f.stat().st_size if f else 0} for p, f in files]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--engine", choices=("material", "pagefind"), default="material")
    parser.add_argument("--query", default=QUERY)
    args = parser.parse_args()
    print(json.dumps(measure(args.site, args.engine, args.query), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
