"""The command line's own behaviour: commands, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.statement_text import RIGHTS_DE
from privacygap.cli import main
from privacygap.output.json import validate_report

from tests.output.sample_run import sample_run

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HUBSPOT = Path(__file__).parent / "e2e" / "crm" / "hubspot-contacts.json"


def test_checks_list_and_show(capsys):
    assert main(["checks", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    ids = [line.split()[0] for line in listing]
    assert ids == sorted(ids) and {"CRM001", "POL011", "WEB002"} <= set(ids)
    assert main(["checks", "show", "crm021", "--lang", "de"]) == 0
    shown = capsys.readouterr().out
    assert "CRM021 crm-denied-category-stored (critical, stable)" in shown and "Normen:" in shown


def test_unknown_check_is_a_usage_error(capsys):
    assert main(["checks", "show", "XYZ999"]) == 2
    assert "unknown check 'XYZ999'" in capsys.readouterr().err


def test_scan_without_anything_to_scan_exits_2(capsys):
    assert main(["scan", "--no-browser"]) == 2
    assert "nothing to scan" in capsys.readouterr().err


def test_scan_with_missing_policy_file_names_it(tmp_path, capsys):
    missing = tmp_path / "nope.md"
    out = tmp_path / "run.json"
    assert main(["scan", "--policy", str(missing), "--format", "json", "-o", str(out), "-q"]) == 2
    run = json.loads(out.read_text())
    assert validate_report(run) == [] and run["policy"] is None
    assert str(missing) in run["errors"][0]["message"]


def test_scan_with_missing_records_file_names_it_and_still_reports(tmp_path):
    missing = tmp_path / "dsb-records.toml"
    out = tmp_path / "run.json"
    assert main(["scan", "--crm", str(HUBSPOT), "--records", str(missing), "--format", "json", "-o", str(out),
                 "-q"]) == 2
    run = json.loads(out.read_text())
    assert validate_report(run) == [] and run["inventory"] is not None
    assert run["errors"] == [{"stage": "records", "message": f"{missing}: cannot read the records file: No such file "
                                                             "or directory (check the path given to --records)"}]
    assert run["checks"]["skipped"]["CRM016"] == "records"


def test_render_saved_run_in_both_languages(tmp_path):
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(sample_run()), encoding="utf-8")
    assert main(["render", str(saved), "--format", "html", "-o", str(tmp_path / "de.html")]) == 0
    assert main(["render", str(saved), "--format", "html", "--lang", "en", "-o", str(tmp_path / "en.html")]) == 0
    assert "Die drei wichtigsten Schritte" in (tmp_path / "de.html").read_text()
    assert "The three things to do first" in (tmp_path / "en.html").read_text()


def test_render_rejects_non_runs(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2", encoding="utf-8")
    assert main(["render", str(bad)]) == 2
    assert f"{bad}:1:" in capsys.readouterr().err
    bad.write_text('{"hello": 1}', encoding="utf-8")
    assert main(["render", str(bad)]) == 2


def test_several_formats_go_to_a_folder(tmp_path):
    statement = tmp_path / "ds.md"
    statement.write_text("# Datenschutz\n\nWir verarbeiten Ihre E-Mail-Adresse.\n" + RIGHTS_DE, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["scan", "--policy", str(statement), "--crm", str(HUBSPOT), "--format", "json", "--format", "html",
                 "--format", "sarif", "--format", "markdown", "-o", str(out), "-q"])
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md", "report.sarif"]
    run = json.loads((out / "report.json").read_text())
    assert "user.demographic.interests" in run["summary"]["undisclosed_categories"]


def test_fail_on_never_and_critical(tmp_path):
    statement = tmp_path / "ds.md"
    statement.write_text("# Datenschutz\n\nWir verarbeiten Ihre E-Mail-Adresse.\n" + RIGHTS_DE, encoding="utf-8")
    args = ["scan", "--policy", str(statement), "--crm", str(HUBSPOT), "--format", "json", "-o", str(tmp_path / "r.json"), "-q"]
    assert main([*args, "--fail-on", "never"]) == 0
    assert main([*args, "--fail-on", "critical"]) == 1  # the health field is critical (CRM002)


def test_inventory_text_and_json(capsys):
    assert main(["inventory", str(HUBSPOT)]) == 0
    text = capsys.readouterr().out
    assert "hobbys" in text and "user.demographic.interests" in text and "★" in text
    assert main(["inventory", str(HUBSPOT), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1
    by_name = {f["name"]: f["category"] for f in data["inventory"]["fields"]}
    assert by_name["familienstand"] == "user.demographic.marital_status"
    assert by_name["gesundheit"] == "user.health_and_medical"


def test_doctor_names_the_browser(capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert "privacygap" in out and "browser" in out and "catalog checks/" in out
    assert code in (0, 3)


@pytest.mark.skipif(not (CORPUS / "policies" / "gold-dev.json").exists(), reason="shared corpus absent")
def test_eval_statements_prints_micro_figures(capsys):
    assert main(["eval", "statements", "--corpus", str(CORPUS / "policies")]) == 0
    assert "declared categories (micro): P" in capsys.readouterr().out
