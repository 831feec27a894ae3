"""`package sync` is two-way (issue 23, item 3): the centre's changes come back into the package.

On main a sync only sent the package's edits: what the operations centre changed (a workstation's
edit, another surveyor's photo, an annotation, a settled conflict) never reached a package, and a
package kept the version it was cut from for ever. Now, after the push, the centre's changes since
the package's base version are merged into the package field by field in one transaction, with
the photos' bytes and the annotations; a conflict is listed on both sides (``package conflicts
--store`` and ``--package``); the package records the version it is now based on; the capture
triggers never journal what came from the centre; a kill during the pull and a rerun give what one
uninterrupted sync gives, and a second sync brings nothing.

Small packages (tests/field_package.py, as ``package create`` makes them, format 2) and a centre
store holding the same records; the real CLI (`package sync`, `package conflicts`, `package verify`)
in a subprocess; SQLite, and PostgreSQL for the journey.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from stores import store_url
from tests.field_package import copy_sqlite, make_package
from tests.helpers import REPO, console_cli

COMPONENT, OTHER, OUTSIDE = "3vB2YO$MX4xv5uCqZZG05x", "1hOSvn6df7F8_7GcBWlRGQ", "0Zq1Xr8nT3tB$uFGr0u1dE"
INSPECTION, DAMAGE = "5c7f3a0e-0d1c-4b7e-9a51-1b1f0c2f6a21", "9d7f4c1e-0d0e-4c7e-9a51-1b1f0c2f6a11"
RECORDS = {
    "components": [{"guid": COMPONENT, "model": "cangcheng_bridge", "classification": "arch ring", "material": "granite",
                    "illustrative": "0"},
                   {"guid": OTHER, "model": "cangcheng_bridge", "classification": "parapet", "illustrative": "0"}],
    "inspections": [{"guid": COMPONENT, "date": "2026-10-01", "surveyor": "Li", "condition_grade": "2",
                     "notes": "hairline crack", "illustrative": "0", "id": INSPECTION}],
    "damage": [{"guid": OTHER, "type": "crack", "severity": "2", "extent": "", "location": "east spandrel",
                "photos": "[]", "date": "2026-10-02", "illustrative": "0", "id": DAMAGE}],
}
OUTSIDE_ROWS = {"components": [{"guid": OUTSIDE, "model": "songjiang_square_pagoda", "classification": "eave",
                                "illustrative": "0"}]}


def _centre(url: str) -> str:
    """A centre store holding the package's records, and one component of a model the package has not."""
    from offline.store import open_store
    store = open_store(url, seed=False)
    try:
        for rows in (RECORDS, OUTSIDE_ROWS):
            for table, table_rows in rows.items():
                store.import_rows(table, table_rows)
    finally:
        store.close()
    return url


def _package(tmp_path: Path, name: str = "old-town.gpkg") -> Path:
    return make_package(tmp_path / name, RECORDS)


def _store(url: str):
    from offline.store import open_store
    return open_store(url, seed=False)


def _sync(package: Path, centre: str) -> dict:
    run = console_cli("package", "sync", package, "--store", centre, "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def _conflicts(*where) -> list[dict]:
    run = console_cli("package", "conflicts", *where, "--json", "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    return [json.loads(line) for line in run.stdout.splitlines()]


def _field_edit(package: Path, notes: str):
    """The surveyor changes the inspection's notes in the console's field mode (journalled)."""
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    field = open_records(package, profile=FieldProfile("李伟", "老城组", "laptop-1"))
    rec = field.get("inspections", INSPECTION)
    rec.notes = notes
    field.put(rec)
    field.close()


def _rows(package: Path, table: str) -> dict:
    con = sqlite3.connect(package)
    con.row_factory = sqlite3.Row
    try:
        key = "guid" if table == "components" else "id"
        return {r[key]: {k: r[k] for k in r.keys() if k != "fid"} for r in con.execute(f"SELECT * FROM hbim_{table}")}
    finally:
        con.close()


def _count(package: Path, sql: str) -> int:
    con = sqlite3.connect(package)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _state(package: Path) -> dict:
    """What a pull decides: the records, the package's conflict list, photos, annotations and its base."""
    con = sqlite3.connect(package)
    try:
        out = {t: _rows(package, t) for t in ("components", "inspections", "damage", "interventions")}
        out["conflicts"] = con.execute("SELECT id, tbl, key, field, field_value, store_value, status, origin "
                                       "FROM field_conflicts ORDER BY id").fetchall()
        out["photos"] = con.execute("SELECT sha256, name, guid FROM field_photos ORDER BY sha256").fetchall()
        out["base"] = con.execute("SELECT version FROM field_base").fetchall()
        out["outbox"] = con.execute("SELECT uuid, tbl, key, before, after FROM field_outbox ORDER BY seq").fetchall()
        return out
    finally:
        con.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_centre_edit_reaches_the_package_at_the_next_sync_and_a_second_sync_brings_nothing(backend, tmp_path):
    centre = _centre(store_url(backend, tmp_path))
    package = _package(tmp_path)
    with sqlite3.connect(package) as con:  # another tool (QGIS) edits a record before the sync: still sent
        con.execute("UPDATE hbim_components SET material = 'limestone' WHERE guid = ?", (OTHER,))
    con.close()
    store = _store(centre)
    try:
        store.put("inspections", {"id": INSPECTION, "guid": COMPONENT, "notes": "crack widened to 2 mm"}, "ops: Wang")
        added = "a-new-one"
        store.put("inspections", {"id": added, "guid": COMPONENT, "date": "2026-12-01", "notes": "centre survey"},
                  "ops: Wang")
        store.put("inspections", {"id": "elsewhere", "guid": OUTSIDE, "date": "2026-12-01"}, "ops: Wang")
        store.delete("damage", DAMAGE, "ops: Wang")
    finally:
        store.close()
    report = _sync(package, centre)
    assert (report["edits"], report["applied"]) == (1, 1), report  # the other tool's edit went out
    assert report["received"]["records"] == 3, report
    inspections = _rows(package, "inspections")
    assert inspections[INSPECTION]["notes"] == "crack widened to 2 mm"
    assert inspections[INSPECTION]["date"] == "2026-10-01"  # the fields the centre did not change stay
    assert inspections[added]["notes"] == "centre survey"
    assert "elsewhere" not in inspections  # a record of a component outside the package's area stays out
    assert DAMAGE not in _rows(package, "damage")  # deleted at the centre
    # what came from the centre is not a field edit: the outbox holds the other tool's one edit only
    assert _count(package, "SELECT count(*) FROM field_outbox") == 1
    assert _count(package, "SELECT count(*) FROM field_capture") == 0
    store = _store(centre)
    try:
        version = store.version()
        assert store.get("components", OTHER)["material"] == "limestone"
    finally:
        store.close()
    assert report["received"]["base_version"] == version
    assert _count(package, "SELECT version FROM field_base") == version
    from offline.workspace import Workspace
    assert Workspace.field(package).package_meta["base_version"] == str(version)  # what `info` and the window show
    verified = console_cli("package", "verify", package)
    assert verified.returncode == 0, verified.stdout + verified.stderr  # checksum and signature still hold
    before = _state(package)
    again = _sync(package, centre)
    assert again["edits"] == 0 and again["received"] == {"records": 0, "photos": 0, "annotations": 0,
                                                          "conflicts": 0, "base_version": version}, again
    assert _state(package) == before


def test_both_sides_edit_one_field_the_conflict_is_listed_on_both_sides_until_the_centre_settles_it(tmp_path):
    centre, package = _centre(str(tmp_path / "ops.sqlite")), _package(tmp_path)
    _field_edit(package, "东侧拱圈新增裂缝")
    store = _store(centre)
    try:  # the centre edits the same field, and one the surveyor did not touch
        store.put("inspections", {"id": INSPECTION, "guid": COMPONENT, "notes": "已加固", "condition_grade": "4"},
                  "运营中心 王")
    finally:
        store.close()
    report = _sync(package, centre)
    assert (report["conflict"], report["received"]["conflicts"]) == (1, 1), report
    mine = _rows(package, "inspections")[INSPECTION]
    assert (mine["notes"], mine["condition_grade"]) == ("东侧拱圈新增裂缝", "4")  # field-level: the other is taken
    at_centre, in_package = _conflicts("--store", centre), _conflicts("--package", package)
    assert [(c["id"], c["field"], c["field_value"], c["store_value"], c["author"]) for c in at_centre] == \
        [(c["id"], c["field"], c["field_value"], c["store_value"], c["author"]) for c in in_package] == \
        [(at_centre[0]["id"], "notes", "东侧拱圈新增裂缝", "已加固", "李伟")]
    assert in_package[0]["origin"] == "centre" and in_package[0]["shown"]["field_value"] == "东侧拱圈新增裂缝"
    store = _store(centre)
    try:
        from offline.store.sync import sync
        assert sync(package, store).received.conflicts == 0  # listed once
        store.resolve(at_centre[0]["id"], "东侧拱圈新增裂缝（已加固）", "运营中心 王")
    finally:
        store.close()
    settled = _sync(package, centre)
    assert settled["received"]["records"] == 1, settled
    assert _rows(package, "inspections")[INSPECTION]["notes"] == "东侧拱圈新增裂缝（已加固）"
    assert _conflicts("--package", package) == [] and _conflicts("--store", centre) == []


def test_an_unsynced_edit_meeting_a_centre_change_is_one_conflict_under_the_id_the_centre_gives_it(tmp_path):
    """The pull alone (as after a push that could not send an edit): the surveyor's unsynced value wins where
    the push will apply it, and is listed as a conflict where the push will meet a third value."""
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    from offline.store.pull import pull
    centre = _centre(str(tmp_path / "ops.sqlite"))
    package = _package(tmp_path)
    field = open_records(package, profile=FieldProfile("李伟", "老城组", "laptop-1"))
    rec = field.get("inspections", INSPECTION)
    rec.notes, rec.condition_grade = "裂缝扩大", 3
    field.put(rec)
    field.close()
    store = _store(centre)
    try:
        store.put("inspections", {"id": INSPECTION, "guid": COMPONENT, "notes": "已加固", "surveyor": "Wang"}, "ops")
        got = pull(package, store)
        mine = _rows(package, "inspections")[INSPECTION]
        assert (mine["notes"], mine["condition_grade"], mine["surveyor"]) == ("裂缝扩大", "3", "Wang")
        (listed,) = _conflicts("--package", package)
        assert (got.conflicts, listed["origin"], listed["field_value"], listed["store_value"]) == \
            (1, "package", "裂缝扩大", "已加固")
    finally:
        store.close()
    _sync(package, centre)
    (at_centre,) = _conflicts("--store", centre)
    (in_package,) = _conflicts("--package", package)
    assert at_centre["id"] == in_package["id"] == listed["id"] and in_package["origin"] == "centre"


def test_the_centres_photos_and_annotations_reach_the_other_packages_of_the_area(tmp_path, jpeg):
    from offline.field.annotations import read_annotations
    from offline.field.photos import add_photo
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    centre = _centre(str(tmp_path / "ops.sqlite"))
    first, second = _package(tmp_path, "a.gpkg"), _package(tmp_path, "b.gpkg")
    field = open_records(first, profile=FieldProfile("李伟", "老城组", "laptop-1"))
    sha = add_photo(field, jpeg, OTHER, DAMAGE)
    field.close()
    assert _sync(first, centre)["photos"] == 1
    store = _store(centre)
    try:  # a store names the photo with folders: the package keeps a name, never a path
        store.q("UPDATE photos SET name = '../../../outside/IMG_0001.jpg' WHERE sha256 = ?", (sha,))
        note = store.put_annotation({"id": "n1", "kind": "text", "text": "拱圈裂缝", "anchor": COMPONENT}, "ops: Wang",
                                    guid=COMPONENT, ident="n1")
    finally:
        store.close()
    report = _sync(second, centre)
    assert report["received"] | {"base_version": 0} == {"records": 1, "photos": 1, "annotations": 1, "conflicts": 0,
                                                         "base_version": 0}, report
    con = sqlite3.connect(second)
    try:
        name, guid, data = con.execute("SELECT name, guid, data FROM field_photos WHERE sha256 = ?", (sha,)).fetchone()
    finally:
        con.close()
    assert (name, guid, hashlib.sha256(data).hexdigest()) == ("IMG_0001.jpg", OTHER, sha)
    assert json.loads(_rows(second, "damage")[DAMAGE]["photos"]) == [sha]
    assert [(a["id"], a["text"]) for a in read_annotations(second)] == [(note, "拱圈裂缝")]
    assert _count(second, "SELECT count(*) FROM field_outbox") == 0  # none of it goes back as a field edit
    assert _sync(second, centre)["received"]["photos"] == 0


KILLED_PULL = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from offline.field import pulled
from offline.store import open_store
from offline.store.sync import sync

def killed(*args, **kw):  # the pull's last write before its commit: the process dies here
    os.kill(os.getpid(), signal.SIGKILL)

pulled.set_base = killed
store = open_store(sys.argv[2], seed=False)
sync(sys.argv[1], store)
"""


def test_a_sync_killed_during_the_pull_then_run_again_equals_one_uninterrupted_sync(tmp_path):
    centre, package = _centre(str(tmp_path / "ops.sqlite")), _package(tmp_path)
    _field_edit(package, "东侧拱圈新增裂缝")
    store = _store(centre)
    try:
        store.put("inspections", {"id": INSPECTION, "guid": COMPONENT, "notes": "已加固", "date": "2026-11-30"}, "ops")
        store.put("damage", {"id": DAMAGE, "guid": OTHER, "severity": "4"}, "ops")
    finally:
        store.close()
    expected_package, expected_centre = tmp_path / "expected.gpkg", tmp_path / "expected.sqlite"
    shutil.copyfile(package, expected_package)
    copy_sqlite(centre, expected_centre)
    _sync(expected_package, str(expected_centre))
    records_before = {t: _rows(package, t) for t in ("inspections", "damage")}
    child = subprocess.run([sys.executable, "-c", KILLED_PULL.format(repo=str(REPO)), str(package), centre],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    # the push had committed (the store holds the edit, the package marked it); the pull left nothing
    assert {t: _rows(package, t) for t in ("inspections", "damage")} == records_before
    assert _count(package, "SELECT count(*) FROM field_sync") == 1
    assert _count(package, "SELECT count(*) FROM sqlite_master WHERE name = 'field_base'") == 0 or \
        _count(package, "SELECT count(*) FROM field_base") == 0
    verified = console_cli("package", "verify", package)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    resumed = _sync(package, centre)
    assert (resumed["edits"], resumed["received"]["records"]) == (0, 2), resumed
    assert _state(package) == _state(expected_package)
    assert _sync(package, centre)["received"]["records"] == 0
