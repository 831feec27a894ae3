"""Field edits in a package: the profile signs them, each has its outbox row, photos keep their EXIF."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import pytest

from field_package import make_package, seed_rows
from offline.field import profile as profiles
from offline.field.package import outbox
from offline.field.profile import FieldProfile
from offline.hbim import Inspection
from offline.records import open_records

LI = FieldProfile("Li Wei", "old-town team", "laptop-1")


@pytest.fixture
def package(tmp_path):
    return make_package(tmp_path / "old-town.gpkg", seed_rows(), base_version=7)


def test_the_profile_is_saved_with_a_device_id_and_no_environment_overrides_it(monkeypatch, tmp_path):
    monkeypatch.setenv("SONGJIANG_CONFIG_DIR", str(tmp_path / "config"))
    first = profiles.load()
    assert first.surveyor == "console" and first.device
    profiles.set_from_text("Li Wei/old-town team")
    again = profiles.load()
    assert (again.surveyor, again.team, again.device) == ("Li Wei", "old-town team", first.device)
    monkeypatch.setenv("SONGJIANG_SURVEYOR", "Zhao Min")  # once an override; now behaviour is never steered so
    assert profiles.load().surveyor == "Li Wei"
    with pytest.raises(ValueError, match="give a surveyor name"):
        profiles.set_from_text("/team only")
    assert (tmp_path / "config" / "field-profile.json").is_file()


def test_every_edit_and_its_undo_write_an_outbox_row(package):
    store = open_records(package, profile=LI)
    guid = store.records("components")[0].guid
    key = store.put(Inspection(guid, "2026-11-29", surveyor=LI.surveyor, condition_grade=4, notes="new crack"))
    comp = store.get("components", guid)
    comp.material = "granite"
    store.put(comp)
    store.undo()
    rows = outbox(store)
    assert [(r["tbl"], r["key"], r["op"]) for r in rows] == [
        ("inspections", key, "put"), ("components", guid, "put"), ("components", guid, "put")]
    assert {(r["author"], r["team"], r["device"], r["base_version"]) for r in rows} == \
        {("Li Wei", "old-town team", "laptop-1", 7)}
    assert json.loads(rows[0]["after"])["notes"] == "new crack" and rows[0]["before"] is None
    assert json.loads(rows[2]["before"])["material"] == "granite"  # the compensating edit
    assert json.loads(rows[2]["after"]) == json.loads(rows[1]["before"])
    assert store.get("components", guid).material != "granite"
    assert [r["uuid"] for r in rows[2:]] == store.last_edits
    store.close()


def test_the_window_store_opens_a_package_with_the_journal_on(package):
    store = open_records(package)
    assert store.journal is not None and len(store.records("components")) == len(seed_rows()["components"])
    store.delete("inspections", store.records("inspections")[0].id)
    assert [r["op"] for r in outbox(store)] == ["delete"]
    store.close()


def test_a_package_that_is_not_one_is_refused_untouched(tmp_path):
    from offline.guard import StoreRefused
    plain = tmp_path / "plain.sqlite"
    with sqlite3.connect(plain) as con:
        con.execute("CREATE TABLE t (x)")
    before = plain.read_bytes()
    with pytest.raises(StoreRefused, match="not a field package"):
        open_records(plain, profile=LI, package=True)
    assert plain.read_bytes() == before


def test_a_photo_keeps_its_bytes_time_and_place_and_joins_its_damage_record(package, jpeg):
    import hashlib
    from offline.field.photos import add_photo, photos
    store = open_records(package, profile=LI)
    damage = store.records("damage")[0]
    sha = add_photo(store, jpeg, damage.guid, damage.id)
    assert sha == hashlib.sha256(jpeg.read_bytes()).hexdigest()
    (meta,) = photos(store, damage.guid)
    assert meta["taken_at"] == "2026-11-28T10:15:42"
    assert meta["lat"] == pytest.approx(31.0015) and meta["lon"] == pytest.approx(121.225)
    assert sha in store.get("damage", damage.id).photos
    assert [r["op"] for r in outbox(store)] == ["photo", "put"]
    store.undo()  # the record forgets the photo through a compensating edit
    assert sha not in store.get("damage", damage.id).photos and len(outbox(store)) == 3
    store.close()


def test_a_camera_folder_is_imported_and_a_non_photo_refused_with_nothing_written(package, jpeg, tmp_path):
    from offline.field.photos import add_photo, import_folder
    folder = tmp_path / "DCIM"
    folder.mkdir()
    shutil.copy(jpeg, folder / "IMG_0002.JPG")
    (folder / "notes.txt").write_text("not a photo")
    store = open_records(package, profile=LI)
    guid = store.records("components")[0].guid
    assert len(import_folder(store, folder, guid)) == 1
    with pytest.raises(ValueError, match=r"notes\.txt: cannot read photo \(not a JPEG, PNG or TIFF image\)"):
        add_photo(store, folder / "notes.txt", guid)
    assert len(outbox(store)) == 1
    store.close()


def test_gdal_still_opens_the_package_with_the_field_tables(package, jpeg):
    from offline.field.photos import add_photo
    if not shutil.which("ogrinfo"):
        pytest.skip("ogrinfo not installed (Debian package 'gdal-bin')")
    store = open_records(package, profile=LI)
    add_photo(store, jpeg, store.records("components")[0].guid)
    store.close()
    out = subprocess.run(["ogrinfo", "-ro", "-q", str(package)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "hbim_inspections" in out.stdout
    for table in ("field_outbox", "field_sync", "field_capture"):  # the journal's bookkeeping is no layer…
        assert table not in out.stdout
    assert "field_photos" in out.stdout  # …the photos are: QGIS and QField add photos there
    photos = subprocess.run(["ogrinfo", "-ro", "-q", "-sql", "SELECT count(*) AS n FROM field_photos", str(package)],
                            capture_output=True, text=True, timeout=60)
    assert "n (Integer) = 1" in photos.stdout, photos.stdout + photos.stderr
    count = subprocess.run(["ogrinfo", "-ro", "-q", "-sql", "SELECT count(*) AS n FROM field_outbox", str(package)],
                           capture_output=True, text=True, timeout=60)
    assert "n (Integer) = 1" in count.stdout, count.stdout + count.stderr


def test_field_errors_have_their_chinese_words(tmp_path):
    from layers.messages import localize
    for message in (f"{tmp_path}/x.gpkg: not a field package (no package_meta table)",
                    f"{tmp_path}/x.gpkg: field package not found",
                    "postgresql://ops@10.0.0.5/ops: cannot connect to the operations-centre store (timeout)",
                    f"{tmp_path}/a.jpg: cannot read photo (not a JPEG, PNG or TIFF image)",
                    f"{tmp_path}/x.gpkg: edit 1b93f79d-35eb quarantined (the row does not match its SHA-256); it "
                    "waits in the store's conflict list",
                    f"{tmp_path}/DCIM: no photos (.jpg, .jpeg, .png, .tif) in this folder",
                    "field profile '/x': give a surveyor name, e.g. --profile 'Li Wei/old-town team'"):
        zh = localize(message, "zh")
        assert zh != message and any("\u4e00" <= ch <= "\u9fff" for ch in zh), message
