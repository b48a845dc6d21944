"""Read a cookie banner's first layer (and settings layer) ourselves, in every frame.

autoconsent clicks banners but does not say what the first layer offers, so this module
finds the banner root (known CMP selectors from ``crawlers/keywords/banners.yaml``, else a
fixed or sticky element with cookie wording), lists its visible controls with size, colours
and WCAG contrast, classifies them with ``crawlers/keywords/buttons.yaml`` and reads
pre-ticked toggles. The page-side work is ``js/page_probe.js``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from privacygap import resources
from privacygap.models import BannerButton

EVAL_TIMEOUT = 5.0  # seconds for one probe in one frame; a hung renderer must not stall the phase


@functools.cache
def probe_js() -> str:
    """The page-side probe script (``js/page_probe.js``)."""
    return files("privacygap.crawl").joinpath("js/page_probe.js").read_text("utf-8")


@functools.cache
def _buttons_yaml() -> dict:
    return resources.catalog_yaml("crawlers", "keywords/buttons.yaml")


@functools.cache
def banner_config() -> dict:
    """Selectors and wording of ``banners.yaml``, in the shape the probe script expects."""
    data = resources.catalog_yaml("crawlers", "keywords/banners.yaml")
    wording = data.get("wording", {})
    return {"roots": data.get("roots", []), "settings_roots": data.get("settings_roots", []),
            "reopen": data.get("reopen", []), "banner": wording.get("banner", "cookie"),
            "withdraw_prefilter": "cookie|datenschutz|privacy|privatsph|consent|einwillig|zustimm"}


@functools.cache
def wording(name: str) -> re.Pattern[str]:
    """A compiled wording pattern of ``banners.yaml`` (``essential``, ``legitimate_interest`` …)."""
    data = resources.catalog_yaml("crawlers", "keywords/banners.yaml")
    return re.compile(data["wording"][name], re.IGNORECASE)


@functools.cache
def _role_patterns() -> list[tuple[str, re.Pattern[str]]]:
    data = _buttons_yaml()
    patterns = []
    for role in data["order"]:
        texts = [p for lang in data["roles"][role].values() for p in lang]
        patterns.append((role, re.compile("|".join(f"(?:{p})" for p in texts), re.IGNORECASE)))
    return patterns


@functools.cache
def _withdraw_pattern() -> re.Pattern[str]:
    texts = [p for lang in _buttons_yaml()["withdraw"].values() for p in lang]
    return re.compile("|".join(f"(?:{p})" for p in texts), re.IGNORECASE)


def classify(text: str, aria_label: str = "") -> str:
    """The role of a banner control from its text: accept, reject, save, settings, close or other."""
    for candidate in (text, aria_label):
        candidate = (candidate or "").strip()
        if not candidate:
            continue
        for role, pattern in _role_patterns():
            if pattern.search(candidate):
                return role
    return "other"


def is_withdrawal(text: str) -> bool:
    """Whether a link or button text offers to change cookie consent later (WEB008)."""
    return bool(_withdraw_pattern().search(text or ""))


# ---------------------------------------------------------------------------- contrast

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+%?))?\s*\)")


def parse_color(value: str | None) -> tuple[float, float, float, float] | None:
    """``rgb(…)``/``rgba(…)`` as computed styles give them → (r, g, b, alpha)."""
    match = _RGB.match(value or "")
    if not match:
        return None
    r, g, b, a = match.groups()
    alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
    return float(r), float(g), float(b), alpha


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str | None, background: str | None) -> float | None:
    """WCAG 2 contrast ratio of text colour on background (1.0–21.0), None if unparsable.

    A translucent colour is blended over the (opaque, else white) background first.
    """
    fg, bg = parse_color(foreground), parse_color(background)
    if not fg or not bg:
        return None
    base = (255.0, 255.0, 255.0)
    bg_rgb = tuple(bg[i] * bg[3] + base[i] * (1 - bg[3]) for i in range(3))
    fg_rgb = tuple(fg[i] * fg[3] + bg_rgb[i] * (1 - fg[3]) for i in range(3))
    light, dark = sorted((_luminance(fg_rgb), _luminance(bg_rgb)), reverse=True)
    return round((light + 0.05) / (dark + 0.05), 2)


def to_button(control: dict[str, Any]) -> BannerButton:
    """A probe control as the report's :class:`BannerButton` (``save`` is reported as ``other``)."""
    role = control.get("role") or classify(control.get("text", ""), control.get("aria_label", ""))
    return BannerButton(
        text=control.get("text", "")[:120], role=role if role != "save" else "other",
        element=control.get("element", "button"), layer=int(control.get("layer", 1)),
        width=control.get("width"), height=control.get("height"), font_size=control.get("font_size"),
        color=control.get("color"), background=control.get("background"),
        contrast=contrast_ratio(control.get("color"), control.get("background")),
        font_weight=_weight(control.get("font_weight")))


def _weight(value: Any) -> int | None:
    """A computed CSS font weight ("700", "bold", 400) as a number; None when unknown."""
    names = {"normal": 400, "bold": 700}
    text = str(value).strip().lower() if value is not None else ""
    if text in names:
        return names[text]
    try:
        return int(float(text))
    except ValueError:
        return None


# ---------------------------------------------------------------------------- reading


@dataclass
class BannerReading:
    """What the probe found in one frame: the banner's text, controls and first-layer toggles."""

    frame: Any
    text: str
    controls: list[dict[str, Any]]
    toggles: list[dict[str, Any]] = field(default_factory=list)
    how: str = ""

    def by_role(self, role: str) -> list[dict[str, Any]]:
        """The controls of that role, in document order."""
        return [c for c in self.controls if c["role"] == role]


async def probe(frame: Any, mode: str, *, timeout: float = EVAL_TIMEOUT, budget_ms: int = 1500,
                extra: dict[str, Any] | None = None) -> dict:
    """Run the probe script in one frame; {} when the frame is gone, hung or refuses.

    ``extra`` adds mode-specific arguments (the ``legal`` mode's keywords and ``measure``).
    """
    args = {"mode": mode, "cfg": banner_config(), "budget_ms": budget_ms, **(extra or {})}
    try:
        return await asyncio.wait_for(frame.evaluate(probe_js(), args), timeout)
    except Exception:  # detached frame, navigation, timeout: no answer from this frame
        return {}


def _frames(page: Any) -> list[Any]:
    main = page.main_frame
    return [main] + [f for f in page.frames if f is not main][:20]


async def read_first_layer(page: Any) -> BannerReading | None:
    """Find the banner in the page or any frame and read its first layer (None if none)."""
    for frame in _frames(page):
        result = await probe(frame, "banner")
        if result.get("found"):
            controls = result.get("controls", [])
            for control in controls:
                control["role"] = classify(control["text"], control.get("aria_label", ""))
            return BannerReading(frame=frame, text=result.get("text", ""), controls=controls,
                                 toggles=result.get("toggles", []), how=result.get("how", ""))
    return None


async def click_control(frame: Any, control_id: int, *, timeout: float = 3.0) -> bool:
    """Click a control the probe marked; False when it cannot be clicked."""
    locator = frame.locator(f'[data-privacygap-control="{control_id}"]').first
    try:
        await locator.click(timeout=timeout * 1000)
        return True
    except Exception:
        try:  # covered by another layer or animating: a DOM click still reaches its handler
            await asyncio.wait_for(locator.evaluate("el => el.click()"), timeout)
            return True
        except Exception:
            return False


# dom_watch() installs, per frame, a MutationObserver that notes the time of the last change
# (open shadow roots present then are observed too: consent managers render inside them);
# it is armed before a click, so a layer the click renders at once counts as a change.
# _DOM_SETTLED_JS then resolves "quiet" once the DOM changed and stayed still for quietMs with
# no CSS animation or transition running (a fading layer is not readable yet: opacity 0
# counts as hidden), or "cap" after capMs. Endless animations (spinners) are ignored.
_DOM_WATCH_JS = """() => {
  const key = "__privacygapDomWatch";
  if (window[key]) window[key].observer.disconnect();
  const state = {last: performance.now(), changed: false, observer: null};
  state.observer = new MutationObserver(() => { state.last = performance.now(); state.changed = true; });
  const options = {subtree: true, childList: true, attributes: true, characterData: true};
  state.observer.observe(document, options);
  for (const el of document.querySelectorAll("*")) if (el.shadowRoot) state.observer.observe(el.shadowRoot, options);
  Object.defineProperty(window, key, {value: state, configurable: true, enumerable: false});
  return true;
}"""

_DOM_SETTLED_JS = """([quietMs, capMs]) => new Promise((resolve) => {
  const state = window.__privacygapDomWatch;
  if (!state) { resolve("unarmed"); return; }
  const started = performance.now();
  const animating = () => {
    try {
      return document.getAnimations().some((a) => a.playState === "running" && a.effect
        && a.effect.getComputedTiming().iterations !== Infinity);
    } catch (e) { return false; }
  };
  const tick = () => {
    const now = performance.now();
    if (state.changed && now - state.last >= quietMs && !animating()) {
      state.observer.disconnect(); resolve("quiet"); return;
    }
    if (now - started >= capMs) { state.observer.disconnect(); resolve("cap"); return; }
    setTimeout(tick, 40);
  };
  tick();
})"""


async def dom_watch(page: Any) -> None:
    """Start noting DOM changes in every frame of the page (call right before a click; see :func:`dom_settled`)."""
    async def one(frame: Any) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(frame.evaluate(_DOM_WATCH_JS), 2.0)

    await asyncio.gather(*(one(f) for f in _frames(page)))


async def dom_settled(page: Any, *, quiet: float = 0.2, cap: float = 0.8) -> None:
    """Wait until a frame's DOM changed since :func:`dom_watch`, then stayed still ``quiet`` s (at most ``cap`` s).

    Replaces a fixed sleep after a click: a layer that opens at once is read at once, and
    one that takes its time (a timer, a transition) still gets up to ``cap``. A page where
    nothing changes waits the full cap, as the fixed sleep did: a click whose effect is
    delayed must not be read as "nothing opened".
    """
    async def one(frame: Any) -> str:
        try:
            return await asyncio.wait_for(frame.evaluate(_DOM_SETTLED_JS, [quiet * 1000, cap * 1000]), cap + 1.0)
        except Exception:  # a detached or hung frame: it has nothing to wait for
            return "error"

    # The frame that changed and settled (the banner's) decides; frames where nothing
    # happens must not hold the wait to the cap.
    tasks = [asyncio.ensure_future(one(f)) for f in _frames(page)]
    try:
        for next_done in asyncio.as_completed(tasks, timeout=cap + 1.5):
            with contextlib.suppress(Exception):
                if await next_done == "quiet":
                    return
    except TimeoutError:
        pass
    finally:
        for task in tasks:
            task.cancel()


async def read_settings_layer(page: Any, reading: BannerReading, *, settle: float = 0.8) -> dict[str, list]:
    """Open the settings layer (the first settings control) and read its toggles and controls.

    Returns ``{"toggles": [...], "controls": [...], "opened": bool}``; toggles carry label,
    section text, checked and disabled as the page shows them before any change. ``settle``
    caps the wait for the layer to render (see :func:`dom_settled`).
    """
    settings = reading.by_role("settings")
    opened = False
    loop = asyncio.get_running_loop()
    started = loop.time()
    if settings:
        await dom_watch(page)
        opened = await click_control(reading.frame, settings[0]["id"])
        await dom_settled(page, cap=settle)
    toggles, controls = await _read_toggles(page)
    left = settle - (loop.time() - started)
    if opened and not toggles and left > 0:
        # Settled early but no toggles yet: a layer built on a timer after a first DOM change.
        # Give it the rest of the cap, as the fixed wait did, and read once more.
        await asyncio.sleep(left)
        toggles, controls = await _read_toggles(page)
    return {"toggles": toggles, "controls": controls, "opened": opened}


async def _read_toggles(page: Any) -> tuple[list[dict], list[dict]]:
    toggles: list[dict] = []
    controls: list[dict] = []
    for frame in _frames(page):
        result = await probe(frame, "toggles")
        for control in result.get("controls", []):
            control["role"] = classify(control["text"], control.get("aria_label", ""))
            control["frame"] = frame
        toggles.extend(result.get("toggles", []))
        controls.extend(result.get("controls", []))
    return toggles, controls


async def screenshot(reading: BannerReading, path: Path, *, timeout: float = 5.0) -> str | None:
    """Screenshot the banner root (PNG) to ``path``; None when it cannot be taken."""
    try:
        await reading.frame.locator("[data-privacygap-banner]").first.screenshot(
            path=str(path), timeout=timeout * 1000, animations="disabled")
        return str(path)
    except Exception:
        return None


def toggle_record(toggle: dict[str, Any]) -> dict[str, Any]:
    """A toggle as stored in ``signals["toggles"]``: label, state, essential and LI flags."""
    text = f"{toggle.get('label', '')} {toggle.get('section', '')[:300]}"
    essential = bool(toggle.get("disabled") and toggle.get("checked")) or bool(
        wording("essential").search(toggle.get("label", "")))
    return {"label": toggle.get("label", "")[:200], "checked": bool(toggle.get("checked")),
            "disabled": bool(toggle.get("disabled")), "essential": essential,
            "legitimate_interest": bool(wording("legitimate_interest").search(text)),
            "layer": int(toggle.get("layer", 1)), "section": toggle.get("section", "")[:600]}
