"""Structure: HTML, Markdown (incl. frontmatter, MDX/Astro) and plain text into text plus sections."""

from __future__ import annotations

from privacygap.extract.text import extract_document, strip_frontmatter

HTML = """<!doctype html><html><head><title>Datenschutz | Beispiel</title><style>p{color:red}</style></head>
<body>
<header><nav><a href="/">Startseite</a><a href="/shop">Shop</a></nav></header>
<div id="usercentrics-root" class="cookie-banner">Wir nutzen Cookies. <button>Alle akzeptieren</button></div>
<main>
<h1>Datenschutzerklärung</h1>
<h2>Kontaktformular</h2>
<p>Wir speichern Ihre&nbsp;E-Mail-Adresse und Ihre Nach&shy;richt.</p>
<details><summary>Hosting</summary><p>Unser Hoster speichert IP-Adressen.</p></details>
<table><tr><th>Daten</th><th>Zweck</th></tr><tr><td>Telefonnummer</td><td>Rückruf</td></tr></table>
<dl><dt>Speicherdauer</dt><dd>Wir löschen Anfragen nach sechs Monaten, sofern keine gesetzlichen Aufbewahrungspflichten bestehen, und prüfen die Notwendigkeit jährlich erneut. Danach werden die Daten vollständig entfernt.</dd></dl>
<dl><dt>Telefon</dt><dd>0221 1234</dd></dl>
<script>document.write("Geburtsdatum")</script>
</main>
<footer><p>Impressum · Kontakt</p></footer>
</body></html>"""


def test_html_drops_boilerplate_and_keeps_statement():
    doc = extract_document(HTML, "html")
    assert "Startseite" not in doc.text  # nav
    assert "Alle akzeptieren" not in doc.text and "Wir nutzen Cookies" not in doc.text  # consent banner
    assert "Impressum · Kontakt" not in doc.text  # footer
    assert "Geburtsdatum" not in doc.text and "color:red" not in doc.text  # script, style
    assert "Wir speichern Ihre E-Mail-Adresse und Ihre Nachricht." in doc.text  # nbsp and soft hyphen normalised
    assert doc.title == "Datenschutz | Beispiel"


def test_html_headings_details_tables_and_definition_lists():
    doc = extract_document(HTML, "html")
    paths = [s.heading_path for s in doc.sections]
    assert ("Datenschutzerklärung", "Kontaktformular") in paths
    # <summary> opens a section nested below the last real heading
    assert ("Datenschutzerklärung", "Kontaktformular", "Hosting") in paths
    # a table row becomes one line with its cells separated by " | "
    assert "Telefonnummer | Rückruf" in doc.text
    # a term with a long description is a heading; a short pair stays one line
    assert any(p[-1] == "Speicherdauer" for p in paths)
    assert "Telefon: 0221 1234" in doc.text


def test_section_offsets_index_the_normalised_text():
    doc = extract_document(HTML, "html")
    for section in doc.sections:
        assert doc.text[section.start:section.end] == section.text
    hosting = next(s for s in doc.sections if s.title == "Hosting")
    assert hosting.text.startswith("Unser Hoster speichert IP-Adressen.")


def test_markdown_with_frontmatter_html_and_tables():
    md = """---
title: "Datenschutz"
draft: false
---

# Datenschutz

## Newsletter

Wir speichern **Ihre E-Mail-Adresse**.

<div class="note"><p>Hinweis in HTML: Sie können sich jederzeit abmelden.</p></div>

| Kategorie | Beispiel |
|---|---|
| Kontaktdaten | Telefonnummer |
"""
    doc = extract_document(md, "markdown")
    assert "title:" not in doc.text and "draft" not in doc.text
    assert doc.title == "Datenschutz"
    assert "Wir speichern Ihre E-Mail-Adresse." in doc.text
    assert "Hinweis in HTML: Sie können sich jederzeit abmelden." in doc.text
    assert "Kontaktdaten | Telefonnummer" in doc.text
    assert [s.heading_path for s in doc.sections if s.heading_path][-1] == ("Datenschutz", "Newsletter")


def test_crlf_markdown_and_body_kept_in_frontmatter():
    body = "# Datenschutz\n\n## Kontakt\n\n" + "Wir verarbeiten Ihre Anfrage und antworten per E-Mail. " * 12
    cms = "---\r\ntitle: Datenschutz\r\ncontent: |\r\n" + "".join(f"  {line}\r\n" for line in body.split("\n")) + "---\r\n"
    doc = extract_document(cms, "markdown")
    assert ("Datenschutz", "Kontakt") in [s.heading_path for s in doc.sections]
    assert "\r" not in doc.text


def test_astro_page_with_components():
    astro = """---
import Layout from '../layouts/Layout.astro';
---
<Layout title="Datenschutz">
    <section>
        <h1>Datenschutz</h1>
        <h2>Kontakt</h2>
        <p>Wir verarbeiten Ihren Namen.</p>
    </section>
</Layout>"""
    doc = extract_document(astro, "astro")
    assert "import Layout" not in doc.text
    assert ("Datenschutz", "Kontakt") in [s.heading_path for s in doc.sections]
    assert "Wir verarbeiten Ihren Namen." in doc.text


def test_plain_text_heading_heuristics():
    text = """DATENSCHUTZERKLÄRUNG

1. Verantwortlicher

Muster GmbH, Hauptstraße 1, 12345 Musterstadt.

2. Kontakt
2.1 Formular

Wir speichern Ihre Nachricht.
Sie wird nach 30 Tagen gelöscht.

- erste Angabe
- zweite Angabe

Hinweise
========

Ein Satz, der keine Überschrift ist, weil er mit einem Punkt endet.
"""
    doc = extract_document(text, "text")
    titles = [s.title for s in doc.sections]
    assert "DATENSCHUTZERKLÄRUNG" in titles and "1. Verantwortlicher" in titles and "Hinweise" in titles
    formular = next(s for s in doc.sections if s.title == "2.1 Formular")
    assert formular.heading_path == ("DATENSCHUTZERKLÄRUNG", "2. Kontakt", "2.1 Formular")
    assert "Wir speichern Ihre Nachricht. Sie wird nach 30 Tagen gelöscht." in doc.text
    assert "- erste Angabe\n- zweite Angabe" in doc.text
    assert "Ein Satz, der keine Überschrift ist" not in titles


def test_strip_frontmatter_leaves_plain_markdown_alone():
    assert strip_frontmatter("# Titel\n\nText") == ("# Titel\n\nText", "")
