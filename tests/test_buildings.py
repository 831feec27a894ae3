"""City buildings (issue 11): footprints extruded by height, the embedded new city, view state, the window."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import shapely

import assets
from layers.crs import ProjectCRS
from layers.errors import ReadError
from layers.readers import ReadOptions, read_path
from tests.helpers import REPO, has_display

PROJECT = ProjectCRS()
X0, Y0 = 617000.0, 3430000.0   # the hub, EPSG:4549


def _footprints(tmp_path, features, name="footprints.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features,
                                "crs": {"type": "name", "properties": {"name": "EPSG:4549"}}}))
    return path


def _feature(coords, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": coords}}


def _square(x, y, w):
    return [[[x, y], [x + w, y], [x + w, y + w], [x, y + w], [x, y]]]


def test_geojson_footprints_with_a_height_extrude_to_that_height(tmp_path):
    path = _footprints(tmp_path, [_feature(_square(X0, Y0, 20), height=36.5, use="office"),
                                  _feature(_square(X0 + 100, Y0, 30), height=12, use="residential")])
    [layer] = read_path(path, PROJECT)
    assert layer.kind == "buildings" and len(layer.data) == 2
    model = layer.data
    for b, (x, w, h) in enumerate(((X0, 20, 36.5), (X0 + 100, 30, 12.0))):
        corners = np.unique(model.triangles[model.triangle_building == b].ravel())
        z = model.points[corners, 2]
        assert sorted(set(np.round(z, 6))) == [0.0, h]          # the ground and the roof, nothing else
        xy = model.points[corners, :2]
        assert xy[:, 0].min() == pytest.approx(x) and xy[:, 0].max() == pytest.approx(x + w)
    assert model.values("use")[0] == "office" and model.attributes(1)["height"] == 12
    from layers import i18n
    with i18n.using("zh"):
        assert str(model.attributes(0)["use"]) == "办公"   # a term the inspector shows in the interface language
    with i18n.using("en"):
        assert str(model.attributes(0)["use"]) == "office"
    assert layer.bounds[5] == pytest.approx(36.5)


def test_concave_and_holed_footprints_get_a_roof_of_their_own_area(tmp_path):
    ell = [[[X0, Y0], [X0 + 30, Y0], [X0 + 30, Y0 + 10], [X0 + 10, Y0 + 10], [X0 + 10, Y0 + 30], [X0, Y0 + 30],
            [X0, Y0]]]
    court = _square(X0 + 100, Y0, 40) + [[[X0 + 110, Y0 + 10], [X0 + 110, Y0 + 30], [X0 + 130, Y0 + 30],
                                          [X0 + 130, Y0 + 10], [X0 + 110, Y0 + 10]]]
    path = _footprints(tmp_path, [_feature(ell, height=9), _feature(court, height=15)])
    [layer] = read_path(path, PROJECT)
    model = layer.data
    for b, (area, h) in enumerate(((500.0, 9.0), (1200.0, 15.0))):
        tris = model.points[model.triangles[model.triangle_building == b]]
        roof = tris[np.all(np.isclose(tris[:, :, 2], h), axis=1)]
        a, c = roof[:, 1, :2] - roof[:, 0, :2], roof[:, 2, :2] - roof[:, 0, :2]
        assert np.abs(a[:, 0] * c[:, 1] - a[:, 1] * c[:, 0]).sum() / 2 == pytest.approx(area)


def test_a_geopackage_of_footprints_reads_as_buildings(tmp_path):
    raw = pytest.importorskip("pyogrio.raw")
    path = tmp_path / "footprints.gpkg"
    geoms = shapely.box([X0, X0 + 50], [Y0, Y0], [X0 + 20, X0 + 80], [Y0 + 25, Y0 + 40])
    raw.write(str(path), shapely.to_wkb(geoms), [np.array([18.0, 54.0]), np.array(["a", "b"], object)],
                      ["measuredHeight", "name"], driver="GPKG", layer="blds", geometry_type="Polygon",
                      crs="EPSG:4549")
    [layer] = read_path(path, PROJECT)
    assert layer.kind == "buildings" and len(layer.data) == 2
    assert np.max(layer.data.points[:, 2]) == pytest.approx(54.0)
    assert layer.data.attributes(0)["name"] == "a"


def test_footprints_asked_for_as_buildings_without_a_height_are_refused_by_name(tmp_path):
    path = _footprints(tmp_path, [_feature(_square(X0, Y0, 20), name="no height")])
    [layer] = read_path(path, PROJECT)
    assert layer.kind == "vector"  # read as plain polygons unless asked
    with pytest.raises(ReadError, match=r"footprints\.geojson: no height attribute"):
        read_path(path, PROJECT, ReadOptions(role="buildings"))


@pytest.fixture(scope="module")
def city():
    from layers.buildings.source import default_specs
    from layers.loading import load_spec
    [layer] = load_spec(default_specs()[0], PROJECT)
    return layer


def _wgs84_shapes(name):
    fc = json.loads(assets.path(name).read_text(encoding="utf-8"))
    out = []
    for feat in fc["features"]:
        g = shapely.geometry.shape(feat["geometry"])
        out.append((feat["properties"], shapely.transform(g, lambda c: np.column_stack(PROJECT.from_wgs84(c[:, 0], c[:, 1])))))
    return out


def test_the_embedded_new_city_has_twenty_thousand_buildings_off_water_roads_and_heritage(city):
    model = city.data
    assert 20_000 <= len(model) <= 25_000
    assert assets.path("buildings.gpkg").stat().st_size < 5_000_000
    assert all(v == 1 for v in model.values("approximate"))
    heights = np.array(model.values("height"), float)
    assert 3 <= heights.min() and heights.max() <= 250
    assert set(model.values("use")) >= {"residential", "office", "industrial"}
    centres = shapely.points(model.centroids)
    for props, g in _wgs84_shapes("water.geojson"):
        if g.geom_type == "Polygon":
            assert not shapely.intersects(g, centres).any(), props["id"]
    for props, g in _wgs84_shapes("heritage_sites.geojson"):
        assert shapely.distance(g, centres).min() > 100.0, props["id"]
    g60 = next(g for p, g in _wgs84_shapes("transport.geojson") if p["id"] == "g60-expressway")
    assert shapely.distance(g60, centres).min() > 40.0
    extent = _wgs84_shapes("new_city_extent.geojson")[0][1]
    assert shapely.contains(extent, centres).mean() > 0.99


def test_the_buildings_file_opens_in_gdal():
    if shutil.which("ogrinfo") is None:
        pytest.skip("ogrinfo not installed (gdal-bin)")
    run = subprocess.run(["ogrinfo", "-so", "-al", str(assets.path("buildings.gpkg"))],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "Feature Count: 2" in run.stdout and "4549" in run.stdout


def test_the_generator_is_deterministic(tmp_path):
    raw = pytest.importorskip("pyogrio.raw")
    out = tmp_path / "b.gpkg"
    run = subprocess.run([sys.executable, str(REPO / "tools/build_buildings.py"), "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    a = raw.read(str(out))
    b = raw.read(str(assets.path("buildings.gpkg")))
    assert a[2].tolist() == b[2].tolist()  # the same footprints
    assert all(x.tolist() == y.tolist() for x, y in zip(a[3], b[3]))


def test_colour_by_is_view_state_saved_in_the_project(city, tmp_path):
    from layers.spec import LayerSpec
    city.view.set_colour_by("year")
    city.view.select(7)
    saved = LayerSpec.from_dict(json.loads(json.dumps(LayerSpec.of_layer(city).to_dict())))
    assert saved.view == {"colour_by": "year", "selected": 7}
    from layers.loading import load_spec
    [again] = load_spec(saved, PROJECT)
    assert again.view.colour_by == "year" and again.view.selected == 7
    city.view.set_colour_by("none")
    city.view.select(None)


def test_colour_by_height_use_and_year_differ_per_building(city):
    from console.scene.buildings import building_colours
    model = city.data
    heights = np.array(model.values("height"), float)
    tall, low = int(np.argmax(heights)), int(np.argmin(heights))
    by_height = building_colours(model, "height")
    assert not np.array_equal(by_height[tall], by_height[low])
    by_use = building_colours(model, "use")
    uses = np.array(model.values("use"))
    for use in ("residential", "industrial"):
        assert len(np.unique(by_use[uses == use], axis=0)) == 1
    assert not np.array_equal(by_use[uses == "residential"][0], by_use[uses == "industrial"][0])
    assert len(np.unique(building_colours(model, "year"), axis=0)) > 10
    assert len(np.unique(building_colours(model, "none"), axis=0)) == 1


@pytest.mark.gui
@pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")
def test_clicking_a_building_in_the_window_shows_its_attributes(default_window, qtbot):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from console.scene.camera import view_ray
    win = default_window
    layer = next(lyr for lyr in win.project.layers if lyr.kind == "buildings")
    win.fly_to("hub", animate=False)
    qtbot.wait(100)
    adapter = win.scene.adapters[layer.id]
    renderer = win.scene.renderer
    h = win.view.height()
    sensors = next(win.scene.adapters[lyr.id] for lyr in win.project.layers if lyr.kind == "sensors")
    found = None
    for x, y in ((u, v) for v in range(h // 3, 2 * h // 3, 23) for u in range(200, win.view.width() - 200, 29)):
        a, b = view_ray(renderer, x, h - 1 - y)
        hit = _building_under(layer, adapter, win, a, b)
        if hit is not None and sensors.pick_display(x, h - 1 - y) is None:  # a sensor dot there wins, rightly
            found = (x, y, hit)
            break
    assert found is not None, "no building under the hub view"
    x, y, index = found
    QTest.mouseClick(win.view, Qt.LeftButton, Qt.NoModifier, QPoint(x, y))
    qtbot.wait(50)
    assert layer.view.selected == index
    assert win.inspector.value("building_id") == layer.data.ids[index]
    assert win.inspector.value("height") == layer.data.attributes(index)["height"]
    win.panels.city.set_colour_mode("use")
    assert layer.view.colour_by == "use"
    win.project.undo.undo()
    assert layer.view.colour_by == "none"


def _building_under(layer, adapter, win, a, b):
    """The building whose triangle is nearest along the pixel's ray (geometry only, not the picker)."""
    from tests.view_probe import _nearest_triangle
    pd = adapter.actor.GetMapper().GetInput()
    from console.vtk_imports import vtk_to_numpy
    pts = vtk_to_numpy(pd.GetPoints().GetData()).astype(float)
    conn = vtk_to_numpy(pd.GetPolys().GetConnectivityArray()).reshape(-1, 3)
    owner = vtk_to_numpy(pd.GetCellData().GetArray("feature"))
    d = (b - a) / np.linalg.norm(b - a)
    near = _nearest_triangle(pts[conn], a, d)
    return None if near is None else int(owner[near[0]])
