"""The first sync into a new operations-centre store merges, and two surveyors' photos are both kept (issue 26).

A new user's first `package sync` into the default centre store made every edit of an existing
record a whole-record "（记录已删除）" conflict: the store started empty and no command filled it,
so the record a package was cut from did not exist at the centre. A new store now starts with
the records packages are cut from (offline/hbim_seeding.py ``source_records``, filled by
``Store.initialise`` when ``open_store`` opens a store at version 0), on SQLite and PostgreSQL.
Here a package is cut by the real `package create`, an existing damage record is edited in it
through the field opener, and the real `package sync` CLI sends it into a fresh store.

Photos: each surveyor's photo joins the damage record's photo list; the second sync met the
first's list and queued a conflict whose "take the field value" kept only the last photo. A
photo list is a set (offline/store/merge.py ``merge_set``): both surveyors' photos are kept.
"""
from __future__ import annotations

import json
import shutil

import pytest

from stores import store_url, store_url_param  # noqa: F401  (fixture: SQLite and PostgreSQL)
from tests.helpers import console_cli, old_town_package_fixture

created = old_town_package_fixture()
BACKENDS = ["sqlite", "postgresql"]


def _field_copy(created, tmp_path, name: str):
    out = tmp_path / f"{name}.gpkg"
    shutil.copyfile(created, out)
    return out


def _surveyor(name: str):
    from offline.field.profile import FieldProfile
    return FieldProfile(name, "老城遗产组", f"{name}-laptop")


@pytest.mark.parametrize("backend", BACKENDS)
def test_first_sync_of_an_edit_to_an_existing_record_applies(created, tmp_path, backend):
    from offline.records import open_records
    pkg = _field_copy(created, tmp_path, "old-town")
    field = open_records(pkg, profile=_surveyor("李伟"))
    try:
        damage = field.records("damage")[0]  # a record that came with the package
        damage.severity = 5 if damage.severity != 5 else 4
        field.put(damage)
    finally:
        field.close()
    centre = store_url(backend, tmp_path)  # never opened: a new, default-made store
    run = console_cli("package", "sync", pkg, "--store", centre, "--lang", "en")
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["edits"], report["applied"], report["conflict"], report["partial"]) == (1, 1, 0, 0), report
    listed = console_cli("package", "conflicts", "--store", centre, "--lang", "en")
    assert listed.returncode == 0 and listed.stdout == "", listed.stdout + listed.stderr
    from offline.store import open_store
    store = open_store(centre)
    try:
        assert store.get("damage", damage.id)["severity"] == str(damage.severity)
    finally:
        store.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_surveyors_photos_on_one_damage_record_are_both_kept(created, tmp_path, jpeg, backend):
    from PIL import Image
    from offline.field.photos import add_photo
    from offline.records import open_records
    from offline.store import open_store
    from offline.store.sync import sync
    other = tmp_path / "IMG_0002.jpg"
    Image.new("RGB", (64, 48), (30, 60, 200)).save(other)
    shas, damage_id, before = [], None, None
    for who, photo in (("李伟", jpeg), ("王芳", other)):
        pkg = _field_copy(created, tmp_path, who)
        field = open_records(pkg, profile=_surveyor(who))
        try:
            damage = field.records("damage")[0]
            damage_id, before = damage.id, list(damage.photos)
            shas.append(add_photo(field, photo, damage.guid, damage.id))
        finally:
            field.close()
    store = open_store(store_url(backend, tmp_path))
    try:
        for who in ("李伟", "王芳"):
            report = sync(tmp_path / f"{who}.gpkg", store).to_dict()
            assert (report["photos"], report["conflict"], report["partial"]) == (1, 0, 0), report
        assert store.conflicts() == []
        assert json.loads(store.get("damage", damage_id)["photos"]) == before + shas  # both, in arrival order
        assert all(store.photo(sha) for sha in shas)
    finally:
        store.close()


def test_store_init_gives_a_store_used_before_the_records_it_lacks(created, tmp_path):
    """A store an older console made (used, never given the records): `store init` adds what it lacks, once,
    and leaves what the centre changed; the first sync of a field edit then merges."""
    from offline.records import open_records
    from offline.store import open_store
    from offline.store.sync import sync
    centre = str(tmp_path / "old-centre.sqlite")
    store = open_store(centre, seed=False)  # as an older console left it: used, and empty of records
    pkg = _field_copy(created, tmp_path, "old-town")
    field = open_records(pkg, profile=_surveyor("李伟"))
    try:
        first, second = field.records("damage")[:2]
        store.put("damage", {**field._encode(first), "extent": "centre's own"}, "运营中心 王")
        second.extent = "field's own"
        field.put(second)
    finally:
        field.close()
    store.close()
    run = console_cli("store", "init", "--store", centre)
    assert run.returncode == 0 and " records added" in run.stdout, run.stderr
    added = int(run.stdout.split(": ")[-1].split()[0])
    again = console_cli("store", "init", "--store", centre)
    assert again.returncode == 0 and again.stdout.split(": ")[-1].startswith("0 records added"), again.stdout
    store = open_store(centre)
    try:
        assert added == sum(len(store.records(t)) for t in ("components", "inspections", "damage",
                                                             "interventions")) - 1  # all but the centre's own
        assert store.get("damage", first.id)["extent"] == "centre's own"
        report = sync(pkg, store).to_dict()
        assert (report["applied"], report["conflict"]) == (1, 0), report
        assert store.get("damage", second.id)["extent"] == "field's own"
    finally:
        store.close()
    missing = console_cli("store", "init", "--store", centre, "--records", tmp_path / "nowhere.sqlite")
    assert missing.returncode == 2 and not (tmp_path / "nowhere.sqlite").exists(), missing.stderr


def test_a_photo_conflict_queued_before_sets_merged_keeps_both_photos_when_resolved(store_url_param):
    """A store an older console used may hold a queued photo-list conflict; "采用现场值" adds the field's photo to
    the centre's list instead of replacing it (the list is a set there too)."""
    from offline.store import open_store
    store = open_store(store_url_param, seed=False)
    try:
        store.import_rows("damage", [{"id": "d1", "guid": "g1", "type": "crack", "severity": "2",
                                      "photos": json.dumps(["a", "b"])}])
        store.q("INSERT INTO conflicts (id, edit_id, tbl, key, field, base, field_value, store_value, author, "
                "edited_at) VALUES ('c1', 'e1', 'damage', 'd1', 'photos', ?, ?, ?, '王芳', '2026-11-28T10:00:00')",
                [json.dumps(v) for v in (json.dumps(["a"]), json.dumps(["a", "c"]), json.dumps(["a", "b"]))])
        (c,) = store.conflicts()
        store.resolve(c["id"], c["field_value"], "运营中心 王")
        assert json.loads(store.get("damage", "d1")["photos"]) == ["a", "b", "c"]
    finally:
        store.close()
