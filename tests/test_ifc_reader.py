"""read_ifc over every shared IFC file: records equal ifcopenshell's own reading, cache, placement."""

import numpy as np
import pytest

from layers.crs import ProjectCRS
from layers.ifc import Placement, read_ifc

from tests.helpers import SHARED_IFC
NAMES = sorted(p.name for p in SHARED_IFC.glob("*.ifc")) if SHARED_IFC.is_dir() else []


@pytest.mark.skipif(not NAMES, reason=f"shared IFC test data not found at {SHARED_IFC}")
@pytest.mark.parametrize("name", NAMES)
def test_every_shared_file_opens_and_matches_ifcopenshell(shared_ifc, tmp_path, name):
    import ifcopenshell
    import ifcopenshell.util.element as uel
    from layers.ifc.elements import plain

    path = shared_ifc(name)
    first = read_ifc(path, ProjectCRS(), cache_dir=tmp_path / "cache")
    again = read_ifc(path, ProjectCRS(), cache_dir=tmp_path / "cache")
    assert not first.from_cache and again.from_cache
    f = ifcopenshell.open(str(path))
    products = f.by_type("IfcProduct")
    for model in (first, again):
        assert model.schema == f.schema_identifier
        assert len(model.elements) == len(products)
        assert [e["guid"] for e in model.elements] == [p.GlobalId for p in products]
        assert [e["ifc_class"] for e in model.elements] == [p.is_a() for p in products]
        for e, p in zip(model.elements, products):
            assert e["psets"] == plain(uel.get_psets(p)), e["guid"]
            assert e["name"] == p.Name
    np.testing.assert_array_equal(first.points, again.points)
    np.testing.assert_array_equal(first.triangles, again.triangles)
    np.testing.assert_array_equal(first.triangle_element, again.triangle_element)
    if len(first.triangles):
        assert first.triangles.max() < len(first.points)
        assert first.triangle_element.min() >= 0
        assert first.points.dtype == np.float64 and first.points.shape[1] == 3


def test_fzk_haus_records_and_mesh(shared_ifc):
    model = read_ifc(shared_ifc("webifc_AC20-FZK-Haus.ifc"), ProjectCRS(), use_cache=False)
    walls = [e for e in model.elements if e["ifc_class"].startswith("IfcWall")]
    assert walls and all(e["storey"] for e in walls)
    assert any(e["materials"] for e in walls)
    # Every element that has triangles is a real product of the file, and there are many.
    owners = {model.elements[i]["ifc_class"] for i in np.unique(model.triangle_element)}
    # FZK-Haus models its roof as slabs (IfcRoof decomposes into IfcSlab), so no IfcRoof owns triangles.
    assert {"IfcWallStandardCase", "IfcSlab", "IfcWindow", "IfcDoor", "IfcStair"} <= owners
    wall_idx = model.index_of(walls[0]["guid"])
    assert (model.triangle_element == wall_idx).any()
    layer = model.to_layer()
    assert layer.kind == "bim" and layer.has_bounds()


def test_ifcopenhouse_asks_for_placement_then_uses_it(shared_ifc):
    path = shared_ifc("webifc_IfcOpenHouse_IFC4.ifc")
    project = ProjectCRS()
    model = read_ifc(path, project, use_cache=False)
    assert model.needs_placement and model.georef["method"] == "none"
    assert len(model.triangles) > 0
    spot = Placement(x=project.origin[0] + 250.0, y=project.origin[1] - 100.0, elevation=4.0, rotation_deg=30.0)
    placed = read_ifc(path, project, placement=spot, use_cache=False)
    assert not placed.needs_placement and placed.georef["method"] == "placement"
    assert placed.georef["origin_project"] == pytest.approx([spot.x, spot.y, 4.0])
    assert placed.to_layer(placement=spot).meta["placement"] == spot.to_dict()
    # Same shape, moved: edge lengths are preserved by a rigid placement.
    e0 = np.linalg.norm(model.points[model.triangles[:, 0]] - model.points[model.triangles[:, 1]], axis=1)
    e1 = np.linalg.norm(placed.points[placed.triangles[:, 0]] - placed.points[placed.triangles[:, 1]], axis=1)
    np.testing.assert_allclose(e0, e1, atol=1e-6)


def test_heritage_library_and_decay_template_load_without_geometry(shared_ifc):
    lib = read_ifc(shared_ifc("a2heritage_project-template-IFC-4X3-AAH.ifc"), ProjectCRS(), use_cache=False)
    assert lib.schema == "IFC4X3_ADD2" and len(lib.triangles) == 0
    names = {t["name"] for t in lib.types}
    assert "Corinthian" in names
    column = next(t for t in lib.types if t["name"] == "Corinthian")
    assert column["psets"]["Pset_ColumnCommon"]["Reference"] == "Architectural Heritage"
    decay = read_ifc(shared_ifc("a2heritage_Decay_Analysis_v01_E31Document.ifc"), ProjectCRS(), use_cache=False)
    tpl = decay.templates[0]
    assert tpl["name"] == "Decay - Report (E73 Information Object)"
    first = tpl["properties"][0]
    assert first["name"] == "Decay (E3 Condition State)"
    assert "Cracking (E55 Type)" in first["enumeration"]


def test_kernels_agree_on_element_set(shared_ifc, tmp_path):
    path = shared_ifc("webifc_IfcOpenHouse_IFC4.ifc")
    occ = read_ifc(path, ProjectCRS(), kernel="opencascade", use_cache=False)
    auto = read_ifc(path, ProjectCRS(), kernel="auto", processes=2, use_cache=False)
    assert set(np.unique(occ.triangle_element)) == set(np.unique(auto.triangle_element))
    assert set(occ.kernels) == {"opencascade"}
    lo, hi = np.array(occ.bounds[:3]), np.array(occ.bounds[3:])
    assert np.array(auto.bounds[:3]) == pytest.approx(lo, abs=0.01)
    assert np.array(auto.bounds[3:]) == pytest.approx(hi, abs=0.01)


def test_loads_opening_a_new_cache_at_once_all_succeed(tmp_path):
    """First start on a new machine: the window's loader threads open an empty cache at the same moment."""
    import threading
    from layers.ifc.cache import TessellationCache
    for round_ in range(20):  # the race is won or lost at random: give it chances to show
        folder, caches, errors = tmp_path / f"c{round_}", [], []
        gate = threading.Barrier(6)

        def open_cache():
            gate.wait()
            try:
                caches.append(TessellationCache(folder))
            except Exception as exc:  # noqa: BLE001 — what the loader would have reported
                errors.append(exc)
        threads = [threading.Thread(target=open_cache) for _ in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == [] and all(c.usable for c in caches)
