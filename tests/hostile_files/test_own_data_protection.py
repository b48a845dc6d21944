"""The tool's own data protection: what a note says, who it names and its record id never leave the tool.

A notes export carries a unique sentinel text, a third person's name ("Frau Annegret
Sentinelli") and a record id ("REC-SENTINEL-4711"). ``privacygap scan`` is run through the
CLI in every output format; stdout, stderr and every file it writes are searched for them.
The note's category (health: "schwanger") must still be reported. The same holds for
error messages about malformed notes files, for database URLs with passwords, and for
``privacygap doctor`` with secrets in the environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile_files.cli import run_cli

RECORD_ID = "REC-SENTINEL-4711"
NAME_PARTS = ("Annegret", "Sentinelli")
SENTINEL = "zebrafink-sentinel-qx93"
NOTE_TEXT = (f"Gespraech am Montag. Frau {NAME_PARTS[0]} {NAME_PARTS[1]} erzaehlte ausfuehrlich vom Urlaub und vom Wetter "
             f"und vom Garten. Sie ist schwanger und faellt daher ab Mai aus. Vermerk {SENTINEL} bitte nicht weitergeben.")
SECRETS = (RECORD_ID, "SENTINEL-4711", *NAME_PARTS, SENTINEL, "Urlaub und vom Wetter", NOTE_TEXT[:40])
FORMATS = ("json", "html", "markdown", "text", "sarif")

STATEMENT = """# Privacy statement of Example Widgets Ltd

We process your name, e-mail address and phone number to answer enquiries and to fulfil
contracts (Art. 6(1)(b) GDPR). We keep these data for three years after the last contact.
Controller: Example Widgets Ltd, 1 High Street, Exampletown. You have the right of access,
rectification, erasure, restriction, portability and objection, and the right to lodge a
complaint with a supervisory authority.
"""

HUBSPOT = {"results": [
    {"name": "firstname", "label": "First name", "type": "string", "fieldType": "text", "groupName": "contactinformation"},
    {"name": "email", "label": "Email", "type": "string", "fieldType": "text", "groupName": "contactinformation"},
]}


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    """A statement, a HubSpot export and a CSV notes export with the sentinel note, in ``tmp_path``."""
    (tmp_path / "statement.md").write_text(STATEMENT, encoding="utf-8")
    (tmp_path / "hubspot-contacts-properties.json").write_text(json.dumps(HUBSPOT), encoding="utf-8")
    (tmp_path / "notes.csv").write_text(f'note_id,body\n{RECORD_ID},"{NOTE_TEXT}"\nREC-2,"Angebot geschickt."\n',
                                        encoding="utf-8")
    return tmp_path


def _everything(folder: Path, *texts: str) -> str:
    """All text the run produced: the given outputs plus every file below ``folder`` except the inputs."""
    inputs = {"statement.md", "hubspot-contacts-properties.json", "notes.csv", "notes.json", "notes.jsonl"}
    written = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*"))
               if p.is_file() and p.name not in inputs]
    return "\n".join([*texts, *written])


def _assert_no_secret(text: str) -> None:
    # (not the bare "4711": random salted hashes and fingerprints may contain those digits by chance)
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


def _scan(folder: Path, *extra: str):
    return run_cli("scan", "--policy", "statement.md", "--crm", "hubspot-contacts-properties.json", "--notes", "notes.csv",
                   "--fail-on", "never", *extra, cwd=folder)


@pytest.mark.parametrize("fmt", FORMATS)
def test_scan_to_stdout_keeps_the_note_private(inputs, fmt):
    """Each format on stdout: the health category of the note is there; its text, the name and the record id are not."""
    result = _scan(inputs, "--format", fmt)
    assert result.code == 0, result.stderr
    output = _everything(inputs, result.stdout, result.stderr)
    _assert_no_secret(output)
    assert "health" in output.lower()  # user.health_and_medical, or its readable name in html/text/markdown
    if fmt == "json":
        run = json.loads(result.stdout)
        [hit] = run["inventory"]["notes"]
        assert hit["categories"][0] == "user.health_and_medical"
        assert hit["record"].startswith("sha256:") and len(hit["record"]) == len("sha256:") + 16
        assert "schwanger" in hit["snippet"] and NAME_PARTS[0] not in hit["snippet"]


def test_scan_writing_all_five_formats_to_a_folder_keeps_the_note_private(inputs):
    """All five formats at once into a folder (plus the partial run file while it works): nothing leaks anywhere."""
    args = [arg for fmt in FORMATS for arg in ("--format", fmt)]
    result = _scan(inputs, *args, "-o", "reports")
    assert result.code == 0, result.stderr
    written = sorted(p.name for p in (inputs / "reports").iterdir())
    assert written == ["report.html", "report.json", "report.md", "report.sarif", "report.txt"]
    _assert_no_secret(_everything(inputs, result.stdout, result.stderr))
    run = json.loads((inputs / "reports" / "report.json").read_text(encoding="utf-8"))
    assert "user.health_and_medical" in run["inventory"]["notes"][0]["categories"]
    assert any(f.get("category") == "user.health_and_medical" for f in run["findings"])


def test_inventory_command_keeps_the_note_private(inputs):
    """``privacygap inventory --notes`` (text and JSON) shows categories, never the note, name or id."""
    for fmt in ("text", "json"):
        result = run_cli("inventory", "hubspot-contacts-properties.json", "--notes", "notes.csv", "--format", fmt, cwd=inputs)
        assert result.code == 0, result.stderr
        _assert_no_secret(result.stdout + result.stderr)
        assert "user.health_and_medical" in result.stdout or "health" in result.stdout.lower()


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("notes.json", f'[{{"id": "{RECORD_ID}", "text": "{NOTE_TEXT}"}}, {{"id": "x", "text": }}]',
     "notes.json:line 1 column "),
    ("notes.jsonl", f'{{"id": "{RECORD_ID}", "text": "{NOTE_TEXT}"}}\n{{"id": "{RECORD_ID}", "text": "{NOTE_TEXT}\n',
     "notes.jsonl:line 2: invalid JSON: Invalid control character at"),
    ("notes.csv", f"{RECORD_ID},{NOTE_TEXT}\n", "notes.csv:line 1: no text column in the notes export"),
    ("notes.csv", f'id,text\n{RECORD_ID},"{NOTE_TEXT}"\n{RECORD_ID},"' + NOTE_TEXT * 1000 + '"\n',
     "notes.csv:line 3: invalid CSV: field larger than field limit (131072)"),
], ids=["json-syntax", "jsonl-unterminated", "csv-no-text-column", "csv-field-too-large"])
def test_errors_about_malformed_notes_do_not_echo_them(inputs, name, content, problem):
    """A broken notes file is named with its place; its content (sentinel, name, id) is not repeated."""
    (inputs / "notes.csv").unlink()
    (inputs / name).write_text(content, encoding="utf-8")
    result = run_cli("scan", "--policy", "statement.md", "--crm", "hubspot-contacts-properties.json", "--notes", name,
                     "--format", "json", "-o", "run.json", "-q", cwd=inputs)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert problem in result.stderr
    _assert_no_secret(_everything(inputs, result.stdout, result.stderr))
    run = json.loads((inputs / "run.json").read_text(encoding="utf-8"))
    assert [e["stage"] for e in run["errors"]] == ["inventory"]


DB_URL = "postgresql://crm:SuperSecret123@127.0.0.1:1/crm"


def test_inventory_with_a_database_url_never_prints_the_password(tmp_path):
    """Nothing listens on 127.0.0.1:1: exit 2 with the masked URL; the password appears nowhere."""
    result = run_cli("inventory", DB_URL, cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "SuperSecret123" not in result.stdout + result.stderr
    assert result.stderr.startswith("privacygap: error: postgresql://crm:***@127.0.0.1:1/crm: ")


def test_scan_with_a_database_url_never_writes_the_password(tmp_path):
    """``scan --crm URL`` in all formats: exit 2 (input error outranks findings); no output or file holds the password."""
    (tmp_path / "statement.md").write_text(STATEMENT, encoding="utf-8")
    args = [arg for fmt in FORMATS for arg in ("--format", fmt)]
    result = run_cli("scan", "--policy", "statement.md", "--crm", DB_URL, *args, "-o", "reports", cwd=tmp_path)
    assert result.code in (2, 3), result.stderr
    assert "Traceback" not in result.stderr
    everything = _everything(tmp_path, result.stdout, result.stderr)
    assert "SuperSecret123" not in everything
    assert "postgresql://crm:***@127.0.0.1:1/crm" in everything


def test_doctor_prints_no_environment_secrets(tmp_path):
    """``privacygap doctor`` with a token and a database URL in the environment echoes neither."""
    env = {"PRIVACYGAP_TEST_TOKEN": "tok-SECRET", "DATABASE_URL": "postgresql://crm:DbPassw0rd-SECRET@db.internal/crm",
           "PRIVACYGAP_NOTE_SALT": "salt-SECRET"}
    result = run_cli("doctor", cwd=tmp_path, env=env)
    assert result.code in (0, 3), result.stderr
    assert result.stdout.startswith("privacygap ")
    output = result.stdout + result.stderr
    for secret in ("tok-SECRET", "DbPassw0rd", "salt-SECRET", "db.internal"):
        assert secret not in output
