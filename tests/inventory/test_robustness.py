"""Random and truncated input never turns into a traceback: only InputFileError (or a clean read)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacygap.errors import InputFileError
from privacygap.inventory.formats.phparray import PhpSyntaxError, parse_php
from privacygap.inventory.load import load_inventory

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = sorted(p for p in FIXTURES.iterdir() if p.is_file() and not p.name.startswith(("notes", "guideline")))


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(min_value=0.05, max_value=0.95), junk=st.text(max_size=20))
def test_truncated_exports_fail_cleanly(tmp_path, sample, cut, junk):
    text = sample.read_text(encoding="utf-8")
    broken = text[: int(len(text) * cut)] + junk
    target = tmp_path / sample.name
    target.write_text(broken, encoding="utf-8")
    try:
        load_inventory([str(target)])
    except InputFileError as error:
        assert str(target) in str(error)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("$array()[]=>,;'\"ab0. \n/*#<?php")), max_size=200))
def test_php_reader_never_crashes(source):
    try:
        parse_php("<?php " + source)
    except PhpSyntaxError:
        pass
