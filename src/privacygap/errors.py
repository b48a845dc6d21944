"""Error types and exit codes.

Every error privacygap raises on purpose derives from :class:`PrivacyGapError`::

    PrivacyGapError
    ├── UsageError            exit 2  bad arguments or configuration
    ├── InputFileError        exit 2  a CRM export, notes file, statement or guideline cannot be read
    └── StageError            exit 3  a requested stage could not complete
        ├── FetchError                site unreachable, HTTP error, not HTML, too large
        ├── StatementNotFoundError    no privacy statement found (lists the candidates tried)
        └── BrowserError              the browser could not start or the visit failed

Stages catch their own errors, record them in the run's ``errors`` list and carry on
where they can; the CLI turns the worst one into the exit code. Errors outrank
findings: a run that failed part-way never exits 1.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the command line (the contract in cli-and-json.md)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    STAGE_FAILED = 3


class PrivacyGapError(Exception):
    """Base class of every error privacygap raises deliberately."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(PrivacyGapError):
    """Bad command-line arguments or configuration."""

    exit_code = ExitCode.USAGE


class InputFileError(PrivacyGapError):
    """An input file cannot be read or parsed. The message names the file and place."""

    exit_code = ExitCode.USAGE

    def __init__(self, path: str, problem: str, *, location: str | None = None, hint: str | None = None) -> None:
        where = f"{path}:{location}" if location else str(path)
        super().__init__(f"{where}: {problem}", hint=hint)
        self.path = str(path)
        self.location = location
        self.problem = problem


class StageError(PrivacyGapError):
    """A requested stage could not complete (exit code 3)."""

    exit_code = ExitCode.STAGE_FAILED
    stage = "scan"


class FetchError(StageError):
    """A URL could not be fetched: unreachable, HTTP error, not HTML, too large, refused."""

    stage = "crawl"

    def __init__(self, url: str, problem: str, *, hint: str | None = None) -> None:
        super().__init__(f"{url}: {problem}", hint=hint)
        self.url = url
        self.problem = problem


class StatementNotFoundError(StageError):
    """No privacy statement was found on the site; ``candidates`` lists what was tried."""

    stage = "crawl"

    def __init__(self, url: str, candidates: list[str]) -> None:
        tried = ", ".join(candidates[:12]) + (" …" if len(candidates) > 12 else "")
        super().__init__(
            f"{url}: no privacy statement found (tried: {tried or 'nothing'})",
            hint="pass the statement's address with --policy-url or a saved copy with --policy",
        )
        self.url = url
        self.candidates = list(candidates)


class NotAStatementError(PrivacyGapError):
    """A document given as the privacy statement does not read as one (``reason`` says why).

    The scan names the file (exit 2) or the URL (exit 3) it came from.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"not a privacy statement: {reason}")
        self.reason = reason


class BrowserError(StageError):
    """The browser could not start or the visit failed."""

    stage = "browser"
