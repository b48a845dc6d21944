"""Kinds over the cookie banner itself (WEB002–WEB006, WEB009): buttons, toggles, text.

They read ``ConsentResult.buttons`` (role, element, size, colours, contrast per control),
``banner_text`` and the signals ``toggles`` and ``implicit_consent``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.models import BannerButton, ConsentResult, Evidence


def button_evidence(button: BannerButton) -> Evidence:
    """Evidence naming a banner control with its measured appearance."""
    return Evidence("banner_button", {"text": button.text, "role": button.role, "element": button.element,
                                      "layer": button.layer, "width": button.width, "height": button.height,
                                      "font_size": button.font_size, "color": button.color,
                                      "background": button.background, "contrast": button.contrast,
                                      "font_weight": button.font_weight})


def _first_layer(consent: ConsentResult, role: str) -> list[BannerButton]:
    return [b for b in consent.buttons if b.layer == 1 and b.role == role]


def _de(number: float) -> str:
    """A measurement in German notation (decimal comma: 12,8 px, 1,67:1)."""
    return f"{number:g}".replace(".", ",")


def _clicks(count: int, lang: str) -> str:
    if lang == "de":
        return f"{count} Klick" if count == 1 else f"{count} Klicks"
    return f"{count} click" if count == 1 else f"{count} clicks"


def _screenshot(consent: ConsentResult) -> tuple[Evidence, ...]:
    return (Evidence("screenshot", {"file": consent.screenshot}),) if consent.screenshot else ()


@kind("no_first_layer_reject")
def no_first_layer_reject(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB002: the first layer offers accept but no reject."""
    consent = ctx.consent
    assert consent is not None
    if not consent.banner_found:
        return
    accept = _first_layer(consent, "accept")
    if not accept or _first_layer(consent, "reject"):
        return
    others = [b.text for b in consent.buttons if b.layer == 1 and b.role != "accept"]
    yield Hit(values={"accept": accept[0].text, "others": ", ".join(others) or "-"},
              evidence=tuple(button_evidence(b) for b in consent.buttons if b.layer == 1)[:8] + _screenshot(consent),
              key="first-layer")


def _area(button: BannerButton) -> float | None:
    if button.width is None or button.height is None:
        return None
    return button.width * button.height


@kind("reject_not_equivalent")
def reject_not_equivalent(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB003: the reject is a link where accept is a button, smaller, fainter, low-contrast or more clicks away."""
    consent = ctx.consent
    assert consent is not None
    accept = _first_layer(consent, "accept")
    # A reject that exists only on a deeper layer is compared too: it is the unequal one
    # (more clicks, usually smaller), which WEB002 alone does not describe.
    reject = sorted((b for b in consent.buttons if b.role == "reject"), key=lambda b: b.layer)
    if not consent.banner_found or not accept or not reject:
        return
    a, r = accept[0], reject[0]
    reasons: list[tuple[str, str]] = []  # (German, English)
    if r.layer > a.layer and not (consent.signals.get("clicks") or {}).get("reject"):
        reasons.append((f"Ablehnen erst auf Ebene {r.layer} ({_clicks(r.layer, 'de')}), Zustimmen auf Ebene {a.layer} (1 Klick)",
                        f"reject only on layer {r.layer} ({_clicks(r.layer, 'en')}) vs accept on layer {a.layer} (1 click)"))
    if r.element == "link" and a.element == "button":
        reasons.append(("Ablehnen ist ein Textlink, Zustimmen eine Schaltfläche", "reject is a text link, accept a button"))
    area_a, area_r = _area(a), _area(r)
    if area_a and area_r is not None and area_r < area_a * params.get("min_area_ratio", 0.5):
        reasons.append((f"Ablehnen hat {area_r / area_a * 100:.0f} % der Fläche von Zustimmen",
                        f"reject is {area_r / area_a:.0%} of the accept button's size"))
    if a.font_size and r.font_size and r.font_size < a.font_size * params.get("min_font_ratio", 0.8):
        reasons.append((f"Schrift {_de(r.font_size)} px statt {_de(a.font_size)} px",
                        f"reject text {r.font_size:g}px vs accept {a.font_size:g}px"))
    bold = params.get("bold_weight", 600)
    if a.font_weight and r.font_weight and a.font_weight >= bold > r.font_weight:
        reasons.append(("Ablehnen in normaler Schrift, Zustimmen fett", "reject in regular type, accept in bold"))
    min_contrast = params.get("min_contrast", 4.5)
    if r.contrast is not None and r.contrast < min_contrast:
        reasons.append((f"Kontrast {_de(r.contrast)}:1 unter {_de(min_contrast)}:1",
                        f"reject contrast {r.contrast:g}:1 is below {min_contrast:g}:1"))
    elif r.contrast is not None and a.contrast and r.contrast < a.contrast * params.get("min_contrast_ratio", 0.5):
        reasons.append((f"Kontrast {_de(r.contrast)}:1 statt {_de(a.contrast)}:1",
                        f"reject contrast {r.contrast:g}:1 vs accept {a.contrast:g}:1"))
    clicks = consent.signals.get("clicks") or {}
    if clicks.get("reject") and clicks.get("accept") and clicks["reject"] > clicks["accept"]:
        reasons.append((f"{_clicks(clicks['reject'], 'de')} zum Ablehnen, {clicks['accept']} zum Zustimmen",
                        f"{_clicks(clicks['reject'], 'en')} to reject vs {clicks['accept']} to accept"))
    if not reasons:
        return
    yield Hit(values={"reject": r.text, "accept": a.text,
                      "reasons": localised("; ".join(de for de, _ in reasons), "; ".join(en for _, en in reasons))},
              evidence=(button_evidence(r), button_evidence(a)) + _screenshot(consent), key="reject")


def _toggle_evidence(toggle: dict) -> Evidence:
    return Evidence("banner_toggle", {"label": toggle.get("label"), "checked": toggle.get("checked"),
                                      "disabled": toggle.get("disabled"), "layer": toggle.get("layer")})


@kind("preticked_toggles")
def preticked_toggles(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB004: one hit per non-essential toggle that is on before the visitor chose."""
    consent = ctx.consent
    assert consent is not None
    for toggle in consent.signals.get("toggles") or ():
        if toggle.get("checked") and not toggle.get("essential") and not toggle.get("disabled"):
            yield Hit(values={"label": toggle.get("label", ""), "layer": toggle.get("layer", 2)},
                      evidence=(_toggle_evidence(toggle),), key=(toggle.get("label") or "").casefold())


# What the visitor did, completing "Nach …" / "After …" in the WEB005 message.
IMPLICIT_ACTIONS = {
    "escape": ("Drücken der Escape-Taste", "pressing Escape"),
    "scroll": ("dem Scrollen", "scrolling"),
    "close": ("dem Schließen", "closing"),
}


@kind("implicit_consent")
def implicit_consent(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB005: closing, Escape or scrolling starts tracking, or an accept button also closes."""
    consent = ctx.consent
    assert consent is not None
    for probe in consent.signals.get("implicit_consent") or ():
        if probe.get("granted"):
            action = probe.get("action", "")
            de, en = IMPLICIT_ACTIONS.get(action, (action, action))
            if probe.get("control"):
                de, en = f"{de} („{probe['control']}“)", f"{en} ('{probe['control']}')"
            yield Hit(values={"action": localised(de, en),
                              "items": ", ".join(probe.get("tracking") or probe.get("new_hosts") or [])},
                      evidence=(Evidence("interaction", {"action": action, "control": probe.get("control"),
                                                         "new_cookies": probe.get("new_cookies"),
                                                         "new_hosts": probe.get("new_hosts")}),),
                      key=f"action:{action}")
    combined = re.compile(params.get("accept_and_close", r"(akzeptieren|accept|zustimmen|agree).{0,12}(schlie|close)"),
                          re.IGNORECASE)
    for button in _first_layer(consent, "accept"):
        if combined.search(button.text):
            yield Hit(values={"action": localised(f"einem Klick auf „{button.text}“", f"a click on '{button.text}'"),
                              "items": localised("Zustimmen und Schließen in einer Schaltfläche",
                                                 "accept and close in one control")},
                      evidence=(button_evidence(button),), key="accept-and-close")


@kind("legitimate_interest_toggles")
def legitimate_interest_toggles(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB006: toggles (or banner text) that base tracking or ads on legitimate interest."""
    consent = ctx.consent
    assert consent is not None
    for toggle in consent.signals.get("toggles") or ():
        if toggle.get("legitimate_interest") and not toggle.get("essential"):
            yield Hit(values={"label": toggle.get("label", "")}, evidence=(_toggle_evidence(toggle),),
                      key=(toggle.get("label") or "").casefold())
    text = consent.banner_text or ""
    li = re.search(params.get("li_pattern", r"berechtigte[sn]? interesse|legitimate interest"), text, re.IGNORECASE)
    if li and re.search(params.get("tracking_pattern", r"werbung|marketing|profil|tracking|advertis|personalis"),
                        text, re.IGNORECASE):
        yield Hit(values={"label": text[max(0, li.start() - 60):li.end() + 60].strip()},
                  evidence=(Evidence("banner_text", {"text": text[:300]}),), key="banner-text")


# The element names of WEB009's ``elements`` parameter as the reader sees them.
BANNER_ELEMENTS = {
    "purposes": ("Zwecke", "purposes"),
    "recipients": ("Empfänger", "recipients"),
    "duration": ("Speicherdauer", "duration"),
    "withdrawal": ("Widerruf", "withdrawal"),
    "third_country": ("Drittlandübermittlung", "third-country transfer"),
    "profiling": ("Profilbildung", "profiling"),
}


@kind("banner_info_insufficient")
def banner_info_insufficient(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB009: the first layer's text lacks required elements (purposes, recipients, duration …)."""
    consent = ctx.consent
    assert consent is not None
    text = consent.banner_text or ""
    if not consent.banner_found or not text.strip():
        return
    missing = [name for name, pattern in (params.get("elements") or {}).items()
               if not re.search(pattern, text, re.IGNORECASE)]
    vague = [m.group(0) for m in re.finditer(params.get("vague", r"$^"), text, re.IGNORECASE)]
    if len(missing) < params.get("min_missing", 1) and not (vague and missing):
        return
    missing_de = ", ".join(BANNER_ELEMENTS.get(name, (name.replace("_", " "),) * 2)[0] for name in missing)
    missing_en = ", ".join(BANNER_ELEMENTS.get(name, (name.replace("_", " "),) * 2)[1] for name in missing)
    yield Hit(values={"missing": localised(missing_de or "-", missing_en or "-"),
                      "vague": ", ".join(dict.fromkeys(vague)) or "-"},
              evidence=(Evidence("banner_text", {"text": text[:400]}),) + _screenshot(consent), key="banner-text")
