"""Heritage BIM in the window, as a user meets it (needs a display: run under xvfb-run)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
import shapely

from layers.i18n import tr
from tests.helpers import has_display, open_default_window

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]

STEMS = ("dacang_bridge", "xilin_pagoda", "du_mansion", "xu_pawnshop", "guanding_hall")


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    win = open_default_window(qtbot)
    yield win
    win.close()


def _old_town(win):
    districts = win.project.layers.by_name("四大重点区域")
    return districts.data.geometries[districts.data.columns["id"].index("old-town")]


def _bridge(win):
    layer = win.panels.hbim.model_layer("dacang_bridge")
    return layer, win.scene.adapters[layer.id]


def _index(layer, name):
    return next(i for i, e in enumerate(layer.data.elements) if e["name"] == name)


def _screen_pos_of(win, adapter, index):
    """Widget position of the centre of the element's triangle turned most squarely to the camera."""
    model = adapter.layer.data
    tris = model.triangles[model.triangle_element == index]
    corners = np.array([[adapter.points.GetPoint(int(i)) for i in t] for t in tris])
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    to_camera = np.array(win.scene.renderer.GetActiveCamera().GetPosition()) - corners.mean(axis=1)
    facing = np.einsum("ij,ij->i", normals, to_camera) / (
        np.linalg.norm(normals, axis=1) * np.linalg.norm(to_camera, axis=1) + 1e-12)
    best = corners[int(np.argmax(facing))].mean(axis=0)
    r = win.scene.renderer
    r.SetWorldPoint(*map(float, best), 1.0)
    r.WorldToDisplay()
    dx, dy, _ = r.GetDisplayPoint()
    ratio = win.view.devicePixelRatioF()
    return dx / ratio, win.view.height() - dy / ratio


def _cell_rgb(adapter, index):
    pd = adapter.solid.GetMapper().GetInput()
    from console.vtk_imports import vtk_to_numpy
    feature = vtk_to_numpy(pd.GetCellData().GetArray("feature"))
    return {tuple(c) for c in vtk_to_numpy(pd.GetCellData().GetScalars())[feature == index]}


def _solid_features(adapter):
    from console.vtk_imports import vtk_to_numpy
    return set(vtk_to_numpy(adapter.solid.GetMapper().GetInput().GetCellData().GetArray("feature")).tolist())


def _pick_arch_ring_3(win, qtbot):
    layer, adapter = _bridge(win)
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)
    qtbot.wait(50)
    i = _index(layer, "Arch ring 3")
    win.view.pick_at(*_screen_pos_of(win, adapter, i))
    return layer, adapter, i


def test_five_models_load_as_bim_layers_in_the_old_town(window):
    assert window.errors == []
    old_town = _old_town(window)
    for stem in STEMS:
        layer = window.panels.hbim.model_layer(stem)
        assert layer is not None and layer.group == "HBIM" and layer.data.georef["method"] == "map_conversion"
        b = layer.bounds
        assert old_town.contains(shapely.Point((b[0] + b[3]) / 2, (b[1] + b[4]) / 2)), stem
        adapter = window.scene.adapters[layer.id]
        assert adapter.solid.GetMapper().GetInput().GetNumberOfCells() == len(layer.data.triangles)


def test_picking_a_component_shows_its_globalid_and_record(window, qtbot):
    layer, adapter, i = _pick_arch_ring_3(window, qtbot)
    guid = layer.data.elements[i]["guid"]
    inspector = window.panels.hbim.inspector
    assert inspector.guid == guid and guid in inspector.title.text()
    records = [inspector.records.topLevelItem(r) for r in range(inspector.records.topLevelItemCount())]
    texts = {(it.child(c).text(0), it.child(c).text(1)) for it in records for c in range(it.childCount())}
    assert ("遗产分类", "拱券") in texts and ("2023-04-12", "裂隙") in texts, "vocabulary in the interface language"
    assert any("勾缝修补" in inspector.history.item(r).text() for r in range(inspector.history.count()))
    assert layer.view.selected == guid and adapter.mark.GetMapper().GetInput().GetNumberOfCells() > 0
    assert window.inspector.value("guid") == guid  # the generic attribute table agrees


def test_colour_by_condition_colours_cells_per_grade(window):
    from console.scene.bim import GRADE_COLOURS, NO_DATA
    from console.scene.style import rgb
    layer, adapter = _bridge(window)
    as_bytes = lambda c: tuple(int(round(v * 255)) for v in rgb(c))  # noqa: E731
    before = _cell_rgb(adapter, _index(layer, "Arch ring 3"))
    window.panels.hbim.tools.colour_box.setCurrentIndex(1)  # condition grade
    assert _cell_rgb(adapter, _index(layer, "Arch ring 3")) == {as_bytes(GRADE_COLOURS[3])} != before
    assert _cell_rgb(adapter, _index(layer, "Arch ring 1")) == {as_bytes(GRADE_COLOURS[4])}
    assert _cell_rgb(adapter, _index(layer, "Pier 2")) == {as_bytes(NO_DATA)}  # damage only, no inspection
    # the legend is a panel beside the map (never drawn over it): the grades with their colours
    window.refresh_legend()
    titles = {title: rows for title, rows in window.legend.sections()}
    rows = titles[tr("hbim.colour.condition")]
    assert (tr("hbim.grade.3"), tuple(rgb(GRADE_COLOURS[3]))) in rows and len(rows) == 6
    window.panels.hbim.tools.colour_box.setCurrentIndex(2)  # worst damage
    assert _cell_rgb(adapter, _index(layer, "Pier 2")) == {as_bytes(GRADE_COLOURS[2])}
    window.panels.hbim.tools.colour_box.setCurrentIndex(0)
    window.refresh_legend()
    assert _cell_rgb(adapter, _index(layer, "Arch ring 3")) == before
    assert not any(t.startswith(tr("hbim.colour.condition")) for t, _ in window.legend.sections())


def test_isolate_hide_and_xray_the_selection(window, qtbot):
    layer, adapter, i = _pick_arch_ring_3(window, qtbot)
    tools = window.panels.hbim.tools
    others = [window.scene.adapters[lyr.id] for lyr in window.panels.hbim.bim_layers() if lyr is not layer]
    tools.actions_by_key["isolate"].trigger()
    assert _solid_features(adapter) == {i} and all(not _solid_features(a) for a in others)
    tools.actions_by_key["xray"].trigger()
    assert _solid_features(adapter) == {i}
    ghost = adapter.ghost.GetMapper().GetInput()
    assert ghost.GetNumberOfCells() > 0 and adapter.ghost.GetProperty().GetOpacity() < 0.5
    tools.actions_by_key["show_all"].trigger()
    tools.actions_by_key["hide"].trigger()
    meshed = set(np.unique(layer.data.triangle_element).tolist())
    assert _solid_features(adapter) == meshed - {i}
    tools.actions_by_key["show_all"].trigger()
    assert _solid_features(adapter) == meshed
    assert adapter.ghost.GetMapper().GetInput().GetNumberOfCells() == 0


def test_section_plane_clips_the_near_half(window, qtbot):
    from console.scene.picking import pick
    layer, adapter, i = _pick_arch_ring_3(window, qtbot)
    x, y = _screen_pos_of(window, adapter, i)
    ratio = window.view.devicePixelRatioF()
    display = (x * ratio, (window.view.height() - y) * ratio)
    camera = np.array(window.scene.renderer.GetActiveCamera().GetPosition())
    first = pick(window.scene, *display)
    assert first.feature == i
    window.panels.hbim.tools.actions_by_key["section"].trigger()
    assert adapter.solid.GetMapper().GetNumberOfClippingPlanes() == 1
    window.view.window.Render()
    after = pick(window.scene, *display)
    near = window.project.crs.to_scene(np.array([first.position]))[0]
    if after is not None and after.layer is layer:  # through the cut to the bridge's far half
        far = window.project.crs.to_scene(np.array([after.position]))[0]
        assert np.linalg.norm(far - camera) > np.linalg.norm(near - camera) + 1.0
    window.panels.hbim.tools.actions_by_key["section"].trigger()
    assert adapter.solid.GetMapper().GetNumberOfClippingPlanes() == 0


def test_editing_a_condition_grade_then_undo_restores_it(window, qtbot):
    from console.scene.bim import GRADE_COLOURS
    from console.scene.style import rgb
    layer, adapter, i = _pick_arch_ring_3(window, qtbot)
    guid = layer.data.elements[i]["guid"]
    window.panels.hbim.tools.set_colour_mode("condition")
    forms, store = window.panels.hbim.inspector.forms, window.panels.hbim.store
    forms.grade.setValue(5)
    forms.set_grade.click()
    assert store.for_component(guid)["inspections"][-1].condition_grade == 5
    assert _cell_rgb(adapter, i) == {tuple(int(round(v * 255)) for v in rgb(GRADE_COLOURS[5]))}
    undo = window.actions["action.undo"]
    qtbot.waitUntil(undo.isEnabled, timeout=2000)
    assert "Ctrl+Z" in [s.toString() for s in undo.shortcuts()]
    assert undo in next(m for m in window.menuBar().actions() if m.text() == "编辑(&E)").menu().actions()
    undo.trigger()
    assert store.for_component(guid)["inspections"][-1].condition_grade == 3
    assert _cell_rgb(adapter, i) == {tuple(int(round(v * 255)) for v in rgb(GRADE_COLOURS[3]))}
    assert window.panels.hbim.inspector.forms.grade.value() == 3
    window.actions["action.redo"].trigger()
    assert store.for_component(guid)["inspections"][-1].condition_grade == 5


def test_a_bad_damage_record_is_reported_not_fatal(window, qtbot):
    _pick_arch_ring_3(window, qtbot)
    forms = window.panels.hbim.inspector.forms
    forms.damage_type.addItem("rust stain (not a glossary term)")
    forms.damage_type.setCurrentIndex(forms.damage_type.count() - 1)
    forms.add_damage.click()
    assert any("ICOMOS-ISCS" in e for e in window.errors) and window.isVisible()


def test_ifc_without_georeference_is_placed_by_the_assistant(window, qtbot, shared_data, tmp_path):
    path = tmp_path / "house.ifc"
    shutil.copy2(shared_data / "ifc" / "webifc_IfcOpenHouse_IFC4.ifc", path)
    window.load_files([path])
    qtbot.waitUntil(lambda: window.panels.hbim.placement_dialog is not None, timeout=30000)
    dialog = window.panels.hbim.placement_dialog
    crs = window.project.crs
    dialog.centre.click()  # "use the view centre": the old town, where the start view looks
    assert _old_town(window).contains(shapely.Point(dialog.x.value(), dialog.y.value()))
    lon, lat = 121.2060, 31.0080
    dialog.lonlat.setChecked(True)
    dialog.lon.setValue(lon)
    dialog.lat.setValue(lat)
    dialog.rotation.setValue(30.0)
    dialog.elevation.setValue(4.0)
    dialog.accept()
    placed = lambda: next((lyr for lyr in window.project.layers  # noqa: E731
                           if lyr.kind == "bim" and lyr.meta.get("placement")), None)
    qtbot.waitUntil(lambda: placed() is not None and not window.loader.busy(), timeout=30000)
    layer = placed()
    x, y = crs.from_wgs84(lon, lat)
    origin = layer.data.transform.to_project(np.zeros((1, 3)))[0]
    assert origin == pytest.approx([x, y, 4.0], abs=0.01)
    assert layer.data.georef["method"] == "placement" and not layer.data.needs_placement
    assert layer.to_dict()["placement"]["rotation_deg"] == pytest.approx(30.0)
    assert sum(lyr.source == str(path.resolve()) for lyr in window.project.layers) == 1  # the unplaced copy is gone
    b = layer.bounds
    assert abs((b[0] + b[3]) / 2 - x) < 30 and abs((b[1] + b[4]) / 2 - y) < 30


def test_view_tools_are_undoable_steps(window, qtbot):
    layer, adapter, i = _pick_arch_ring_3(window, qtbot)
    meshed = set(np.unique(layer.data.triangle_element).tolist())
    window.panels.hbim.tools.actions_by_key["isolate"].trigger()
    assert _solid_features(adapter) == {i}
    undo = window.actions["action.undo"]
    assert undo.isEnabled() and "单独显示" in undo.text()  # Edit › Undo names the step
    undo.trigger()
    assert _solid_features(adapter) == meshed and layer.view.default == 2
    window.actions["action.redo"].trigger()
    assert _solid_features(adapter) == {i}


def test_window_project_keeps_the_bim_view_state(window, qtbot, tmp_path):
    layer, adapter, i = _pick_arch_ring_3(window, qtbot)
    tools = window.panels.hbim.tools
    tools.actions_by_key["xray"].trigger()
    tools.set_colour_mode("condition")
    tools.actions_by_key["section"].trigger()
    saved_views = {lyr.source: lyr.view.to_dict() for lyr in window.panels.hbim.bim_layers()}
    path = window.save_project(tmp_path / "heritage.sjproj")
    window.open_project(path)
    from layers.bim.defaults import default_specs as bim_defaults
    models = len(bim_defaults())
    qtbot.waitUntil(lambda: len(window.panels.hbim.bim_layers()) == models and not window.loader.busy(), timeout=60000)
    assert window.errors == []
    assert {lyr.source: lyr.view.to_dict() for lyr in window.panels.hbim.bim_layers()} == saved_views
    reopened = window.panels.hbim.model_layer("dacang_bridge")
    again = window.scene.adapters[reopened.id]
    assert _solid_features(again) == {i} and again.ghost.GetMapper().GetInput().GetNumberOfCells() > 0
    assert again.solid.GetMapper().GetNumberOfClippingPlanes() == 1
    assert tools.colour_box.currentIndex() == 1 and tools.actions_by_key["section"].isChecked()
