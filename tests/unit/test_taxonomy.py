"""The taxonomy: fideslang keys plus marked extensions, and the coverage rule of taxonomy.md."""

from __future__ import annotations

import pytest

from privacygap import taxonomy


def test_every_non_extension_key_is_a_fideslang_key_and_extensions_are_not():
    default_taxonomy = pytest.importorskip("fideslang.default_taxonomy")
    fides_keys = {c.fides_key for c in default_taxonomy.DEFAULT_TAXONOMY.data_category}
    ours = taxonomy.categories()
    assert [k for k, c in ours.items() if not c.extension and k != "system" and k not in fides_keys] == []
    assert [k for k, c in ours.items() if c.extension and k in fides_keys] == []


@pytest.mark.parametrize(("declared", "stored", "covered"), [
    ("user.contact.email", "user.contact.email", True),
    ("user.contact", "user.contact.email", True),           # two-part parent covers its children
    ("user", "user.name", False),                            # "personal data" declares nothing
    ("user.demographic", "user.demographic.gender", True),
    ("user.demographic", "user.demographic.religious_belief", False),   # Art. 9 needs its own key
    ("user.health_and_medical", "user.health_and_medical.genetic", True),
    ("user.contact.email", "user.contact", False),           # a child never covers its parent
    ("user.contact", "user.contactless", False),             # prefix is by dotted part, not by string
])
def test_coverage_rule(declared, stored, covered):
    assert taxonomy.covers(declared, stored) is covered


def test_undisclosed_leaves_out_system_keys_and_sorts():
    stored = ["user.demographic.family", "system.operations", "user.unique_id", "user.name", "user.contact.phone_number"]
    assert taxonomy.undisclosed(stored, ["user.name", "user.contact"]) == ["user.demographic.family"]


def test_special_categories_and_names():
    assert taxonomy.is_special("user.criminal_history")
    assert taxonomy.is_special("user.health_and_medical.genetic")
    assert not taxonomy.is_special("user.demographic.family")
    assert taxonomy.name("user.demographic.family", "de").startswith("Familie")
    assert taxonomy.name("user.contact.email.work", "en") == "e-mail address"  # nearest named ancestor


def test_gold_matching_accepts_more_specific_only():
    assert taxonomy.matches_gold("user.contact.email", "user.contact")
    assert not taxonomy.matches_gold("user.demographic", "user.demographic.gender")
