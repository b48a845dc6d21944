"""The consent phases of one site visit (runs on the browser's event loop; see browser.py).

Phases, each in a fresh context so no state leaks between them:

1. ``before_consent`` — load, let the network settle, touch nothing. Then, after the
   observation is taken, read the banner, screenshot it, open its settings layer and read
   the toggles.
2. ``after_reject`` — autoconsent's opt-out (or our own click on the banner's reject
   control), then the same page again, a reload and the sub-pages; for each page we note
   the third-party hosts called and cookies written after the reject, and whether a
   persistent "cookie settings" control is there (WEB008) and links to the privacy
   statement and imprint (POL001; on the start page before consent also whether the open
   banner covers them or keeps them from the keyboard).
3. ``after_accept`` — autoconsent's opt-in (or our accept click).
4. ``implicit`` probe (not a reported phase) — Escape, scrolling and the close control in
   another fresh context: does any of them start tracking (WEB005)?

The phases run side by side in their own contexts of the one browser. ``after_reject`` loads
the page once ``before_consent`` has loaded its own, ``after_accept`` once ``after_reject`` has
(it is the longest phase, so its loads do not share the two cores with another phase's); before
they answer the banner they wait for ``before_consent`` to decide whether there is one and which
CMP it is (``_decided``). The probe starts after that decision, and ``before_consent`` reads the settings layer and takes
the screenshot while the others run. What the phases note is kept per phase and merged in
the fixed phase order, so the result does not depend on which phase finished first.

The keys this module writes into ``ConsentResult.signals`` are documented in
``crawlers/README.md`` (section "Browser signals").
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import tempfile
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from privacygap.crawl import banner as banner_mod
from privacygap.crawl.banner import (
    BannerReading,
    click_control,
    probe,
    read_first_layer,
)
from privacygap.crawl.browser import (
    BrowserHandle,
    BrowserOptions,
    RequestGuard,
    check_start_url,
    open_browser,
)
from privacygap.crawl.chat import NOTICE_ORDER, load_chat_widgets, observe_chat, widget_frame_urls
from privacygap.crawl.consent import AutoconsentSession
from privacygap.crawl.legal import read_page_links
from privacygap.crawl.observe import Recorder, is_tracking_purpose
from privacygap.crawl.trackers import (
    default_cookie_database,
    host_of,
    load_trackers,
    registrable_domain,
)
from privacygap.errors import BrowserError
from privacygap.models import ChatWidget, ConsentResult, PageLinks, PhaseObservation

# A page has settled when no request was in flight for this long (Playwright's networkidle uses
# 500 ms; the recorder sees every request of the context, so a shorter window is safe).
SETTLE_QUIET = 0.3
SETTLE_POLL = 0.05
# How long after the choice (or a load) a consent manager may take to draw its withdraw icon.
WITHDRAW_PATIENCE = 1.0

# Pages answer dialogs and pop-ups without us: a site's alert() loop must not stall a phase.
HARDENING_SCRIPT = """
(() => {
  try {
    window.alert = function () {};
    window.confirm = function () { return false; };
    window.prompt = function () { return null; };
    window.print = function () {};
    // Pop-ups are closed anyway; refusing them here keeps a pop-up storm (each child
    // opening more) from flooding the browser and the autoconsent channel.
    window.open = function () { return null; };
  } catch (e) {}
})();
"""

PHASE_ORDER = ("before_consent", "after_reject", "after_accept", "implicit")
"""The order in which the phases' notes are merged into the result (their order when run one by one)."""

_SKIP_LINK = re.compile(r"\.(?:pdf|zip|gz|dmg|exe|jpe?g|png|gif|svg|webp|mp4|mp3|docx?|xlsx?|pptx?|ics|vcf)$", re.IGNORECASE)


@dataclass
class PhaseState:
    """One phase's context, recorder and outcome while it runs."""

    name: str
    context: Any
    recorder: Recorder
    page: Any = None
    pages: list[str] = field(default_factory=list)
    storage: list = field(default_factory=list)
    error: str | None = None
    autoconsent: AutoconsentSession | None = None
    loaded_at: float | None = None  # time.monotonic() of the last load or banner choice


@dataclass
class SiteVisit:
    """Runs the phases for one URL and assembles the :class:`ConsentResult`."""

    handle: BrowserHandle
    url: str
    options: BrowserOptions
    # A list, or a concurrent.futures.Future of one (the static crawl still running beside the visit).
    subpages: Any = None
    signals: dict[str, Any] = field(default_factory=dict)
    reading: BannerReading | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    cmp: str | None = None
    banner_text: str = ""
    buttons: list[dict] = field(default_factory=list)
    screenshot: str | None = None
    # Per phase, merged in PHASE_ORDER at the end (the phases run concurrently).
    forms: dict[str, dict[tuple, dict]] = field(default_factory=dict)
    host_seen: dict[str, dict[str, dict]] = field(default_factory=dict)
    legal_links: dict[str, list[PageLinks]] = field(default_factory=dict)
    chats: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.site_host = host_of(self.url)
        self.trackers = load_trackers(self.options.cookie_database or default_cookie_database())
        self.guard = RequestGuard(self.options.allow_private)
        self.chat_catalog = load_chat_widgets()
        # Set once before_consent knows whether there is a banner and which CMP (see run()).
        self._decided = asyncio.Event()
        # Set once before_consent's page has loaded: the other phases start then (see run()).
        self._loaded = asyncio.Event()
        # after_reject's page has loaded: after_accept (not on the critical path) starts then,
        # so that the two loads do not share the CPU.
        self._reject_loaded = asyncio.Event()

    # ------------------------------------------------------------------ plumbing

    async def _new_phase(self, name: str) -> PhaseState:
        context = await self.handle.browser.new_context(
            user_agent=self.handle.user_agent, locale=self.options.locale,
            viewport={"width": self.options.viewport[0], "height": self.options.viewport[1]},
            accept_downloads=False, extra_http_headers={"Accept-Language": _accept_language(self.options.locale)})
        context.set_default_timeout(self.options.nav_timeout * 1000)
        await context.add_init_script(script=HARDENING_SCRIPT)
        await context.route("**/*", self.guard.route)
        state = PhaseState(name=name, context=context, recorder=Recorder(self.site_host, self.trackers))
        state.recorder.attach(context)

        def on_page(page: Any) -> None:
            page.on("dialog", lambda dialog: asyncio.ensure_future(_dismiss(dialog)))
            if state.page is not None and page is not state.page:
                asyncio.ensure_future(_close_quietly(page))  # pop-ups and window.open tabs

        context.on("page", on_page)
        return state

    async def _goto(self, state: PhaseState, url: str) -> None:
        if state.page is None:
            state.page = await state.context.new_page()
            state.page.on("dialog", lambda dialog: asyncio.ensure_future(_dismiss(dialog)))
        state.recorder.current_page = url
        state.pages.append(url)
        await state.page.goto(url, wait_until="domcontentloaded", timeout=self.options.nav_timeout * 1000)
        state.loaded_at = time.monotonic()
        await self._settle(state)

    async def _settle(self, state: PhaseState, cap: float | None = None) -> None:
        """Wait for the load event, then for the network to go quiet (nothing in flight for
        :data:`SETTLE_QUIET` s, as the recorder sees it); each at most ``cap`` s.

        Playwright's ``networkidle`` demands 500 ms without a connection after every load; the
        recorder knows when the last request ended, so a page that is done is read at once.
        """
        cap = self.options.settle_timeout if cap is None else cap
        with contextlib.suppress(Exception):
            await state.page.wait_for_load_state("load", timeout=cap * 1000)
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline and state.recorder.quiet_for() < SETTLE_QUIET:
            await asyncio.sleep(SETTLE_POLL)

    async def _quiet(self, state: PhaseState, quiet: float = 1.0, cap: float = 4.0) -> None:
        """Wait until the context made no request for ``quiet`` seconds (at most ``cap``).

        After a click the consent manager loads the allowed scripts on its own schedule
        (timers, callbacks); networkidle alone can return before they start.
        """
        started = time.monotonic()
        while time.monotonic() - started < cap:
            last = state.recorder.requests[-1].at if state.recorder.requests else started
            if time.monotonic() - max(last, started) >= quiet:
                return
            await asyncio.sleep(0.2)

    async def _read_storage(self, state: PhaseState, timeout: float = 3.0) -> None:
        if state.page is None:
            return
        items, seen = [], set()
        for frame in [state.page.main_frame] + [f for f in state.page.frames if f is not state.page.main_frame][:10]:
            result = await probe(frame, "storage", timeout=timeout)
            origin = result.get("origin", "")
            if not result or origin in seen or origin in ("null", ""):
                continue
            seen.add(origin)
            items.extend(state.recorder.storage_models(result.get("items", []), origin))
        state.storage = items

    def _say(self, message: str) -> None:
        """Per-phase progress for the caller (``BrowserOptions.progress``); never fails the visit."""
        if self.options.progress is not None:
            with contextlib.suppress(Exception):
                self.options.progress("browser", message)

    async def _run_phase(self, name: str, body: Any) -> PhaseObservation:
        """Run ``body(state)`` under the phase deadline and observe whatever happened."""
        observation = await self._observe_phase(name, body)
        self._say(f"{name}: " + (f"failed ({observation.error})" if observation.error else "done"))
        return observation

    async def _observe_phase(self, name: str, body: Any) -> PhaseObservation:
        try:
            state = await asyncio.wait_for(self._new_phase(name), 30)
        except Exception as exc:
            return PhaseObservation(error=f"could not open a browser context: {type(exc).__name__}: {exc}"[:300])
        try:
            # A reschedulable deadline: the time a phase waits for before_consent's decision
            # is added back (_await_decision), so each phase keeps its own full allowance.
            async with asyncio.timeout(self.options.phase_timeout) as deadline:
                state.deadline = deadline
                await body(state)
        except TimeoutError:
            state.error = f"phase did not finish within {self.options.phase_timeout:.0f} s"
        except BrowserError as exc:
            state.error = exc.message
        except Exception as exc:
            state.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:250] if str(exc) else ''}"
        if state.error and not state.storage:
            await self._read_storage(state, timeout=2.0)
        # before_consent freezes its observation before it opens the settings layer.
        raw = getattr(state, "frozen_cookies", None)
        if raw is None:
            raw = await state.recorder.raw_cookies(state.context)
        observation = self._observation(state, raw, since=getattr(state, "hosts_since", 0),
                                        until=getattr(state, "frozen_mark", None))
        with contextlib.suppress(Exception):
            await asyncio.wait_for(state.context.close(), 15)
        return observation

    def _observation(self, state: PhaseState, raw_cookies: list[dict], since: int = 0,
                     until: int | None = None) -> PhaseObservation:
        cookies = sorted((state.recorder.cookie_model(c) for c in raw_cookies), key=lambda c: (c.domain, c.name))
        hosts = state.recorder.third_party_hosts(since, until)
        seen = self.host_seen.setdefault(state.name, {})
        # Requests after the chat launcher was clicked are ours, not the site's: left out.
        for host in state.recorder.third_party_hosts(0, getattr(state, "hosts_until", None)):
            seen.setdefault(host, state.recorder.host_info(host))
        return PhaseObservation(cookies=tuple(cookies), storage=tuple(state.storage),
                                third_party_hosts=tuple(hosts), pages=tuple(state.pages), error=state.error)

    # ------------------------------------------------------------------ phases

    async def _before_consent(self, state: PhaseState) -> None:
        state.autoconsent = AutoconsentSession(action=None)
        await state.autoconsent.attach(state.context)
        try:
            await self._goto(state, self.url)
        finally:
            self._loaded.set()
        reading = await read_first_layer(state.page)
        if reading is None or state.autoconsent.popup is None:
            # Banners may appear late; autoconsent has the rest of its cap to find one. A banner
            # we found with a known CMP's selector gets the full cap too (autoconsent names it,
            # ~1.5 s, more on a busy machine); for an unknown banner autoconsent has no rule
            # and 2 s is enough to see whether a generated rule fires.
            known = reading is None or reading.how.startswith("selector:")
            if known:
                await state.autoconsent.wait_popup(self.options.consent_wait)
            else:
                # An unknown banner is already there: autoconsent's next heuristic round tells
                # whether a generated or heuristic rule fires (2 s at most, as before).
                await state.autoconsent.wait_popup_rounds(min(self.options.consent_wait, 2.0))
            if reading is None:
                reading = await read_first_layer(state.page)
        self.cmp = state.autoconsent.popup or None
        self.signals["autoconsent"] = {"before_consent": {"cmp": state.autoconsent.cmp,
                                                          "popup": state.autoconsent.popup,
                                                          "lifecycle": state.autoconsent.lifecycle,
                                                          "heuristic_patterns": state.autoconsent.heuristic_patterns}}
        await self._collect_forms(state)
        await self._collect_chat(state)
        # Observe before touching anything: this is what every visitor gets.
        await self._read_storage(state)
        state.frozen_cookies = await state.recorder.raw_cookies(state.context)
        state.frozen_mark = state.recorder.mark()
        self.reading = reading
        # The other phases may now answer the banner (or skip it); what follows only reads
        # this phase's own page.
        self._decided.set()
        if reading is None:
            # No banner we can read: still note the start page's links; autoconsent may have
            # seen a popup all the same, and then it is open now.
            await self._legal_links(state, "before_consent", "start", banner_open=self.cmp is not None)
            return
        self.banner_text = reading.text
        self.signals["banner_how"] = reading.how
        self.buttons = list(reading.controls)
        self.screenshot = await self._screenshot(reading)
        # POL001: can the visitor reach the privacy statement while the first layer is open?
        # Read before the settings layer is opened, which changes what covers the page.
        await self._legal_links(state, "before_consent", "start", banner_open=True, banner_frame=reading.frame)
        first_toggles = [banner_mod.toggle_record(t) for t in reading.toggles]
        self.settings = await banner_mod.read_settings_layer(state.page, reading)
        settings_toggles = [banner_mod.toggle_record(t) for t in self.settings["toggles"]]
        self.signals["settings_opened"] = self.settings["opened"]
        self.signals["toggles"] = _dedupe_toggles(first_toggles + settings_toggles)
        first_texts = {c["text"] for c in reading.controls}
        self.buttons += [c for c in self.settings["controls"] if c["text"] not in first_texts]

    async def _screenshot(self, reading: BannerReading) -> str | None:
        directory = self.options.screenshot_dir
        if directory:
            os.makedirs(directory, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"banner-{self.site_host}-{int(time.time())}.png")
            return await banner_mod.screenshot(reading, Path(directory) / name)
        with tempfile.TemporaryDirectory(prefix="privacygap-") as tmp:
            path = await banner_mod.screenshot(reading, Path(tmp) / "banner.png")
            if not path:
                return None
            return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")

    async def _answer_banner(self, state: PhaseState, action: str) -> str | None:
        """Opt out or in: autoconsent first, else our own click. Returns how it was done."""
        session = state.autoconsent
        # The session runs in every answering phase (it must be attached before the page
        # loads, which is before the CMP is known); it acts only where before_consent saw a CMP.
        if session is not None and self.cmp and await session.run_action(self.options.consent_wait,
                                                                         self.options.consent_done_wait):
            return "autoconsent"
        reading = await read_first_layer(state.page)
        if reading is None:
            return None
        role = "reject" if action == "optOut" else "accept"
        wanted = reading.by_role(role)
        if wanted:
            return "banner" if await click_control(reading.frame, wanted[0]["id"]) else None
        settings = reading.by_role("settings")
        if action != "optOut" or not settings:
            return None
        # No reject on the first layer: open the settings, then reject there or save the
        # untouched selection (pre-ticked boxes stay ticked: that is what a visitor would get).
        layer = await banner_mod.read_settings_layer(state.page, reading)
        for role_wanted in ("reject", "save"):
            for control in layer["controls"]:
                if control["role"] == role_wanted and await click_control(control["frame"], control["id"]):
                    return "banner-settings"
        return None

    async def _await_decision(self, state: PhaseState) -> None:
        """Wait for before_consent's verdict on banner and CMP; the wait does not count against the phase."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        await self._decided.wait()
        deadline = getattr(state, "deadline", None)
        if deadline is not None and deadline.when() is not None:
            deadline.reschedule(deadline.when() + (loop.time() - started))

    async def _after_reject(self, state: PhaseState) -> None:
        state.autoconsent = AutoconsentSession(action="optOut")
        await state.autoconsent.attach(state.context)
        try:
            await self._goto(state, self.url)
        finally:
            self._reject_loaded.set()
        await self._await_decision(state)
        method = await self._answer_banner(state, "optOut") if self._banner_expected else None
        state.loaded_at = time.monotonic()  # the choice: the icon's second counts from here
        self.signals["reject_method"] = method
        self._record_autoconsent("after_reject", state.autoconsent)
        state.hosts_since = state.recorder.mark()
        snapshot = state.recorder.fingerprints(await state.recorder.raw_cookies(state.context))
        # The page right after the click: give trackers a moment to react.
        await self._quiet(state)
        pages = []
        snapshot = await self._page_record(state, pages, "after_click", state.page.url, state.hosts_since, snapshot)
        mark = state.recorder.mark()
        state.recorder.current_page = state.page.url
        state.pages.append(state.page.url)
        await state.page.reload(wait_until="domcontentloaded", timeout=self.options.nav_timeout * 1000)
        state.loaded_at = time.monotonic()
        await self._settle(state)
        snapshot = await self._page_record(state, pages, "reload", state.page.url, mark, snapshot)
        self.signals["after_reject_pages"] = pages
        for sub in await self._pick_subpages(state):
            mark = state.recorder.mark()
            try:
                check_start_url(sub, self.options.allow_private)
                await self._goto(state, sub)
            except BrowserError as exc:
                pages.append({"url": sub, "kind": "subpage", "error": exc.message})
                self.legal_links.setdefault("after_reject", []).append(
                    PageLinks(url=sub, phase="after_reject", kind="subpage", error=exc.message))
                continue
            snapshot = await self._page_record(state, pages, "subpage", sub, mark, snapshot)
        await self._read_storage(state)

    async def _page_record(self, state: PhaseState, pages: list, kind: str, url: str, mark: int,
                           snapshot: dict) -> dict:
        raw = await state.recorder.raw_cookies(state.context)
        now = state.recorder.fingerprints(raw)
        written = state.recorder.written_since(snapshot, now)
        by_key = {(c["name"], c["domain"], c.get("path", "")): c for c in raw}
        cookies = [state.recorder.cookie_model(by_key[k]) for k in written if k in by_key]
        # Give a late icon its second after the choice, and on later pages (the reload, sub-pages:
        # tarteaucitron draws it after a delay on every load) only where the site has shown one.
        # The second counts from the click or the load, so time already spent waiting is not spent twice.
        patient = kind == "after_click" or any(p.get("withdrawal_control") for p in pages)
        withdraw = await self._withdrawal_control(state, patient=patient, since=state.loaded_at)
        pages.append({"url": url, "kind": kind,
                      "third_party_hosts": state.recorder.third_party_hosts(mark),
                      "cookies_written": [{"name": c.name, "domain": c.domain, "vendor": c.vendor,
                                           "purpose": c.purpose} for c in cookies],
                      "withdrawal_control": withdraw})
        await self._legal_links(state, "after_reject", kind, url=url)
        await self._collect_forms(state)
        await self._collect_chat(state)
        return now

    async def _legal_links(self, state: PhaseState, phase: str, kind: str, *, url: str | None = None,
                           banner_open: bool = False, banner_frame: Any = None) -> None:
        """Note the page's links to the privacy statement and imprint (POL001)."""
        links = await read_page_links(state.page, url=url or state.page.url, phase=phase, kind=kind,
                                      banner_open=banner_open, banner_frame=banner_frame)
        self.legal_links.setdefault(phase, []).append(links)

    async def _withdrawal_control(self, state: PhaseState, *, patient: bool = False,
                                  since: float | None = None) -> str | None:
        # Consent managers fade their "change settings" icon in after the choice or a load; up to
        # WITHDRAW_PATIENCE s after ``since`` (the click or the load) before concluding there is
        # none, where the caller is ``patient`` (and a banner exists at all). On a site that
        # showed no icon on the page of the choice and its reload, the sub-pages are not waited on.
        for attempt in range(2 if self._banner_expected and patient else 1):
            if attempt:
                left = WITHDRAW_PATIENCE - (time.monotonic() - (since or time.monotonic()))
                if left <= 0:
                    break
                await asyncio.sleep(left)
            result = await probe(state.page.main_frame, "withdraw")
            for hit in result.get("hits", []):
                if hit.get("selector") or banner_mod.is_withdrawal(hit.get("text", "")):
                    return hit.get("text") or hit.get("selector")
        return None

    async def _pick_subpages(self, state: PhaseState) -> list[str]:
        if isinstance(self.subpages, Future):
            # The static crawl names them; it runs beside the visit and is long done by now.
            try:
                self.subpages = await asyncio.wait_for(asyncio.wrap_future(self.subpages), self.options.nav_timeout)
            except Exception:  # the crawl failed or took too long: pick from the page, as without a crawl
                self.subpages = None
        if self.subpages is not None:
            return [urljoin(self.url, s) for s in self.subpages]
        result = await probe(state.page.main_frame, "links")
        site = registrable_domain(self.site_host)
        current = {_strip(self.url), _strip(state.page.url)}
        chosen: list[str] = []
        if self.options.subpages <= 0:
            return chosen
        for link in result.get("links", []):
            href = link.get("href", "")
            parts = urlsplit(href)
            if parts.scheme not in ("http", "https") or registrable_domain(parts.hostname or "") != site:
                continue
            if _SKIP_LINK.search(parts.path) or _strip(href) in current or _strip(href) in map(_strip, chosen):
                continue
            chosen.append(urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, "")))
            if len(chosen) >= self.options.subpages:
                break
        return chosen

    async def _after_accept(self, state: PhaseState) -> None:
        state.autoconsent = AutoconsentSession(action="optIn")
        await state.autoconsent.attach(state.context)
        await self._goto(state, self.url)
        await self._await_decision(state)
        method = await self._answer_banner(state, "optIn") if self._banner_expected else None
        self.signals["accept_method"] = method
        self._record_autoconsent("after_accept", state.autoconsent)
        await self._quiet(state)
        await self._read_storage(state)
        await self._collect_forms(state)
        if await self._collect_chat(state, probe_only=True):
            # Opening the chat window writes cookies and calls hosts of its own: the phase's
            # observation is taken before, so it shows what the accept did, not our click.
            state.frozen_cookies = await state.recorder.raw_cookies(state.context)
            state.frozen_mark = state.hosts_until = state.recorder.mark()
            await self._collect_chat(state, open_launcher=True)

    async def _implicit(self, state: PhaseState) -> None:
        """Escape, scroll, then the close control: record whatever starts afterwards (WEB005)."""
        await self._goto(state, self.url)
        reading = await read_first_layer(state.page)
        results = []
        baseline = state.recorder.fingerprints(await state.recorder.raw_cookies(state.context))
        actions = [("escape", None), ("scroll", None)]
        if reading:
            actions += [("close", c) for c in reading.by_role("close")[:1]]
        for action, control in actions:
            mark = state.recorder.mark()
            if action == "escape":
                await state.page.keyboard.press("Escape")
            elif action == "scroll":
                await state.page.mouse.wheel(0, 2500)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(state.page.evaluate("window.scrollTo(0, document.body.scrollHeight)"), 3)
            elif not await click_control(reading.frame, control["id"]):
                continue
            await self._quiet(state, quiet=0.8, cap=3.0)
            raw = await state.recorder.raw_cookies(state.context)
            now = state.recorder.fingerprints(raw)
            by_key = {(c["name"], c["domain"], c.get("path", "")): c for c in raw}
            cookies = [state.recorder.cookie_model(by_key[k]) for k in state.recorder.written_since(baseline, now)
                       if k in by_key]
            hosts = state.recorder.third_party_hosts(mark)
            tracking_hosts = [h for h in hosts if state.recorder.host_info(h)["purpose"] != "essential"]
            tracking_cookies = [c.name for c in cookies if is_tracking_purpose(c.purpose)]
            results.append({"action": action, "control": control["text"] if control else None,
                            "new_cookies": [c.name for c in cookies], "new_hosts": hosts,
                            "granted": bool(tracking_hosts or tracking_cookies),
                            "tracking": tracking_cookies + tracking_hosts})
            baseline = now
        self.signals["implicit_consent"] = results

    # ------------------------------------------------------------------ helpers

    @property
    def _banner_expected(self) -> bool:
        return self.reading is not None or self.cmp is not None

    def _record_autoconsent(self, phase: str, session: AutoconsentSession | None) -> None:
        if session is None or not self.cmp:
            return  # without a CMP the session only watched: nothing to report
        self.signals.setdefault("autoconsent", {})[phase] = {
            "cmp": session.popup or session.cmp, "result": session.result, "clicks": session.clicks,
            "lifecycle": session.lifecycle}

    async def _collect_forms(self, state: PhaseState) -> None:
        # A chat widget's pre-chat form is reported as the chat (WEB012), not as a page form.
        chat_frames = widget_frame_urls(state.page, self.chat_catalog)
        frames = [state.page.main_frame] + [f for f in state.page.frames
                                            if f is not state.page.main_frame and f.url not in chat_frames][:10]
        for frame in frames:
            result = await probe(frame, "forms", extra={"exclude": self.chat_catalog.markers})
            for form in result.get("forms", []):
                record = _form_record(form, self.trackers)
                key = (urlsplit(record["page"]).path, record["action"], record["id"], tuple(record["fields"]))
                self.forms.setdefault(state.name, {}).setdefault(key, record)

    async def _collect_chat(self, state: PhaseState, *, open_launcher: bool = False, probe_only: bool = False) -> bool:
        """Note the chat widgets on the current page (WEB012); True when there is one.

        ``probe_only`` only answers whether a widget is there (nothing is recorded).
        """
        if state.page is None:
            return False
        page_url = state.page.url
        requests = [r.url for r in state.recorder.requests if r.page == state.recorder.current_page]
        try:
            found = await observe_chat(state.page, requests, catalog=self.chat_catalog,
                                       open_launcher=open_launcher and not probe_only)
        except Exception:  # a page that navigated away mid-read: the next page reads again
            return False
        if probe_only:
            return bool(found)
        self.chats.setdefault(state.name, []).extend((page_url, item) for item in found)
        return bool(found)

    def _chat_widgets(self) -> tuple[ChatWidget, ...]:
        """One :class:`ChatWidget` per page and vendor, from every phase's observations in phase order."""
        merged: dict[tuple, dict] = {}
        for phase in PHASE_ORDER:
            for page_url, item in self.chats.get(phase, ()):
                key = (_strip(page_url), item["vendor"])
                entry = merged.get(key)
                if entry is None:
                    entry = merged[key] = {"vendor": item["vendor"], "product": item["product"], "page": page_url,
                                           "phases": [], "matched": [], "notice": "unknown", "notice_text": None,
                                           "read": None, "fields": [], "frame": None}
                if phase not in entry["phases"]:
                    entry["phases"].append(phase)
                entry["matched"] += [m for m in item["matched"] if m not in entry["matched"]]
                entry["frame"] = entry["frame"] or item.get("frame")
                if NOTICE_ORDER[item["notice"]] > NOTICE_ORDER[entry["notice"]]:
                    entry.update(notice=item["notice"], notice_text=item["notice_text"], read=item["read"],
                                 fields=item["fields"])
        return tuple(ChatWidget(vendor=c["vendor"], page=c["page"], product=c["product"], phases=tuple(c["phases"]),
                                before_consent="before_consent" in c["phases"], matched=tuple(c["matched"]),
                                notice=c["notice"], notice_text=c["notice_text"], read=c["read"],
                                fields=tuple(c["fields"]), frame=c["frame"]) for c in merged.values())

    # ------------------------------------------------------------------ run

    async def _after_accept_once_reject_loaded(self, after_reject: asyncio.Future) -> PhaseObservation:
        """after_accept, started once after_reject's page has loaded (or that phase ended)."""
        await _event_or_done(self._reject_loaded, after_reject)
        return await self._run_phase("after_accept", self._after_accept)

    async def run(self) -> ConsentResult:
        """All phases, then the result."""
        # Cookie expiries are absolute; WEB010 compares them with stated lifetimes from here.
        self.signals["visited_at"] = round(time.time(), 1)
        if not self.options.concurrent_phases:
            return await self._run_sequentially()
        tasks = {"before_consent": asyncio.ensure_future(self._run_phase("before_consent", self._before_consent))}
        try:
            # The answering phases load their page while before_consent waits for autoconsent
            # (mostly idle time); starting them only after its own load keeps them from
            # slowing that load, which everything else waits for.
            await _event_or_done(self._loaded, tasks["before_consent"])
            tasks["after_reject"] = asyncio.ensure_future(self._run_phase("after_reject", self._after_reject))
            tasks["after_accept"] = asyncio.ensure_future(self._after_accept_once_reject_loaded(tasks["after_reject"]))
            await _event_or_done(self._decided, tasks["before_consent"])
            # before_consent failed before deciding: the others go on without a banner, as
            # they did when the phases ran one after the other.
            self._decided.set()
            probe_task = None
            if self.options.implicit_probe and self._banner_expected:
                probe_task = asyncio.ensure_future(self._run_phase("implicit", self._implicit))
            phases = {name: await task for name, task in tasks.items()}
            if probe_task is not None:
                probe_result = await probe_task
                if probe_result.error:
                    self.signals["implicit_error"] = probe_result.error
        finally:
            for task in tasks.values():
                task.cancel()  # only when the visit itself is cancelled; finished tasks ignore it
        return self._result(phases)

    async def _run_sequentially(self) -> ConsentResult:
        """The phases one after the other (``BrowserOptions.concurrent_phases=False``)."""
        phases = {"before_consent": await self._run_phase("before_consent", self._before_consent)}
        self._decided.set()  # before_consent may have failed before deciding: go on without a banner
        phases["after_reject"] = await self._run_phase("after_reject", self._after_reject)
        phases["after_accept"] = await self._run_phase("after_accept", self._after_accept)
        if self.options.implicit_probe and self._banner_expected:
            probe_result = await self._run_phase("implicit", self._implicit)
            if probe_result.error:
                self.signals["implicit_error"] = probe_result.error
        return self._result(phases)

    def _result(self, phases: dict[str, PhaseObservation]) -> ConsentResult:
        buttons = tuple(banner_mod.to_button(c) for c in self.buttons)
        first = [b for b in buttons if b.layer == 1]
        banner_found = self.reading is not None or self.cmp is not None
        reject_first = any(b.role == "reject" for b in first) if banner_found else None
        second = [b for b in buttons if b.layer == 2]
        clicks_reject = 1 if reject_first else (
            2 if any(b.role == "settings" for b in first) and any(c.role in ("reject", "other") and
                                                                    banner_mod.classify(c.text) in ("reject", "save")
                                                                    for c in second) else None)
        if banner_found:
            self.signals["clicks"] = {"accept": 1 if any(b.role == "accept" for b in first) else None,
                                      "reject": clicks_reject}
        for toggle in self.signals.get("toggles", []):
            # What the site files under each category (WEB007 compares it with the purpose).
            toggle["named_trackers"] = self.trackers.named_in(f"{toggle['label']} {toggle['section']}")
        host_seen: dict[str, dict] = {}
        for phase in PHASE_ORDER:
            for host, info in self.host_seen.get(phase, {}).items():
                host_seen.setdefault(host, info)
        self.signals["hosts"] = dict(sorted(host_seen.items()))
        vendors = {c.vendor for p in phases.values() for c in p.cookies if c.vendor}
        vendors |= {s.vendor for p in phases.values() for s in p.storage if s.vendor}
        vendors |= {h["vendor"] for h in host_seen.values() if h.get("vendor")}
        self.signals["vendors"] = {
            name: {"aliases": list(v.aliases), "purpose": v.purpose, "chat": v.chat}
            for name in sorted(vendors) if (v := self.trackers.vendor(name)) is not None}
        forms: dict[tuple, dict] = {}
        for phase in PHASE_ORDER:
            for key, record in self.forms.get(phase, {}).items():
                forms.setdefault(key, record)
        self.signals["forms"] = list(forms.values())
        if "autoconsent" in self.signals:
            # The phases finish in any order; the report lists them in phase order.
            recorded = self.signals["autoconsent"]
            self.signals["autoconsent"] = {p: recorded[p] for p in PHASE_ORDER if p in recorded}
        self.signals.setdefault("toggles", [])
        return ConsentResult(banner_found=banner_found, cmp=self.cmp, reject_on_first_layer=reject_first,
                             buttons=buttons, phases=phases, screenshot=self.screenshot,
                             banner_text=self.banner_text, signals=dict(self.signals),
                             browser=dict(self.handle.info),
                             legal_links=tuple(link for phase in PHASE_ORDER
                                               for link in self.legal_links.get(phase, ())),
                             chat_widgets=self._chat_widgets())


# ---------------------------------------------------------------------------- helpers


def _form_record(form: dict, trackers: Any) -> dict:
    privacy = banner_mod.wording("privacy_link")
    marketing = banner_mod.wording("marketing_optin")
    notice = next((link for link in form.get("links", [])
                   if privacy.search(link.get("text", "")) or privacy.search(link.get("href", ""))), None)
    vendor = trackers.form_vendor(form.get("action", "")) if form.get("action") else None
    if vendor is None and re.search(r"\bhs-form\b|hbspt", form.get("klass", "")):
        vendor = "HubSpot"
    prechecked = [c["label"][:150] or c.get("name", "") for c in form.get("checkboxes", [])
                  if c.get("checked") and marketing.search(c.get("label", "") + " " + c.get("name", ""))]
    return {"page": form.get("page", ""), "action": form.get("action", ""), "id": form.get("id", ""),
            "vendor": vendor, "fields": form.get("fields", []),
            "notice": notice is not None, "notice_link": notice.get("text") if notice else None,
            "prechecked": prechecked}


def _dedupe_toggles(toggles: list[dict]) -> list[dict]:
    seen, out = set(), []
    for toggle in toggles:
        key = (toggle["label"], toggle["layer"] if toggle["layer"] == 1 else 2)
        if key in seen:
            continue
        seen.add(key)
        out.append(toggle)
    return out


def _strip(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") or "/", parts.query, ""))


def _accept_language(locale: str) -> str:
    lang = locale.split("-")[0]
    return f"{locale},{lang};q=0.9,en;q=0.8" if lang != "en" else f"{locale},en;q=0.9"


async def _dismiss(dialog: Any) -> None:
    # "Leave this page?" must be answered yes, or reload and navigation hang.
    with contextlib.suppress(Exception):
        if dialog.type == "beforeunload":
            await dialog.accept()
        else:
            await dialog.dismiss()


async def _event_or_done(event: asyncio.Event, task: asyncio.Future) -> None:
    """Wait until ``event`` is set or ``task`` has ended (a phase that failed never sets its event)."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait([waiter, task], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


async def _close_quietly(page: Any) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(page.close(), 5)


def visit_site(url: str, *, options: BrowserOptions | None = None, browser: BrowserHandle | None = None,
               subpages: list[str] | Future | None = None) -> ConsentResult:
    """Visit ``url`` in fresh contexts before consent, after reject and after accept.

    ``subpages`` are same-site pages to visit after the reject (default: the first
    ``options.subpages`` same-site links of the page); a ``concurrent.futures.Future`` of that
    list lets the static crawl run beside the visit (its result is awaited when needed; a
    failed or empty one means the page's own links). With ``browser`` from
    :func:`open_browser` the browser is shared; otherwise one is launched for this visit.
    A phase that fails or overruns ``options.phase_timeout`` carries its error in
    ``PhaseObservation.error`` and the other phases still run.

    Raises:
        BrowserError: the browser cannot start, or the URL is refused (private address).
    """
    options = options or (browser.options if browser else BrowserOptions())
    check_start_url(url, options.allow_private)
    # Sub-pages still being found (a Future) are checked one by one when they are visited.
    for page in subpages if isinstance(subpages, (list, tuple)) else ():
        check_start_url(page, options.allow_private)
    if browser is None:
        with open_browser(options) as own:
            return visit_site(url, options=options, browser=own, subpages=subpages)
    visit = SiteVisit(handle=browser, url=url, options=options, subpages=subpages)
    # Each phase has its own deadline; this outer one only guards against a stuck loop.
    overall = options.phase_timeout * 5 + options.nav_timeout + 60
    future = browser.submit(visit.run())
    try:
        return future.result(timeout=overall)
    except TimeoutError as exc:
        future.cancel()
        raise BrowserError(f"{url}: the browser visit did not finish within {overall:.0f} s") from exc
