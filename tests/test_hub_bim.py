"""The hub's BIM district (issue 11): generated station and towers, the BIM browser, level of detail."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
import shapely

import assets
from layers.bim import browse
from layers.bim.view import GHOST, SOLID
from layers.crs import ProjectCRS
from layers.hub import plan
from layers.hub.source import models_dir
from layers.readers import read_path
from tests.helpers import REPO, has_display

PROJECT = ProjectCRS()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    import os
    os.environ["SONGJIANG_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    station = read_path(models_dir() / "hub_station.ifc", PROJECT)[0]
    towers = read_path(models_dir() / "hub_towers.ifczip", PROJECT)[0]
    return station, towers


def _hub_district():
    fc = json.loads(assets.path("districts.geojson").read_text(encoding="utf-8"))
    g = shapely.geometry.shape(next(f for f in fc["features"] if f["properties"]["id"] == "hub")["geometry"])
    return shapely.transform(g, lambda c: np.column_stack(PROJECT.from_wgs84(c[:, 0], c[:, 1])))


def _element_xy(model, name):
    i = next(i for i, e in enumerate(model.elements) if e["name"] == name)
    return model.points[np.unique(model.triangles[model.triangle_element == i])][:, :2]


def test_station_and_towers_stand_georeferenced_in_the_hub_district(hub):
    station, towers = hub
    district = _hub_district()
    for layer in hub:
        assert layer.data.georef["method"] == "map_conversion" and layer.data.georef["crs"] == "EPSG:4549"
        b = layer.bounds
        assert shapely.contains(district, shapely.box(b[0], b[1], b[3], b[4])), layer.name
    hall = _element_xy(station.data, "Hall facade")
    assert hall.mean(axis=0) == pytest.approx(plan.STATION_XY, abs=1.0)
    assert plan.STATION_XY == pytest.approx(PROJECT.from_wgs84(*plan.STATION_LONLAT), abs=0.01)
    # two levels of a 240 × 125 m hall: the ~60,000 m² the plan's station has
    area = shapely.convex_hull(shapely.multipoints(hall)).area
    levels = {e["storey"] for e in station.data.elements if e["ifc_class"] == "IfcSlab"}
    assert area == pytest.approx(30_000, rel=0.01) and len(levels) == 2


def test_the_towers_have_storeys_spaces_cores_facades_and_building_systems(hub):
    _, towers = hub
    model = towers.data
    tree = browse.tree(model)
    assert len(tree) == len(plan.TOWERS) == 8
    for t, (building, storeys) in zip(plan.TOWERS, tree.items()):
        assert t.name_en in building and len(storeys) == t.storeys
        level12 = Counter(model.elements[i]["ifc_class"] for i in storeys[f"{t.code} L12"])
        assert level12 == {"IfcSlab": 1, "IfcWall": 1, "IfcCurtainWall": 1, "IfcSpace": 1, "IfcFlowMeter": 1,
                           "IfcAlarm": 1, "IfcFireSuppressionTerminal": 1}, t.code
    lifts = [e for e in model.elements if e["ifc_class"] == "IfcTransportElement"]
    assert len(lifts) == 16 and {e["predefined_type"] for e in lifts} == {"ELEVATOR"}
    for e in model.elements:
        if e["ifc_class"] in ("IfcFlowMeter", "IfcAlarm", "IfcFireSuppressionTerminal", "IfcTransportElement"):
            system = e["psets"]["SJ_Hub_System"]
            assert system["SensorId"].startswith("SJ-HUB-") and system["SystemKind"], e["name"]


def test_the_generator_is_reproducible(tmp_path):
    run = subprocess.run([sys.executable, str(REPO / "tools/build_hub_bim.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    for name in ("hub_station.ifc", "hub_towers.ifczip"):
        assert (tmp_path / name).read_bytes() == (models_dir() / name).read_bytes(), name
    assert sum((models_dir() / n).stat().st_size for n in ("hub_station.ifc", "hub_towers.ifczip")) < 2_000_000


def test_the_second_opening_comes_from_the_tessellation_cache(hub):
    again = read_path(models_dir() / "hub_station.ifc", PROJECT)[0]
    assert again.data.from_cache and len(again.data.elements) == len(hub[0].data.elements)


def test_finding_a_storey_by_what_users_type(hub):
    model = hub[1].data
    assert browse.find_storey(model, "T3 L12") == "T3 L12"
    assert browse.find_storey(model, "T3 show level 12") == "T3 L12"
    assert browse.find_storey(model, "show level 12") == "T1 L12"
    assert browse.find_storey(model, "T5 12层") == "T5 L12"
    assert browse.names_a_storey("show level 12") and not browse.names_a_storey("Elevator 1")
    default, exceptions = browse.storey_states(model, "T3 L12")
    t3 = [e for e in model.elements if (e.get("building") or "").endswith("Tower 3")
          and e["ifc_class"] not in browse.SPATIAL]
    assert default == SOLID
    assert {e["guid"] for e in t3 if exceptions.get(e["guid"]) == SOLID} == \
        {e["guid"] for e in t3 if e["storey"] == "T3 L12"}
    assert all(exceptions[e["guid"]] == GHOST for e in t3 if e["storey"] != "T3 L12")
    other = next(e for e in model.elements if e.get("storey") == "T1 L12")
    assert other["guid"] not in exceptions  # the other towers stay as they were


def test_search_by_guid_and_name_and_the_discipline_filter(hub):
    model = hub[1].data
    meter = next(e for e in model.elements if e["name"] == "T4 L07 energy meter")
    assert browse.search(model, meter["guid"])[0] == model.index_of(meter["guid"])
    assert browse.search(model, meter["guid"].lower())[0] == model.index_of(meter["guid"])
    assert [model.elements[i]["name"] for i in browse.search(model, "t4 l07 energy")] == ["T4 L07 energy meter"]
    default, solid = browse.filter_states(model, disc="Fire protection")
    fire = {e["guid"] for e in model.elements if e["ifc_class"] in ("IfcAlarm", "IfcFireSuppressionTerminal")}
    assert default == GHOST and set(solid) == fire
    _, lifts = browse.filter_states(model, ifc_class="IfcTransportElement")
    assert len(lifts) == 16


def test_far_away_the_hub_is_massing_close_up_it_is_bim():
    from console.snapshot import build_project, render_view
    project = build_project()
    window, scene = render_view(project, "new-city", 640, 360)  # far: the whole new city
    try:
        city = next(a for a in scene.adapters.values() if a.layer.kind == "buildings")
        hub_bim = [scene.adapters[lyr.id] for lyr in project.layers if lyr.kind == "bim" and "hub_" in lyr.source]
        assert len(hub_bim) == 2 and city.massing.GetMapper().GetInput().GetNumberOfCells() > 0
        window.Render()
        assert not city.is_near() and city.massing.GetVisibility()
        assert not any(a.solid.GetVisibility() for a in hub_bim)
        camera = scene.renderer.GetActiveCamera()
        x, y = plan.to_xy(0.0, 300.0)
        focal = scene.project.to_scene(np.array([[x, y, 50.0]]))[0]
        camera.SetFocalPoint(*focal)
        camera.SetPosition(*(focal + np.array([0.0, -900.0, 600.0])))
        scene.renderer.ResetCameraClippingRange()
        window.Render()
        assert city.is_near() and not city.massing.GetVisibility()
        assert all(a.solid.GetVisibility() for a in hub_bim)
        assert not any(a.marker.GetVisibility() for a in hub_bim)
    finally:
        window.Finalize()


@pytest.mark.gui
@pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")
def test_the_bim_browser_shows_a_storey_filters_and_opens_an_element(default_window, qtbot, tmp_path):
    win = default_window
    browser = win.panels.hbim.browser
    qtbot.waitUntil(lambda: browser.tree.topLevelItemCount() == len(win.panels.hbim.bim_layers()), timeout=5000)
    towers = win.panels.hbim.model_layer("hub_towers")
    browser.search("T3 L12")
    solid = {g for g, s in towers.view.exceptions.items() if s == SOLID}
    assert solid == {e["guid"] for e in towers.data.elements if e.get("storey") == "T3 L12"}
    path = win.save_project(tmp_path / "hub.sjproj")
    win.project.undo.undo()
    assert towers.view.exceptions == {}
    browser.search("T4 L07 energy meter")
    meter = towers.data.index_of(next(e["guid"] for e in towers.data.elements if e["name"] == "T4 L07 energy meter"))
    assert win.panels.hbim.selection == (towers, meter)
    shown = win.panels.hbim.inspector.properties
    items = [shown.topLevelItem(i) for i in range(shown.topLevelItemCount())]
    texts = []
    while items:
        item = items.pop()
        texts.append((item.text(0), item.text(1)))
        items += [item.child(i) for i in range(item.childCount())]
    assert ("SJ_Hub_System", "") in texts and ("SystemKind", "energy") in texts, texts
    browser.discipline_box.setCurrentIndex(browser.discipline_box.findData("Vertical transport"))
    browser.apply_filter()
    assert {towers.data.elements[towers.data.index_of(g)]["ifc_class"]
            for g, s in towers.view.exceptions.items() if s == SOLID} == {"IfcTransportElement"}
    win.open_project(path)
    qtbot.waitUntil(lambda: not win.loader.busy() and win.panels.hbim.model_layer("hub_towers") is not None, timeout=120000)
    reopened = win.panels.hbim.model_layer("hub_towers")
    assert {g for g, s in reopened.view.exceptions.items() if s == SOLID} == solid

    # every word of the browser in the interface language (its tree's models, buildings and storeys too)
    from tests.test_languages import _wrong_language, visible_texts
    win.panels.hbim.browser_dock.show()
    win.panels.hbim.browser_dock.raise_()
    for lang in ("en", "zh"):
        win.set_language(lang)
        tree = win.panels.hbim.browser.tree
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        texts = [("tree", it.text(0)) for it in items]
        for it in items:
            for b in range(it.childCount()):
                texts.append(("tree", it.child(b).text(0)))
                texts += [("tree", it.child(b).child(k).text(0)) for k in range(min(3, it.child(b).childCount()))]
        bad = _wrong_language(visible_texts(win.panels.hbim.browser_dock) + texts, lang)
        assert not bad, (lang, bad[:10])
