"""A damaged outbox row is quarantined, named and listed for a person; the rest of the package syncs.

Before, one damaged row stopped a package's sync for ever ("Expecting ':' delimiter…", no
package or edit named), and damage that still parsed was merged silently. Each outbox row now
carries its own SHA-256 (offline/field/outbox.py). Every test runs on SQLite and PostgreSQL
(tests/stores.py), damaging real packages the way a bad card or a hand edit would, and drives
the real command line where the user would.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from field_package import cut_from, seed_rows
from layers.sqlite_uri import connect_ro
from offline.records import open_records
from offline.field.profile import FieldProfile
from offline.store.sync import sync
from stores import ops_store, seeded, store_url_param  # noqa: F401  (fixtures)

REPO = Path(__file__).resolve().parents[1]
LI = FieldProfile("Li Wei", "old-town team", "laptop-1")




def _edited(store, tmp_path, n: int = 10) -> tuple[Path, list[str], list[str]]:
    """A package whose surveyor re-phased ``n`` components: (package, outbox UUIDs, GlobalIds), oldest first."""
    package = cut_from(store, tmp_path / "field.gpkg")
    field = open_records(package, profile=LI)
    guids = [c.guid for c in field.records("components")][:n]
    uuids = []
    for i, guid in enumerate(guids):
        comp = field.get("components", guid)
        comp.phase = f"field phase {i}"
        field.put(comp)
        uuids += field.last_edits
    field.close()
    return package, uuids, guids


def _damage(package: Path, edit: str, **change):
    """Change one outbox row outside the console (a value, or a function of the old value)."""
    with sqlite3.connect(package) as con:
        for column, value in change.items():
            if callable(value):
                value = value(con.execute(f"SELECT {column} FROM field_outbox WHERE uuid = ?", (edit,)).fetchone()[0])
            con.execute(f"UPDATE field_outbox SET {column} = ? WHERE uuid = ?", (value, edit))
    con.close()


def _url(store) -> str:
    return store.url if store.url.startswith("postgresql") else str(store.path)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "console", "package", *map(str, args), "--lang", "en"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def _package_id(package: Path) -> str:
    with connect_ro(package) as con:
        return con.execute("SELECT value FROM package_meta WHERE key = 'package_id'").fetchone()[0]


def test_one_damaged_row_among_ten_is_quarantined_named_and_listed_and_the_next_sync_runs(seeded, tmp_path):
    package, uuids, guids = _edited(seeded, tmp_path)
    before = seeded.get("components", guids[3])
    _damage(package, uuids[3], after=lambda a: a.replace('":', '"!', 1))  # "Expecting ':' delimiter" on main
    url = _url(seeded)
    seeded.close()
    out = _cli("sync", package, "--store", url)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["edits"], report["applied"], report["quarantined"]) == (10, 9, 1), report
    (line,) = out.stderr.splitlines()  # one line, naming the package and the edit
    assert line.startswith(f"songjiang-console: {package}: edit {uuids[3]} quarantined (the row's after is not "
                           "valid JSON"), line
    again = _cli("sync", package, "--store", url)  # not blocked, and the damaged row is not sent again
    assert again.returncode == 0 and again.stderr == "" and json.loads(again.stdout)["edits"] == 0
    listed = [json.loads(x) for x in _cli("conflicts", "--store", url, "--json").stdout.splitlines()]
    assert [(c["field"], c["edit_id"], c["package_id"], c["tbl"], c["key"]) for c in listed] == \
        [("quarantined", uuids[3], _package_id(package), "components", guids[3])]
    assert listed[0]["store_value"] == before and listed[0]["reason"].startswith("the row's after is not valid JSON")
    from offline.store import open_store
    store = open_store(url)
    try:
        phases = [store.get("components", g)["phase"] for g in guids]
    finally:
        store.close()
    assert phases == [f"field phase {i}" for i in range(3)] + [before["phase"]] + \
        [f"field phase {i}" for i in range(4, 10)]


def test_damage_that_still_parses_is_quarantined_not_merged(seeded, tmp_path):
    package, uuids, guids = _edited(seeded, tmp_path, 4)
    _damage(package, uuids[0], after=lambda a: a.replace("field phase 0", "field phase 8"))  # a flipped bit
    _damage(package, uuids[1], key=guids[2], after=lambda a: a.replace(guids[1], guids[2]))  # another record
    _damage(package, uuids[2], sha256=None)  # the hash blanked
    report = sync(package, seeded)
    assert report.to_dict()["applied"] == 1 and report.quarantined == [
        (uuids[0], "the row does not match its SHA-256"), (uuids[1], "the row does not match its SHA-256"),
        (uuids[2], "the row has no SHA-256")]
    assert [seeded.get("components", g)["phase"] for g in guids] == \
        [r["phase"] for r in seed_rows()["components"][:3]] + ["field phase 3"]
    assert sorted(c["edit_id"] for c in seeded.conflicts()) == sorted(uuids[:3])


@pytest.mark.parametrize("change, reason", [
    ({"op": "pux"}, "the row's operation 'pux' is unknown"),
    ({"tbl": "users"}, "the row's table 'users' is unknown for 'put'"),
    ({"author": ""}, "the row's author is missing"),
    ({"after": b"\xff\xfe"}, "the row's after is not text"),
    ({"after": lambda a: a.replace('"phase"', '"phaze"')}, "the row's after has an unknown field 'phaze'"),
])
def test_rows_that_are_not_edits_are_quarantined_with_their_reason(seeded, tmp_path, change, reason):
    package, uuids, _ = _edited(seeded, tmp_path, 2)
    _damage(package, uuids[1], **change)
    report = sync(package, seeded)
    assert report.quarantined == [(uuids[1], reason)] and report.to_dict()["applied"] == 1
    assert seeded.conflicts()[0]["reason"] == reason


def test_text_that_is_not_utf8_is_quarantined_not_a_stopped_sync(seeded, tmp_path):
    package, uuids, _ = _edited(seeded, tmp_path, 3)
    with sqlite3.connect(package) as con:  # a bad byte inside the text, as a bad card leaves it
        con.execute("UPDATE field_outbox SET after = CAST(CAST(after AS BLOB) || x'ff' AS TEXT) WHERE uuid = ?",
                    (uuids[1],))
    con.close()
    report = sync(package, seeded)
    assert report.quarantined == [(uuids[1], "the row's after is not valid UTF-8")]
    assert report.to_dict()["applied"] == 2


def test_a_repaired_row_is_sent_once_and_a_still_damaged_one_never_again(seeded, tmp_path):
    package, uuids, guids = _edited(seeded, tmp_path, 3)
    with sqlite3.connect(package) as con:
        good = con.execute("SELECT after FROM field_outbox WHERE uuid = ?", (uuids[2],)).fetchone()[0]
    con.close()
    _damage(package, uuids[1], op="pux")
    _damage(package, uuids[2], after=good.replace("field phase 2", "field phase X"))
    assert sync(package, seeded).to_dict()["quarantined"] == 2
    with sqlite3.connect(package) as con:
        assert dict(con.execute("SELECT uuid, outcome FROM field_sync")) == {
            uuids[0]: "applied", uuids[1]: "quarantined", uuids[2]: "quarantined"}
    con.close()
    version = seeded.version()
    assert sync(package, seeded).to_dict()["edits"] == 0 and seeded.version() == version
    _damage(package, uuids[2], after=good)  # restored from a backup
    report = sync(package, seeded).to_dict()
    assert (report["edits"], report["applied"]) == (1, 1)
    assert seeded.get("components", guids[2])["phase"] == "field phase 2"
    assert [c["edit_id"] for c in seeded.conflicts()] == [uuids[1]]  # the repaired one's entry is settled
    with sqlite3.connect(package) as con:
        assert con.execute("SELECT outcome FROM field_sync WHERE uuid = ?", (uuids[2],)).fetchone()[0] == "applied"
    con.close()
    assert sync(package, seeded).to_dict()["edits"] == 0


def test_a_sync_killed_after_the_store_committed_queues_the_damaged_row_once(seeded, tmp_path, monkeypatch):
    package, uuids, _ = _edited(seeded, tmp_path, 3)
    _damage(package, uuids[0], op="pux")
    real = seeded.apply_edits

    def dies_after_commit(*args):
        real(*args)
        raise KeyboardInterrupt
    monkeypatch.setattr(seeded, "apply_edits", dies_after_commit)
    with pytest.raises(KeyboardInterrupt):
        sync(package, seeded)
    monkeypatch.setattr(seeded, "apply_edits", real)
    report = sync(package, seeded).to_dict()
    assert (report["quarantined"], report["already"]) == (1, 2)
    assert [c["edit_id"] for c in seeded.conflicts()] == [uuids[0]]


def test_a_quarantined_edit_is_decided_by_a_person(seeded, tmp_path):
    package, uuids, guids = _edited(seeded, tmp_path, 2)
    _damage(package, uuids[0], after=lambda a: a.replace("field phase 0", "field phase 8"))
    _damage(package, uuids[1], op="pux", key="x'; DROP TABLE hbim_components; --")
    sync(package, seeded)
    hashed, junk = sorted(seeded.conflicts(), key=lambda c: c["edit_id"] != uuids[0])
    assert hashed["field_value"]["phase"] == "field phase 8"  # what the row says, for the person to judge
    with pytest.raises(ValueError, match="not a record of components"):
        seeded.resolve(hashed["id"], {"guid": guids[1], "phase": "x"}, "ops: Wang")
    seeded.resolve(hashed["id"], hashed["field_value"], "ops: Wang")  # taken after all
    assert seeded.get("components", guids[0])["phase"] == "field phase 8"
    assert seeded.changes_since(0)[-1]["source"] == f"conflict:{hashed['id']}"
    version = seeded.last_change()
    seeded.resolve(junk["id"], junk["store_value"], "ops: Wang")  # keep the centre's: nothing written
    assert not seeded.conflicts() and seeded.last_change() == version and len(seeded.records("components"))


def test_an_outbox_from_before_the_hash_syncs_and_is_stamped_when_opened(seeded, tmp_path):
    from offline.field.outbox import row_sha256
    package, uuids, _ = _edited(seeded, tmp_path, 3)
    with sqlite3.connect(package) as con:  # as an older console left it: no sha256 column
        con.execute("ALTER TABLE field_outbox DROP COLUMN sha256")
    con.close()
    field = open_records(package, profile=LI)  # the console opens it: the rows are hashed as they stand
    field.close()
    with sqlite3.connect(package) as con:
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM field_outbox ORDER BY seq")]
    con.close()
    assert [r["sha256"] for r in rows] == [row_sha256(r) for r in rows]
    _damage(package, uuids[2], after=lambda a: a.replace("field phase 2", "field phase 8"))
    report = sync(package, seeded).to_dict()
    assert (report["applied"], report["quarantined"]) == (2, 1)


def test_an_unstamped_outbox_still_syncs_with_the_form_checks(seeded, tmp_path):
    package, uuids, _ = _edited(seeded, tmp_path, 3)
    with sqlite3.connect(package) as con:  # never opened by this console: nothing to check the hash against
        con.execute("ALTER TABLE field_outbox DROP COLUMN sha256")
    con.close()
    _damage(package, uuids[0], op="pux")
    report = sync(package, seeded)
    assert report.to_dict()["applied"] == 2 and report.quarantined == [(uuids[0], "the row's operation 'pux' is "
                                                                                  "unknown")]


def test_a_store_made_before_the_quarantine_gets_its_columns(store_url_param):  # noqa: F811
    from offline.store import open_store
    store = open_store(store_url_param)
    with store.tx():
        store.q("ALTER TABLE conflicts DROP COLUMN package_id")
        store.q("ALTER TABLE conflicts DROP COLUMN reason")
        store.q("DROP TABLE schema_version")  # made before the schema's migrations were numbered
    store.close()
    store = open_store(store_url_param)
    try:
        names = [c[0] for c in store.q("SELECT * FROM conflicts WHERE 1 = 0").description]
    finally:
        store.close()
    assert {"package_id", "reason"} <= set(names)


def test_the_quarantine_speaks_chinese():
    from layers.messages import localize
    line = ("/tmp/老城.gpkg: edit 9b0c quarantined (the row's after is not valid JSON (Expecting ':' delimiter)); it "
            "waits in the store's conflict list")
    assert localize(line, "zh") == ("/tmp/老城.gpkg：编辑 9b0c 已隔离（该行的 after 不是有效的 JSON（Expecting ':' "
                                    "delimiter）），等待在运营中心的冲突列表中处理")


@pytest.mark.gui
def test_the_conflict_dialog_lists_a_quarantined_edit_with_its_reason(qtbot, tmp_path, monkeypatch):
    from layers import i18n
    from offline.store import open_store
    from widgets.field.conflicts import ConflictDialog
    store = open_store(tmp_path / "ops.sqlite")
    for table, rows in seed_rows().items():
        store.import_rows(table, rows)
    package, uuids, guids = _edited(store, tmp_path, 2)
    _damage(package, uuids[1], after=lambda a: a.replace('":', '"!', 1))
    sync(package, store)
    i18n.set_language("en")
    try:
        dlg = ConflictDialog(store, follow=False)
        qtbot.addWidget(dlg)
        cells = [dlg.table.item(0, c).text() for c in range(dlg.table.columnCount())]
        assert dlg.table.rowCount() == 1 and cells[0].startswith("Component ")
        assert cells[1].startswith("damaged edit, quarantined: the row's after is not valid JSON"), cells
        assert '"guid"!' in cells[3] and not dlg.take_field.isEnabled() and dlg.take_store.isEnabled()
        dlg.resolve("store")
        assert dlg.table.rowCount() == 0 and store.get("components", guids[1])["phase"] != "field phase 1"
    finally:
        i18n.set_language("zh")
        store.close()


def test_the_checks_know_every_kind_of_outbox_row():
    """Records, photos and field-mode annotations (op "annotation", offline/field/annotations.py) pass as written."""
    from offline.field.outbox import problem, row_sha256

    def row(tbl, key, op, before, after):
        r = {"uuid": "9b0c6c1e-9d1f-4d49-8a55-6a0e3f1c2b7a", "at": "2026-11-29T10:00:00.000+00:00",
             "author": "Li Wei", "team": None, "device": "laptop-1", "tbl": tbl, "key": key, "op": op,
             "before": None if before is None else json.dumps(before), "after": None if after is None else
             json.dumps(after), "base_version": 3}
        return {**r, "sha256": row_sha256(r)}
    note = {"id": "a1", "kind": "text", "text": "拱圈裂缝", "anchor": "1LQwYjo2DRi9NEQWDURfyT", "xyz": [1.5, 2, 3]}
    sound = [row("components", "g1", "put", {"guid": "g1", "phase": "a"}, {"guid": "g1", "phase": "b"}),
             row("damage", "d1", "delete", {"id": "d1", "guid": "g1", "type": "crack"}, None),
             row("photos", "ab" * 32, "photo", None, {"name": "IMG_0001.jpg", "lon": 121.2, "lat": 31.0}),
             row("annotations", "a1", "annotation", None, note),
             row("annotations", "a1", "annotation-delete", note, None)]
    assert [problem(r) for r in sound] == [None] * 5
    assert problem(row("annotations", "a2", "annotation", None, note)) == "the row's key does not match its record"
    assert problem(row("components", "a1", "annotation", None, note)) == \
        "the row's table 'components' is unknown for 'annotation'"
