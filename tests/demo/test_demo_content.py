"""The bundled demo company: the loopback server and the shape of its data files."""

from __future__ import annotations

import csv
import json
import re
import tomllib
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest

from privacygap.demo import demo_paths, serve_demo_site
from privacygap.demo.server import SITE_DIR, TRACKER_PLACEHOLDER

PAGES = ["index.html", "datenschutz.html", "impressum.html", "leistungen.html", "team.html"]


def fetch(url: str, *, data: bytes | None = None) -> tuple[int, str, bytes]:
    """GET (or POST with data) a URL; return status, Content-Type and body, also for errors."""
    try:
        with urllib.request.urlopen(url, data=data, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


class _Collector(HTMLParser):
    """Collects links, headings, inputs and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.headings: list[tuple[str, str]] = []  # (tag, text)
        self.inputs: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self.html_lang: str | None = None
        self.text: list[str] = []
        self._open: list[tuple[str, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "input":
            self.inputs.append(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag in ("a", "h1", "h2", "h3"):
            self._open.append((tag, attrs, []))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            _, attrs, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if tag == "a":
                self.links.append((attrs.get("href", ""), text))
            else:
                self.headings.append((tag, text))

    def handle_data(self, data):
        self.text.append(data)
        for _, _, parts in self._open:
            parts.append(data)


def parse(body: bytes) -> _Collector:
    collector = _Collector()
    collector.feed(body.decode("utf-8"))
    return collector


@pytest.fixture(scope="module")
def site():
    with serve_demo_site() as base:
        yield base


def test_base_url_is_loopback_with_port(site):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", site)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_german_html_with_tracker_origin_filled_in(site, page):
    status, ctype, body = fetch(site + page)
    assert status == 200
    assert ctype == "text/html; charset=utf-8"
    port = site.rsplit(":", 1)[1].rstrip("/")
    text = body.decode("utf-8")
    assert TRACKER_PLACEHOLDER not in text
    doc = parse(body)
    assert doc.html_lang == "de"
    assert f"http://localhost:{port}/hs/collect.js" in doc.scripts
    assert "js/tracking.js" in doc.scripts
    footer_links = {text: href for href, text in doc.links}
    assert footer_links["Datenschutz"] == "datenschutz.html"
    assert footer_links["Impressum"] == "impressum.html"
    # The banner is on every page; the footer has no link to reopen it (WEB008).
    assert 'id="cookie-banner"' in text
    assert "Alle akzeptieren" in text
    assert not any("cookie" in t.lower() and "einstellung" in t.lower() for _, t in doc.links)
    # No resource from outside the machine.
    assert not re.search(r'(?:src|href)="https?://(?!localhost:|127\.0\.0\.1:)', text)


def test_root_and_extensionless_paths(site):
    status, ctype, body = fetch(site)
    assert (status, ctype) == (200, "text/html; charset=utf-8")
    assert b"Mehr Abschl\xc3\xbcsse" in body
    status, _, body = fetch(site + "datenschutz")
    assert status == 200 and b"<h1>Datenschutzerkl\xc3\xa4rung</h1>" in body


def test_assets_have_their_content_types(site):
    assert fetch(site + "css/site.css")[:2] == (200, "text/css; charset=utf-8")
    for script in ("js/tracking.js", "js/consent.js", "js/matomo.js"):
        assert fetch(site + script)[:2] == (200, "text/javascript; charset=utf-8")


def test_vendor_script_and_beacon(site):
    port = site.rsplit(":", 1)[1].rstrip("/")
    vendor = f"http://localhost:{port}"
    status, ctype, body = fetch(vendor + "/hs/collect.js")
    assert (status, ctype) == (200, "text/javascript; charset=utf-8")
    assert f'var origin = "{vendor}";'.encode() in body
    assert TRACKER_PLACEHOLDER.encode() not in body
    with urllib.request.urlopen(vendor + "/hs/__ptq.gif?k=1", timeout=5) as response:
        assert response.headers["Content-Type"] == "image/gif"
        assert response.headers["Set-Cookie"].startswith("__hs_vendor_id=")
        assert response.read().startswith(b"GIF89a")


def test_consent_script_gets_the_tracker_origin(site):
    port = site.rsplit(":", 1)[1].rstrip("/")
    _, _, body = fetch(site + "js/consent.js")
    assert f'TRACKER_ORIGIN = "http://localhost:{port}"'.encode() in body


def test_unknown_and_escaping_paths_are_404(site):
    assert fetch(site + "gibt-es-nicht.html")[0] == 404
    assert fetch(site + "../server.py")[0] == 404
    assert fetch(site + "%2e%2e/server.py")[0] == 404
    assert fetch(site + "css/")[0] == 404


def test_forms_post_to_a_thank_you_page(site):
    status, ctype, body = fetch(site + "kontakt", data=b"name=Test&email=t%40example.invalid")
    assert (status, ctype) == (200, "text/html; charset=utf-8")
    assert b"Vielen Dank" in body


def test_home_page_has_contact_form_and_preticked_newsletter_opt_in(site):
    doc = parse(fetch(site + "index.html")[2])
    names = {i.get("name") for i in doc.inputs}
    assert {"name", "email", "telefon", "unternehmen"} <= names
    marketing = [i for i in doc.inputs if (i.get("name") or "").startswith("LEGAL_CONSENT.")]
    assert len(marketing) == 1 and "checked" in marketing[0]
    hrefs = {href for href, _ in doc.links}
    assert {"leistungen.html", "team.html"} <= hrefs


def test_banner_settings_layer_preticks_marketing_only(site):
    doc = parse(fetch(site + "index.html")[2])
    boxes = {i["id"]: i for i in doc.inputs if (i.get("id") or "").startswith("cookie-cat-")}
    assert "checked" in boxes["cookie-cat-marketing"]
    assert "checked" not in boxes["cookie-cat-statistik"]
    assert "disabled" in boxes["cookie-cat-notwendig"]


def test_privacy_statement_has_the_intended_content_and_gaps(site):
    doc = parse(fetch(site + "datenschutz.html")[2])
    words = len(" ".join(doc.text).split())
    assert 1200 <= words <= 1900
    headings = [text for tag, text in doc.headings if tag in ("h2", "h3")]
    for wanted in ("Verantwortlicher", "Server-Logfiles", "Kontaktformular", "Newsletter", "Cookies", "Matomo"):
        assert any(wanted in h for h in headings), wanted
    text = " ".join(" ".join(doc.text).split())
    assert "Gesundheitsdaten oder andere besondere Kategorien personenbezogener Daten verarbeiten wir nicht." in text
    assert "EU-US Privacy Shield" in text
    assert "so lange wie erforderlich" in text
    assert "CleverReach" in text
    for absent in ("HubSpot", "CRM", "Interessent", "Gesprächsaufzeichnung", "Datenschutzbeauftragte"):
        assert absent not in text, absent


def test_demo_paths_exist():
    paths = demo_paths()
    assert set(paths) == {"crm", "crm_contacts", "crm_calls", "notes", "guideline", "records", "site", "expected"}
    assert paths["crm"] == [paths["crm_contacts"], paths["crm_calls"]]
    for key, path in paths.items():
        if key != "crm":
            assert path.exists(), key
    assert paths["site"] == SITE_DIR


def _properties(path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["results"]
    for prop in data["results"]:
        for key in ("name", "label", "type", "fieldType", "description", "groupName", "options",
                    "calculated", "hidden", "modificationMetadata"):
            assert key in prop, (prop.get("name"), key)
        assert prop["type"] in {"string", "number", "date", "datetime", "enumeration", "bool", "phone_number"}
        for option in prop["options"]:
            assert {"label", "value", "displayOrder", "hidden"} <= set(option)
        if prop["type"] == "enumeration" and not prop.get("externalOptions"):
            assert prop["options"], prop["name"]
    return data["results"]


def test_contact_properties_in_hubspot_shape():
    props = {p["name"]: p for p in _properties(demo_paths()["crm_contacts"])}
    standard = [p for p in props.values() if p.get("hubspotDefined") is True]
    custom = [p for p in props.values() if "hubspotDefined" not in p]
    assert len(standard) >= 35 and len(standard) + len(custom) == len(props)
    assert all("createdUserId" in p for p in custom)
    for name in ("firstname", "lastname", "email", "phone", "mobilephone", "company", "jobtitle", "address",
                 "city", "zip", "website", "hs_object_id", "createdate", "lastmodifieddate", "hubspot_owner_id",
                 "lifecyclestage", "hs_lead_status", "hubspotscore", "hs_analytics_num_page_views",
                 "hs_email_optout", "notes_last_contacted", "num_contacted_notes"):
        assert props[name]["hubspotDefined"] is True, name
    expected_custom = {
        "hobbys": "Hobbys", "familienstand": "Familienstand", "kinder": "Kinder (Anzahl/Namen)",
        "geburtstag": "Geburtstag", "gesundheit_notizen": "Gesundheitliche Einschränkungen",
        "konfession": "Konfession", "private_handynummer": "Private Handynummer",
        "gespraechsnotizen": "Gesprächsnotizen", "lieblingsverein": "Lieblingsverein",
        "leadquelle": "Leadquelle", "gespraechsaufzeichnung_url": "Link zur Gesprächsaufzeichnung",
    }
    assert {p["name"]: p["label"] for p in custom} == expected_custom
    assert [o["value"] for o in props["familienstand"]["options"]] == ["ledig", "verheiratet", "geschieden"]
    assert "Gekaufte Adressliste" in [o["label"] for o in props["leadquelle"]["options"]]
    assert props["gespraechsnotizen"]["fieldType"] == "textarea"


def test_call_properties_in_hubspot_shape():
    props = {p["name"]: p for p in _properties(demo_paths()["crm_calls"])}
    for name in ("hs_call_title", "hs_call_body", "hs_call_duration", "hs_call_disposition",
                 "hs_call_recording_url", "hs_call_direction", "hs_timestamp", "hs_call_to_number"):
        assert props[name]["hubspotDefined"] is True, name


def test_notes_csv_columns_and_the_motivating_note():
    with demo_paths()["notes"].open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["note_id", "contact_id", "created_at", "body"]
        rows = list(reader)
    assert 10 <= len(rows) <= 15
    assert len({r["note_id"] for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["created_at"])
        assert row["contact_id"].isdigit() and row["body"].strip()
    bodies = [r["body"] for r in rows]
    assert any("wird bald Vater" in b for b in bodies)
    assert any("Bandscheiben-OP" in b for b in bodies)
    assert any("keine gesundheitlichen Themen" in b for b in bodies)


def test_guideline_toml_parses():
    data = tomllib.loads(demo_paths()["guideline"].read_text(encoding="utf-8"))
    assert "user.content.notes" in data["allowed"]["contact"]
    assert data["retention"]["user.content.notes"] == "24 Monate nach letztem Kontakt"
    assert "nur geschäftliche Inhalte" in data["free_text"]["rules"]
    assert set(data["roles"]) == {"sales", "admin"}


def test_demo_records_show_exactly_their_two_gaps():
    """The DPO's records (EXPECTED.md): the call script lacks source and objection, Zoom sits on the Privacy Shield."""
    from privacygap.checks.catalog import load_catalog
    from privacygap.checks.engine import run_check
    from privacygap.checks.kinds import CheckContext
    from privacygap.inventory.load import load_inventory
    from privacygap.records.load import load_records

    paths = demo_paths()
    ctx = CheckContext(site="https://rheinblick-beratung.example/",
                       inventory=load_inventory([str(p) for p in paths["crm"]], notes=str(paths["notes"])),
                       records=load_records(str(paths["records"])))
    catalog = load_catalog()
    found = [(check, f.message) for check in ("CRM013", "CRM014", "CRM015", "CRM016", "CRM018")
             for f in run_check(catalog[check], ctx, "en")]
    assert found == [
        ("CRM013", "The first-contact call script (erstkontakt.md) lacks where the contact data came from."),
        ("CRM013", "The first-contact call script (erstkontakt.md) lacks the right to object."),
        ("CRM015", "Zoom (Videokonferenzen mit Interessenten): based in the third country US (outside the EEA, no "
                   "adequacy decision), but the vendor list records no transfer instrument (DPF, SCCs, BCRs); the "
                   "recorded 'EU-US Privacy Shield' has been invalid since judgment C-311/18."),
    ]


def test_expected_md_names_the_headline_findings():
    text = demo_paths()["expected"].read_text(encoding="utf-8")
    for key in ("user.demographic.family", "user.health_and_medical", "user.content.call_recording",
                "CRM021", "WEB001", "WEB002", "WEB004", "POL010", "POL011"):
        assert key in text, key


def _launch_chromium(playwright):
    """System Chromium when present, Playwright's own otherwise; skip when neither starts."""
    from pathlib import Path

    system = Path("/usr/bin/chromium")
    try:
        return playwright.chromium.launch(executable_path=str(system) if system.exists() else None)
    except Exception as error:  # noqa: BLE001 - any launch failure means "no browser here"
        pytest.skip(f"no Chromium: {error}")


@pytest.mark.browser
def test_browser_sees_crm_cookies_and_vendor_host_before_consent(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = _launch_chromium(playwright)
        try:
            context = browser.new_context()
            page = context.new_page()
            hosts: set[str] = set()
            page.on("request", lambda request: hosts.add(request.url.split("/")[2].split(":")[0]))
            page.goto(site, wait_until="networkidle")
            assert page.is_visible("#cookie-banner")
            first_layer = page.locator("#cookie-layer-1 button").all_inner_texts()
            assert [t.strip() for t in first_layer] == ["Alle akzeptieren", "Einstellungen"]
            names = {c["name"] for c in context.cookies()}
            assert {"hubspotutk", "__hstc", "__hssrc", "__hssc"} <= names
            assert "rb_consent" not in names
            assert "localhost" in hosts
            page.click("#cookie-settings")
            assert page.is_checked("#cookie-cat-marketing")
            assert not page.is_checked("#cookie-cat-statistik")
            page.click("#cookie-necessary-only")
            page.goto(site + "team.html", wait_until="networkidle")
            names = {c["name"] for c in context.cookies()}
            # Rejection is not honoured: the CRM cookies stay, no analytics cookie appears.
            assert {"rb_consent", "hubspotutk", "__hstc"} <= names
            assert not any(n.startswith("_pk_") for n in names)
            assert not page.is_visible("#cookie-banner")
        finally:
            browser.close()


def test_shared_partials_are_included_not_served():
    """Footer and banner come from site/_partials/ into every page; the fragments are not served alone."""
    import urllib.error
    import urllib.request

    from privacygap.demo.server import serve_demo_site

    with serve_demo_site() as base:
        for page in ("index.html", "datenschutz.html", "impressum.html", "leistungen.html", "team.html"):
            html = urllib.request.urlopen(base + page, timeout=10).read().decode("utf-8")
            assert html.count('id="cookie-banner"') == 1 and '<footer class="site-footer">' in html
            assert "{{>" not in html
        try:
            urllib.request.urlopen(base + "_partials/banner.html", timeout=10)
            raise AssertionError("partial was served")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
