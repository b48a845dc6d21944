"""Every importer, the notes reader and the guideline reader under Hypothesis-generated hostile input.

For each seed (one valid export per format, see ``hostile.SEEDS``) and each mutation that
makes sense for its syntax — truncation at any byte, wrong types at every JSON/YAML path,
nesting from 65 to 100,000 levels, mis-encodings, byte noise, documents rebuilt from
the seed's own keys in random shapes ("shape soup"), chains of these, XML element damage, PHP
token damage — reading must end in a clean result that renders as UTF-8, or in an
``InputFileError`` that names the file, within ``hostile.TIME_LIMIT_S`` seconds. CRM exports
are read twice: with the format detected among all, and with ``crm_format`` set to the seed's
format (the ``--crm-format`` path: only that format's sniffer is asked, and a file it does
not recognise must say "not a … file").

CI runs a bounded number of examples (``PRIVACYGAP_HOSTILE_EXAMPLES``, default 12 per seed and
mutation); ``tests/fuzz_importers.py --minutes N`` runs the same strategies for longer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile_files.hostile import SEEDS, check_file, strategies_for

EXAMPLES = int(os.environ.get("PRIVACYGAP_HOSTILE_EXAMPLES", "12"))
CASES = [(key, name) for key, seed in SEEDS.items() for name in strategies_for(seed)]


@pytest.mark.parametrize(("seed_key", "mutation"), CASES, ids=[f"{k}-{m}" for k, m in CASES])
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(data=st.data())
def test_hostile_variant_ends_clean_or_in_input_file_error(seed_key, mutation, data):
    """A mutated export is read cleanly or refused with an InputFileError naming the file — nothing else."""
    seed = SEEDS[seed_key]
    content = data.draw(strategies_for(seed)[mutation](seed), label=mutation)
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        check_file(seed, Path(folder), content)
        if seed.reader == "crm":
            check_file(seed, Path(folder), content, forced=True)


def test_every_seed_reads_cleanly(tmp_path):
    """The seeds themselves are valid: a mutation test that always fails to parse would prove nothing."""
    for seed in SEEDS.values():
        assert check_file(seed, tmp_path / seed.key, seed.source.read_bytes()) == "ok", seed.key
        if seed.reader == "crm":
            assert check_file(seed, tmp_path / (seed.key + "-forced"), seed.source.read_bytes(), forced=True) == "ok"


def test_cases_cover_every_importer():
    """Every CRM format privacygap can read from a file has a seed (sql-database is read from a URL)."""
    from privacygap.inventory.load import SUPPORTED_FORMATS

    covered = {seed.fmt for seed in SEEDS.values() if seed.fmt}
    assert set(SUPPORTED_FORMATS) - covered == {"sql-database"}
    assert {seed.reader for seed in SEEDS.values()} == {"crm", "notes", "guideline"}
