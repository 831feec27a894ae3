"""`info` builds its Workspace as `snapshot` and the window do (offline/workspace.py).

Before, `info` read a field package as a plain GeoPackage: a package the window refuses (its
`package verify` checks fail) was described as if nothing were wrong, and nothing said it opens in
field mode. Now the workspace decides what the file is, with the same checks as the window.
"""
from __future__ import annotations

import json
import shutil
import sqlite3

from tests.helpers import console_cli, old_town_package_fixture

created = old_town_package_fixture()


def test_info_on_a_field_package_says_what_the_window_opens(created):
    package = created
    run = console_cli("info", package, "--json", timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["format"] == "Songjiang field package"
    assert report["workspace"]["mode"] == "field" and report["workspace"]["live_feed"] is False
    assert report["package"]["district"] == "old-town" and report["package"]["package_id"]
    assert any(lyr["name"].endswith("heritage_sites") for lyr in report["layers"])  # its map, as before
    text = console_cli("info", package, timeout=120)
    assert "district old-town, base version" in text.stdout and "field mode" in text.stdout


def test_info_refuses_a_tampered_package_as_the_window_does_and_leaves_it_alone(created, tmp_path):
    package = tmp_path / "old-town.gpkg"
    shutil.copyfile(created, package)
    con = sqlite3.connect(package)
    con.execute("UPDATE package_meta SET value='9' WHERE key='base_version'")  # the seal no longer matches
    con.commit()
    con.close()
    before = package.read_bytes()
    run = console_cli("info", package, timeout=120)
    assert run.returncode == 3 and str(package) in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert package.read_bytes() == before
