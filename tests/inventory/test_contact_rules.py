"""CRM010–CRM012 on real export formats: the importers, the classifier and the engine in one path.

Fixtures (tests/inventory/fixtures/contact_rules/) are small field exports written in each CRM's
own format: HubSpot properties API, Salesforce CLI describe, Dynamics Web API attributes, and a
notes CSV.
"""

from __future__ import annotations

from pathlib import Path

from privacygap.checks.engine import run_checks
from privacygap.checks.kinds import CheckContext
from privacygap.checks.kinds.crm_contact_rules import channel, is_objection
from privacygap.inventory.load import load_inventory
from privacygap.models import CrmField

FIXTURES = Path(__file__).parent / "fixtures" / "contact_rules"
CHECKS = ["CRM010", "CRM011", "CRM012"]


def _findings(files: list[str], notes: str | None = None, lang: str = "en"):
    """The CRM010–CRM012 findings for the given fixture files, as (id, severity, confidence, category, evidence)."""
    inventory = load_inventory([str(FIXTURES / f) for f in files], notes=str(FIXTURES / notes) if notes else None)
    outcome = run_checks(CheckContext(inventory=inventory), lang=lang, selectors=CHECKS)
    assert outcome.errors == [] and sorted(outcome.ran) == CHECKS
    return outcome.findings


def _names(finding) -> list[str]:
    return [e.attrs.get("name") for e in finding.evidence if e.kind == "crm_field"]


def test_hubspot_b2b_calls_sequences_and_no_do_not_call():
    findings = _findings(["hubspot-contacts-properties.json", "hubspot-calls-properties.json"])
    assert [(f.check_id, f.severity.value, f.category) for f in findings] == [
        ("CRM011", "high", None), ("CRM012", "high", "user.contact.phone_number"), ("CRM010", "medium", None)]
    sequences, phone, calls = findings
    assert _names(sequences) == ["hs_sequences_is_enrolled", "hs_latest_sequence_enrolled"]
    # hs_email_optout covers e-mail, so only the phone channel is reported.
    assert _names(phone) == ["phone", "hs_call_to_number"]
    assert _names(calls) == ["hs_call_title", "phone", "hs_call_to_number"]
    assert calls.message.startswith("The CRM stores calls (call) and phone numbers, but no consent and no field that "
                                    "records why the called businesses are presumed to agree")


def test_salesforce_consumers_called_without_consent_and_objection_in_a_note():
    findings = _findings(["Contact.describe.json", "Task.describe.json"], notes="notes.csv")
    assert [(f.check_id, f.severity.value, f.confidence.value) for f in findings] == [
        ("CRM010", "critical", "medium"), ("CRM012", "medium", "low")]
    calls, note = findings
    assert _names(calls) == ["CallType", "CallDurationInSeconds", "Phone"]
    assert calls.message.endswith("; consumers are among the contacts.")
    # HasOptedOutOfEmail and DoNotCall exist: no channel hit, but the free-text objection needs a look.
    # Note 503 ("keinen Werbewiderspruch") is negated and does not count.
    assert [e.kind for e in note.evidence] == ["crm_note"]
    assert note.evidence[0].attrs["record"].startswith("sha256:")
    assert note.evidence[0].attrs["snippet"] == "███ möchte nicht mehr angerufen werden ███ am"
    assert "(Email Opt Out, Do Not Call)" in note.message


def test_dynamics_consent_flag_without_proof_and_no_phone_block():
    findings = _findings(["contact-attributes.json", "phonecall-attributes.json"], lang="de")
    assert [(f.check_id, f.severity.value, f.category) for f in findings] == [
        ("CRM010", "high", None), ("CRM012", "high", "user.contact.phone_number")]
    consent, phone = findings
    assert _names(consent) == ["new_einwilligungtelefonwerbung", "activityid", "mobilephone", "phonenumber"]
    assert "(Einwilligung Telefonwerbung) gibt es kein Feld für den Nachweis" in consent.message
    assert "Verbraucher sind also nicht ausgeschlossen" in consent.message
    # donotemail covers e-mail; nothing blocks calls.
    assert _names(phone) == ["mobilephone", "phonenumber"]


def test_channel_of_standard_opt_out_fields():
    """The standard flags of each CRM land on the right channel; routing and sync switches are no objection."""
    cases = {
        ("HubSpot", "hs_email_optout", "Unsubscribed from all email"): "email",
        ("Salesforce", "DoNotCall", "Do Not Call"): "phone",
        ("Salesforce", "HasOptedOutOfEmail", "Email Opt Out"): "email",
        ("Dynamics", "donotphone", "Do not allow Phone Calls"): "phone",
        ("Dynamics", "donotbulkemail", "Do not allow Bulk Emails"): "email",
        ("Dynamics", "donotpostalmail", "Do not allow Mails"): "other",
        ("NPSP", "Do_Not_Contact__c", "Do Not Contact"): "any",
        ("custom", "werbewiderspruch", "Werbewiderspruch"): "any",
    }
    for (_, name, label), expected in cases.items():
        field = CrmField(object="contact", name=name, label=label)
        assert channel(field) == expected, name
        assert is_objection(field) == (expected != "other"), name
    assert not is_objection(CrmField(object="contact", name="do_not_route_lead__c", label="Do Not Route Lead"))
    assert not is_objection(CrmField(object="contact", name="do_not_sync_marketo__c", label="Do Not Sync Marketo"))


def test_notes_scanner_finds_objections_and_respects_negation():
    """Kind ``objection`` (no category): phrases carry their own "nicht"/"not"; a negation before them removes them."""
    from privacygap.inventory.notes import scan_text

    found = {text: [(c, k) for c, k, _ in scan_text(text)] for text in (
        "Kunde möchte nicht mehr angerufen werden.",
        "Bitte aus dem Verteiler nehmen.",
        "Please remove me from your mailing list.",
        "Do not call again, she said.",
        "Hat keinen Werbewiderspruch eingelegt.",
        "Er möchte weiterhin angerufen werden.",
        "Keine Anrufe vor 10 Uhr.",
        "He did not ask us to stop calling.",
        "Contact has not unsubscribed.",
        "We did not call him yet.",
    )}
    objection = [(None, "objection")]
    assert found == {
        "Kunde möchte nicht mehr angerufen werden.": objection,
        "Bitte aus dem Verteiler nehmen.": objection,
        "Please remove me from your mailing list.": objection,
        "Do not call again, she said.": objection,
        "Hat keinen Werbewiderspruch eingelegt.": [],
        "Er möchte weiterhin angerufen werden.": [],
        "Keine Anrufe vor 10 Uhr.": [],
        "He did not ask us to stop calling.": [],
        "Contact has not unsubscribed.": [],
        "We did not call him yet.": [],
    }
