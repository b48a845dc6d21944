"""Documents that are not privacy statements are reported as such, never analysed.

A CSV passed as --policy, an error page, a login page, a cookie wall: a clear error naming
the file (exit 2) or the URL (exit 3), and no finding computed from a statement that is not one.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from privacygap.extract.plausibility import assess_statement_text

from .conftest import SITE

# Fixtures of our own: each is what a real site or export looks like, in a few lines.
CSV_EXPORT = ("email,firstname,lastname,company,phone,lifecyclestage\n"
              "Name,Vorname,Nachname,Firma,Telefon,Phase\n"
              "string,string,string,string,string,enumeration\n"
              "contact,contact,contact,contact,contact,contact\n")
ERROR_PAGE = ("<html><head><title>Seite nicht gefunden</title></head><body><h1>404</h1>"
              "<p>Die angeforderte Seite existiert nicht. Zur <a href='/'>Startseite</a> · "
              "<a href='/datenschutz'>Datenschutz</a> · <a href='/impressum'>Impressum</a></p></body></html>")
LOGIN_PAGE = ("<html><body><h1>Kundenportal</h1><form><label>E-Mail</label><input name=u>"
              "<label>Passwort</label><input type=password name=p><button>Anmelden</button></form>"
              "<a href='/reset'>Passwort vergessen?</a> <a href='/datenschutz'>Datenschutz</a></body></html>")
COOKIE_WALL = ("<html><body><h1>Bevor Sie fortfahren</h1><p>Wir verwenden Cookies und verarbeiten personenbezogene "
               "Daten wie Ihre IP-Adresse, um Inhalte zu personalisieren. Mit Ihrer Einwilligung nach Art. 6 DSGVO "
               "geben wir Daten an Partner weiter. Sie können Ihre Einwilligung jederzeit widerrufen. Mehr in der "
               "Datenschutzerklärung.</p><button>Alle akzeptieren</button><button>Einstellungen</button></body></html>")
STATEMENT = """# Datenschutzerklärung

## Verantwortlicher
Verantwortlich für die Verarbeitung personenbezogener Daten auf dieser Website ist die Tischlerei Obermann GmbH,
Werkstraße 3, 40210 Düsseldorf, E-Mail datenschutz@obermann.example.

## Kontaktformular
Wenn Sie uns über das Kontaktformular schreiben, verarbeiten wir Ihren Namen, Ihre E-Mail-Adresse und Ihre
Nachricht, um Ihre Anfrage zu beantworten. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO. Wir löschen die
Angaben nach Abschluss der Anfrage, spätestens nach sechs Monaten.

## Ihre Rechte
Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung sowie auf
Datenübertragbarkeit. Sie können der Verarbeitung widersprechen und eine Einwilligung jederzeit widerrufen.
Sie können sich bei einer Aufsichtsbehörde beschweren, etwa bei der Landesbeauftragten für Datenschutz NRW.
"""


@pytest.mark.parametrize(("text", "raw", "reason"), [
    (CSV_EXPORT, CSV_EXPORT, "it looks like a table of data (comma-separated lines), not a privacy statement"),
    ("Seite nicht gefunden 404 Die angeforderte Seite existiert nicht. Zur Startseite Datenschutz Impressum", None,
     "it has only 13 words, too few for a privacy statement (an error, login or cookie-wall page?)"),
    ("Kundenportal E-Mail Passwort Anmelden Passwort vergessen? Datenschutz", None,
     "it looks like a login page, not a privacy statement (8 words)"),
    ("Bevor Sie fortfahren: Wir verwenden Cookies. Alle akzeptieren oder Einstellungen. Datenschutz", None,
     "it looks like a cookie wall or consent page, not a privacy statement (11 words)"),
])
def test_assessment_names_the_reason(text, raw, reason):
    verdict = assess_statement_text(text, raw_text=raw)
    assert verdict.is_statement is False and verdict.reason == reason


def test_a_real_shaped_statement_passes():
    verdict = assess_statement_text(STATEMENT)
    assert verdict.is_statement is True
    assert {"privacy", "personal_data", "law", "controller", "rights", "authority"} <= set(verdict.families)


def _scan(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "privacygap", "scan", *args, "-q"], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_csv_as_policy_is_rejected_with_exit_2_and_no_findings(tmp_path):
    (tmp_path / "hubspot-export.csv").write_text(CSV_EXPORT, encoding="utf-8")
    done = _scan("--policy", "hubspot-export.csv", "--format", "json", cwd=tmp_path)
    assert done.returncode == 2
    run = json.loads(done.stdout)
    assert run["policy"] is None and run["findings"] == [] and run["summary"]["verdict"] == "incomplete"
    assert run["errors"] == [{"stage": "statement", "message":
                              "hubspot-export.csv: not a privacy statement: it looks like a table of data "
                              "(comma-separated lines), not a privacy statement (give --policy the saved privacy "
                              "statement (.html, .md, .txt))"}]


def test_saved_statement_still_reads(tmp_path):
    (tmp_path / "datenschutz.md").write_text(STATEMENT, encoding="utf-8")
    done = _scan("--policy", "datenschutz.md", "--format", "json", cwd=tmp_path)
    run = json.loads(done.stdout)
    assert run["errors"] == [] and run["policy"]["language"] == "de"
    assert {"user.name", "user.contact.email"} <= {c["category"] for c in run["policy"]["declared"]}


@pytest.mark.parametrize(("page", "reason"), [
    (ERROR_PAGE, "too few for a privacy statement"),
    (LOGIN_PAGE, "it looks like a login page"),
    # The page's buttons are not part of its reading text: the wall fails on its length.
    (COOKIE_WALL, "too few for a privacy statement"),
])
def test_statement_url_that_is_not_a_statement_fails_the_stage(tmp_path, serve_dir, page, reason):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text((SITE / "index.html").read_text(encoding="utf-8"), encoding="utf-8")
    (site / "datenschutz.html").write_text(page, encoding="utf-8")
    base = serve_dir(site)
    done = _scan(base, "--policy-url", base + "datenschutz.html", "--allow-private", "--no-browser", "--format", "json",
                 cwd=tmp_path)
    assert done.returncode == 3
    run = json.loads(done.stdout)
    assert run["policy"] is None and run["summary"]["verdict"] == "incomplete"
    [error] = [e for e in run["errors"] if e["stage"] == "statement"]
    assert error["message"].startswith(f"{base}datenschutz.html: not a privacy statement: ")
    assert reason in error["message"]
