"""Every importer on a fixture written in that CRM's real export format, and malformed inputs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from privacygap.errors import InputFileError, UsageError
from privacygap.inventory import base
from privacygap.inventory.load import SUPPORTED_FORMATS, load_inventory, read_source

FIXTURES = Path(__file__).parent / "fixtures"


def _inventory(name: str, **kwargs):
    return load_inventory([str(FIXTURES / name)], **kwargs)


def _by_name(inventory):
    return {f.name: f for f in inventory.fields}


@pytest.mark.parametrize("name,fmt,crm,expected", [
    ("hubspot-contacts-properties.json", "hubspot-properties", "HubSpot",
     {"hobbys": "user.demographic.interests", "mailing_street": "user.contact.address",
      "hs_email_optout": "user.privacy_preferences", "gesundheit_hinweise": "user.health_and_medical"}),
    ("Contact.describe.json", "salesforce-describe", "Salesforce",
     {"Familienstand__c": "user.demographic.marital_status", "Call_Recording__c": "user.content.call_recording",
      "MailingStreet": "user.contact.address", "Id": "user.unique_id"}),
    ("Kontakt.object", "salesforce-mdapi", "Salesforce",
     {"Konfession__c": "user.demographic.religious_belief", "Anzahl_Kinder__c": "user.demographic.family",
      "Bonitaet__c": "user.financial.economic_situation"}),
    ("personFields.json", "pipedrive-fields", "Pipedrive",
     {"5e3c1f0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e": "user.demographic.date_of_birth",
      "f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d": "user.demographic.family", "phone": "user.contact.phone_number"}),
    ("zoho-Contacts-fields.json", "zoho-fields", "Zoho CRM",
     {"Allergien": "user.health_and_medical", "Description": "user.content.notes", "Email_Opt_Out": "user.privacy_preferences"}),
    ("contact-attributes.json", "dynamics-attributes", "Microsoft Dynamics 365",
     {"statecode": None, "familystatuscode": "user.demographic.marital_status",
      "annualincome": "user.financial.economic_situation", "description": "user.content.notes"}),
    ("phonecall.cdm.json", "cdm-entity", "Microsoft Dynamics 365",
     {"phonenumber": "user.contact.phone_number", "description": "user.content.notes", "activityid": "user.unique_id",
      "regardingobjectid": "system.operations"}),
    ("res_partner.fields_get.json", "odoo-fields-get", "Odoo",
     {"comment": "user.content.notes", "credit_limit": "user.financial.economic_situation", "name": "user.name",
      "x_studio_religion": "user.demographic.religious_belief"}),
    ("Lead.json", "espocrm-entitydefs", "EspoCRM",
     {"salutationName": "user.demographic.gender", "cHaushaltseinkommen": "user.financial.economic_situation",
      "accountName": "user.contact.organization"}),
    ("vardefs.php", "sugar-vardefs", "SugarCRM",
     {"birthdate": "user.demographic.date_of_birth", "spouse_name": "user.demographic.family",
      "hobbies_c": "user.demographic.interests", "description": "user.content.notes"}),
    ("fides-dataset.yml", "fides-dataset", "HubSpot",
     {"properties.street": "user.contact.address", "properties.company": "user.contact.organization",
      "properties.notes": "user.content.notes", "id": "user.unique_id"}),
    ("tap_crm_calls.json", "json-schema-catalog", "",
     {"recording_url": "user.content.call_recording", "participants[].email": "user.contact.email",
      "caller.number": "user.contact.phone_number"}),
    ("airbyte-catalog.json", "json-schema-catalog", "",
     {"hs_analytics_num_page_views": "user.behavior.browsing_history"}),
    ("field-list.csv", "csv", "",
     {"Hobbies__c": "user.demographic.interests", "Notes__c": "user.content.notes", "Name": "user.contact.organization"}),
    ("contacts-export.csv", "csv", "",
     {"Konfession": "user.demographic.religious_belief", "Notizen": "user.content.notes", "E-Mail": "user.contact.email"}),
    ("crm.sql", "sql-ddl", "",
     {"Kinderanzahl": "user.demographic.family", "voicemail": "user.content.call_recording",
      "mailing_street": "user.contact.address", "background": "user.content.notes"}),
])
def test_importer_reads_and_classifies(name, fmt, crm, expected):
    inventory = _inventory(name)
    assert [(s.format, s.crm) for s in inventory.sources] == [(fmt, crm)]
    fields = _by_name(inventory)
    for field_name, category in expected.items():
        assert fields[field_name].category == category, (field_name, fields[field_name].reason)


def test_metadata_details_are_kept():
    fields = _by_name(_inventory("Kontakt.object"))
    assert fields["Konfession__c"].flags["complianceGroup"] == "GDPR;PII"
    assert "evangelisch" in fields["Konfession__c"].picklist
    assert fields["Anzahl_Kinder__c"].required is True
    zoho = _by_name(_inventory("zoho-Contacts-fields.json"))
    assert zoho["Description"].access == ("Administrator", "Standard", "Vertrieb", "Support")
    assert zoho["Description"].free_text is True
    odoo = _by_name(_inventory("res_partner.fields_get.json"))
    assert odoo["credit_limit"].access == ("account.group_account_invoice", "base.group_user")
    assert odoo["name"].object == "res.partner"
    pipedrive = _by_name(_inventory("personFields.json"))
    assert pipedrive["0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"].label == "Email"
    assert pipedrive["0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"].reason == "label 'Email' → e-mail address"


def test_sql_ddl_details():
    fields = {(f.object, f.name): f for f in _inventory("crm.sql").fields}
    assert fields[("contacts", "first_name")].required is True
    assert fields[("contacts", "background")].description == "Free-text background about the person"
    assert fields[("calls", "voicemail")].description == "Link zur Sprachnachricht"
    assert ("calls", "idx_duration") not in fields and ("contacts", "constraint") not in fields
    assert len([k for k in fields if k[0] == "contacts"]) == 8


def test_vardefs_parsed_without_executing_php():
    fields = _by_name(_inventory("vardefs.php"))
    assert fields["birthdate"].object == "Contacts"  # module name from VardefManager::createVardef
    assert fields["birthdate"].flags["pii"] is True
    assert fields["lead_source"].flags["options"] == "lead_source_dom"
    assert fields["spouse_name"].description.startswith("Name des Ehepartners")


def test_csv_export_reads_header_only():
    inventory = _inventory("contacts-export.csv")
    dumped = json.dumps([f.__dict__ for f in inventory.fields], default=str)
    assert "SENTINEL" not in dumped and "anna@example.invalid" not in dumped
    assert [f.name for f in inventory.fields][:3] == ["Vorname", "Nachname", "E-Mail"]


def test_folder_and_merge_and_dedup(tmp_path):
    inventory = load_inventory([str(FIXTURES / "sfdx"), str(FIXTURES / "Contact.describe.json"),
                                str(FIXTURES / "Contact.describe.json")])
    assert [s.format for s in inventory.sources] == ["salesforce-mdapi", "salesforce-describe", "salesforce-describe"]
    names = [f.path for f in inventory.fields]
    assert names.count("Contact.Salutation") == 1
    assert "Contact.Lieblingsverein__c" in names
    assert inventory.crm_vendors == ("Salesforce",)


def test_sqlite_database_reflection(tmp_path):
    import sqlite3

    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as connection:
        connection.execute("create table kontakte (id integer primary key, vorname text not null, hobbys text, iban text)")
        connection.execute("insert into kontakte values (1, 'SENTINEL-WERT', 'Golf', 'DE00')")
    for target in (f"sqlite:///{db}", str(db)):
        inventory = load_inventory([target])
        fields = _by_name(inventory)
        assert inventory.sources[0].format == "sql-database"
        assert fields["hobbys"].category == "user.demographic.interests"
        assert fields["iban"].category == "user.financial.bank_account"
        assert fields["vorname"].required is True
        assert "SENTINEL" not in json.dumps([f.__dict__ for f in inventory.fields], default=str)


def test_database_password_never_shown():
    with pytest.raises(InputFileError) as error:
        load_inventory(["postgresql://crm:s3cr3t-pw@127.0.0.1:9/crm"])
    assert "s3cr3t-pw" not in str(error.value)
    assert "***" in str(error.value)


def test_crm_format_alias_and_unknown_name():
    inventory = load_inventory([str(FIXTURES / "personFields.json")], crm_format="pipedrive")
    assert inventory.sources[0].format == "pipedrive-fields"
    with pytest.raises(UsageError, match="supported formats: .*hubspot-properties"):
        load_inventory([str(FIXTURES / "personFields.json")], crm_format="lotus-notes")
    with pytest.raises(InputFileError, match="not a zoho file"):
        load_inventory([str(FIXTURES / "personFields.json")], crm_format="zoho")


def test_unknown_input_lists_supported_formats(tmp_path):
    path = tmp_path / "readme.md"
    path.write_text("# just prose\n\nnothing to see", encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        load_inventory([str(path)])
    assert "unknown CRM export format" in str(error.value)
    for name in ("hubspot-properties", "sugar-vardefs", "sql-database"):
        assert name in str(error.value) and name in SUPPORTED_FORMATS


MALFORMED = [
    ("props.json", '{"results": [{"name": "a", "fieldType": "text", "groupName": "x"},\n  {"name": }]}', "line 2"),
    ("props2.json", '{"results": [{"label": "no name", "fieldType": "text", "groupName": "x"}]}', "$.results[0].name"),
    ("personFields.json", '{"data": [{"key": "a", "name": "A", "field_type": "varchar", "edit_flag": true},'
                          ' {"name": "X", "field_type": "varchar", "edit_flag": true}]}', "$.data[1].key"),
    ("zoho.json", '{"fields": {"api_name": "x", "data_type": "text", "field_label": "X"}}', "$.fields"),
    ("attrs.json", '{"value": [{"AttributeType": "String", "LogicalName": ""}]}', "$.value[0].LogicalName"),
    ("x.cdm.json", '{"jsonSchemaSemanticVersion": "1.0.0", "definitions": {"a": 1}}', "$.definitions"),
    ("model.fields_get.json", '{"name": {"string": "Name", "type": "char"}, "bad": {"string": "B"}}', "$.bad"),
    ("Contact.json", '{"fields": {"name": {"type": "personName"}, "x": {"type": "varchar"}, "y": {"maxLength": 3}}}', "$.fields.y.type"),
    ("vardefs.php", "<?php\n$dictionary['Lead'] = array(\n  'fields' => array(\n    'name' => array('name' => 'name',\n", "line 5"),
    ("Broken.object", '<?xml version="1.0"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n<fields><fullName>X</fullName>\n</CustomObject>', "line"),
    ("dataset.yml", "dataset:\n  - collections:\n      - name: c\n        fields: [ {name: a\n", "line"),
    ("schema.json", '{"type": "object", "properties": {"a": "string"}}', "$.properties.a"),
    ("empty.csv", "\n", "line 1"),
    ("broken.sql", "create table a (\n  id int,\n  name text\n", "line 1"),
]


@pytest.mark.parametrize("name,content,location", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files_name_file_and_place(tmp_path, name, content, location):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        load_inventory([str(path)])
    message = str(error.value)
    assert str(path) in message
    assert location in message, message


def test_too_deep_json_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"type": "object", "properties": ' + '{"a": {"type": "object", "properties": ' * 40 + "{}" + "}}" * 40 + "}",
                    encoding="utf-8")
    with pytest.raises(InputFileError, match="deeper than"):
        load_inventory([str(path)])


def test_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text('{"results": []}' + " " * 2000, encoding="utf-8")
    monkeypatch.setattr(base, "MAX_BYTES", 1000)
    with pytest.raises(InputFileError, match="limit is"):
        read_source(str(path))


def test_missing_file():
    with pytest.raises(InputFileError, match="file not found"):
        load_inventory(["/nonexistent/export.json"])


def test_twenty_thousand_fields_quickly(tmp_path):
    words = ["Hobbys", "E-Mail", "Telefon", "Kinder", "Umsatz", "Notizen", "Branche", "Lead Score", "Geburtstag", "Verein"]
    items = [{"name": f"prop_{i}_{words[i % 10].lower()}", "label": f"{words[i % 10]} {i}", "type": "string",
              "fieldType": "textarea" if i % 7 == 0 else "text", "groupName": "g", "options": []} for i in range(20000)]
    path = tmp_path / "contacts-properties.json"
    path.write_text(json.dumps({"results": items}), encoding="utf-8")
    start = time.perf_counter()
    inventory = load_inventory([str(path)])
    elapsed = time.perf_counter() - start
    assert len(inventory.fields) == 20000
    assert elapsed < 20, elapsed
    assert _by_name(inventory)["prop_3_kinder"].category == "user.demographic.family"


def test_fides_coarse_category_is_refined_but_kept_as_bound(tmp_path):
    path = tmp_path / "dataset.yml"
    path.write_text("dataset:\n  - fides_key: x\n    collections:\n      - name: contacts\n        fields:\n"
                    "          - name: Fax\n            data_categories: [user.contact]\n"
                    "          - name: Site\n            data_categories: [user.location]\n", encoding="utf-8")
    fields = _by_name(load_inventory([str(path)]))
    assert fields["Fax"].category == "user.contact.fax_number"
    assert "refines the export's category user.contact" in fields["Fax"].reason
    assert fields["Site"].category == "user.location"  # nothing more specific found: the given key stays


def test_folder_skips_files_that_are_no_export(tmp_path):
    (tmp_path / "README.md").write_text("notes about the export\n", encoding="utf-8")
    (tmp_path / "personFields.json").write_text((FIXTURES / "personFields.json").read_text(encoding="utf-8"), encoding="utf-8")
    inventory = load_inventory([str(tmp_path)])
    assert [s.format for s in inventory.sources] == ["pipedrive-fields"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFileError, match="no CRM export found"):
        load_inventory([str(empty)])
