"""Chat widgets on a visited page (WEB012): which vendor, and is a privacy notice shown where they collect.

The signatures are ``crawlers/chat-widgets.yaml``: script hosts, widget frame addresses,
DOM markers and the launcher bubble per vendor. :func:`observe_chat` looks at one page:

1. which vendors are there — a request or ``<script src>`` to a widget host, a marker
   element in the page (open shadow roots included), or a frame of a widget address;
2. what the widget shows — its marked element in the page, or its iframes (Playwright
   evaluates in cross-origin frames too), read for privacy links, notice wording and input
   fields;
3. with ``open_launcher`` (only after the phase's observation is taken, since opening a chat
   can set cookies) it clicks the launcher once to see the pre-chat form.

The notice is ``yes`` (a privacy link or notice sentence inside the widget), ``no`` (the
widget's input was readable and nothing of the kind was there) or ``unknown`` (no input
could be read: a closed shadow root, a frame that refused, a window that did not open).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from privacygap import resources
from privacygap.crawl.banner import probe
from privacygap.crawl.trackers import host_of

NOTICE_ORDER = {"yes": 2, "no": 1, "unknown": 0}
"""Which reading of the same widget wins when it was read several times (pages, phases)."""


@dataclass(frozen=True)
class ChatSignature:
    """One chat widget of ``crawlers/chat-widgets.yaml``."""

    vendor: str
    product: str
    scripts: tuple[str, ...] = ()
    frames: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    launcher: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChatCatalog:
    """All chat signatures plus the notice wording (build with :func:`load_chat_widgets`)."""

    widgets: tuple[ChatSignature, ...]
    notice_link: re.Pattern[str]
    notice_text: re.Pattern[str]
    launcher_fallback: tuple[str, ...] = ()

    def by_vendor(self, vendor: str) -> ChatSignature | None:
        """The signature of that vendor name, if any."""
        return next((w for w in self.widgets if w.vendor == vendor), None)

    def script_vendor(self, url: str) -> ChatSignature | None:
        """The widget whose script (or request) address ``url`` is, else None."""
        return _match(url, [(w, w.scripts) for w in self.widgets])

    def frame_vendor(self, url: str) -> ChatSignature | None:
        """The widget whose iframe address ``url`` is (frame or script hosts), else None."""
        return _match(url, [(w, w.frames + w.scripts) for w in self.widgets])

    @property
    def markers(self) -> list[str]:
        """Every marker selector (forms inside them are pre-chat forms, not page forms)."""
        return [m for w in self.widgets for m in w.markers]


def _match(url: str, entries: list[tuple[ChatSignature, tuple[str, ...]]]) -> ChatSignature | None:
    host = host_of(url)
    if not host:
        return None
    path = urlsplit(url).path.lstrip("/")
    for widget, patterns in entries:
        for entry in patterns:
            domain, _, prefix = entry.lower().partition("/")
            if (host == domain or host.endswith("." + domain)) and (not prefix or path.startswith(prefix)):
                return widget
    return None


@functools.cache
def _load(root: str) -> ChatCatalog:
    data = resources.catalog_yaml("crawlers", "chat-widgets.yaml")
    widgets = tuple(ChatSignature(vendor=w["vendor"], product=w.get("product") or w["vendor"],
                                  scripts=tuple(w.get("scripts") or ()), frames=tuple(w.get("frames") or ()),
                                  markers=tuple(w.get("markers") or ()), launcher=tuple(w.get("launcher") or ()))
                    for w in data.get("widgets", ()))
    notice = data.get("notice", {})
    return ChatCatalog(widgets=widgets, notice_link=re.compile(notice["link"], re.IGNORECASE),
                       notice_text=re.compile(notice["text"], re.IGNORECASE),
                       launcher_fallback=tuple(data.get("launcher_fallback") or ()))


def load_chat_widgets() -> ChatCatalog:
    """The chat-widget signatures of ``crawlers/chat-widgets.yaml`` (cached per catalog folder)."""
    return _load(str(resources.crawlers_dir()))


# ---------------------------------------------------------------------------- notice


def judge_notice(readings: list[dict[str, Any]], catalog: ChatCatalog) -> dict[str, Any]:
    """What the widget's readings say about the notice: ``{notice, notice_text, read, fields}``.

    A privacy link (text or address) or a notice sentence anywhere in a visible reading is a
    notice. Without one, the verdict is ``no`` only where a place to type was visible (a
    pre-chat form or the message box): that is the point of collection. A closed bubble
    alone says nothing about what the opened window shows, so it stays ``unknown``.
    """
    fields: list[str] = []
    typed = False
    for reading in readings:
        if not reading or not reading.get("visible", True):
            continue
        for link in reading.get("links") or ():
            if catalog.notice_link.search(link.get("text") or "") or catalog.notice_link.search(link.get("href") or ""):
                return {"notice": "yes", "notice_text": (link.get("text") or link.get("href") or "")[:160],
                        "read": _read_kind(reading), "fields": list(reading.get("fields") or [])}
        text = reading.get("text") or ""
        match = catalog.notice_text.search(text)
        if match:
            return {"notice": "yes", "notice_text": _sentence(text, match.start(), match.end()),
                    "read": _read_kind(reading), "fields": list(reading.get("fields") or [])}
        if reading.get("inputs"):
            typed = True
            fields += [f for f in reading.get("fields") or () if f not in fields]
    if typed:
        return {"notice": "no", "notice_text": None, "read": "pre_chat_form" if fields else "message_box",
                "fields": fields}
    return {"notice": "unknown", "notice_text": None, "read": None, "fields": []}


def _read_kind(reading: dict[str, Any]) -> str:
    if reading.get("fields"):
        return "pre_chat_form"
    return "message_box" if reading.get("inputs") else "welcome"


def _sentence(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence around a match (what the report quotes as the notice)."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left + 1 if left >= 0 else 0:right].strip()[:limit]


# ---------------------------------------------------------------------------- page


async def _frame_marked(frame: Any, selectors: list[str], timeout: float = 2.0) -> bool:
    """Whether an iframe element is, or lies inside, an element matching one of ``selectors``."""
    try:
        element = await asyncio.wait_for(frame.frame_element(), timeout)
        return bool(await asyncio.wait_for(element.evaluate(
            "(el, sels) => sels.some((s) => {"
            " try { return el.matches(s) || !!el.closest(s); } catch (e) { return false; } })",
            selectors), timeout))
    except Exception:  # detached or cross-process frame that went away
        return False


async def _widget_frames(page: Any, catalog: ChatCatalog, present: dict[str, dict]) -> dict[str, list[Any]]:
    """Frames that belong to a chat widget, by vendor (by address, else by a marker around the iframe)."""
    frames: dict[str, list[Any]] = {}
    children = [f for f in page.frames if f is not page.main_frame][:15]
    for frame in children:
        widget = catalog.frame_vendor(frame.url or "")
        if widget is None:
            for name in present:
                signature = catalog.by_vendor(name)
                if signature and signature.markers and await _frame_marked(frame, list(signature.markers)):
                    widget = signature
                    break
        if widget is not None:
            frames.setdefault(widget.vendor, []).append(frame)
    return frames


def widget_frame_urls(page: Any, catalog: ChatCatalog) -> set[str]:
    """Addresses of the page's frames that are chat widgets by address (skipped by the form probe)."""
    return {f.url for f in page.frames if f is not page.main_frame and catalog.frame_vendor(f.url or "")}


async def _click_launcher(page: Any, signature: ChatSignature, frames: list[Any], catalog: ChatCatalog) -> bool:
    """Click the widget's launcher once: in the page by its own selectors, else in its frames.

    A script click (``el.click()``): the banner or its backdrop may still cover the bubble,
    and a mouse click would land on them instead.
    """
    script = """(sels) => {
      for (const s of sels) {
        let el = null;
        try { el = document.querySelector(s); } catch (e) { el = null; }
        if (el) { el.click(); return s; }
      }
      return null;
    }"""
    own = list(signature.launcher)
    with contextlib.suppress(Exception):
        if own and await asyncio.wait_for(page.main_frame.evaluate(script, own), 3):
            return True
    for frame in frames:
        with contextlib.suppress(Exception):
            if await asyncio.wait_for(frame.evaluate(script, own + list(catalog.launcher_fallback)), 3):
                return True
    return False


async def observe_chat(page: Any, request_urls: list[str], *, catalog: ChatCatalog | None = None,
                       open_launcher: bool = False, open_wait: float = 3.0) -> list[dict[str, Any]]:
    """The chat widgets on the page now: ``[{vendor, product, matched, notice, notice_text, read, fields, frame}]``.

    ``request_urls`` are the addresses the page requested (from the phase's recorder).
    With ``open_launcher`` a widget whose notice is not yet seen gets its launcher clicked
    and its window read again (polled up to ``open_wait`` seconds).
    """
    catalog = catalog or load_chat_widgets()
    if page is None:
        return []
    main = await probe(page.main_frame, "chat",
                       extra={"widgets": [{"vendor": w.vendor, "markers": list(w.markers)} for w in catalog.widgets]})
    present: dict[str, dict] = {}
    for name, hit in (main.get("found") or {}).items():
        present.setdefault(name, {"matched": [], "readings": []})
        present[name]["matched"] += [f"marker:{m}" for m in hit.get("markers", [])]
        if hit.get("reading"):
            present[name]["readings"].append(hit["reading"])
    for url in list(request_urls) + list(main.get("scripts") or []):
        widget = catalog.script_vendor(url)
        if widget is not None:
            entry = present.setdefault(widget.vendor, {"matched": [], "readings": []})
            tag = f"script:{host_of(url)}"
            if tag not in entry["matched"]:
                entry["matched"].append(tag)
    frames = await _widget_frames(page, catalog, present)
    for name in frames:
        present.setdefault(name, {"matched": [], "readings": []})
    results = []
    for name, entry in present.items():
        signature = catalog.by_vendor(name)
        if signature is None:
            continue
        own_frames = frames.get(name, [])
        readings = list(entry["readings"]) + [await probe(f, "chatread") for f in own_frames]
        verdict = judge_notice(readings, catalog)
        wants_open = open_launcher and verdict["notice"] != "yes" and verdict["read"] != "pre_chat_form"
        if wants_open and await _click_launcher(page, signature, own_frames, catalog):
            verdict = await _read_opened(page, catalog, signature, verdict, open_wait)
            own_frames = (await _widget_frames(page, catalog, {name: entry})).get(name, own_frames)
        for frame in own_frames:
            tag = f"frame:{host_of(frame.url or '') or 'inline'}"
            if tag not in entry["matched"]:
                entry["matched"].append(tag)
        results.append({"vendor": name, "product": signature.product, "matched": entry["matched"],
                        "frame": next((f.url for f in own_frames if f.url and f.url != "about:blank"), None),
                        **verdict})
    return results


async def _read_opened(page: Any, catalog: ChatCatalog, signature: ChatSignature, before: dict[str, Any],
                       wait: float) -> dict[str, Any]:
    """Read the widget again after its launcher was clicked, until it shows an input (or ``wait`` ends)."""
    verdict = before
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        main = await probe(page.main_frame, "chat",
                           extra={"widgets": [{"vendor": signature.vendor, "markers": list(signature.markers)}]})
        readings = [h["reading"] for h in (main.get("found") or {}).values() if h.get("reading")]
        frames = (await _widget_frames(page, catalog, {signature.vendor: {}})).get(signature.vendor, [])
        readings += [await probe(f, "chatread") for f in frames]
        verdict = judge_notice(readings, catalog)
        # The window is open once it shows a place to type; a notice may render a moment later
        # than the fields, so one more short look before concluding "no".
        if verdict["notice"] == "yes" or loop.time() >= deadline:
            return verdict
        if verdict["notice"] == "no":
            await asyncio.sleep(0.3)
            again = judge_notice(readings + [await probe(f, "chatread") for f in frames], catalog)
            return again if again["notice"] == "yes" else verdict
        await asyncio.sleep(0.25)
