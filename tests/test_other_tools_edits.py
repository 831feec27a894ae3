"""Edits another tool makes in a field package reach the operations centre (issue 23, item 2).

On main a package's ``hbim_*`` record tables had TEXT primary keys (GeoPackage 1.2 Req 119), so
QGIS could not change or delete their rows, and the rows it added passed ``package verify`` and
were never synced (``package sync`` → ``"edits": 0``): silent loss. Now every record table has an
integer ``fid`` and its record key as a UNIQUE column, and triggers written into the package
capture each insert, update and delete whoever makes it (offline/package/capture.py); the
console turns the captures into ordinary outbox rows (offline/field/drain.py), and ``package
sync`` sends them, a deleted row as a journalled delete.

QGIS and QField edit a GeoPackage through GDAL's OGR GPKG driver: Debian's system python with
``osgeo`` (python3-gdal) drives that driver in a subprocess here, as QGIS would (skipped with the
reason where it is absent). Plain ``sqlite3`` stands for any other tool. Each test then runs the
real CLI, ``package verify`` and ``package sync``, into an SQLite centre store and reads what the
centre holds. Packages are the small ones tests/field_package.py makes (as ``package create``
makes them, format 2; ``legacy=True``: as an older console did, format 1).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.field_package import make_package
from tests.helpers import console_cli

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with GDAL's python bindings (python3-gdal)
COMPONENT = "3vB2YO$MX4xv5uCqZZG05x"
RECORDS = {
    "components": [{"guid": COMPONENT, "model": "cangcheng_bridge", "classification": "arch ring",
                    "illustrative": "0"}],
    "damage": [{"guid": COMPONENT, "type": "crack", "severity": "2", "extent": "", "location": "east spandrel",
                "photos": "[]", "date": "2026-10-02", "illustrative": "0",
                "id": "9d7f4c1e-0d0e-4c7e-9a51-1b1f0c2f6a11"}],
    "interventions": [{"guid": COMPONENT, "type": "repointing", "start": "2026-09-01", "end": "", "materials": "lime",
                       "contractor": "", "documents": "[]", "illustrative": "0",
                       "id": "0b8e2d52-6b7c-4f0e-8d7a-5e1f9b3c2a40"}],
}
DAMAGE, REPAIR = RECORDS["damage"][0]["id"], RECORDS["interventions"][0]["id"]

# what a surveyor does in QGIS: change a damage record's severity, add an inspection, delete a repair
OGR_EDITS = f"""
import sys
from osgeo import gdal, ogr
gdal.UseExceptions()
ds = ogr.Open(sys.argv[1], update=1)
damage = ds.GetLayerByName("hbim_damage")
damage.SetAttributeFilter("id = '{DAMAGE}'")
f = damage.GetNextFeature()
f.SetField("severity", "5")
assert damage.SetFeature(f) == 0
inspections = ds.GetLayerByName("hbim_inspections")
f = ogr.Feature(inspections.GetLayerDefn())
for name, value in (("guid", "{COMPONENT}"), ("date", "2026-12-01"), ("condition_grade", "3"), ("notes", "QGIS")):
    f.SetField(name, value)
assert inspections.CreateFeature(f) == 0 and f.GetFID() > 0
repairs = ds.GetLayerByName("hbim_interventions")
repairs.SetAttributeFilter("id = '{REPAIR}'")
f = repairs.GetNextFeature()
assert repairs.DeleteFeature(f.GetFID()) == 0
print(repairs.GetFIDColumn())
ds = None
"""


def _has_gdal() -> bool:
    try:
        return subprocess.run([SYSTEM_PYTHON, "-c", "from osgeo import ogr"], capture_output=True).returncode == 0
    except OSError:
        return False


def _centre(tmp_path: Path) -> Path:
    """An SQLite centre store holding the records the package was cut from."""
    from offline.store import open_store
    path = tmp_path / "ops.sqlite"
    store = open_store(path, seed=False)
    try:
        for table, rows in RECORDS.items():
            store.import_rows(table, rows)
    finally:
        store.close()
    return path


def _sync(package: Path, centre: Path) -> dict:
    run = console_cli("package", "sync", package, "--store", centre, "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def _held(centre: Path) -> dict:
    from offline.store import open_store
    store = open_store(centre, seed=False)
    try:
        return {t: {r["id" if t != "components" else "guid"]: r for r in store.records(t)} for t in RECORDS | {
            "inspections": []}}
    finally:
        store.close()


def _outbox(package: Path) -> list[dict]:
    con = sqlite3.connect(package)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM field_outbox ORDER BY seq")]
    finally:
        con.close()


def _assert_the_three_edits_reached(centre: Path, notes: str, severity: str):
    held = _held(centre)
    assert held["damage"][DAMAGE]["severity"] == severity
    assert REPAIR not in held["interventions"]  # the delete is a journalled delete
    added = [r for r in held["inspections"].values() if r["notes"] == notes]
    assert len(added) == 1 and added[0]["guid"] == COMPONENT and added[0]["condition_grade"] == "3"
    import uuid
    uuid.UUID(added[0]["id"])  # a row added without an id was given a UUID


def test_edits_made_through_gdal_as_qgis_makes_them_reach_the_centre(tmp_path):
    if not _has_gdal():
        pytest.skip(f"GDAL's python bindings are absent ({SYSTEM_PYTHON} -c 'from osgeo import ogr'; Debian "
                    "python3-gdal): they stand for QGIS here")
    package = make_package(tmp_path / "old-town.gpkg", RECORDS)
    centre = _centre(tmp_path)
    run = subprocess.run([SYSTEM_PYTHON, "-c", OGR_EDITS, str(package)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "fid"  # GDAL (and so QGIS) identifies the records by the integer key
    verified = console_cli("package", "verify", package)
    assert verified.returncode == 0, verified.stdout + verified.stderr  # others' edits are legitimate
    report = _sync(package, centre)
    assert (report["edits"], report["applied"], report["conflict"], report["quarantined"]) == (3, 3, 0, 0), report
    _assert_the_three_edits_reached(centre, "QGIS", "5")
    assert {r["author"] for r in _outbox(package)} == {"another tool"}
    assert _sync(package, centre)["edits"] == 0  # idempotent: sent once


def test_edits_made_with_plain_sqlite_reach_the_centre(tmp_path):
    package = make_package(tmp_path / "old-town.gpkg", RECORDS)
    centre = _centre(tmp_path)
    con = sqlite3.connect(package)  # any other tool: its own connection, SQLite's defaults
    con.execute("UPDATE hbim_damage SET severity = '4' WHERE id = ?", (DAMAGE,))
    con.execute("INSERT INTO hbim_inspections (guid, date, condition_grade, notes) VALUES (?, '2026-12-02', '3', "
                "'sqlite')", (COMPONENT,))
    con.execute("DELETE FROM hbim_interventions WHERE id = ?", (REPAIR,))
    con.commit()
    con.close()
    report = _sync(package, centre)
    assert (report["edits"], report["applied"]) == (3, 3), report
    _assert_the_three_edits_reached(centre, "sqlite", "4")


def test_the_consoles_own_edits_are_journalled_once_and_after_earlier_edits_by_others(tmp_path):
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    package = make_package(tmp_path / "old-town.gpkg", RECORDS)
    centre = _centre(tmp_path)
    field = open_records(package, profile=FieldProfile("李伟", "老城组", "laptop-1"))
    try:
        damage = field.get("damage", DAMAGE)
        damage.location = "east spandrel, lower course"
        field.put(damage)
        # another tool edits the package while the console has it open (QGIS beside the console)
        other = sqlite3.connect(package, timeout=5)
        other.execute("UPDATE hbim_damage SET extent = '0.4 m' WHERE id = ?", (DAMAGE,))
        other.commit()
        other.close()
        field.delete("interventions", REPAIR)
        field.undo()
    finally:
        field.close()
    rows = _outbox(package)
    assert [(r["author"], r["op"], r["tbl"]) for r in rows] == [
        ("李伟", "put", "damage"), ("another tool", "put", "damage"), ("李伟", "delete", "interventions"),
        ("李伟", "put", "interventions")]
    con = sqlite3.connect(package)
    assert con.execute("SELECT count(*) FROM field_capture").fetchone()[0] == 0
    # GeoPackage Req 119 (what GDAL and QGIS need to edit a table): every attribute table listed, after the
    # console has opened and edited the package, has an INTEGER primary key (its bookkeeping is not listed)
    listed = con.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes'").fetchall()
    assert {f"hbim_{t}" for t in RECORDS} | {"hbim_inspections"} <= {t for (t,) in listed}
    for (table,) in listed:
        keys = [c[2] for c in con.execute(f'PRAGMA table_info("{table}")') if c[5]]
        assert keys == ["INTEGER"], (table, keys)
    con.close()
    report = _sync(package, centre)
    assert (report["edits"], report["conflict"], report["quarantined"]) == (4, 0, 0), report
    held = _held(centre)
    assert held["damage"][DAMAGE]["location"] == "east spandrel, lower course"
    assert held["damage"][DAMAGE]["extent"] == "0.4 m" and REPAIR in held["interventions"]


def test_a_format_1_package_verifies_syncs_and_is_migrated_when_opened(tmp_path):
    from offline.field.journal import FieldJournal, ensure_tables
    from offline.field.profile import FieldProfile
    from offline.package import capture, verify
    from offline.records import open_records
    package = make_package(tmp_path / "old-town.gpkg", RECORDS, legacy=True)
    centre = _centre(tmp_path)
    assert verify(package) == []
    # an edit an older console journalled: sent as it is, the package left in its format
    con = sqlite3.connect(package, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    ensure_tables(con)
    row = {**RECORDS["damage"][0]}
    FieldJournal(FieldProfile("王芳", "", "old-laptop")).log(con, "damage", DAMAGE, row, {**row, "severity": "3"})
    con.execute("COMMIT")
    con.close()
    assert (_sync(package, centre)["applied"]) == 1
    con = sqlite3.connect(package)
    assert not capture.is_current(con, "damage") and capture.TABLE not in {
        r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    # opened by the console (after every check): integer keys and triggers, every row and index kept
    field = open_records(package, profile=FieldProfile("王芳", "", "old-laptop"))
    try:
        assert field.search("spandrel") == [COMPONENT]  # the full-text index still finds its rows
    finally:
        field.close()
    con = sqlite3.connect(package)
    assert all(capture.is_current(con, t) for t in RECORDS | {"inspections": []})
    assert capture.problems(con, "1") == []
    con.execute("DELETE FROM hbim_interventions WHERE id = ?", (REPAIR,))  # now another tool's delete is caught
    con.commit()
    con.close()
    assert verify(package) == []  # the content checksum and signature still hold: records are not in them
    report = _sync(package, centre)
    assert (report["edits"], report["applied"]) == (1, 1), report
    assert REPAIR not in _held(centre)["interventions"]


@pytest.mark.parametrize("damage", ["drop a trigger", "change a trigger", "TEXT keys in format 2",
                                    "a foreign trigger"])
def test_a_package_that_would_lose_other_tools_edits_is_refused_untouched(tmp_path, damage):
    package = make_package(tmp_path / "old-town.gpkg", RECORDS)
    con = sqlite3.connect(package)
    if damage == "drop a trigger":
        con.execute("DROP TRIGGER field_capture_damage_update")
    elif damage == "change a trigger":
        con.execute("DROP TRIGGER field_capture_interventions_delete")
        con.execute("CREATE TRIGGER field_capture_interventions_delete AFTER DELETE ON hbim_interventions "
                    "BEGIN SELECT 1; END")
    elif damage == "a foreign trigger":  # a crafted package that would erase other tools' edits before sync
        con.execute("CREATE TRIGGER tidy AFTER INSERT ON field_capture BEGIN DELETE FROM field_capture; END")
    else:
        con.execute("DROP TABLE hbim_inspections")
        con.execute("CREATE TABLE hbim_inspections (guid TEXT, date TEXT, surveyor TEXT, condition_grade TEXT, "
                    "notes TEXT, illustrative TEXT, id TEXT PRIMARY KEY)")
    con.commit()
    con.close()
    before = hashlib.sha256(package.read_bytes()).hexdigest()
    verified = console_cli("package", "verify", package, "--lang", "en")
    said = verified.stdout + verified.stderr
    assert verified.returncode == 3 and any(w in said for w in ("capture triggers", "record keys", "tidy")), said
    synced = console_cli("package", "sync", package, "--store", tmp_path / "ops.sqlite", "--lang", "en")
    assert synced.returncode == 3 and "Traceback" not in synced.stderr, synced.stderr
    assert len(synced.stderr.strip().splitlines()) == 1 and str(package) in synced.stderr
    assert hashlib.sha256(package.read_bytes()).hexdigest() == before


def test_a_changed_record_key_is_a_delete_and_a_new_record(tmp_path):
    package = make_package(tmp_path / "old-town.gpkg", RECORDS)
    centre = _centre(tmp_path)
    con = sqlite3.connect(package)
    con.execute("UPDATE hbim_interventions SET id = 'b9a5e6a0-6f43-4d9c-9b2e-7a8c1d2e3f40' WHERE id = ?", (REPAIR,))
    con.commit()
    con.close()
    report = _sync(package, centre)
    assert (report["edits"], report["applied"]) == (2, 2), report
    assert set(_held(centre)["interventions"]) == {"b9a5e6a0-6f43-4d9c-9b2e-7a8c1d2e3f40"}
