"""HBIM record store: UUIDs, validation, persistence, undo/redo of edits."""
import sqlite3

import pytest

from offline.hbim import Component, Damage, Inspection, Intervention
from offline.records import open_records

GUID = "2O2Fr$t4X7Zf8NOew3FLOH"


@pytest.fixture
def store(tmp_path):
    s = open_records(tmp_path / "project.sqlite", seed=False)
    yield s
    s.close()


def test_records_get_uuids_and_persist(store, tmp_path):
    store.put(Component(GUID, "Dacang Bridge", "arch ring", "Ming", "1626 rebuild", "bluestone", "primary"))
    a = store.put(Inspection(GUID, "2024-05-01", "Wang", 2, "minor soiling"))
    b = store.put(Inspection(GUID, "2025-05-01", "Wang", 3, "new crack at crown"))
    assert a != b and len(a) == 36
    store.close()
    again = open_records(tmp_path / "project.sqlite", seed=False)
    recs = again.for_component(GUID)
    assert recs["component"].classification == "arch ring"
    assert [r.date for r in recs["inspections"]] == ["2024-05-01", "2025-05-01"]
    assert recs["inspections"][1].condition_grade == 3
    db = sqlite3.connect(tmp_path / "project.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again.close()


def test_edit_undo_redo(store):
    events = []
    store.changed.connect(lambda table, guid: events.append((table, guid)))
    dmg = Damage(GUID, "crack", 2, "0.4 m", "pier 2, upstream face", ["p1.jpg"], "2024-05-01")
    store.put(dmg)
    dmg.severity = 4
    store.put(dmg)
    assert store.get("damage", dmg.id).severity == 4
    store.undo()
    assert store.get("damage", dmg.id).severity == 2
    store.undo()
    assert store.get("damage", dmg.id) is None and not store.can_undo
    store.redo()
    store.redo()
    assert store.get("damage", dmg.id).severity == 4 and not store.can_redo
    store.delete("damage", dmg.id)
    assert store.records("damage") == []
    store.undo()
    assert store.records("damage")[0].photos == ["p1.jpg"]
    assert events and all(e == ("damage", GUID) for e in events)


def test_new_edit_clears_redo(store):
    store.put(Intervention(GUID, "repointing", "2016-03-01", "2016-05-01", "lime mortar", "Songjiang Restoration"))
    store.undo()
    assert store.can_redo
    store.put(Inspection(GUID, "2024-01-01", "Li", 1))
    assert not store.can_redo


@pytest.mark.parametrize("rec, words", [
    (Damage(GUID, "rust", 2), "ICOMOS-ISCS"),
    (Damage(GUID, "crack", 6), "severity"),
    (Inspection(GUID, "2024-01-01", "Li", 0), "condition grade"),
])
def test_invalid_records_are_refused_and_nothing_is_written(store, rec, words):
    with pytest.raises(ValueError, match=words):
        store.put(rec)
    assert not store.can_undo and store.records("damage") == [] and store.records("inspections") == []


def test_put_many_is_one_undo_step(store):
    store.put_many([Component(GUID, classification="pier"), Inspection(GUID, "2024-01-01", "Li", 2),
                    Damage(GUID, "biological colonization", 3, "1 m2", "waterline")])
    assert len(store.records("damage")) == 1
    store.undo()
    assert store.for_component(GUID) == {"component": None, "inspections": [], "damage": [], "interventions": []}


def test_search_finds_components_by_record_text_and_globalid(tmp_path):
    from offline.hbim import Component, Damage, Inspection
    store = open_records(tmp_path / "s.sqlite", seed=False)
    store.put(Component(guid="2O2Fr$t4X7Zf8NOew3FLOH", classification="arch ring", material="granite"))
    store.put(Component(guid="0aBc_dEf", classification="eave bracket set", material="fir"))
    store.put(Damage(guid="0aBc_dEf", type="biological colonization", severity=2, location="north face"))
    store.put(Inspection(guid="2O2Fr$t4X7Zf8NOew3FLOH", date="2026-11-29", notes="新裂缝 near keystone"))
    assert store.search("granite") == ["2O2Fr$t4X7Zf8NOew3FLOH"]
    assert store.search("colonization") == ["0aBc_dEf"]
    assert store.search("2O2Fr$t4") == ["2O2Fr$t4X7Zf8NOew3FLOH"], "a GlobalId prefix, '$' and all"
    assert store.search("keystone") == ["2O2Fr$t4X7Zf8NOew3FLOH"]
    store.put(Component(guid="0aBc_dEf", classification="eave bracket set", material="camphor"))
    assert store.search("fir") == [] and store.search("camphor") == ["0aBc_dEf"], "the index follows edits"
    store.undo()
    assert store.search("fir") == ["0aBc_dEf"], "and undo"
    assert store.search("") == [] and store.search('"unbalanced') == []
    store.close()


def test_a_store_from_an_older_version_gains_new_columns(tmp_path):
    import sqlite3
    from offline.hbim import Component
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE hbim_components (guid TEXT PRIMARY KEY, model TEXT, classification TEXT)")
    con.execute("INSERT INTO hbim_components VALUES ('G1', 'bridge', 'arch ring')")
    con.commit()
    con.close()
    store = open_records(path, seed=False)
    assert store.get("components", "G1").classification == "arch ring"
    store.put(Component(guid="G2", material="granite", structural_role="primary"))
    assert store.get("components", "G2").material == "granite"
    store.close()


def test_a_failed_save_names_the_store_and_keeps_nothing_half_done(tmp_path):
    import sqlite3
    from offline.guard import StoreRefused
    from offline.hbim import Inspection
    store = open_records(tmp_path / "s.sqlite", seed=False)
    other = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    store.db.execute("PRAGMA busy_timeout=200")
    with pytest.raises(StoreRefused, match=r"s\.sqlite: the record was not saved \(database is locked\)"):
        store.put(Inspection(guid="G1", date="2026-11-29", condition_grade=2))
    other.execute("ROLLBACK")
    assert store.records("inspections") == [] and not store.can_undo
    store.put(Inspection(guid="G1", date="2026-11-29", condition_grade=2))
    assert len(store.records("inspections")) == 1
    store.close()
