"""The documented limits (docs/limits.md) hold: size caps, nesting, aliases, XML entities, PHP and SQL pathologies.

Each case is a concrete hostile file; the assertions name the message, the place and a
time bound (measured in milliseconds on a laptop; the bounds are generous so CI never
flakes, but a quadratic or exponential path would blow them by orders of magnitude).
"""

from __future__ import annotations

import http.server
import importlib.util
import threading
import time
from pathlib import Path

import pytest

from privacygap.errors import InputFileError
from privacygap.inventory import base
from privacygap.inventory.guideline import load_guideline
from privacygap.inventory.load import load_inventory
from privacygap.inventory.notes import MAX_NOTES_BYTES, read_notes_file
from tests.hostile_files.hostile import time_limit

FAST_S = 5.0  # every refusal below takes well under 0.5 s


def _refused(path: Path, *, crm_format: str | None = None) -> InputFileError:
    """Read ``path`` as a CRM export within FAST_S seconds and return the InputFileError it must raise."""
    started = time.monotonic()
    with time_limit(FAST_S * 4), pytest.raises(InputFileError) as caught:
        load_inventory([str(path)], crm_format=crm_format)
    assert time.monotonic() - started < FAST_S, f"{path.name} took {time.monotonic() - started:.1f} s"
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def _sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space (a hole)."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


# ---------------------------------------------------------------------------- size caps


@pytest.mark.parametrize("name", ["hubspot-contacts-properties.json", "Contact.object", "vardefs.php", "fields.csv",
                                  "crm.sql", "dataset.yml", "unknown.bin"])
def test_files_over_the_50_mb_cap_are_refused_before_parsing(tmp_path, name):
    """One byte over MAX_BYTES is refused with the size and the limit, whatever the format, without reading it."""
    path = _sparse(tmp_path / name, base.MAX_BYTES + 1)
    error = _refused(path)
    assert "file is 50 MB; the limit is 50 MB" in error.problem
    assert error.hint == "export fewer objects per file"


def test_a_60_mb_single_line_csv_header_is_refused_by_size(tmp_path):
    """A real 60 MB header row (no line end at all) never reaches the CSV reader."""
    path = tmp_path / "export.csv"
    path.write_bytes(b"column_name_x," * (60 * 1024 * 1024 // 14))
    assert path.stat().st_size > 59 * 1024 * 1024
    error = _refused(path)
    assert "the limit is 50 MB" in error.problem


def test_a_200000_column_header_is_refused_not_silently_cut(tmp_path):
    """Only the first 1 MB is read for a header: a longer header row is refused (it used to lose columns silently)."""
    path = tmp_path / "contacts.csv"
    path.write_text(",".join(f"c{i}" for i in range(200_000)) + "\n" + ",".join("1" * 200_000) + "\n", encoding="utf-8")
    error = _refused(path)
    assert error.location == "line 1"
    assert error.problem.startswith("header row longer than 1 MB (")
    assert error.hint == "export fewer columns, or a column list instead of the data"


def test_a_header_just_under_64_kb_is_read_completely(tmp_path):
    """The 64 KB header limit is not off by a line: a wide but complete header is read column for column."""
    names = [f"c{i}" for i in range(9_000)]
    path = tmp_path / "contacts.csv"
    path.write_text(",".join(names) + "\n" + "x," * 8_999 + "x\n", encoding="utf-8")
    assert len(",".join(names)) < base.HEAD_BYTES
    inventory = load_inventory([str(path)])
    assert [f.name for f in inventory.fields] == names


def test_notes_over_1_gb_are_refused(tmp_path):
    """The notes cap (1 GB, streamed below it) is checked before anything is read."""
    path = _sparse(tmp_path / "notes.csv", MAX_NOTES_BYTES + 1)
    with pytest.raises(InputFileError) as caught:
        read_notes_file(str(path))
    assert str(caught.value) == f"{path}: notes file larger than 1 GB"


def test_a_guideline_over_1_mb_is_refused(tmp_path):
    """Guidelines are small documents: more than 1 MB is refused, naming the file."""
    path = tmp_path / "guideline.toml"
    path.write_text("# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_guideline(str(path))
    assert str(caught.value) == f"{path}: guideline file larger than 1 MB"


# ---------------------------------------------------------------------------- nesting


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("hubspot-contacts-properties.json", "[" * 100_000, "JSON nests deeper than 64 levels"),
    ("hubspot-contacts-properties.json", '{"results": ' + "[" * 100_000 + "]" * 100_000 + "}", "JSON nests deeper than 64 levels"),
    ("hubspot-contacts-properties.json", '{"results": [' + '{"a": ' * 65 + "1" + "}" * 65 + "]}", "JSON nests deeper than 64 levels"),
    ("dataset.yml", "# collections:\ndataset: " + "[" * 100_000, "YAML nests deeper than 64 levels"),
    ("dataset.yml", "# collections:\ndataset:\n" + "".join("  " * i + "- \n" for i in range(1, 200)),
     "YAML nests deeper than 64 levels"),
], ids=["json-100000-open", "json-100000-closed", "json-65-objects", "yaml-100000-flow", "yaml-200-block"])
def test_deep_json_and_yaml_are_refused(tmp_path, name, text, problem):
    """100,000 open brackets (or 65 objects, or 200 block levels) end in the nesting error, not a RecursionError."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    error = _refused(path, crm_format="fides" if name.endswith(".yml") else "hubspot")
    assert problem in error.problem


def test_recursive_and_alias_bomb_yaml_is_refused(tmp_path):
    """A self-containing YAML list is "too deep"; a billion-laughs of aliases is refused by its expanded size, at once."""
    cyclic = tmp_path / "cyclic.yml"
    cyclic.write_text("dataset: &a [*a]\ncollections: []\n", encoding="utf-8")  # "collections:" for the sniffer
    assert "YAML nests deeper than 64 levels" in _refused(cyclic, crm_format="fides").problem
    lines = ["x:", "  a0: &a0 [{name: leaf}]"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"{{name: n, fields: *a{i - 1}}}"] * 10) + "]" for i in range(1, 10)]
    lines += ["dataset:", "- name: d", "  collections:", "  - name: c", "    fields: *a9"]
    bomb = tmp_path / "bomb.yml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _refused(bomb).problem == "YAML aliases expand to more than 1,000,000 values"


def test_yaml_anchors_within_reason_are_still_read(tmp_path):
    """Aliases as people use them (a shared block a few times) stay allowed."""
    path = tmp_path / "dataset.yml"
    path.write_text("meta: &m {data_type: string}\ndataset:\n- name: crm\n  collections:\n  - name: contact\n    fields:\n"
                    "    - {name: email, data_categories: [user.contact.email], fidesops_meta: *m}\n"
                    "    - {name: hobby, fidesops_meta: *m}\n", encoding="utf-8")
    assert [f.name for f in load_inventory([str(path)]).fields] == ["email", "hobby"]


def test_deep_guideline_toml_and_yaml_are_refused(tmp_path):
    """The guideline reader turns 100,000 levels of TOML arrays or YAML flow lists into an InputFileError."""
    toml_file = tmp_path / "guideline.toml"
    toml_file.write_text("roles = {sales = " + "[" * 100_000 + "\n", encoding="utf-8")
    yaml_file = tmp_path / "guideline.yaml"
    yaml_file.write_text("roles: " + "[" * 100_000 + "\n", encoding="utf-8")
    for path, problem in ((toml_file, "TOML nests too deeply"), (yaml_file, "YAML nests too deeply")):
        with time_limit(FAST_S * 4), pytest.raises(InputFileError) as caught:
            load_guideline(str(path))
        assert str(caught.value) == f"{path}: {problem}"


def test_a_guideline_section_of_the_wrong_type_is_located(tmp_path):
    """``allowed = [...]`` instead of a table used to be an AttributeError; now it names the section."""
    path = tmp_path / "guideline.toml"
    path.write_text('allowed = ["user.name"]\n', encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_guideline(str(path))
    assert str(caught.value) == f"{path}:allowed: expected a table of object = [categories]"


def test_deep_notes_jsonl_line_is_located(tmp_path):
    """A JSON Lines notes export with 100,000 brackets on line 2 is refused at that line."""
    path = tmp_path / "notes.jsonl"
    path.write_text('{"id": 1, "text": "Termin"}\n' + "[" * 100_000 + "\n", encoding="utf-8")
    with time_limit(FAST_S * 4), pytest.raises(InputFileError) as caught:
        load_inventory([], notes=str(path))
    assert str(caught.value) == f"{path}:line 2: JSON nests too deeply"


# ---------------------------------------------------------------------------- XML: entities and DTDs


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'


def _object(tmp_path: Path, doctype: str, label: str) -> Path:
    path = tmp_path / "Contact.object"
    path.write_text(f"{XML_HEAD}{doctype}\n<CustomObject {NS}>\n<fields><fullName>Hobby__c</fullName><label>{label}</label>"
                    "<type>Text</type></fields>\n</CustomObject>\n", encoding="utf-8")
    return path


def test_billion_laughs_is_refused_without_expanding(tmp_path):
    """Ten levels of ten entity references (10^10 'lol') are refused at the DOCTYPE, in milliseconds."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    path = _object(tmp_path, "<!DOCTYPE lolz [" + "".join(entities) + "]>", "&lol9;")
    error = _refused(path)
    # libxml2 (2.11+) may stop the amplification itself while parsing; otherwise the DOCTYPE check refuses it.
    assert error.problem == "XML with a DOCTYPE (DTD or entity declarations) is refused" or error.problem.startswith(
        "invalid XML: Maximum entity amplification factor exceeded")
    assert "lollol" not in str(error)


def test_quadratic_blowup_entity_is_refused(tmp_path):
    """One 20 KB entity referenced 20,000 times (400 MB once expanded) is refused, not expanded."""
    path = _object(tmp_path, '<!DOCTYPE x [<!ENTITY big "' + "B" * 20_000 + '">]>', "&big;" * 20_000)
    error = _refused(path)
    assert error.problem == "XML with a DOCTYPE (DTD or entity declarations) is refused" or error.problem.startswith(
        "invalid XML: Maximum entity amplification factor exceeded")


def test_external_entity_does_not_read_local_files(tmp_path):
    """``SYSTEM "file://…"`` is never resolved: the secret file's content appears nowhere."""
    secret = tmp_path / "secret.txt"
    secret.write_text("XXE-SECRET-CONTENT-0815", encoding="utf-8")
    path = _object(tmp_path, f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>', "&xxe;")
    error = _refused(path)
    assert "XXE-SECRET-CONTENT-0815" not in str(error)


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the stdlib's name
        type(self).hits.append(self.path)
        body = b'<!ENTITY % leak "x"><!ENTITY ext "EXTERNAL-DTD-WAS-LOADED">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def dtd_server():
    """A DTD server on 127.0.0.1 that records every request (there must be none)."""
    _CountingHandler.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE CustomObject SYSTEM "{url}/evil.dtd">',
    '<!DOCTYPE x [<!ENTITY % remote SYSTEM "{url}/param.dtd"> %remote;]>',
    '<!DOCTYPE x [<!ENTITY ext SYSTEM "{url}/entity.xml">]>',
])
def test_external_dtds_and_entities_are_never_fetched(tmp_path, dtd_server, doctype):
    """External DTDs, parameter entities and external general entities cause no request at all (no_network)."""
    path = _object(tmp_path, doctype.format(url=dtd_server), "&ext;" if "ext" in doctype else "Hobby")
    error = _refused(path)
    assert "EXTERNAL-DTD-WAS-LOADED" not in str(error)
    assert _CountingHandler.hits == []


def test_field_meta_xml_with_doctype_is_refused(tmp_path):
    """The source-format ``.field-meta.xml`` goes through the same parser and the same refusal."""
    path = tmp_path / "objects" / "Contact" / "fields" / "Hobby__c.field-meta.xml"
    path.parent.mkdir(parents=True)
    path.write_text(f'{XML_HEAD}<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<CustomField {NS}><fullName>Hobby__c</fullName>'
                    "<label>&a;</label></CustomField>\n", encoding="utf-8")
    assert _refused(path).problem == "XML with a DOCTYPE (DTD or entity declarations) is refused"


def test_xml_nested_100000_levels_is_refused_with_a_line(tmp_path):
    """libxml2's depth limit (huge_tree=False) stops 100,000 nested elements; the message gives the line."""
    path = _object(tmp_path, "", "<a>" * 100_000 + "x" + "</a>" * 100_000)
    error = _refused(path)
    assert error.problem.startswith("invalid XML: Excessive depth in document: 256")
    assert error.location == "line 4"  # declaration, (empty) doctype line, <CustomObject>, then <fields>


# ---------------------------------------------------------------------------- PHP vardefs


VARDEF_HEAD = "<?php\n$dictionary['Contact'] = array('fields' => array(\n  'hobby_c' => array('name' => 'hobby_c', 'type' => 'varchar'),\n"


@pytest.mark.parametrize(("label", "tail", "problem"), [
    ("unterminated single quote", "  'x' => array('name' => 'oops" + "a" * 200_000, "unexpected character \"'\""),
    ("unterminated double quote", '  "x" => "oops\\"' + "a" * 200_000, "unexpected character '\"'"),
    ("unterminated heredoc x30000", "<<<EOT\n" * 30_000, "unterminated heredoc"),
    ("array( x100000", "array(" * 100_000, "arrays nest deeper than 64 levels"),
    ("[ x100000", "[" * 100_000, "arrays nest deeper than 64 levels"),
    ("! x100000", "'y' => " + "!" * 100_000 + "1", "expressions nest deeper than 64 levels"),
    ("(int) x50000", "'y' => " + "(int)" * 50_000 + "1", "expressions nest deeper than 64 levels"),
    ("- x100000", "'y' => " + "-" * 100_000 + "1", "expressions nest deeper than 64 levels"),
])
def test_pathological_vardefs_fail_fast_with_a_line(tmp_path, label, tail, problem):
    """Unterminated strings and heredocs and 100,000-level nesting end in a PHP syntax error with its line."""
    path = tmp_path / "vardefs.php"
    path.write_text(VARDEF_HEAD + tail, encoding="utf-8")
    error = _refused(path)
    assert error.problem.startswith("cannot read PHP array: ")
    assert problem in error.problem, label
    assert error.location.startswith("line ")


@pytest.mark.parametrize(("label", "tail"), [
    ("unterminated /* x100000", "));\n" + "/*x" * 100_000),
    ("$a]; x100000 (was quadratic)", "));\n" + "$a];" * 100_000),
    ("$a[); x50000 (was quadratic)", "));\n" + "$a[);" * 50_000),
    ("call( x50000", "));\n" + "f(" * 50_000),
])
def test_quadratic_vardefs_patterns_stay_linear(tmp_path, label, tail):
    """Patterns that once retried from every position now read in well under a second; the fields stay readable."""
    path = tmp_path / "vardefs.php"
    path.write_text(VARDEF_HEAD + tail, encoding="utf-8")
    started = time.monotonic()
    with time_limit(FAST_S * 4):
        inventory = load_inventory([str(path)])
    assert time.monotonic() - started < FAST_S, label
    assert [f.name for f in inventory.fields] == ["hobby_c"]


# ---------------------------------------------------------------------------- SQL, CSV, JSON odds


def test_sql_with_100000_unterminated_comments_stays_linear(tmp_path):
    """``/*`` without ``*/`` runs to the end of the file once, instead of being retried at every ``/*``."""
    path = tmp_path / "crm.sql"
    path.write_text("CREATE TABLE contact (hobby varchar(80) COMMENT 'Hobbys');\n" + "/*x" * 100_000, encoding="utf-8")
    started = time.monotonic()
    with time_limit(FAST_S * 4):
        inventory = load_inventory([str(path)])
    assert time.monotonic() - started < FAST_S
    assert [(f.name, f.description) for f in inventory.fields] == [("hobby", "Hobbys")]


def test_sql_with_100000_open_parentheses_names_the_create_line(tmp_path):
    """An unbalanced CREATE TABLE is reported with the line it starts on."""
    path = tmp_path / "crm.sql"
    path.write_text("-- export\n\nCREATE TABLE contact (\n  a int" + "(" * 100_000 + "\n", encoding="utf-8")
    error = _refused(path)
    assert (error.problem, error.location) == ("CREATE TABLE contact: unbalanced parentheses", "line 3")


def test_csv_header_with_many_opening_quotes_sniffs_fast(tmp_path):
    """csv.Sniffer's quote regex is quadratic: only the first 4 KB of the header are sniffed (was 7 s for 60 KB)."""
    path = tmp_path / "contacts.csv"
    path.write_text("a,b" + ',"x' * 20_000 + "\n1,2\n", encoding="utf-8")
    started = time.monotonic()
    with time_limit(FAST_S * 4):
        try:
            load_inventory([str(path)])
        except InputFileError as error:
            assert error.path == str(path)
    assert time.monotonic() - started < FAST_S


def test_unpaired_surrogate_escapes_are_refused_with_their_path(tmp_path):
    """``"\\ud800"`` decodes to text no UTF-8 report can hold: refused with the JSON path (it crashed the CLI's output)."""
    path = tmp_path / "hubspot-contacts-properties.json"
    path.write_text('{"results": [{"name": "ok", "fieldType": "text", "groupName": "g"},'
                    ' {"name": "bad\\ud800", "fieldType": "text", "groupName": "g"}]}', encoding="utf-8")
    error = _refused(path)
    assert (error.location, error.problem) == ("$.results[1].name", "JSON contains an unpaired surrogate escape (not valid Unicode text)")
    paired = tmp_path / "paired" / "hubspot-contacts-properties.json"
    paired.parent.mkdir()
    paired.write_text('{"results": [{"name": "smile", "label": "\\ud83d\\ude00", "fieldType": "text", "groupName": "g"}]}',
                      encoding="utf-8")
    assert [f.label for f in load_inventory([str(paired)]).fields] == ["\U0001f600"]


def test_a_5000_digit_number_is_an_input_error(tmp_path):
    """Python refuses integers over 4300 digits with ValueError; for JSON exports and notes that is an InputFileError."""
    path = tmp_path / "hubspot-contacts-properties.json"
    path.write_text('{"results": [{"name": "a", "fieldType": "text", "groupName": "g", "displayOrder": ' + "9" * 5000 + "}]}",
                    encoding="utf-8")
    assert _refused(path).problem.startswith("invalid JSON: Exceeds the limit (4300 digits)")
    notes = tmp_path / "notes.json"
    notes.write_text('[{"id": ' + "9" * 5000 + ', "text": "x"}]', encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_inventory([], notes=str(notes))
    assert caught.value.path == str(notes)


def test_notes_csv_header_over_the_csv_field_limit_is_located(tmp_path):
    """A 200 KB header cell (over csv's 128 KB field limit) used to escape as ``_csv.Error``."""
    path = tmp_path / "notes.csv"
    path.write_text("id,text" + "x" * 200_000 + "\n1,hello\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_inventory([], notes=str(path))
    assert str(caught.value) == f"{path}:line 1: invalid CSV header: field larger than field limit (131072)"


def test_notes_record_id_with_a_lone_surrogate_is_hashed(tmp_path):
    """An id decoded from ``"\\udc00"`` is hashed (surrogatepass) instead of crashing the scan."""
    path = tmp_path / "notes.jsonl"
    path.write_text('{"id": "x\\udc00", "text": "Sie ist schwanger."}\n', encoding="utf-8")
    inventory = load_inventory([], notes=str(path))
    assert inventory.notes_scanned == 1
    assert inventory.notes[0].record.startswith("sha256:")


def test_sensitive_categories_of_the_wrong_type_do_not_crash_classification(tmp_path):
    """``sensitiveDataCategories: 5`` used to raise TypeError in the classifier (outside the importer's guard)."""
    path = tmp_path / "hubspot-contacts-properties.json"
    path.write_text('{"results": [{"name": "x", "fieldType": "text", "groupName": "g", "sensitiveDataCategories": 5}]}',
                    encoding="utf-8")
    [field] = load_inventory([str(path)]).fields
    assert field.reason == "vendor flag says personal data (HubSpot sensitive data category 5), category unclear"


def test_missing_database_driver_is_an_input_error():
    """A dialect whose driver is not installed (mysql:// → MySQLdb) used to escape as ModuleNotFoundError."""
    if importlib.util.find_spec("MySQLdb") is not None:
        pytest.skip("MySQLdb is installed here")
    with pytest.raises(InputFileError) as caught:
        load_inventory(["mysql://crm:SuperSecret123@127.0.0.1:1/crm"])
    assert str(caught.value) == "mysql://crm:***@127.0.0.1:1/crm: the database driver is not installed: MySQLdb"


@pytest.mark.parametrize(("name", "content"), [
    ("notes.csv", "id,text\n1," + "," * (17 * 1024 * 1024) + "\n"),
    ("notes.jsonl", '{"id": 1, "text": "ok"}\n{"id": 2, "text": "' + "a " * (9 * 1024 * 1024) + '"}\n'),
], ids=["csv-row-of-17-million-cells", "jsonl-18-mb-line"])
def test_a_notes_line_over_16_mb_is_refused_before_it_is_held(tmp_path, name, content):
    """A 1 GB row of commas used to become nine gigabytes of empty cells; one physical line may hold 16 MB."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with time_limit(FAST_S * 4), pytest.raises(InputFileError) as caught:
        load_inventory([], notes=str(path))
    assert str(caught.value) == f"{path}:line 2: line longer than 16 MB"


def test_csv_sniffer_of_a_line_of_spaces_is_linear(tmp_path):
    """The content sniffer for column names (files not named .csv) backtracked quadratically: 110 s for 60 KB of spaces."""
    path = tmp_path / "columns.txt"
    path.write_text("email,first name,last_name" + " " * 60_000 + "!\n", encoding="utf-8")
    error = _refused(path)
    assert error.problem == "unknown CRM export format"


def test_more_fields_than_the_cap_are_refused(tmp_path):
    """A file listing more than MAX_FIELDS fields is refused with the count, not classified for minutes."""
    import json

    from privacygap.errors import InputFileError
    from privacygap.inventory.base import MAX_FIELDS
    from privacygap.inventory.load import load_inventory

    path = tmp_path / "hubspot-contacts-properties.json"
    path.write_text(json.dumps({"results": [{"name": f"f{i}", "label": "x", "type": "string", "fieldType": "text",
                                             "groupName": "g"} for i in range(MAX_FIELDS + 1)]}), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_inventory([str(path)])
    assert str(path) in str(caught.value) and "100,001 fields" in str(caught.value)
