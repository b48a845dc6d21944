"""The records file (--records, docs/records.md): TOML and YAML read alike, and every error names file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacygap.errors import ExitCode, InputFileError
from privacygap.records.load import load_records, records_from_dict

E2E = Path(__file__).resolve().parents[1] / "e2e" / "records"

YAML_RECORDS = """\
records:
  company: Holzbau Kestner GmbH
vendors:
  - name: HubSpot
    service: CRM
    entity: HubSpot Ireland Ltd.
    transfer: DPF
    dpa_signed: 2024-03-01
    dpa_version: "2024-01"
  - name: Gong
    service: Gesprächsanalyse
    region: US
    transfer: Privacy Shield
    dpa_version: "2019-06"
    subprocessors: https://www.gong.io/subprocessors/
  - name: sipgate
    service: Telefonie
    transfer: none
    dpa_signed: 2023-02-01
    subprocessors: Anlage 2 zum AVV
processing:
  - name: Vertrieb und CRM
    purposes: [Gewinnung von Partnerbetrieben, Pflege von Geschäftskontakten]
    data_subjects: [Ansprechpartner von Handwerksbetrieben]
    categories: [user.name, user.contact]
    recipients: [HubSpot, sipgate]
    transfers: [US]
    erasure: 24 Monate nach letztem Kontakt
  - name: Personalverwaltung
    categories: [user.name, user.financial.bank_account]
dialer:
  name: sipgate team
  caller_id: +49 7999 555 0100
  campaigns:
    - {name: Kaltakquise Handwerk, purpose: Akquise, caller_id: anonym}
    - {name: Rückrufe Kundendienst, purpose: Service, caller_id: anonym}
call_script:
  file: erstkontakt.md
"""


def _summary(records):
    return {
        "vendors": [(v.name, v.role, v.region, v.transfer, v.obsolete_transfer, v.dpa_signed, v.dpa_version,
                     bool(v.subprocessors), v.location) for v in records.vendors],
        "processing": [(p.name, p.categories, p.recipients, p.transfers, p.erasure, p.location)
                       for p in records.processing],
        "campaigns": [(c.name, c.purpose, c.direction, c.caller_id, c.caller_id_suppressed, c.location)
                      for c in records.campaigns],
        "script": (records.call_script.file, records.call_script.text.splitlines()[0]),
        "sections": sorted(records.sections),
    }


EXPECTED = {
    "vendors": [
        ("HubSpot", "processor", "", "dpf", False, "2024-03-01", "2024-01", False, "vendors[0]"),
        ("Gong", "processor", "US", "none", True, "", "2019-06", True, "vendors[1]"),
        ("sipgate", "processor", "", "none", False, "2023-02-01", "", True, "vendors[2]"),
    ],
    "processing": [
        ("Vertrieb und CRM", ("user.name", "user.contact"), ("HubSpot", "sipgate"), ("US",),
         "24 Monate nach letztem Kontakt", "processing[0]"),
        ("Personalverwaltung", ("user.name", "user.financial.bank_account"), (), (), "", "processing[1]"),
    ],
    "campaigns": [
        ("Kaltakquise Handwerk", "Akquise", "outbound", "anonym", True, "dialer.campaigns[0]"),
        ("Rückrufe Kundendienst", "Service", "outbound", "anonym", True, "dialer.campaigns[1]"),
    ],
    "script": ("erstkontakt.md", "# Gesprächsleitfaden Erstkontakt Handwerksbetriebe"),
    "sections": ["call_script", "dialer", "processing", "vendors"],
}


def test_toml_records_file_is_read_with_the_script_next_to_it():
    records = load_records(str(E2E / "records.toml"))
    assert _summary(records) == EXPECTED
    assert records.meta == {"company": "Holzbau Kestner GmbH", "version": "2026-10", "updated": "2026-10-15"}


def test_yaml_records_file_reads_the_same(tmp_path):
    (tmp_path / "erstkontakt.md").write_text((E2E / "erstkontakt.md").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "records.yaml"
    path.write_text(YAML_RECORDS, encoding="utf-8")
    assert _summary(load_records(str(path))) == EXPECTED


def test_values_are_normalised():
    records = records_from_dict({
        "vendors": [{"name": "A", "region": "uk", "transfer": "Standardvertragsklauseln (Modul 2)", "role": "Joint Controller"},
                    {"name": "B", "region": "de", "transfer": "EU-US Data Privacy Framework"},
                    {"name": "C", "region": "EU", "transfer": False},
                    {"name": "D", "region": "eu", "transfer": "Angemessenheitsbeschluss"}],
        "processing": [{"name": "X", "transfers": ["keine"], "erasure": 24}],
        "dialer": {"caller_id": False, "campaigns": [{"name": "K"}, {"name": "L", "caller_id": True, "direction": "Inbound"}]},
        "call_script": {"text": "Guten Tag"},
    })
    assert [(v.region, v.transfer, v.role) for v in records.vendors] == [
        ("GB", "scc", "joint_controller"), ("EEA", "dpf", "processor"), ("EEA", "none", "processor"),
        ("EEA", "adequacy", "processor")]
    assert records.processing[0].transfers == () and records.processing[0].erasure == "24 months"
    assert [(c.caller_id, c.caller_id_suppressed, c.direction) for c in records.campaigns] == [
        ("false", True, "outbound"), ("true", False, "inbound")]
    assert records.call_script.text == "Guten Tag" and records.call_script.file == ""


def test_a_file_with_only_a_call_script_judges_nothing_else():
    records = records_from_dict({"call_script": {"text": "Hallo"}, "vendors": []})
    assert records.sections == frozenset({"call_script", "vendors"}) and records.vendors == ()


TOML_ERRORS = [
    # (file text, expected message after "records.toml:")
    ('[[vendors]]\nname = "HubSpot"\ntransfer = "Privacy-Schild?"\n',
     "vendors[0].transfer (line 3): 'Privacy-Schild?' is not a transfer instrument "
     "(write DPF, SCC, BCR, adequacy or none)"),
    ('[[vendors]]\nname = "A"\n\n[[vendors]]\nname = "B"\ndpa_signed = "März 2024"\n',
     "vendors[1].dpa_signed (line 6): 'März 2024' is not a date "
     "(write the date the contract was signed as YYYY-MM-DD)"),
    ('[[vendors]]\nname = "A"\nregion = "Amerika"\n',
     "vendors[0].region (line 3): 'Amerika' is not a region (write an ISO country code such as 'US' or 'CH', "
     "'EEA' for the EU/EEA, or 'other')"),
    ('[[vendors]]\nservice = "CRM"\n', "vendors[0].name (line 1): missing"),
    ('[[vendors]]\nname = "A"\nrole = "partner"\n',
     "vendors[0].role (line 3): 'partner' is not a role "
     "(roles: processor, subprocessor, controller, joint_controller, recipient)"),
    ('[[vendors]]\nname = "A"\ndpa = "2024"\n',
     "vendors[0].dpa (line 3): unknown key (known keys: name, service, role, region, entity, transfer, "
     "dpa_signed, dpa_version, subprocessors, notes)"),
    ('[[processing]]\nname = "Vertrieb"\ncategories = ["user.name", "user.hobby"]\n',
     "processing[0].categories[1] (line 3): unknown category 'user.hobby' "
     "(use the keys of checks/taxonomy/categories.yaml (taxonomy.md), e.g. user.contact.email)"),
    ('[dialer]\nname = "x"\n\n[[dialer.campaigns]]\nname = "Q1"\ncaller_id = "vielleicht"\n',
     "dialer.campaigns[0].caller_id (line 6): 'vielleicht' is not a caller ID setting "
     "(write the number sent, 'shown', or 'anonymous' when the number is suppressed (CLIR))"),
    ('[call_script]\nname = "Erstkontakt"\n',
     "call_script (line 1): missing the script (add file = \"erstkontakt.md\" or text = \"…\")"),
    ('[vendor]\nname = "A"\n',
     "vendor (line 1): unknown section (sections: records, vendors, processing, dialer, call_script)"),
    ('vendors = "HubSpot"\n',
     "vendors (line 1): expected a list of entries ([[vendors]] in TOML, '- name: …' in YAML)"),
]


@pytest.mark.parametrize("text,message", TOML_ERRORS, ids=[m.split(" ")[0] for _, m in TOML_ERRORS])
def test_toml_errors_name_file_key_line_and_remedy(tmp_path, text, message):
    path = tmp_path / "records.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_records(str(path))
    assert str(caught.value) == f"{path}:{message}"
    assert caught.value.exit_code == ExitCode.USAGE


YAML_ERRORS = [
    ("vendors:\n  - name: A\n  - name: B\n    transfer: maybe\n",
     "vendors[1].transfer (line 4): 'maybe' is not a transfer instrument (write DPF, SCC, BCR, adequacy or none)"),
    ("processing:\n  - name: Vertrieb\n    categories:\n      - user.name\n      - user.hobby\n",
     "processing[0].categories[1] (line 5): unknown category 'user.hobby' "
     "(use the keys of checks/taxonomy/categories.yaml (taxonomy.md), e.g. user.contact.email)"),
    ("dialer:\n  campaigns:\n    - name: Q1\n      direction: sideways\n",
     "dialer.campaigns[0].direction (line 4): 'sideways' is neither 'outbound' nor 'inbound'"),
]


@pytest.mark.parametrize("text,message", YAML_ERRORS, ids=[m.split(" ")[0] for _, m in YAML_ERRORS])
def test_yaml_errors_name_file_key_and_line(tmp_path, text, message):
    path = tmp_path / "records.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_records(str(path))
    assert str(caught.value) == f"{path}:{message}"


def test_syntax_errors_and_unreadable_files(tmp_path):
    bad_toml = tmp_path / "records.toml"
    bad_toml.write_text('[[vendors]]\nname = "A\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"records\.toml:line 2 column 10: invalid TOML: Illegal character"):
        load_records(str(bad_toml))
    bad_yaml = tmp_path / "records.yml"
    bad_yaml.write_text("vendors:\n  - name: [A\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"records\.yml:line 3 column 1: invalid YAML"):
        load_records(str(bad_yaml))
    with pytest.raises(InputFileError, match=r"nope\.toml: cannot read the records file: No such file or directory "
                                             r"\(check the path given to --records\)"):
        load_records(str(tmp_path / "nope.toml"))
    script = tmp_path / "with-script.toml"
    script.write_text('[call_script]\nfile = "fehlt.md"\n', encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_records(str(script))
    assert str(caught.value) == (f"{script}:call_script.file (line 2): cannot read the call script "
                                 f"{tmp_path}/fehlt.md: No such file or directory "
                                 "(the path is relative to the records file)")
