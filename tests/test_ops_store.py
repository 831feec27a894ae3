"""The operations-centre store and sync, every test on SQLite and on PostgreSQL + PostGIS."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from field_package import cut_from, seed_rows
from offline.field.profile import FieldProfile
from offline.hbim import Inspection
from offline.records import open_records
from offline.store.sync import sync
from stores import ops_store, seeded, store_url_param  # noqa: F401  (fixtures)
from tests.helpers import REPO

LI = FieldProfile("Li Wei", "old-town team", "laptop-1")




def _package(store, tmp_path, name="field.gpkg"):
    return cut_from(store, tmp_path / name)


def _first(store, table="inspections"):
    return store.records(table)[0]


def _noted(store, tmp_path, notes: str):
    """A package whose surveyor rewrote the first inspection's notes."""
    package = _package(store, tmp_path)
    field = open_records(package, profile=LI)
    rec = field.get("inspections", _first(store)["id"])
    rec.notes = notes
    field.put(rec)
    field.close()
    return package


def test_a_workstation_edit_is_logged_field_by_field(seeded):
    row = _first(seeded)
    version = seeded.put("inspections", {**row, "notes": "railing re-set", "condition_grade": "4"}, "ops: Wang")
    assert seeded.get("inspections", row["id"])["notes"] == "railing re-set" and seeded.version() == version
    logged = {(c["field"], json.loads(c["new"])) for c in seeded.changes_since(0)}
    assert logged == {("notes", "railing re-set"), ("condition_grade", "4")}


def test_two_workstations_see_each_others_edits_within_a_second(store_url_param):  # noqa: F811
    from offline.store import open_store
    a, b = open_store(store_url_param), open_store(store_url_param)
    try:
        for table, rows in seed_rows().items():
            a.import_rows(table, rows)
        b.wait(0.01)  # b is listening from here on
        row = _first(a)
        a.put("inspections", {**row, "notes": "seen from the other desk"}, "ops: Wang")
        seen = b.wait(1.0)
        assert [(c["key"], c["field"]) for c in seen] == [(row["id"], "notes")]
        assert b.get("inspections", row["id"])["notes"] == "seen from the other desk"
        b.put("inspections", {**row, "notes": "and back"}, "ops: Zhao")
        assert [c["author"] for c in a.wait(1.0)] == ["ops: Zhao"]
    finally:
        a.close()
        b.close()


def test_sync_takes_the_side_that_changed_and_queues_both_changed(seeded, tmp_path):
    package = _package(seeded, tmp_path)
    rows = seeded.records("inspections")
    field = open_records(package, profile=LI)
    one, two, three = (field.get("inspections", r["id"]) for r in rows[:3])
    one.notes = "field only"
    field.put(one)
    two.notes = "field says"
    field.put(two)
    three.notes = "same words"
    field.put(three)
    new = field.put(Inspection(one.guid, "2026-11-29", surveyor=LI.surveyor, condition_grade=3))
    field.close()
    seeded.put("inspections", {**rows[1], "notes": "centre says"}, "ops: Wang")
    seeded.put("inspections", {**rows[2], "notes": "same words"}, "ops: Wang")
    seeded.put("inspections", {**rows[0], "condition_grade": "5"}, "ops: Wang")  # another field of record one
    report = sync(package, seeded).to_dict()
    assert (report["edits"], report["applied"], report["conflict"], report["same"]) == (4, 2, 1, 1)
    assert seeded.get("inspections", rows[0]["id"])["notes"] == "field only"
    assert seeded.get("inspections", rows[0]["id"])["condition_grade"] == "5"
    assert seeded.get("inspections", rows[1]["id"])["notes"] == "centre says"  # never silently overwritten
    assert seeded.get("inspections", new)["surveyor"] == "Li Wei"
    (c,) = seeded.conflicts()
    assert (c["key"], c["field"], c["base"], c["field_value"], c["store_value"], c["author"]) == \
        (rows[1]["id"], "notes", rows[1]["notes"], "field says", "centre says", "Li Wei")


def test_an_edit_to_a_record_deleted_at_the_centre_is_a_conflict(seeded, tmp_path):
    package = _package(seeded, tmp_path)
    row = _first(seeded, "damage")
    field = open_records(package, profile=LI)
    rec = field.get("damage", row["id"])
    rec.extent = "30 cm"
    field.put(rec)
    field.close()
    seeded.delete("damage", row["id"], "ops: Wang")
    assert sync(package, seeded).to_dict()["conflict"] == 1
    (c,) = seeded.conflicts()
    assert c["field"] == "*" and c["store_value"] is None and c["field_value"]["extent"] == "30 cm"
    assert seeded.get("damage", row["id"]) is None
    seeded.resolve(c["id"], c["field_value"], "ops: Wang")  # keep the surveyor's record
    assert seeded.get("damage", row["id"])["extent"] == "30 cm" and not seeded.conflicts()
    assert seeded.changes_since(0)[-1]["source"] == f"conflict:{c['id']}"


def test_sync_twice_changes_nothing(seeded, tmp_path):
    package = _noted(seeded, tmp_path, "once")
    assert sync(package, seeded).to_dict()["applied"] == 1
    version, changes, before = seeded.version(), seeded.last_change(), package.read_bytes()
    again = sync(package, seeded).to_dict()
    assert again["edits"] == 0 and seeded.version() == version and seeded.last_change() == changes
    assert package.read_bytes() == before


def test_an_interrupted_sync_resumes_without_duplicates(seeded, tmp_path, monkeypatch):
    """The store committed, then the sync died before the package heard: the rerun only marks."""
    package = _package(seeded, tmp_path)
    field = open_records(package, profile=LI)
    for r in seeded.records("inspections"):
        rec = field.get("inspections", r["id"])
        rec.notes += " (checked)"
        field.put(rec)
    field.close()
    real = seeded.apply_edits
    calls = []

    def dies_after_commit(*args):
        calls.append(real(*args))
        raise KeyboardInterrupt  # as a kill would, right after the store's commit

    monkeypatch.setattr(seeded, "apply_edits", dies_after_commit)
    with pytest.raises(KeyboardInterrupt):
        sync(package, seeded, batch=3)
    with sqlite3.connect(package) as con:  # nothing in the package changed
        assert con.execute("SELECT COUNT(*) FROM field_sync").fetchone()[0] == 0
    monkeypatch.setattr(seeded, "apply_edits", real)
    report = sync(package, seeded, batch=3).to_dict()
    n = len(seeded.records("inspections"))
    assert report["already"] == 3 and report["applied"] == n - 3
    assert all(r["notes"].endswith(" (checked)") and not r["notes"].endswith(" (checked) (checked)")
               for r in seeded.records("inspections"))


def test_photos_arrive_verified_by_sha256(seeded, tmp_path, jpeg):
    from offline.field.photos import add_photo
    package = _package(seeded, tmp_path)
    field = open_records(package, profile=LI)
    damage = _first(seeded, "damage")
    sha = add_photo(field, jpeg, damage["guid"], damage["id"])
    field.close()
    report = sync(package, seeded).to_dict()
    assert report["photos"] == 1
    assert hashlib.sha256(seeded.photo(sha)).hexdigest() == sha
    assert sha in json.loads(seeded.get("damage", damage["id"])["photos"])


def test_a_damaged_photo_is_quarantined_its_bytes_never_sent_and_the_rest_syncs(seeded, tmp_path, jpeg):
    from offline.field.photos import add_photo
    package = _package(seeded, tmp_path)
    field = open_records(package, profile=LI)
    damage = _first(seeded, "damage")
    sha = add_photo(field, jpeg, damage["guid"], damage["id"])  # the photo, and the record's photo list
    field.db.execute("UPDATE field_photos SET data = ? WHERE sha256 = ?", (b"\xff\xd8 not the photo", sha))
    field.close()
    report = sync(package, seeded)
    assert (report.to_dict()["quarantined"], report.to_dict()["applied"], report.photos) == (1, 1, 0)
    with sqlite3.connect(package) as con:
        (photo_edit,) = con.execute("SELECT uuid FROM field_outbox WHERE op = 'photo'").fetchone()
    con.close()
    assert report.quarantined == [(photo_edit, "the photo's bytes are missing or do not match its SHA-256")]
    assert seeded.photo(sha) is None and sha in json.loads(seeded.get("damage", damage["id"])["photos"])
    (c,) = seeded.conflicts()
    assert (c["field"], c["tbl"], c["key"]) == ("quarantined", "photos", sha)


def test_annotations_are_kept(seeded):
    ident = seeded.put_annotation({"kind": "text", "text": "拱圈裂缝"}, "ops: Wang", guid="g1")
    assert [(a["id"], a["body"]["text"]) for a in seeded.annotations()] == [(ident, "拱圈裂缝")]


def test_the_sync_command_prints_counts_and_is_idempotent(seeded, tmp_path):
    package = _noted(seeded, tmp_path, "from the command line")
    url = seeded.url if seeded.url.startswith("postgresql") else str(seeded.path)
    seeded.close()

    def run():
        out = subprocess.run([sys.executable, "-m", "console", "package", "sync", str(package), "--store", url],
                             cwd=REPO, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)
    assert run()["applied"] == 1 and run()["edits"] == 0


def test_an_unreachable_store_is_one_line_without_the_password(tmp_path):
    from mosquitto import free_port
    from layers.messages import localize
    from offline.guard import StoreRefused
    from offline.store import open_store
    url = f"postgresql://ops:s3cret-sentinel@127.0.0.1:{free_port()}/ops"
    with pytest.raises(StoreRefused) as info:
        open_store(url)
    message = str(info.value)
    assert "s3cret-sentinel" not in message and "\n" not in message
    assert message.startswith("postgresql://ops@127.0.0.1:") and "cannot connect" in message
    assert "无法连接运营中心数据库" in localize(message, "zh")


def test_the_package_commands_tell_bad_input_in_one_line(tmp_path, jpeg):
    from field_package import make_package
    package = make_package(tmp_path / "p.gpkg", seed_rows())

    def run(*args):
        return subprocess.run([sys.executable, "-m", "console", "package", *map(str, args), "--lang", "zh"],
                              cwd=REPO, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "SONGJIANG_CONFIG_DIR": str(tmp_path / "config")})
    out = run("sync", tmp_path / "missing.gpkg", "--store", tmp_path / "s.sqlite")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "找不到外业数据包" in out.stderr
    guid = seed_rows()["components"][0]["guid"]
    out = run("photo", package, jpeg, "--component", guid, "--profile", "李伟/老城遗产组")
    assert out.returncode == 0 and out.stdout.split()[0] == hashlib.sha256(jpeg.read_bytes()).hexdigest()
    out = run("photo", package, tmp_path / "p.gpkg-nope", "--component", guid)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "无法读取照片" in out.stderr


def test_a_workstation_editing_during_a_sync_neither_blocks_nor_loses_anything(seeded, tmp_path):
    """Both take the store's locks in the same order: no deadlock, every edit journalled or logged."""
    import threading
    from offline.store import open_store
    package = _package(seeded, tmp_path)
    field = open_records(package, profile=LI)
    guids = [c.guid for c in field.records("components")][:30]
    for i in range(300):
        comp = field.get("components", guids[i % 30])
        comp.phase = f"field {i}"
        field.put(comp)
    field.close()
    url = seeded.url if seeded.url.startswith("postgresql") else str(seeded.path)
    errors = []

    def desk():
        other = open_store(url)
        try:
            for i in range(60):
                other.put("components", {"guid": guids[i % 30], "material": f"desk {i}"}, "ops: Zhao")
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            other.close()
    thread = threading.Thread(target=desk)
    thread.start()
    report = sync(package, seeded, batch=20).to_dict()
    thread.join(60)
    assert not errors and report["edits"] == 300
    assert len(seeded.applied(r["uuid"] for r in _outbox_rows(package))) == 300
    assert {seeded.get("components", g)["material"] for g in guids} == {f"desk {i}" for i in range(30, 60)}


def _outbox_rows(package):
    with sqlite3.connect(package) as con:
        return [{"uuid": r[0]} for r in con.execute("SELECT uuid FROM field_outbox")]
