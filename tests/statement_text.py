"""Statement boilerplate for tests that need a short but real-shaped privacy statement.

A saved statement must read as one (privacygap.extract.plausibility): tests that care only
about one declaration append this paragraph, which names the controller, the legal basis and
the rights but no data category, so it changes nothing the tests assert about categories.
"""

RIGHTS_DE = ("\n\nVerantwortlich für die Verarbeitung ist die Muster GmbH. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b "
             "DSGVO. Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung, "
             "auf Datenübertragbarkeit und auf Widerspruch. Eine Einwilligung können Sie jederzeit mit Wirkung für "
             "die Zukunft widerrufen. Sie können sich außerdem bei einer Aufsichtsbehörde für den Datenschutz "
             "beschweren, wenn Sie meinen, dass wir gegen das Datenschutzrecht verstoßen.\n")
