"""Every kind module and every importer module is wired in: nothing on disk is left out of the registries."""

from __future__ import annotations

import pkgutil

import privacygap.checks.kinds as kinds_package
import privacygap.inventory.formats as formats_package
from privacygap.checks.catalog import load_catalog
from privacygap.checks.kinds import registry
from privacygap.inventory.load import FORMATS


def test_each_kind_module_registers_kinds_the_catalog_uses():
    used = {spec.kind for spec in load_catalog().values()}
    by_module: dict[str, set[str]] = {}
    for name, function in registry().items():
        by_module.setdefault(function.__module__.rsplit(".", 1)[-1], set()).add(name)
    modules = {m.name for m in pkgutil.iter_modules(kinds_package.__path__)}
    assert modules == {"category_gap", "crm_contact_rules", "crm_fields", "crm_notes", "statement_elements", "statement_legal_basis",
                       "records", "statement_transfers", "web_banner", "web_pages", "web_tracking"}
    for module in modules:
        assert by_module.get(module), f"{module} registers no kind"
        assert by_module[module] & used, f"no check uses the kinds of {module}"
    assert used <= set(registry())


def test_every_importer_module_serves_a_format():
    modules = {m.name for m in pkgutil.iter_modules(formats_package.__path__)} - {"phparray"}
    served = {fmt.read.__module__.rsplit(".", 1)[-1] for fmt in FORMATS}
    assert modules == served
    assert {"csvfile", "sqldb", "sqlddl"} <= served
    assert [fmt.name for fmt in FORMATS][-1] == "csv"  # the most permissive sniffer goes last
