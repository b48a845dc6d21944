"""Chat widgets (WEB012): a HubSpot-style chat on our own banner sites, once with and once
without a privacy link in its pre-chat form.

The widget script comes from the "third party" js.usemessages.com and puts the chat into a
cross-origin iframe of the same host (served from loopback through the resolver rules),
loaded only with marketing consent. The pre-chat form is built only when the
launcher is clicked, so the notice can only be read by opening the chat.
"""

from __future__ import annotations

import json

import pytest

from privacygap.crawl.chat import judge_notice, load_chat_widgets
from privacygap.crawl.trackers import load_trackers
from privacygap.models import Statement, to_jsonable
from privacygap.runjson import consent_from_json

from .conftest import prefetch, web_findings

pytestmark = pytest.mark.browser

SITES = ("chat-notice", "chat-no-notice")
MATCHED = ("script:js.usemessages.com", "marker:#hubspot-messages-iframe-container", "frame:js.usemessages.com")


@pytest.fixture(scope="module")
def results(visit):
    jobs = [(f"{s}/index.html", (f"{s}/about.html", f"{s}/contact.html")) for s in SITES]
    return dict(zip(SITES, prefetch(visit, jobs, workers=2)))


def test_chat_with_notice(results):
    result = results["chat-notice"]
    assert all(p.error is None for p in result.phases.values()), {n: p.error for n, p in result.phases.items()}
    (chat,) = result.chat_widgets
    assert (chat.vendor, chat.product, chat.phases, chat.before_consent) == \
        ("HubSpot", "HubSpot Conversations", ("after_accept",), False)
    assert set(MATCHED) <= set(chat.matched)
    assert (chat.notice, chat.notice_text, chat.read, chat.fields) == \
        ("yes", "Datenschutzerklärung", "pre_chat_form", ("firstname", "email"))
    assert chat.page.endswith("/chat-notice/index.html")
    assert chat.frame.startswith("http://js.usemessages.com/conversations-visitor/4711/widget.html")
    assert web_findings(result) == []
    # The pre-chat form is the chat's, not a page form of its own.
    assert result.signals["forms"] == []


def test_chat_without_notice(results):
    result = results["chat-no-notice"]
    assert all(p.error is None for p in result.phases.values()), {n: p.error for n, p in result.phases.items()}
    (chat,) = result.chat_widgets
    assert (chat.vendor, chat.phases, chat.before_consent, chat.notice, chat.notice_text, chat.read, chat.fields) == \
        ("HubSpot", ("after_accept",), False, "no", None, "pre_chat_form", ("firstname", "email"))
    (finding,) = web_findings(result)
    assert (finding.check_id, finding.message, finding.needs_human_review) == \
        ("WEB012", ("Chat widget HubSpot Conversations on /chat-no-notice/: no privacy notice in the chat's "
                    "pre-chat form."), False)
    assert [e.kind for e in finding.evidence] == ["chat_widget"]
    assert finding.evidence[0].attrs["fields"] == "firstname, email"
    assert result.signals["forms"] == []
    # Naming the chat in the statement does not replace the notice where the data is typed.
    named = Statement(url=None, language="de", sha256="", vendors=("HubSpot", "Google Analytics"),
                      text="Wir nutzen HubSpot, Google Analytics, den Google Tag Manager und einen Live-Chat.")
    assert [f.check_id for f in web_findings(result, named)] == ["WEB012"]


def test_chat_loaded_only_after_consent(results):
    """The widget waits for marketing consent: nothing for WEB001 or WEB011 to report."""
    for site in SITES:
        result = results[site]
        assert "js.usemessages.com" not in result.phases["before_consent"].third_party_hosts
        assert "js.usemessages.com" not in result.phases["after_reject"].third_party_hosts
        assert "js.usemessages.com" in result.phases["after_accept"].third_party_hosts


def test_chat_survives_the_run_json(results):
    for site in SITES:
        data = json.loads(json.dumps(to_jsonable(results[site])))
        assert data["chat_widgets"][0]["vendor"] == "HubSpot"
        again = consent_from_json(data)
        assert again.chat_widgets == results[site].chat_widgets
        assert [f.fingerprint for f in web_findings(again)] == [f.fingerprint for f in web_findings(results[site])]


# ---------------------------------------------------------------------------- no browser


def test_chat_catalog_names_known_vendors():
    """Every chat signature names a vendor of crawlers/trackers (its aliases count in the statement)."""
    catalog = load_chat_widgets()
    trackers = load_trackers()
    assert {w.vendor for w in catalog.widgets} >= {"HubSpot", "Zoho SalesIQ", "Pipedrive", "Brevo", "Intercom",
                                                    "tawk.to", "Drift", "LiveChat", "Userlike", "Crisp", "Tidio",
                                                    "Freshchat", "Smartsupp"}
    for widget in catalog.widgets:
        vendor = trackers.vendor(widget.vendor)
        assert vendor is not None, widget.vendor
        assert widget.scripts and widget.markers, widget.vendor
    assert catalog.script_vendor("https://js-eu1.usemessages.com/conversations-embed.js").vendor == "HubSpot"
    assert catalog.script_vendor("https://salesiq.zohopublic.eu/widget?wc=x").vendor == "Zoho SalesIQ"
    assert catalog.script_vendor("https://leadbooster-chat.pipedrive.com/assets/loader.js").vendor == "Pipedrive"
    assert catalog.script_vendor("https://conversations-widget.brevo.com/brevo-conversations.js").vendor == "Brevo"
    assert catalog.script_vendor("https://widget.intercom.io/widget/abc123").vendor == "Intercom"
    assert catalog.script_vendor("https://embed.tawk.to/123/default").vendor == "tawk.to"
    assert catalog.script_vendor("https://userlikecdn.com/widget.js").vendor == "Userlike"
    # Brevo's tracking script is a tracker, not a chat; HubSpot's tracking loader neither.
    assert catalog.script_vendor("https://sibautomation.com/sa.js") is None
    assert catalog.script_vendor("https://js.hs-scripts.com/4711.js") is None
    assert catalog.frame_vendor("https://app.hubspot.com/conversations-visitor/4711/threads").vendor == "HubSpot"
    assert catalog.frame_vendor("https://app.hubspot.com/contacts/4711") is None


@pytest.mark.parametrize("readings,expected", [
    ([{"visible": True, "text": "Hallo!", "links": [{"text": "Datenschutz", "href": "https://x.de/ds"}],
       "inputs": 2, "fields": ["email"]}], ("yes", "Datenschutz", "pre_chat_form")),
    ([{"visible": True, "text": "Hi! With the start of the chat we process your data as described in our policy.",
       "links": [], "inputs": 1, "fields": []}],
     ("yes", "Hi! With the start of the chat we process your data as described in our policy.", "message_box")),
    ([{"visible": True, "text": "Hallo! Wie können wir helfen?", "links": [], "inputs": 1, "fields": []}],
     ("no", None, "message_box")),
    ([{"visible": True, "text": "Chat", "links": [], "inputs": 0, "fields": []}], ("unknown", None, None)),
    ([{"visible": False, "text": "Datenschutz", "links": [], "inputs": 0, "fields": []}], ("unknown", None, None)),
    ([], ("unknown", None, None)),
])
def test_judge_notice(readings, expected):
    verdict = judge_notice(readings, load_chat_widgets())
    assert (verdict["notice"], verdict["notice_text"], verdict["read"]) == expected
