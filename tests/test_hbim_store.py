"""HBIM record store: UUIDs, validation, persistence, undo/redo of edits."""
import sqlite3

import pytest

from offline.hbim import Component, Damage, HbimStore, Inspection, Intervention

GUID = "2O2Fr$t4X7Zf8NOew3FLOH"


@pytest.fixture
def store(tmp_path):
    s = HbimStore(tmp_path / "project.sqlite")
    yield s
    s.close()


def test_records_get_uuids_and_persist(store, tmp_path):
    store.put(Component(GUID, "Dacang Bridge", "arch ring", "Ming", "1626 rebuild", "bluestone", "primary"))
    a = store.put(Inspection(GUID, "2024-05-01", "Wang", 2, "minor soiling"))
    b = store.put(Inspection(GUID, "2025-05-01", "Wang", 3, "new crack at crown"))
    assert a != b and len(a) == 36
    store.close()
    again = HbimStore(tmp_path / "project.sqlite")
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
