"""Progress on stderr while long work runs: rich progress on a terminal, plain lines otherwise.

Both shapes take the pipeline's callback form ``(name, message)``: the scan calls it with a
stage name ("crawl", "browser" …), the monitor with a target's name. On a terminal each name
is one live line with a spinner and its elapsed time (the monitor adds a bar over all
targets); in a log file or a pipe every call is one line, so nothing is lost to redrawing.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

# Messages that end a name's line (the monitor's per-target statuses, a phase's end).
FINAL_WORDS = ("ok", "error", "skipped", "done", "failed")


class ProgressReporter:
    """A ``(name, message)`` callback that shows progress; use it as a context manager.

    Args:
        stream: where progress goes (stderr).
        total: the number of names expected (the monitor's targets), for an overall bar.
        quiet: say nothing at all.
        live: force (True) or forbid (False) the terminal display; None decides by ``isatty``.
        sequential: names follow one another (the scan's stages): a new name ends the lines
            before it. False for names that run side by side (the monitor's targets).
    """

    def __init__(self, stream: TextIO | None = None, *, total: int | None = None, quiet: bool = False,
                 live: bool | None = None, label: str = "", sequential: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.sequential = sequential
        self.quiet = quiet
        self.total = total
        self.label = label
        self.live = (not quiet) and (self.stream.isatty() if live is None else live)
        self._lock = threading.Lock()  # the browser calls from its own thread
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._overall: Any = None
        self._finished: set[str] = set()

    def __enter__(self) -> ProgressReporter:
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            columns = [SpinnerColumn(finished_text="✓"), TextColumn("{task.description}")]
            if self.total:
                columns += [BarColumn(), MofNCompleteColumn()]
            columns.append(TimeElapsedColumn())
            self._progress = Progress(*columns, console=Console(file=self.stream, highlight=False), transient=False)
            self._progress.start()
            if self.total:
                self._overall = self._progress.add_task(self.label or "targets", total=self.total)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            with self._lock:
                for name, task in self._tasks.items():
                    self._progress.update(task, total=1, completed=1)
                self._progress.stop()
                self._progress = None

    def __call__(self, name: str, message: str) -> None:
        """Report ``message`` for ``name`` (a stage or a target)."""
        if self.quiet:
            return
        with self._lock:
            if self._progress is None:
                self.stream.write(f"· {name} {message}\n")
                self.stream.flush()
                return
            finished = message.split(":", 1)[0].strip() in FINAL_WORDS
            task = self._tasks.get(name)
            if task is None:
                if self.sequential:
                    # Scan stages come one after another: a new stage ends the ones before.
                    for other_task in self._tasks.values():
                        self._progress.update(other_task, total=1, completed=1)
                task = self._tasks[name] = self._progress.add_task(f"{name}: {message}", total=None)
            self._progress.update(task, description=f"{name}: {message}")
            if finished and name not in self._finished:
                self._finished.add(name)
                self._progress.update(task, total=1, completed=1)
                if self._overall is not None:
                    self._progress.advance(self._overall)


__all__ = ["FINAL_WORDS", "ProgressReporter"]
