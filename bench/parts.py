"""What the parts this project builds on cost by themselves, on a project's data: the least a build or check can take.

    cd <project> && PYTHONPATH=<plugins> <repo>/.venv/bin/python <repo>/bench/parts.py yaml
    cd <project> && PYTHONPATH=<plugins> <repo>/.venv/bin/python <repo>/bench/parts.py pagefind

``yaml``: libyaml's event stream over every data file (``assessments/*/*.yml``, ``evidence/*/register.yml``), with
nothing built from it: the CPU seconds any check of the cold data spends before it looks at a value.
``pagefind``: the Pagefind binary over the short versions of the site's pages, as the build runs it (the pages are
made first, from the build cache, and not timed): its wall seconds and its own peak memory (``VmHWM``, read every 20 ms).
``pages``: only how many pages the site has (a site searched by the theme runs no Pagefind).
Each prints one line of JSON.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def yaml_events(root: Path) -> dict:
    import yaml

    from maturity.data.parallel import cores  # the cores the tool's jobs option counts

    files = sorted(root.glob("assessments/*/*.yml")) + sorted(root.glob("evidence/*/register.yml"))
    texts = [f.read_bytes() for f in files]
    start = time.process_time()
    events = 0
    for text in texts:
        for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
            events += 1
    return {"files": len(files), "mb": round(sum(map(len, texts)) / 1e6, 1), "events": events,
            "cpu_s": round(time.process_time() - start, 2), "cores": cores()}


def pagefind_alone(root: Path, run: bool = True) -> dict:
    from maturity import gate
    from maturity.publish import pagefind
    from maturity.settings import load_settings

    settings = load_settings(root)
    publication = gate.prepare(settings, existing=gate.hand_written(settings), parallel=True)
    pages = publication.site.pages
    if not run:
        return {"pages": len(pages)}
    with tempfile.TemporaryDirectory(prefix="parts-docs-") as docs, tempfile.TemporaryDirectory(prefix="parts-site-") as site:
        built = root / "site"  # the bench builds there: its pages name the editions' languages, as in the build
        editions = pagefind.built_editions(built if built.is_dir() else Path(site), settings.site.directory_urls)
        pagefind.write_documents(Path(docs), pages, editions, settings.site.directory_urls)
        start = time.perf_counter()
        pid = os.posix_spawn(str(pagefind.binary()), [str(pagefind.binary()), "--site", docs, "--output-path",
                                                      str(Path(site) / pagefind.BUNDLE)], dict(os.environ),
                             file_actions=[(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)])
        peak_kb, status = _high_water(pid)
        seconds = time.perf_counter() - start
    return {"pages": len(pages), "s": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1),
            "ok": os.waitstatus_to_exitcode(status) == 0}


def _high_water(pid: int, every: float = 0.02) -> tuple[int, int]:
    """The peak resident memory (KiB) of process ``pid`` itself, and its wait status once it has exited.

    Read from its ``VmHWM`` while it runs, not from ``wait4``: a child's ``ru_maxrss`` counts the memory of the
    process that started it, as it was when the child replaced itself with the program (Linux carries the old
    address space's high-water mark over ``exec``), and the process that starts Pagefind here holds the whole site."""
    peak = 0
    while True:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                peak = max(peak, next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0))
        except OSError:  # no /proc (not Linux), or the process is going
            pass
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return peak, status
        time.sleep(every)


if __name__ == "__main__":  # worker processes import this module again: the work runs only in the first
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what not in ("yaml", "pagefind", "pages"):
        sys.exit(__doc__)
    print(json.dumps(yaml_events(Path(".")) if what == "yaml" else pagefind_alone(Path(".").resolve(), what == "pagefind")))
