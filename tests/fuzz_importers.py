"""A longer fuzz run of every importer with the hostile-file strategies (tests/hostile_files/hostile.py).

    python tests/fuzz_importers.py --minutes 10
    python tests/fuzz_importers.py --minutes 2 --only sugar,csv-header --save /tmp/fuzz-failures

Round-robin over every (seed, mutation) pair, each round a Hypothesis run of ``--batch``
examples, until the time is up. Every example is read as CI reads it (detected and, for
CRM exports, forced to the seed's format) under a per-example time bound and an address
space limit (``--memory-mb``), so hangs and unbounded memory count as failures. A failure
is shrunk by Hypothesis; the minimised input is printed (and saved with ``--save DIR``).

Prints the inputs tried per pair, the total, and every distinct failure. Exit status 1
when anything failed.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.hostile_files.hostile import SEEDS, ContractViolation, check_file, strategies_for  # noqa: E402


def _limit_memory(megabytes: int) -> None:
    """Cap the address space, so a reader that balloons fails with MemoryError instead of swapping."""
    limit = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _preview(content: bytes, limit: int = 300) -> str:
    """A printable, length-bounded view of a failing input (long runs collapsed)."""
    text = repr(content[:limit])
    more = f" … (+{len(content) - limit} bytes)" if len(content) > limit else ""
    return text + more


def run_pair(seed_key: str, mutation: str, examples: int, tried: Counter, failures: dict, time_limit: float) -> None:
    """One Hypothesis run of ``examples`` inputs for a (seed, mutation) pair; failures are recorded shrunk."""
    file_seed = SEEDS[seed_key]
    last_failure: dict[str, object] = {}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False, report_multiple_bugs=False,
              phases=[Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def probe(data):
        content = data.draw(strategies_for(file_seed)[mutation](file_seed))
        tried[(seed_key, mutation)] += 1
        with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
            try:
                check_file(file_seed, Path(folder), content, time_limit_s=time_limit)
                if file_seed.reader == "crm":
                    check_file(file_seed, Path(folder), content, forced=True, time_limit_s=time_limit)
            except (ContractViolation, MemoryError) as exc:
                last_failure.update(content=content, error=f"{type(exc).__name__}: {exc}")
                raise

    try:
        probe()
    except Exception as exc:  # a contract violation (shrunk), or a fault of the harness itself
        error = str(last_failure.get("error") or f"harness: {type(exc).__name__}: {str(exc)[:200]}")
        signature = (seed_key, error.split(" on ")[0][:160])
        if signature not in failures:
            failures[signature] = {"pair": f"{seed_key}/{mutation}", "error": error,
                                   "content": last_failure.get("content", b"")}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, fuzz until the time is up, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to fuzz (default 5)")
    parser.add_argument("--batch", type=int, default=60, help="examples per Hypothesis run (default 60)")
    parser.add_argument("--only", default="", help="comma-separated seed keys (default: all)")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per input before it counts as a hang")
    parser.add_argument("--memory-mb", type=int, default=3072, help="address space limit (default 3072 MB)")
    parser.add_argument("--save", metavar="DIR", help="write every minimised failing input into DIR")
    args = parser.parse_args(argv)

    _limit_memory(args.memory_mb)
    keys = [k for k in args.only.split(",") if k] or list(SEEDS)
    unknown = set(keys) - set(SEEDS)
    if unknown:
        parser.error(f"unknown seed(s) {', '.join(sorted(unknown))}; known: {', '.join(SEEDS)}")
    pairs = [(key, name) for key in keys for name in strategies_for(SEEDS[key])]
    tried: Counter = Counter()
    failures: dict = {}
    deadline = time.monotonic() + args.minutes * 60
    rounds = 0
    print(f"fuzzing {len(pairs)} (seed, mutation) pairs for {args.minutes:g} min, {args.batch} examples per run", flush=True)
    while time.monotonic() < deadline:
        rounds += 1
        for key, mutation in pairs:
            if time.monotonic() >= deadline:
                break
            run_pair(key, mutation, args.batch, tried, failures, args.time_limit)
        print(f"round {rounds}: {sum(tried.values())} inputs tried, {len(failures)} distinct failure(s)", flush=True)

    print("\ninputs tried per pair:")
    for (key, mutation), count in sorted(tried.items()):
        print(f"  {key:24} {mutation:14} {count:7}")
    print(f"total inputs tried: {sum(tried.values())} in {rounds} round(s)")
    print(f"distinct failures: {len(failures)}")
    for number, failure in enumerate(failures.values(), start=1):
        print(f"\n[{number}] {failure['pair']}: {failure['error']}")
        print(f"    minimised input ({len(failure['content'])} bytes): {_preview(failure['content'])}")
        if args.save:
            folder = Path(args.save)
            folder.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256(failure["content"]).hexdigest()[:12]
            target = folder / f"{failure['pair'].replace('/', '-')}-{digest}.bin"
            target.write_bytes(failure["content"])
            print(f"    saved to {target}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
