"""Hostile input through the whole command line: a clear message or a correct result, never a traceback."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading

import pytest

from tests.statement_text import RIGHTS_DE
from privacygap.output.json import validate_report


class _Hostile(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop2" if self.path == "/loop" else "/loop")
            self.end_headers()
            return
        if self.path.startswith("/huge"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 1_048_000 + b"</p>\n"
            try:
                for _ in range(50):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path.startswith("/latin1"):
            body = ("<html><head><meta charset='iso-8859-1'><title>Start</title></head><body>"
                    "<a href='/latin1/datenschutz'>Datenschutzerklärung</a></body></html>").encode("latin-1")
            if self.path == "/latin1/datenschutz":
                body = ("<html><head><meta charset='iso-8859-1'></head><body><h1>Datenschutzerklärung</h1>"
                        "<h2>Kontakt</h2><p>Wir verarbeiten Ihren Namen und Ihre Telefonnummer für Rückfragen "
                        "zu Aufträgen über Gärten und Größenangaben.</p><p>" + RIGHTS_DE + "</p></body></html>").encode("latin-1")
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_cli(*args, timeout=180):
    """Run the CLI in a subprocess; return (code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "privacygap", *args], capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    return done.returncode, done.stdout, done.stderr


def test_redirect_loop_is_a_clear_stage_error(tmp_path, hostile):
    out = tmp_path / "run.json"
    code, _, err = run_cli("scan", hostile + "/loop", "--no-browser", "--allow-private", "--ignore-robots",
                           "--format", "json", "-o", str(out), "-q")
    assert code == 3
    run = json.loads(out.read_text())
    assert validate_report(run) == []
    assert run["errors"][0]["stage"] == "crawl" and "redirect" in run["errors"][0]["message"].lower()


def test_fifty_megabyte_page_is_capped(tmp_path, hostile):
    out = tmp_path / "run.json"
    code, _, err = run_cli("scan", hostile + "/huge", "--no-browser", "--allow-private", "--ignore-robots",
                           "--format", "json", "-o", str(out), "-q")
    assert code == 3
    run = json.loads(out.read_text())
    message = run["errors"][0]["message"].lower()
    assert "large" in message or "size" in message or "bytes" in message


def test_latin1_page_without_header_charset_reads_right(tmp_path, hostile):
    out = tmp_path / "run.json"
    code, _, err = run_cli("scan", hostile + "/latin1", "--no-browser", "--allow-private", "--ignore-robots",
                           "--format", "json", "-o", str(out), "-q", "--fail-on", "never")
    run = json.loads(out.read_text())
    assert code == 0, run["errors"]
    assert {"user.name", "user.contact.phone_number"} <= {c["category"] for c in run["policy"]["declared"]}
    texts = " ".join(s["text"] for s in run["policy"]["sections"])
    assert "Gärten und Größenangaben" in texts


def test_malformed_json_export_names_file_and_place(tmp_path):
    bad = tmp_path / "hubspot.json"
    bad.write_text('{"results": [{"name": "email", "label": "Email"},\n  {"name": ]}', encoding="utf-8")
    code, _, err = run_cli("inventory", str(bad))
    assert code == 2
    assert str(bad) in err and "line 2" in err and "invalid JSON" in err


def test_unknown_export_lists_supported_formats(tmp_path):
    odd = tmp_path / "fields.xyz"
    odd.write_bytes(b"\x00\x01\x02 not an export")
    code, _, err = run_cli("inventory", str(odd))
    assert code == 2 and str(odd) in err
    assert "hubspot" in err.lower() and "salesforce" in err.lower() and "csv" in err.lower()


def test_twenty_thousand_fields_classify(tmp_path):
    fields = [{"name": f"custom_field_{i}", "label": f"Custom field {i}", "type": "string", "fieldType": "text",
               "groupName": "contactinformation", "description": ""} for i in range(19_998)]
    fields += [{"name": "hobbys", "label": "Hobbys", "type": "string", "fieldType": "text", "groupName": "x"},
               {"name": "email", "label": "Email", "type": "string", "fieldType": "text", "groupName": "x"}]
    export = tmp_path / "big.json"
    export.write_text(json.dumps({"results": fields}), encoding="utf-8")
    code, out, err = run_cli("inventory", str(export), "--format", "json")
    assert code == 0, err
    inventory = json.loads(out)["inventory"]
    assert len(inventory["fields"]) == 20_000
    by_name = {f["name"]: f["category"] for f in inventory["fields"]}
    assert by_name["hobbys"] == "user.demographic.interests" and by_name["email"] == "user.contact.email"
