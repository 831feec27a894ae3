"""HBIM records written to IFC property sets / IfcTask and read back are equal."""
import shutil
from pathlib import Path

import pytest

from offline.hbim import KINDS, Component, Damage, Inspection, Intervention
from offline.records import open_records
from offline.hbim_ifc import export_records, import_records

SHARED_IFC = Path(__file__).resolve().parents[2] / "shared" / "data" / "ifc"
ASSETS = Path(__file__).resolve().parents[1] / "assets" / "hbim"


def _fill(store, guids):
    for i, g in enumerate(guids):
        store.put(Component(g, "test model", "pier" if i % 2 else "arch ring", "Ming (1626)", "rebuild",
                            "bluestone", "primary load-bearing", True))
        store.put(Inspection(g, "2024-05-0%d" % (i % 9 + 1), "Surveyor Zhou", 1 + i % 5,
                             "long note " * 40 + "\nsecond line", True))
        store.put(Inspection(g, "2025-05-01", "Surveyor Zhou", 2, "", False))
        store.put(Damage(g, "crack" if i % 2 else "biological colonization", 1 + i % 5, "0.5 m",
                         "east face, 1.2 m above water", ["photos/a b.jpg", "photos/c;d.jpg"], "2024-05-01", True))
        store.put(Intervention(g, "consolidation", "2016-03-01", "2016-06-30", "NHL 3.5 lime mortar",
                               "Songjiang Heritage Works", ["report 2016.pdf"], True))


def _roundtrip(tmp_path, ifc_path):
    import ifcopenshell
    f = ifcopenshell.open(str(ifc_path))
    guids = [p.GlobalId for p in f.by_type("IfcBuildingElementProxy") + f.by_type("IfcWall")][:6]
    assert guids
    src = open_records(tmp_path / "a.sqlite", seed=False)
    _fill(src, guids)
    assert export_records(src, f) > 0
    out = tmp_path / "out.ifc"
    f.write(str(out))
    dst = open_records(tmp_path / "b.sqlite", seed=False)
    import_records(dst, ifcopenshell.open(str(out)), model="test model")
    for table in KINDS:
        for g in guids:
            assert dst.records(table, g) == src.records(table, g), table
    # Writing twice does not duplicate psets or tasks.
    export_records(src, f)
    f.write(str(out))
    again = open_records(tmp_path / "c.sqlite", seed=False)
    import_records(again, ifcopenshell.open(str(out)), model="test model")
    for g in guids:
        assert again.records("interventions", g) == src.records("interventions", g)
        assert again.records("inspections", g) == src.records("inspections", g)


def test_roundtrip_on_shared_file(tmp_path):
    name = "webifc_IfcOpenHouse_IFC4.ifc"
    if not (SHARED_IFC / name).is_file():
        pytest.skip(f"shared IFC test data not found at {SHARED_IFC}")
    copy = tmp_path / name
    shutil.copy(SHARED_IFC / name, copy)
    _roundtrip(tmp_path, copy)


def test_roundtrip_on_generated_bridge(tmp_path):
    bridge = ASSETS / "dacang_bridge.ifc"
    if not bridge.is_file():
        pytest.skip("assets/hbim not generated (run tools/build_hbim.py)")
    copy = tmp_path / bridge.name
    shutil.copy(bridge, copy)
    _roundtrip(tmp_path, copy)
