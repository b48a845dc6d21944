"""Note scanning (German, English, negation, redaction), the guideline and the inventory JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacygap.errors import InputFileError
from privacygap.inventory.guideline import allowed_for, guideline_from_dict, load_guideline, retention_for
from privacygap.inventory.load import load_inventory
from privacygap.inventory.notes import hash_record_id, read_notes_file, scan_note_texts
from privacygap.inventory.report import inventory_to_json

FIXTURES = Path(__file__).parent / "fixtures"


def _one(text: str):
    hits, count = scan_note_texts([("r1", text)], salt="test")
    assert count == 1
    return hits


def test_german_private_life_and_health():
    (hit,) = _one("Herr Keller wird bald Vater, Angebot nachfassen im März.")
    # A coming child also reveals a pregnancy (the partner's health data, Art. 9): special first.
    assert hit.categories == ("user.health_and_medical", "user.demographic.family")
    assert hit.kinds == ("special_category", "private_life")
    assert hit.snippet == "███ wird bald Vater ███ nachfassen"
    (hit,) = _one("Kunde plant Hauskauf und spielt Golf im Club.")
    assert set(hit.categories) == {"user.financial.economic_situation", "user.demographic.interests"}
    (hit,) = _one("Seine Frau Petra hatte eine Bandscheiben-OP.")
    assert hit.categories[0] == "user.health_and_medical"
    assert set(hit.kinds) == {"special_category", "third_person"}
    assert "Petra" not in hit.snippet


def test_english_terms():
    (hit,) = _one("His wife Emma is pregnant; he votes for the Green Party.")
    assert {"user.health_and_medical", "user.demographic.political_opinion", "user.demographic.family"} <= set(hit.categories)
    (hit,) = _one("Very pushy buyer.")
    assert hit.kinds == ("judgmental",)


@pytest.mark.parametrize("text", [
    "Sie ist nicht schwanger.", "Hat keine Kinder.", "No kids, no pets.", "Angebot geschickt, Vereinbarung folgt.",
    "Frau Schmidt bestätigt den Termin.", "The hospitality sector is our focus.",
])
def test_negation_and_business_text(text):
    assert _one(text) == []


def test_record_ids_are_hashed():
    assert hash_record_id("n-1", salt="x") == hash_record_id("n-1", salt="x")
    assert hash_record_id("n-1", salt="x") != hash_record_id("n-1", salt="y")
    assert hash_record_id("n-1", salt="x").startswith("sha256:")


def test_notes_file_readers():
    csv_records = list(read_notes_file(str(FIXTURES / "notes.csv")))
    assert [r[0] for r in csv_records] == ["n-1", "n-2", "n-3", "n-4"]
    json_records = list(read_notes_file(str(FIXTURES / "notes.json")))
    assert [r[0] for r in json_records] == ["9001", "9002"]
    hits, count = scan_note_texts(json_records, salt="s")
    assert count == 2 and len(hits) == 1
    assert set(hits[0].categories) == {"user.demographic.interests", "user.behavior.scoring"}


def test_notes_file_without_text_column(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("id,date\n1,2026-01-01\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no text column"):
        list(read_notes_file(str(path)))


def test_sentinel_never_appears_in_any_output(capsys):
    inventory = load_inventory([str(FIXTURES / "contacts-export.csv")], notes=str(FIXTURES / "notes.csv"))
    assert inventory.notes_scanned == 4
    assert len(inventory.notes) == 2
    output = json.dumps(inventory_to_json(inventory), ensure_ascii=False) + repr(inventory)
    captured = capsys.readouterr()
    for secret in ("SENTINEL", "Petra", "Keller", "n-1", "n-3", "Bandscheiben-OP, Termin"):
        assert secret not in output + captured.out + captured.err
    assert all(n["record"].startswith("sha256:") for n in inventory_to_json(inventory)["notes"])


def test_inventory_json_shape():
    data = inventory_to_json(load_inventory([str(FIXTURES / "hubspot-contacts-properties.json")]))
    assert data["sources"] == [{"path": str(FIXTURES / "hubspot-contacts-properties.json"), "format": "hubspot-properties",
                                "crm": "HubSpot"}]
    hobbys = next(f for f in data["fields"] if f["name"] == "hobbys")
    assert {k: hobbys[k] for k in ("object", "name", "label", "category", "confidence", "reason")} == {
        "object": "contact", "name": "hobbys", "label": "Hobbys", "category": "user.demographic.interests",
        "confidence": "high", "reason": "name 'hobbys' → private interests"}
    assert "free_text" not in hobbys  # a structured category, although HubSpot stores it in a textarea
    json.dumps(data)  # plain JSON values only


def test_guideline_toml_and_yaml():
    guideline = load_guideline(str(FIXTURES / "guideline.toml"))
    assert guideline.allowed["*"][0] == "user.name"
    assert guideline.retention["user.content.notes"] == "12 months"
    assert guideline.roles["sales"] == ("contact", "deal")
    assert guideline.extra["free_text_fields"] == ("contact.description",)
    assert retention_for(guideline, "user.contact.email") == "24 months after last activity"
    assert retention_for(guideline, "user.demographic.family") == "36 months"
    assert allowed_for(guideline, "contacts", "user.content.notes")
    assert not allowed_for(guideline, "deal", "user.content.notes")
    assert not allowed_for(guideline, "contact", "user.demographic.religious_belief")
    yaml_guideline = load_guideline(str(FIXTURES / "guideline.yaml"))
    assert yaml_guideline.retention == {"user.contact": "24 months"}
    assert retention_for(yaml_guideline, "user.content.notes") is None


@pytest.mark.parametrize("data,location", [
    ({"allowed": {"*": ["user.name", "user.hobby"]}}, "allowed.*[1]"),
    ({"retention": {"user.contact": True}}, "retention.user.contact"),
    ({"retention": {"user.nonsense": "1 month"}}, "retention.user.nonsense"),
    ({"roles": {"sales": 3}}, "roles.sales"),
    ({"permissions": {}}, "permissions"),
])
def test_guideline_errors_name_the_key(data, location):
    with pytest.raises(InputFileError) as error:
        guideline_from_dict(data, "g.toml")
    assert f"g.toml:{location}" in str(error.value)


def test_guideline_syntax_error_has_line(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text('[retention]\n"user.contact" = \n', encoding="utf-8")
    with pytest.raises(InputFileError, match="invalid TOML") as error:
        load_guideline(str(path))
    assert "line 2" in str(error.value)


def test_inventory_json_matches_report_schema():
    import jsonschema

    schema_path = Path(__file__).resolve().parents[2] / "src/privacygap/output/schema/report-v1.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    inventory_schema = {"$defs": schema.get("$defs", {}), **schema["properties"]["inventory"]}
    inventory = load_inventory([str(FIXTURES / "Kontakt.object"), str(FIXTURES / "crm.sql")], notes=str(FIXTURES / "notes.csv"))
    jsonschema.validate(inventory_to_json(inventory), inventory_schema)
