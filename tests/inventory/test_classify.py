"""Classification of standard fields, run-together names, German compounds and the known false positives."""

from __future__ import annotations

import pytest

from privacygap.inventory.classify import classify_field, classify_fields, tokenizer
from privacygap.models import Confidence, CrmField


def _c(name, label="", crm=None, **kwargs):
    return classify_field(CrmField(object=kwargs.pop("object", "contact"), name=name, label=label, **kwargs), crm)


@pytest.mark.parametrize("name,label,expected", [
    # known false positives of name-regex scanners
    ("mailing_street", "", "user.contact.address"),
    ("has_opted_out_of_email", "", "user.privacy_preferences"),
    ("email_opt_out", "", "user.privacy_preferences"),
    ("voicemail", "", "user.content.call_recording"),
    ("account_name", "", "user.contact.organization"),
    ("company_name", "", "user.contact.organization"),
    ("mailing_geocode_accuracy", "", None),
    # run-together Dynamics names
    ("familystatuscode", "Marital Status", "user.demographic.marital_status"),
    ("haschildrencode", "Has Children", "user.demographic.family"),
    ("numberofchildren", "", "user.demographic.family"),
    ("spousesname", "", "user.demographic.family"),
    ("annualincome", "", "user.financial.economic_situation"),
    ("governmentid", "Government", "user.government_id"),
    ("donotbulkemail", "", "user.privacy_preferences"),
    # Salesforce custom suffixes and packages
    ("Deceased__c", "Deceased", "user.demographic.family"),
    ("npe01__WorkEmail__c", "Work Email", "user.contact.email"),
    ("notes_c", "", "user.content.notes"),
    ("call_recording_c", "", "user.content.call_recording"),
    # German labels and compounds
    ("x1", "Lieblingsverein", "user.demographic.interests"),
    ("x2", "Geburtsdatum", "user.demographic.date_of_birth"),
    ("x3", "Gesprächsnotizen", "user.content.notes"),
    ("x4", "Kinderanzahl", "user.demographic.family"),
    ("x5", "Gewerkschaftszugehörigkeit", "user.demographic.trade_union_membership"),
    ("x6", "Haushaltseinkommen", "user.financial.economic_situation"),
    # HubSpot default properties that word lists get wrong
    ("hs_latest_source", "Latest Traffic Source", "user.behavior.browsing_history"),
    ("hs_email_last_open_date", "Last marketing email open date", "user.behavior.browsing_history"),
    ("twitterhandle", "Twitter Username", "user.social"),
    ("hs_avatar_filemanager_key", "Avatar FileManager key", "user.content.self_image"),
    ("hs_facebook_click_id", "Facebook click id", "user.device.cookie_id"),
    ("first_deal_created_date", "First Deal Created Date", "user.behavior.purchase_history"),
    ("message", "Message", "user.content.communications"),
    ("message_bounce", "Bounce", "user.behavior.communication_history"),
    ("phone_blacklisted", "Blacklisted Phone", "user.privacy_preferences"),
    # system fields
    ("createdAt", "", "system.operations"),
    ("hs_object_id", "", "user.unique_id"),
])
def test_generic_rules(name, label, expected):
    field = _c(name, label)
    assert field.category == expected, field.reason


def test_dynamics_statecode_is_record_status_not_address():
    field = _c("statecode", "Status", crm="Microsoft Dynamics 365", type="State")
    assert field.category is None
    assert "standard field 'statecode'" in field.reason


def test_reason_is_readable():
    field = _c("x_hobby", "Hobbys")
    assert field.reason in ("name 'x_hobby' → private interests", "label 'Hobbys' → private interests")
    assert field.confidence is Confidence.HIGH
    assert _c("hobbys", "Hobbys").reason == "name 'hobbys' → private interests"


def test_picklist_values_as_evidence():
    catering = _c("catering", "Catering", picklist=("Vegetarisch", "Halal", "Koscher"))
    assert catering.category == "user.demographic.religious_belief"
    assert catering.confidence is Confidence.MEDIUM
    assert catering.reason == "option 'Halal' → indirect religion indicator"
    source = _c("lead_source", "Lead Source", picklist=("Web", "Purchased list"))
    assert source.category is None
    assert source.flags["third_party_source"] == "Purchased list"
    assert "data from third parties" in source.reason


def test_description_as_evidence_is_medium():
    field = _c("x_feld_7", "Sonstiges", description="Religionszugehörigkeit für die Weihnachtskarte")
    assert field.category == "user.demographic.religious_belief"
    assert field.confidence is Confidence.MEDIUM


def test_free_text_type_without_other_evidence():
    field = _c("x_feld_9", "Infos", type="textarea", free_text=True)
    assert field.category == "user.content.notes"
    assert field.free_text is True
    assert field.confidence is Confidence.MEDIUM


def test_vendor_flags_first():
    health = _c("field_17", "Hinweise", flags={"sensitiveDataCategories": ["HEALTH"], "dataSensitivity": "highly_sensitive"})
    assert health.category == "user.health_and_medical" and health.confidence is Confidence.HIGH
    hipaa = _c("Insurance_Info", "Versicherung", flags={"complianceGroup": "HIPAA"})
    assert hipaa.category == "user.health_and_medical"
    personal = _c("emailAddress", flags={"isPersonalData": True})
    assert personal.category == "user.contact.email" and "EspoCRM isPersonalData" in personal.reason


def test_object_context_for_names():
    assert _c("name", object="companies").category == "user.contact.organization"
    assert _c("name", object="deals").category == "user.behavior.purchase_history"
    assert _c("name", object="contacts").category == "user.name"


def test_preclassified_fields_are_kept():
    field = CrmField(object="c", name="x", category="user.name", confidence=Confidence.HIGH, reason="given")
    assert classify_fields([field], None) == [field]


def test_hash_keys_carry_no_evidence():
    assert tokenizer().name_tokens("dcf558aac1ae4e8c4f849ba5e668430d8df9be12") == ()
    assert tokenizer().name_tokens("dcf558aac1ae4e8c4f849ba5e668430d8df9be12_currency") == ()


def test_segmentation_does_not_invent_words():
    assert tokenizer().name_tokens("AlternateEmail") == ("alternate", "email")
    assert _c("cloudingo_agent_mas_c").category is None
