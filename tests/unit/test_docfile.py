"""privacygap.docfile: the TOML-or-YAML reader behind the guideline and the records loaders."""

from __future__ import annotations

import pytest

from privacygap.docfile import parse_document
from privacygap.errors import InputFileError


def test_suffix_decides_and_other_names_try_toml_then_yaml():
    assert parse_document('a = 1\n[b]\nc = "x"\n', "g.toml", ".toml") == ({"a": 1, "b": {"c": "x"}}, "toml")
    assert parse_document("a: 1\nb: [x, y]\n", "g.yaml", ".yaml") == ({"a": 1, "b": ["x", "y"]}, "yaml")
    assert parse_document("a = 1\n", "guideline", "") == ({"a": 1}, "toml")
    assert parse_document("a: 1\n", "guideline.txt", ".txt") == ({"a": 1}, "yaml")


def test_syntax_errors_name_the_file_and_line():
    with pytest.raises(InputFileError) as toml_error:
        parse_document('a = 1\nb = "open\n', "records.toml", ".toml")
    assert str(toml_error.value) == "records.toml:line 2 column 10: invalid TOML: Illegal character '\\n'"
    with pytest.raises(InputFileError) as yaml_error:
        parse_document("a: [1, 2\nb: 3\n", "records.yml", ".yml")
    assert str(yaml_error.value).startswith("records.yml") and "invalid YAML" in str(yaml_error.value)
    assert "line 2" in str(yaml_error.value)


def test_yaml_builds_no_objects():
    with pytest.raises(InputFileError, match="invalid YAML"):
        parse_document("a: !!python/object/apply:os.system ['true']\n", "g.yaml", ".yaml")
