"""The wheel carries the catalogs (checks/, crawlers/) and the CLI works from it alone."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_catalogs_and_lists_checks(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("privacygap-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "privacygap/_data/checks/schema.json" in names
    assert "privacygap/_data/checks/CRM/CRM001-crm-category-undisclosed.yaml" in names
    assert "privacygap/_data/checks/taxonomy/categories.yaml" in names
    assert any(n.startswith("privacygap/_data/crawlers/") for n in names)
    assert "privacygap/output/templates/management.html.j2" in names
    assert "privacygap/output/schema/report-v1.schema.json" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # Run from the unpacked wheel only, in a folder where no checkout is visible.
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    env.pop("PRIVACYGAP_CATALOG_CHECKS", None)
    listing = subprocess.run([sys.executable, "-c", "import privacygap.cli as c, privacygap.resources as r;"
                              "print(r.checks_dir()); raise SystemExit(c.main(['checks', 'list']))"],
                             capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert listing.returncode == 0, listing.stderr
    assert str(unpacked) in listing.stdout.splitlines()[0]
    assert "CRM001" in listing.stdout and "crm-category-undisclosed" in listing.stdout
