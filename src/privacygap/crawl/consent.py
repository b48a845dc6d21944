"""DuckDuckGo autoconsent in a Playwright context: detect the CMP and click opt-out or opt-in.

The upstream bundle and rules come from the PyPI package ``duckduckgo-autoconsent-py``;
no Node.js is needed. The content script talks to us through the binding
``autoconsentSendMessage``; we answer ``init`` with config and rules and run its ``eval``
snippets in the frame that asked. autoconsent retries detection for a long time on pages
without a CMP, so every wait here is capped by the caller.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any


@functools.cache
def _bundle() -> str:
    from duckduckgo_autoconsent import bundle

    return bundle()


@functools.cache
def _rules() -> list:
    from duckduckgo_autoconsent import rules_json

    return json.loads(rules_json())  # a list; initResp wants {"autoconsent": [...]}


# Keys of a rule that only document it; autoconsent never reads them at run time.
_DOC_KEYS = frozenset({"_metadata", "vendorUrl", "comment"})


@functools.cache
def _split_rules() -> tuple[tuple[dict, ...], tuple[tuple[re.Pattern[str] | None, dict], ...]]:
    """The rules as (generic, site-specific with their compiled URL pattern), documentation keys dropped."""
    generic, specific = [], []
    for rule in _rules():
        lean = {k: v for k, v in rule.items() if k not in _DOC_KEYS}
        pattern = (rule.get("runContext") or {}).get("urlPattern")
        if not pattern:
            generic.append(lean)
            continue
        try:
            compiled: re.Pattern[str] | None = re.compile(pattern)
        except re.error:
            compiled = None  # a JavaScript-only construct: keep the rule, autoconsent decides
        specific.append((compiled, lean))
    return tuple(generic), tuple(specific)


@functools.lru_cache(maxsize=64)
def _rules_text_for(selection: tuple[int, ...]) -> str:
    generic, specific = _split_rules()
    return json.dumps([*generic, *(specific[i][1] for i in selection)], separators=(",", ":"))


def _rules_text(url: str = "") -> str:
    """The rules a frame at ``url`` can use, as one JSON string.

    Two thirds of autoconsent's rules (~0.7 of its 0.9 MB) are site-specific: autoconsent runs
    one only where its ``urlPattern`` matches the page, so a frame is sent the generic rules and
    the site-specific ones that match its URL (a pattern Python cannot read is always sent). The
    string is parsed in the page: handing a parsed list to evaluate() makes Playwright walk and
    re-encode every nested object in each frame, which cost ~0.5 s per page load.
    """
    _, specific = _split_rules()
    selection = tuple(i for i, (pattern, _rule) in enumerate(specific) if pattern is None or pattern.search(url))
    return _rules_text_for(selection)


def autoconsent_version() -> str:
    """Version of the bundled autoconsent (the npm version it was built from)."""
    import duckduckgo_autoconsent

    return getattr(duckduckgo_autoconsent, "__version__", "unknown")


POPUP_READY = 1.0
"""Seconds a popup must have been shown before we answer it (see :meth:`AutoconsentSession.run_action`)."""


@dataclass
class AutoconsentSession:
    """One context's autoconsent: what it detected and did.

    ``action`` is ``"optOut"``, ``"optIn"`` or None (detect only: nothing is clicked).
    """

    action: str | None = None
    cmp: str | None = None
    popup: str | None = None
    result: bool | None = None
    clicks: int | None = None
    lifecycle: str = ""
    heuristic_patterns: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    duration: float | None = None
    popup_frame: Any = None
    popup_at: float | None = None  # when popupFound first arrived (monotonic)
    _popup_event: asyncio.Event = field(default_factory=asyncio.Event)
    _done_event: asyncio.Event = field(default_factory=asyncio.Event)
    _nothing_event: asyncio.Event = field(default_factory=asyncio.Event)
    find_attempts: int = 0  # detection rounds autoconsent has made in the main frame
    _report_event: asyncio.Event = field(default_factory=asyncio.Event)

    async def attach(self, context: Any) -> None:
        """Install the content script and message binding on a fresh context."""
        await context.expose_binding("autoconsentSendMessage", self._on_message)
        await context.add_init_script(script=_bundle())

    def _config(self) -> dict:
        return {
            "enabled": True,
            # We send opt-out/opt-in ourselves once the page has settled (see run_action):
            # clicking the moment the popup appears can beat the CMP's own initialisation
            # (tarteaucitron then records the choice but never starts the services).
            "autoAction": None,
            "disabledCmps": [],
            # No pre-hiding and no cosmetic hiding: the visitor must see what a person sees,
            # and a banner that is only hidden has not been answered.
            "enablePrehide": False,
            "enableCosmeticRules": False,
            "enableGeneratedRules": True,
            "enableHeuristicDetection": True,
            "detectRetries": 20,
            "isMainWorld": False,
            "prehideTimeout": 2000,
            "logs": {"lifecycle": False, "rulesteps": False, "detectionsteps": False, "evals": False,
                     "errors": False, "messages": False, "waits": False},
        }

    async def _reply(self, frame: Any, message: dict) -> None:
        try:
            await frame.evaluate("m => window.autoconsentReceiveMessage && window.autoconsentReceiveMessage(m)",
                                 message)
        except Exception:  # the frame navigated away: nothing to answer
            pass

    async def _on_message(self, source: dict, message: dict) -> None:
        frame = source.get("frame")
        kind = message.get("type")
        if kind == "init":
            if frame is not None and frame.parent_frame is None and frame.url in ("", "about:blank"):
                # The initial blank document of a new page: it is replaced by the navigation
                # at once, and the real document's own content script asks again.
                return
            try:
                await frame.evaluate("([m, rules]) => { m.rules = {autoconsent: JSON.parse(rules)};"
                                     " window.autoconsentReceiveMessage && window.autoconsentReceiveMessage(m); }",
                                     [{"type": "initResp", "config": self._config()}, _rules_text(frame.url)])
            except Exception:  # the frame navigated away: nothing to answer
                pass
        elif kind == "eval":
            try:
                result = await asyncio.wait_for(frame.evaluate(message["code"]), 5)
            except Exception:
                result = False
            await self._reply(frame, {"type": "evalResp", "id": message.get("id"), "result": result})
        elif kind == "cmpDetected":
            self.cmp = self.cmp or message.get("cmp")
        elif kind == "popupFound":
            if self.popup_at is None:
                self.popup_at = time.monotonic()
            self.popup_frame = frame
            self.popup = message.get("cmp")
            self.cmp = self.popup
            self._popup_event.set()
        elif kind in ("optOutResult", "optInResult"):
            self.result = bool(message.get("result"))
            if not self.result:
                self._done_event.set()
        elif kind == "autoconsentDone":
            self.clicks = message.get("totalClicks")
            self.duration = time.monotonic() - self.started
            self._done_event.set()
        elif kind == "autoconsentError":
            self.errors.append(str(message.get("details", ""))[:300])
        elif kind == "report":
            state = message.get("state") or {}
            if message.get("mainFrame"):
                self.lifecycle = state.get("lifecycle", self.lifecycle)
                self.heuristic_patterns = list(state.get("heuristicPatterns") or [])[:10]
                self.find_attempts = int(state.get("findCmpAttempts") or self.find_attempts)
                self._report_event.set()
                if self.lifecycle == "nothingDetected":
                    self._nothing_event.set()

    async def wait_popup(self, timeout: float) -> bool:
        """Wait until a CMP popup is found (True) or nothing is detected / the cap passes (False)."""
        waiters = [asyncio.ensure_future(self._popup_event.wait()), asyncio.ensure_future(self._nothing_event.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        return self._popup_event.is_set()

    async def wait_popup_rounds(self, timeout: float, *, grace: float = 0.5) -> bool:
        """Like :meth:`wait_popup`, but done early once autoconsent has tried every rule, the
        heuristic included, on the page as it is now.

        For a banner already on the page: each detection round tries every rule, and the
        heuristic runs in the even rounds. Once the next even round has started, ``grace``
        seconds are enough for its result; a popup found, "nothing detected" or ``timeout``
        end the wait too. (Rounds after that wait for the DOM to change, so they are no clock.)
        """
        target = self.find_attempts + 1 if (self.find_attempts + 1) % 2 == 0 else self.find_attempts + 2
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (self._popup_event.is_set() or self._nothing_event.is_set()) and self.find_attempts < target:
            left = deadline - loop.time()
            if left <= 0:
                return self._popup_event.is_set()
            self._report_event.clear()
            waiters = [asyncio.ensure_future(e.wait()) for e in (self._popup_event, self._nothing_event,
                                                                 self._report_event)]
            try:
                await asyncio.wait(waiters, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
        if self._popup_event.is_set() or self._nothing_event.is_set():
            return self._popup_event.is_set()
        return await self.wait_popup(max(0.0, min(grace, deadline - loop.time())))

    async def run_action(self, popup_timeout: float, done_timeout: float) -> bool:
        """Wait for the popup, then ask autoconsent for ``action``; True when it succeeded."""
        if self.action is None or not await self.wait_popup(popup_timeout):
            return False
        # Consent managers draw the popup before they listen to it (tarteaucitron attaches its
        # button handlers 500 ms after drawing them, later on a busy machine): a click the
        # moment the popup appears is lost. Answer once it has been up for POPUP_READY s; a
        # popup found during the page load is older than that by now and costs nothing.
        age = time.monotonic() - (self.popup_at or time.monotonic())
        if age < POPUP_READY:
            await asyncio.sleep(POPUP_READY - age)
        await self._reply(self.popup_frame, {"type": self.action})
        return await self.wait_done(done_timeout)

    async def wait_done(self, timeout: float) -> bool:
        """Wait for autoconsent to finish its opt-out/opt-in; True when it succeeded."""
        try:
            await asyncio.wait_for(self._done_event.wait(), timeout)
        except TimeoutError:
            return False
        return bool(self.result)
