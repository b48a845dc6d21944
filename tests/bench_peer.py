"""privacygap against its peer and bare baselines, as whole processes, in one run (by hand).

    python tests/bench_peer.py [--rounds 5] [--peer-dir tests/.cache/peer] [--skip-peer]

Serves the bundled demo company (a real-shaped site with a consent banner, a HubSpot-style
tracker host and forms) on 127.0.0.1 and times, interleaved round by round:

  bare-fetch    ``requests.get`` + ``BeautifulSoup(lxml)`` of home page, statement and imprint
  bare-browser  three bare Playwright loads of the home page in fresh contexts (one Chromium)
  static        ``privacygap scan URL --no-browser`` (the defaults a user runs)
  full          ``privacygap scan URL`` (static crawl, statement, browser visit in three phases)
  peer          ``gdpr-scan scan URL`` of ``@slashgear/gdpr-cookie-scanner`` (npm; Playwright;
                the same three consent phases), installed on first use into ``--peer-dir``

Each figure is the wall time of a whole process (start-up included), the median of
``--rounds``. The peer's Playwright is pointed at the system Chromium through a browsers folder
of symlinks (Playwright's own download does not work on every machine). Prints medians and the
ratios the issue tracker asks about: full/peer, full/bare-browser, static/bare-fetch.
Not part of the test suite: it takes a minute or two and needs npm for the peer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from privacygap.demo.server import serve_demo_site  # noqa: E402

PEER_PACKAGE = "@slashgear/gdpr-cookie-scanner@3"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

BARE_FETCH = """
import sys, requests
from bs4 import BeautifulSoup
for url in sys.argv[1:]:
    BeautifulSoup(requests.get(url, timeout=30).text, "lxml")
"""

BARE_BROWSER = """
import sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=sys.argv[1], args=["--no-sandbox", "--disable-gpu",
                                "--disable-background-networking"])
    for _ in range(3):
        context = browser.new_context()
        context.new_page().goto(sys.argv[2], wait_until="load")
        context.close()
    browser.close()
"""


def install_peer(peer_dir: Path) -> tuple[Path, Path]:
    """Install the peer with npm (no browser download); return (its CLI, a browsers folder)."""
    cli = peer_dir / "node_modules" / "@slashgear" / "gdpr-cookie-scanner" / "dist" / "cli.js"
    if not cli.exists():
        peer_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(peer_dir), PEER_PACKAGE],
                       check=True, env=env, stdout=subprocess.DEVNULL)
    browsers = json.loads((peer_dir / "node_modules" / "playwright-core" / "browsers.json").read_text())["browsers"]
    revision = {b["name"]: b["revision"] for b in browsers}
    folder = peer_dir / "browsers"
    # Where Playwright looks for its headless shell and its full Chromium, pointed at the system one.
    for link in (folder / f"chromium_headless_shell-{revision['chromium-headless-shell']}"
                 / "chrome-headless-shell-linux64" / "chrome-headless-shell",
                 folder / f"chromium-{revision['chromium']}" / "chrome-linux64" / "chrome"):
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(CHROMIUM)
    return cli, folder


def timed(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    """Wall seconds of one process; a failing command (other than privacygap's exit 1) aborts."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    """Run the benchmark and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--peer-dir", type=Path, default=ROOT / "tests" / ".cache" / "peer")
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    peer = None if args.skip_peer else install_peer(args.peer_dir)
    work = Path(tempfile.mkdtemp(prefix="privacygap-bench-"))
    times: dict[str, list[float]] = {}
    with serve_demo_site() as url:
        pages = [url, url + "datenschutz.html", url + "impressum.html"]
        scan = [sys.executable, "-m", "privacygap", "scan", url, "--allow-private", "-q", "--format", "json"]
        commands = {
            "bare-fetch": ([sys.executable, "-c", BARE_FETCH, *pages], None),
            "bare-browser": ([sys.executable, "-c", BARE_BROWSER, CHROMIUM, url], None),
            "static": ([*scan, "--no-browser", "-o", str(work / "static.json")], None),
            "full": ([*scan, "-o", str(work / "full.json")], None),
        }
        if peer is not None:
            cli, browsers = peer
            commands["peer"] = (["node", str(cli), "scan", url, "-o", str(work / "peer"), "-f", "json"],
                                {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(browsers)})
        for name, (command, env) in commands.items():  # one warm-up each: caches, npm, bytecode
            timed(command, env=env, cwd=work)
        for _ in range(args.rounds):
            for name, (command, env) in commands.items():
                times.setdefault(name, []).append(timed(command, env=env, cwd=work))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Chromium {CHROMIUM}; {args.rounds} rounds, whole processes, medians")
    for name, value in median.items():
        print(f"  {name:<13} {value:6.2f} s   (min {min(times[name]):.2f}, max {max(times[name]):.2f})")
    print("ratios:")
    if "peer" in median:
        print(f"  full / peer          {median['full'] / median['peer']:.2f}   (goal <= 0.5)")
    print(f"  full / bare-browser  {median['full'] / median['bare-browser']:.2f}   (goal <= 2.5)")
    print(f"  static / bare-fetch  {median['static'] / median['bare-fetch']:.2f}   (goal <= 1.5)")


if __name__ == "__main__":
    main()
