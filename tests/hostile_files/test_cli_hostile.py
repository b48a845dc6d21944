"""Hostile files through the command line: ``python -m privacygap inventory FILE`` exits 2, names the file, no traceback.

Each case runs the real CLI in a subprocess (as a user would), so an exception that
escapes the importers would show up as a traceback and exit code 1. The huge cases also
check the child's own peak memory (os.wait4), so a refusal that reads the whole file first
would show.
"""

from __future__ import annotations

import json

import pytest

from tests.hostile_files.cli import run_cli

BASELINE_RSS_MB = 400  # the CLI with lxml, SQLAlchemy and rich loaded stays far below this


def _assert_refused(result, name: str, *, problem: str) -> None:
    assert result.code == 2, (result.code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith(f"privacygap: error: {name}"), result.stderr
    assert problem in result.stderr, result.stderr


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("hubspot-contacts-properties.json", b"[" * 100_000, "hubspot-contacts-properties.json: JSON nests deeper than 64 levels"),
    ("hubspot-contacts-properties.json", b'{"results": [{"name": "a", "fieldType": "text", "groupName": "g"}',
     "hubspot-contacts-properties.json:line 1 column 66: invalid JSON: Expecting ',' delimiter"),
    ("hubspot-contacts-properties.json", '{"results": "x", "fieldType": 1, "groupName": 2}'.encode("utf-16"),
     "hubspot-contacts-properties.json:line 1 column 1: invalid JSON"),
    ("Contact.object", b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n'
                       b'<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"><fields><fullName>A</fullName>'
                       b"<label>&a;</label></fields></CustomObject>",
     "Contact.object:line 2: XML with a DOCTYPE (DTD or entity declarations) is refused"),
    ("vardefs.php", b"<?php\n$dictionary['Contact'] = array('fields' => array('x' => array('name' => 'oops",
     "vardefs.php:line 2: cannot read PHP array: unexpected character"),
    ("vardefs.php", b"<?php\n$dictionary['Contact']['fields'] = " + b"array(" * 100_000,
     "vardefs.php:line 2: cannot read PHP array: arrays nest deeper than 64 levels"),
    ("dataset.yml", b"# collections:\ndataset: " + b"[" * 100_000, "dataset.yml: YAML nests deeper than 64 levels"),
    ("crm.sql", b"CREATE TABLE contact (\n  hobby varchar(80)", "crm.sql:line 1: CREATE TABLE contact: unbalanced parentheses"),
    ("contacts.csv", b"", "contacts.csv:line 1: empty CSV file: no header row"),
    ("contacts.bin", b"\x00\x01\x02garbage\xff" * 100, "contacts.bin: unknown CRM export format"),
], ids=["json-deep", "json-truncated", "json-utf16", "xml-doctype", "php-unterminated", "php-deep", "yaml-deep",
        "sql-unbalanced", "csv-empty", "binary"])
def test_inventory_cli_refuses_hostile_files_with_exit_2(tmp_path, name, content, problem):
    """The CLI prints one line ``privacygap: error: FILE[:PLACE]: problem`` and exits 2."""
    (tmp_path / name).write_bytes(content)
    result = run_cli("inventory", name, cwd=tmp_path)
    _assert_refused(result, name, problem=problem)


def test_cli_refuses_a_file_over_the_size_cap_without_reading_it(tmp_path):
    """A 60 MB single-line CSV header: exit 2 with the limit, and the process never holds the file in memory."""
    (tmp_path / "export.csv").write_bytes(b"column_name_x," * (60 * 1024 * 1024 // 14))
    result = run_cli("inventory", "export.csv", cwd=tmp_path)
    _assert_refused(result, "export.csv", problem="export.csv: file is 59 MB; the limit is 50 MB (export fewer objects per file)")
    assert result.peak_rss_mb < BASELINE_RSS_MB, result.peak_rss_mb


def test_cli_refuses_a_200000_column_header(tmp_path):
    """200,000 columns (1.3 MB header) are refused at line 1 instead of being cut at the header cap."""
    (tmp_path / "contacts.csv").write_text(",".join(f"c{i}" for i in range(200_000)) + "\n", encoding="utf-8")
    result = run_cli("inventory", "contacts.csv", cwd=tmp_path)
    _assert_refused(result, "contacts.csv", problem="contacts.csv:line 1: header row longer than 1 MB (")
    assert result.peak_rss_mb < BASELINE_RSS_MB


def test_cli_reads_a_3000_column_hubspot_all_properties_export(tmp_path):
    """A big portal's "all properties" export: 3,000 columns, a ~150 KB header row, every column read."""
    names = ["email", "firstname", "lastname", "hs_lead_status", "kinder_anzahl"] + \
            [f"hs_custom_property_number_{i:04d}_of_the_portal" for i in range(2995)]
    header = ",".join(names)
    assert 130_000 < len(header) < 200_000
    (tmp_path / "hubspot-all-properties.csv").write_text(header + "\n" + ",".join("" for _ in names) + "\n",
                                                          encoding="utf-8")
    result = run_cli("inventory", "hubspot-all-properties.csv", "--format", "json", cwd=tmp_path)
    assert result.code == 0, result.stderr
    fields = json.loads(result.stdout)["inventory"]["fields"]
    assert len(fields) == 3000
    by_name = {f["name"]: f["category"] for f in fields}
    assert by_name["email"] == "user.contact.email" and by_name["kinder_anzahl"] == "user.demographic.family"
    assert result.peak_rss_mb < BASELINE_RSS_MB


def test_cli_output_of_a_file_with_a_lone_surrogate_is_exit_2_not_a_traceback(tmp_path):
    """Used to crash in ``sys.stdout.write`` with UnicodeEncodeError after a clean read; now refused with its path."""
    (tmp_path / "hubspot-contacts-properties.json").write_text(
        '{"results": [{"name": "x\\udfff", "fieldType": "text", "groupName": "g"}]}', encoding="utf-8")
    result = run_cli("inventory", "hubspot-contacts-properties.json", "--format", "json", cwd=tmp_path)
    _assert_refused(result, "hubspot-contacts-properties.json",
                    problem="hubspot-contacts-properties.json:$.results[0].name: JSON contains an unpaired surrogate escape")


def test_cli_malformed_notes_next_to_a_good_export(tmp_path):
    """``inventory GOOD --notes BAD``: the notes file is the one named, at its line."""
    (tmp_path / "contacts.csv").write_text("email,firstname\n", encoding="utf-8")
    (tmp_path / "notes.jsonl").write_text('{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', encoding="utf-8")
    result = run_cli("inventory", "contacts.csv", "--notes", "notes.jsonl", cwd=tmp_path)
    _assert_refused(result, "notes.jsonl", problem="notes.jsonl:line 2: invalid JSON: Expecting value")


def test_cli_bad_guideline_in_a_scan_is_exit_2(tmp_path):
    """``scan --guideline`` with 100,000 nested TOML arrays records the error and exits 2 (was a RecursionError)."""
    (tmp_path / "contacts.csv").write_text("email,firstname\n", encoding="utf-8")
    (tmp_path / "guideline.toml").write_text("roles = {sales = " + "[" * 100_000 + "\n", encoding="utf-8")
    result = run_cli("scan", "--crm", "contacts.csv", "--guideline", "guideline.toml", "--format", "json", "-q", cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "error (guideline): guideline.toml: TOML nests too deeply" in result.stderr


def test_cli_refuses_a_100_mb_notes_row_in_bounded_memory(tmp_path):
    """A notes CSV whose second line is 100 MB of commas: exit 2 at line 2, peak memory far below the file's cell list."""
    (tmp_path / "contacts.csv").write_text("email,firstname\n", encoding="utf-8")
    with open(tmp_path / "notes.csv", "w", encoding="utf-8") as handle:
        handle.write("id,text\n1,")
        for _ in range(100):
            handle.write("," * (1024 * 1024))
        handle.write("\n")
    result = run_cli("inventory", "contacts.csv", "--notes", "notes.csv", cwd=tmp_path)
    _assert_refused(result, "notes.csv", problem="notes.csv:line 2: line longer than 16 MB")
    assert result.peak_rss_mb < BASELINE_RSS_MB, result.peak_rss_mb  # was about 900 MB before the line limit


def test_terminal_escape_sequences_in_field_names_are_not_printed_raw(tmp_path):
    """An ESC in a field name or label must not reach the terminal as an escape sequence (JSON output escapes it already)."""
    (tmp_path / "hubspot-contacts-properties.json").write_text(
        '{"results": [{"name": "x\\u001b[31mRED", "label": "L\\u001b]0;title\\u0007\\u001b[2J", "fieldType": "text",'
        ' "groupName": "g"}]}', encoding="utf-8")
    result = run_cli("inventory", "hubspot-contacts-properties.json", cwd=tmp_path)
    assert result.code == 0
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize(("name", "content", "code"), [
    ("vardefs.php", "<?php\n$dictionary['Contact'] = array('fields' => array('x' => array('type' => 'varchar', 'comment' => '"
     + "9" * (20 * 1024 * 1024) + "')));\n", 0),
    ("crm.sql", "create table " + "a." * (5 * 1024 * 1024) + "!\n", 2),
    ("crm.sql", "CREATE TABLE t (c int);\nCOMMENT ON COLUMN t.c IS '" + "a" * (20 * 1024 * 1024) + "';\n", 0),
], ids=["php-20-mb-string", "sql-5-million-name-parts", "sql-20-mb-comment"])
def test_long_tokens_are_read_in_bounded_memory(tmp_path, name, content, code):
    """Long strings, comments and dotted names once cost ~300 bytes of regex backtracking state per character.

    Found by ``tests/fuzz_importers.py`` (a 4.9 MB PHP string needed 1.4 GB); at the 50 MB cap
    that is beyond most machines. Possessive repeats keep the peak near the file size.
    """
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = run_cli("inventory", name, "--format", "json", "-o", "out.json", cwd=tmp_path)
    assert result.code == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.peak_rss_mb < BASELINE_RSS_MB, f"{name}: peak {result.peak_rss_mb:.0f} MB"
