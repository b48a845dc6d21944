"""Progress on stderr: plain lines off a terminal, a live display on one, silence with quiet."""

from __future__ import annotations

import io

from privacygap.progress import ProgressReporter


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    with ProgressReporter(stream) as say:
        say("crawl", "fetching https://firma.example/")
        say("browser", "before_consent: done")
        say("browser", "after_accept: failed (timeout)")
    assert stream.getvalue().splitlines() == ["· crawl fetching https://firma.example/",
                                              "· browser before_consent: done", "· browser after_accept: failed (timeout)"]


def test_quiet_says_nothing():
    stream = io.StringIO()
    with ProgressReporter(stream, quiet=True, live=True) as say:
        say("crawl", "fetching")
    assert stream.getvalue() == ""


def test_live_display_shows_each_target_and_the_overall_count():
    stream = io.StringIO()
    with ProgressReporter(stream, live=True, total=2, label="targets", sequential=False) as say:
        say("muster", "scanning")
        say("beispiel", "scanning")
        say("muster", "ok")
        say("beispiel", "error: site unreachable")
    shown = stream.getvalue()
    # rich redraws in place; the final frame holds every line and the bar's count.
    assert "muster: ok" in shown and "beispiel: error: site unreachable" in shown and "2/2" in shown
