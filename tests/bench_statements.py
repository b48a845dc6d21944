"""Benchmark the statement stage: ``python tests/bench_statements.py [--corpus DIR] [--repeat N]``.

Reads every statement of the corpus (or any folder of .md/.html/.txt/.astro files), runs
:func:`analyse_statement` ``--repeat`` times over all of them on one core and prints
statements per second (CPU time of this process, so a busy machine does not distort it)
and the share of time per stage: structure (parsing, sections, sentences), categories,
elements (incl. vendors and the POL signals). Exits 0 with a message when the folder is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from privacygap.extract.evaluate import STATEMENT_SUFFIXES
from privacygap.extract.phrases import catalog
from privacygap.extract.statement import analyse_statement, detect_format
from privacygap.extract.vendors import vendor_catalog

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "policies"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not available ({args.corpus}); nothing to benchmark")
        return 0
    files = sorted(p for p in args.corpus.iterdir() if p.suffix in STATEMENT_SUFFIXES)
    if not files:
        print(f"no statements in {args.corpus}")
        return 0
    documents = [(p.read_bytes(), "astro" if p.suffix == ".astro" else detect_format(p.name, "")) for p in files]
    # Compiling the catalogs is a one-time cost per process; keep it out of the per-statement figure.
    started = time.process_time()
    catalog("de"), catalog("en"), vendor_catalog()
    warmup = time.process_time() - started
    timings: dict[str, float] = {}
    started = time.process_time()
    for _ in range(args.repeat):
        for raw, fmt in documents:
            analyse_statement(raw, fmt=fmt, timings=timings)
    elapsed = time.process_time() - started
    count = len(documents) * args.repeat
    size = sum(len(raw) for raw, _ in documents) / 1024
    print(f"{count} statements ({len(documents)} files, {size:.0f} KiB) in {elapsed:.2f} s CPU: "
          f"{count / elapsed:.1f} statements/s, {elapsed / count * 1000:.1f} ms per statement "
          f"(catalog compile once: {warmup * 1000:.0f} ms)")
    total = sum(timings.values()) or 1.0
    for stage, seconds in timings.items():
        print(f"  {stage:11} {seconds / total:6.1%}  ({seconds / count * 1000:.1f} ms per statement)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
