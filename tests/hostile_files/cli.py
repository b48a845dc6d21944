"""Running ``python -m privacygap`` in a subprocess for the CLI-level tests: exit code, output, peak memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    """What a CLI run left behind."""

    code: int
    stdout: str
    stderr: str
    peak_rss_mb: float  # the child's own peak resident memory (VmHWM, polled), in MB


def _high_water_kb(pid: int) -> int:
    """The child's peak resident memory so far (VmHWM of /proc/PID/status, kB); 0 where unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    """Run ``python -m privacygap ARGS`` in ``cwd``; kill it (and fail) after ``timeout`` seconds.

    The child is reaped with ``os.wait4`` so its own peak memory is known; stdout and stderr
    go to files in ``cwd`` (``.stdout``/``.stderr``), so a large output cannot block a pipe.
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYGAP_")}
    environment.update({"PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "COLUMNS": "200"})
    environment.update(env or {})
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "privacygap", *args], cwd=cwd, env=environment,
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.kill(process.pid, signal.SIGKILL)
                os.wait4(process.pid, 0)
                raise AssertionError(f"privacygap {' '.join(args)} ran longer than {timeout} s")
            time.sleep(0.005)
    process.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from reaping it again
    # ru_maxrss of a forked child starts at the parent's resident size (Linux keeps the larger of
    # the pre- and post-exec values), so a test process that grew large would be measured instead
    # of the CLI. VmHWM belongs to the child's own address space after exec: that is the figure.
    peak = peak_kb if peak_kb else usage.ru_maxrss
    result = Result(process.returncode, out_path.read_text("utf-8", "replace"), err_path.read_text("utf-8", "replace"),
                    peak / 1024)
    out_path.unlink()
    err_path.unlink()
    return result
