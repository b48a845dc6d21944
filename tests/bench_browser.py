"""Benchmark of the browser stage on loopback sites (tests/browser/sites).

    python tests/bench_browser.py [--repeat 3] [--json] [--profile] [--quick]

1. One full visit (before consent, after reject + reload + 2 sub-pages, after accept, the
   implicit-consent probe) of the compliant test site, against three bare Playwright page
   loads of the same page in fresh contexts of the same browser, in the same run: the ratio
   is what the consent phases cost over "just loading the page three times".
2. 20 local sites (the 12 own banner sites and the 8 npm consent managers, installed into
   tests/.cache/npm first) visited with 1 and with 4 concurrent visits on one shared
   browser: sites per minute and peak RSS of this process plus all its children
   (Playwright's driver and Chromium), sampled every 0.2 s from /proc.
3. ``--profile``: where one visit of the compliant site spends its time — wall time per
   phase and the summed time of each step (page load, settle, banner reading, waits …),
   measured by wrapping the steps of ``privacygap.crawl.visit`` with ``time.perf_counter``.
   Nested steps are counted in their callers too (``goto`` includes its ``settle``).
``--quick`` skips part 2.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import conftest as fixtures

OWN = ["good", "accept-only", "grey-link", "preticked", "leaky", "subpage-leak", "close-grants", "li-toggles",
       "essential-tracker", "no-withdraw", "vague", "hubspot-form"]
CMPS = ["klaro-good", "klaro-bad", "vcc-good", "vcc-bad", "tac-good", "tac-bad", "osano-good", "osano-bad"]


def _children(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(parents.get(current, []))
    return out


def _rss_tree_mb() -> float:
    total = 0
    for pid in _children(os.getpid()):
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            pass
    return total / 1e6


class PeakRss:
    """Samples the RSS of the process tree in a thread; ``peak`` in MB."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_tree_mb())
            self._stop.wait(0.2)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# Steps of a visit that the profile times: methods of SiteVisit, and functions that visit.py
# imported by name (banner reading, autoconsent waits).
_PROFILED_METHODS = ("_new_phase", "_goto", "_settle", "_quiet", "_answer_banner", "_read_storage", "_collect_forms",
                     "_collect_chat", "_legal_links", "_screenshot", "_withdrawal_control", "_pick_subpages",
                     "_page_record")
_PROFILED_FUNCTIONS = ("read_first_layer", "click_control")


def profile_visit(handle, url: str, options, subpages: list[str]) -> dict:
    """One visit with every step timed: ``{"phases": {phase: s}, "steps": {phase: {step: [count, s]}}, "total": s}``."""
    import contextvars
    import functools

    from privacygap.crawl import banner as banner_mod
    from privacygap.crawl import consent as consent_mod
    from privacygap.crawl import visit as visit_mod

    current = contextvars.ContextVar("phase", default="-")
    steps: dict[str, dict[str, list]] = {}
    phases: dict[str, float] = {}

    def timed(name, func):
        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                entry = steps.setdefault(current.get(), {}).setdefault(name, [0, 0.0])
                entry[0] += 1
                entry[1] += time.perf_counter() - started
        return wrapper

    def timed_phase(func):
        @functools.wraps(func)
        async def wrapper(self, name, body):
            current.set(name)  # each phase runs in its own task or sequentially: the context var follows it
            started = time.perf_counter()
            try:
                return await func(self, name, body)
            finally:
                phases[name] = round(time.perf_counter() - started, 2)
        return wrapper

    saved = []
    for name in _PROFILED_METHODS:
        if hasattr(visit_mod.SiteVisit, name):
            saved.append((visit_mod.SiteVisit, name, getattr(visit_mod.SiteVisit, name)))
            setattr(visit_mod.SiteVisit, name, timed(name, getattr(visit_mod.SiteVisit, name)))
    for name in _PROFILED_FUNCTIONS:
        saved.append((visit_mod, name, getattr(visit_mod, name)))
        setattr(visit_mod, name, timed(name, getattr(visit_mod, name)))
    saved.append((banner_mod, "read_settings_layer", banner_mod.read_settings_layer))
    banner_mod.read_settings_layer = timed("read_settings_layer", banner_mod.read_settings_layer)
    for name in ("wait_popup", "run_action"):
        saved.append((consent_mod.AutoconsentSession, name, getattr(consent_mod.AutoconsentSession, name)))
        setattr(consent_mod.AutoconsentSession, name, timed(name, getattr(consent_mod.AutoconsentSession, name)))
    saved.append((visit_mod.SiteVisit, "_run_phase", visit_mod.SiteVisit._run_phase))
    visit_mod.SiteVisit._run_phase = timed_phase(visit_mod.SiteVisit._run_phase)
    try:
        from privacygap.crawl.visit import visit_site

        started = time.perf_counter()
        visit_site(url, options=options, browser=handle, subpages=subpages)
        total = time.perf_counter() - started
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)
    return {"total": round(total, 2), "phases": phases,
            "steps": {phase: {name: [count, round(seconds, 2)] for name, (count, seconds) in
                              sorted(by_step.items(), key=lambda item: -item[1][1])}
                      for phase, by_step in steps.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="time the steps of one visit of the compliant site")
    parser.add_argument("--quick", action="store_true", help="skip the 20-site concurrency runs")
    args = parser.parse_args()

    from privacygap.crawl.browser import BrowserOptions, open_browser
    from privacygap.crawl.visit import visit_site

    # Install the npm consent managers the same way the tests do.
    try:
        fixtures.install_npm_packages()
        sites = OWN + CMPS
    except RuntimeError as exc:  # npm unreachable: the 12 own sites only
        print(f"npm consent managers unavailable ({exc}); using the own sites only", file=sys.stderr)
        sites = OWN

    server = ThreadingHTTPServer(("127.0.0.1", 0), fixtures._Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    options = BrowserOptions(allow_private=True, extra_args=(f"--host-resolver-rules=MAP * 127.0.0.1:{server.server_address[1]}",))

    def url_of(site: str) -> str:
        return f"{base}/cmp/{site}.html" if site in CMPS else f"{base}/{site}/index.html"

    def subpages_of(site: str) -> list[str]:
        if site in CMPS:
            return [f"{url_of(site)}?p=2", f"{url_of(site)}?p=3"]
        return [f"{base}/{site}/about.html", f"{base}/{site}/contact.html"]

    results: dict = {}
    with open_browser(options) as handle:
        async def bare_loads(url: str) -> float:
            started = time.perf_counter()
            for _ in range(3):
                context = await handle.browser.new_context()
                page = await context.new_page()
                await page.goto(url, wait_until="load")
                await context.close()
            return time.perf_counter() - started

        full, bare = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            visit_site(url_of("good"), options=options, browser=handle, subpages=subpages_of("good"))
            full.append(time.perf_counter() - started)
            bare.append(handle.submit(bare_loads(url_of("good"))).result())
        results["full_visit_s"] = round(statistics.median(full), 2)
        results["three_bare_loads_s"] = round(statistics.median(bare), 3)
        results["ratio"] = round(results["full_visit_s"] / results["three_bare_loads_s"], 1)

        if args.profile:
            results["profile"] = profile_visit(handle, url_of("good"), options, subpages_of("good"))

        for workers in (() if args.quick else (1, 4)):
            with PeakRss() as rss:
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    done = list(pool.map(lambda s: visit_site(url_of(s), options=options, browser=handle,
                                                              subpages=subpages_of(s)), sites))
                elapsed = time.perf_counter() - started
            errors = sum(1 for r in done for p in r.phases.values() if p.error)
            results[f"concurrency_{workers}"] = {"sites": len(sites), "seconds": round(elapsed, 1),
                                                 "sites_per_min": round(len(sites) / elapsed * 60, 1),
                                                 "peak_rss_mb": round(rss.peak), "phase_errors": errors}
    server.shutdown()
    results["cpus"] = os.cpu_count()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"full three-phase visit {results['full_visit_s']} s vs three bare loads "
              f"{results['three_bare_loads_s']} s: ratio {results['ratio']}x")
        for workers in (() if args.quick else (1, 4)):
            r = results[f"concurrency_{workers}"]
            print(f"{r['sites']} sites, {workers} concurrent: {r['seconds']} s, {r['sites_per_min']} sites/min, "
                  f"peak RSS {r['peak_rss_mb']} MB, phase errors {r['phase_errors']}")
        if args.profile:
            profile = results["profile"]
            print(f"profile of one visit ({profile['total']} s): phases {profile['phases']}")
            for phase, by_step in profile["steps"].items():
                print(f"  {phase}: " + ", ".join(f"{name} {n}x {sec} s" for name, (n, sec) in by_step.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
