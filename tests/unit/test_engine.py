"""The check engine: catalog validation, skipping, fingerprints, messages, broken kinds."""

from __future__ import annotations


import pytest

from privacygap.checks import engine
from privacygap.checks.catalog import load_catalog, validate_document
from privacygap.checks.kinds import CheckContext, Hit, kind, localised, registry
from privacygap.errors import UsageError
from privacygap.models import Confidence, CrmField, Inventory, InventorySource, Statement


def test_catalog_covers_all_45_checks_of_the_spec_each_with_a_kind():
    catalog = load_catalog()
    spec_ids = {f"POL{i:03d}" for i in range(1, 13)} | {f"CRM{i:03d}" for i in range(1, 22)} | \
        {f"WEB{i:03d}" for i in range(1, 13)}
    assert len(spec_ids) == 45
    assert set(catalog) == spec_ids | {"CRM022"}
    kinds = registry()
    assert [spec.id for spec in catalog.values() if spec.kind not in kinds] == []


def test_invalid_check_document_names_file_and_place(tmp_path):
    document = dict(next(iter(load_catalog().values())).__dict__)
    broken = {"id": "CRM001", "slug": "x", "severity": "severe"}
    with pytest.raises(UsageError) as caught:
        validate_document(broken, tmp_path / "CRM001-x.yaml")
    assert "CRM001-x.yaml" in str(caught.value)
    assert document["id"]


def test_fingerprint_depends_on_stable_keys_only():
    a = engine.fingerprint("CRM001", "https://firma.example/", "user.name", "user.name")
    assert a == engine.fingerprint("CRM001", "https://FIRMA.example", "user.name", "user.name")
    assert a != engine.fingerprint("CRM002", "https://firma.example/", "user.name", "user.name")
    assert a.startswith("sha256:")


def test_message_keeps_unknown_placeholders():
    assert engine.format_message("{known} and {unknown}", {"known": "x"}) == "x and {unknown}"


def _ctx():
    inventory = Inventory(sources=(InventorySource("x.json", "hubspot-properties", "HubSpot"),),
                          fields=(CrmField("contact", "hobbys", "Hobbys", category="user.demographic.interests",
                                           confidence=Confidence.HIGH),))
    return CheckContext(site="https://firma.example/", statement=Statement(url=None, language="de", sha256="0" * 64),
                        inventory=inventory)


def test_checks_without_their_inputs_are_skipped_not_failed():
    outcome = engine.run_checks(CheckContext(site="s", inventory=_ctx().inventory), lang="de")
    assert "CRM001" in outcome.skipped and outcome.skipped["CRM001"] == "policy"
    assert "CRM002" in outcome.ran


def test_findings_are_sorted_and_localised():
    outcome = engine.run_checks(_ctx(), lang="de", selectors=["CRM001", "POL006"])
    assert [f.check_id for f in outcome.findings] == ["CRM001", "POL006"]
    assert outcome.findings[0].message.startswith("Das CRM speichert „private Interessen")
    english = engine.run_checks(_ctx(), lang="en", selectors=["CRM001"]).findings[0]
    assert english.message.startswith("The CRM stores 'private interests")
    assert english.fingerprint == outcome.findings[0].fingerprint


def test_localised_values_follow_the_report_language():
    spec = load_catalog()["CRM001"]
    hit = Hit(category="user.name", values={"fields": localised("Feld", "field")}, key="k")
    assert "(Feld)" in engine.make_finding(spec, hit, _ctx(), "de").message
    assert "(field)" in engine.make_finding(spec, hit, _ctx(), "en").message


def test_a_broken_kind_is_recorded_and_the_others_run(monkeypatch):
    @kind("test_broken_kind")
    def broken(ctx, params):
        raise RuntimeError("boom")

    spec = load_catalog()["CRM002"]
    monkeypatch.setitem(engine.load_catalog(), "CRM002", spec.__class__(**{**spec.__dict__, "kind": "test_broken_kind"}))
    monkeypatch.setattr(engine, "registry", lambda: {**registry(), "test_broken_kind": broken})
    outcome = engine.run_checks(_ctx(), lang="en", selectors=["CRM00"])
    assert any("CRM002 failed: RuntimeError: boom" in e.message for e in outcome.errors)
    assert "CRM001" in outcome.ran


def test_a_validated_catalog_is_remembered_by_its_hash_and_revalidated_when_changed(tmp_path, monkeypatch):
    import shutil

    from privacygap import resources
    from privacygap.checks import catalog as catalog_module
    from privacygap.errors import UsageError

    copy = tmp_path / "checks"
    shutil.copytree(resources.checks_dir(), copy, ignore=shutil.ignore_patterns("*-*/"))
    monkeypatch.setenv("PRIVACYGAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(resources, "checks_dir", lambda: copy)
    catalog_module.load_catalog.cache_clear()
    resources.load_yaml.cache_clear()
    try:
        first = catalog_module.load_catalog()
        markers = sorted(p.name for p in (tmp_path / "cache").iterdir())
        assert len(markers) == 1 and markers[0].startswith("catalog-valid-") and "CRM001" in first
        # Changing a file changes the hash: the broken document is caught, not trusted from the cache.
        target = copy / "CRM" / "CRM001-crm-category-undisclosed.yaml"
        target.write_text(target.read_text(encoding="utf-8").replace("severity: high", "severity: urgent"),
                          encoding="utf-8")
        catalog_module.load_catalog.cache_clear()
        resources.load_yaml.cache_clear()
        with pytest.raises(UsageError, match=r"CRM001-crm-category-undisclosed.yaml: invalid check at severity"):
            catalog_module.load_catalog()
        assert len(list((tmp_path / "cache").iterdir())) == 1
    finally:
        catalog_module.load_catalog.cache_clear()
        resources.load_yaml.cache_clear()


def test_every_catalog_file_validates_against_the_schema():
    # load_catalog may trust its cache; the test suite always validates every file itself.
    from privacygap import resources
    from privacygap.checks.catalog import _catalog_files

    files = _catalog_files(resources.checks_dir())
    assert len(files) >= 46
    for path in files:
        validate_document(resources.load_yaml(path), path)
