"""robots.txt rules as RFC 9309 reads them, on top of :mod:`urllib.robotparser`.

How the answer to ``GET /robots.txt`` is read (RFC 9309 section 2.3.1):

* 2xx: the file's rules apply (a file above the size cap is cut, not refused);
* 4xx other than 429 ("unavailable"): no rules, everything may be fetched;
* 429, 5xx ("unreachable"): everything is disallowed for now;
* more than five redirects: treated as unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser


@dataclass
class RobotsRules:
    """The rules of one origin, parsed once."""

    source: str  # "file", "unavailable (HTTP 404)", "unreachable (HTTP 503)", …
    allow_all: bool = False
    disallow_all: bool = False
    parser: RobotFileParser | None = None

    def allows(self, agent: str, url: str) -> bool:
        """Whether ``agent`` may fetch ``url``."""
        if self.disallow_all:
            return False
        if self.allow_all or self.parser is None:
            return True
        return self.parser.can_fetch(agent, url)

    def crawl_delay(self, agent: str) -> float | None:
        """The ``Crawl-delay`` for ``agent`` in seconds, if the file sets one."""
        if self.parser is None:
            return None
        value = self.parser.crawl_delay(agent)
        try:
            return float(value) if value is not None else None
        except (TypeError, ValueError):
            return None


def rules_from_response(status: int, body: bytes) -> RobotsRules:
    """Rules from the final status and body of a robots.txt request."""
    if 200 <= status < 300:
        parser = RobotFileParser()
        # robots.txt is UTF-8 by the RFC; a stray Latin-1 byte must not lose the whole file.
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return RobotsRules(source="file", parser=parser)
    if status == 429 or status >= 500:
        return RobotsRules(source=f"unreachable (HTTP {status})", disallow_all=True)
    return RobotsRules(source=f"unavailable (HTTP {status})", allow_all=True)


def rules_too_many_redirects() -> RobotsRules:
    """Rules when robots.txt redirects more than five times (the RFC: unavailable)."""
    return RobotsRules(source="unavailable (too many redirects)", allow_all=True)
