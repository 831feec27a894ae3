"""The generated HBIM models: real IFC4, placed at the fact-sheet positions, right sizes, seeded."""
import filecmp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from layers.crs import ProjectCRS
from layers.ifc import read_ifc

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets" / "hbim"
SITES = {  # geofacts.md table A (WGS84)
    "dacang_bridge": (121.20483, 31.00767), "xilin_pagoda": (121.21977, 31.00893),
    "du_mansion": (121.20796, 31.00850), "xu_pawnshop": (121.20585, 31.00840),
    "guanding_hall": (121.20451, 31.00496),
}


@pytest.fixture(scope="module")
def models():
    project = ProjectCRS()
    return {k: read_ifc(ASSETS / f"{k}.ifc", project, use_cache=False) for k in SITES}


def test_models_are_ifc4_placed_at_their_sites(models):
    project = ProjectCRS()
    for key, model in models.items():
        assert model.schema == "IFC4" and model.georef["method"] == "map_conversion"
        assert model.georef["crs"] == "EPSG:4549" and not model.warnings
        b = np.array(model.bounds)
        x, y = project.from_wgs84(*SITES[key])
        assert np.hypot((b[0] + b[3]) / 2 - x, (b[1] + b[4]) / 2 - y) < 1.0, key
        assert (ASSETS / f"{key}.ifc").stat().st_size < 1_000_000


def test_dimensions_from_the_fact_sheet(models):
    ext = lambda m: np.array(m.bounds[3:]) - np.array(m.bounds[:3])
    bridge = ext(models["dacang_bridge"])
    assert bridge[1] == pytest.approx(50, abs=0.5) and bridge[0] == pytest.approx(5, abs=1)  # runs N-S
    assert models["dacang_bridge"].points[:, 2].max() == pytest.approx(2.0 + 8.0, abs=0.3)  # 8 m above water
    assert models["xilin_pagoda"].points[:, 2].max() == pytest.approx(4.0 + 46.5, abs=0.01)
    du = ext(models["du_mansion"])
    assert du[0] == pytest.approx(12.2 + 1.6 - 0.8, abs=1.0) and du[1] == pytest.approx(44.5, abs=2.0)
    arches = [e for e in models["dacang_bridge"].elements if e["type_name"] == "arch ring"]
    assert len(arches) == 5
    pagoda_storeys = {e["storey"] for e in models["xilin_pagoda"].elements if e["ifc_class"] == "IfcWall"}
    assert len(pagoda_storeys) == 7


def test_every_component_has_geometry_material_and_record(models):
    for key, model in models.items():
        meshed = set(np.unique(model.triangle_element))
        comps = [i for i, e in enumerate(model.elements) if "SJ_HBIM_Component" in e["psets"]]
        assert comps and set(comps) <= meshed, key
        for i in comps:
            e = model.elements[i]
            assert e["materials"] and e["psets"]["SJ_HBIM_Component"]["Illustrative"] is True
        seeded = [e for e in model.elements if any(n.startswith("SJ_HBIM_Damage_") or
                                                   n.startswith("SJ_HBIM_Inspection_") for n in e["psets"])]
        assert seeded, key


def test_records_import_into_the_store(tmp_path):
    import ifcopenshell
    from offline.records import open_records
    from offline.hbim_ifc import import_records
    store = open_records(tmp_path / "p.sqlite", seed=False)
    n = import_records(store, ifcopenshell.open(str(ASSETS / "dacang_bridge.ifc")), model="dacang_bridge")
    assert n > 19
    damage = store.records("damage")
    assert {d.type for d in damage} >= {"crack", "biological colonization"}
    assert all(d.illustrative for d in damage)


def test_generator_is_reproducible(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_hbim.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, cwd=ROOT)
    for key in SITES:
        assert filecmp.cmp(tmp_path / f"{key}.ifc", ASSETS / f"{key}.ifc", shallow=False), key
