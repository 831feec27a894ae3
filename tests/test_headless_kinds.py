"""Every layer kind headless: the registry's adapters draw in `snapshot`, projects reopen as saved.

The window is not involved here: these are the paths a scheduled report or a
script takes (EGL offscreen, no display).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from console.snapshot import build_project, prepare_views, render_view
from layers import layer_kinds
from layers.spec import LayerSpec
from tests.test_snapshot_cli import frame, pixel_of, read_png, run_cli

SIZE = (960, 540)
BRIDGE_LONLAT = (121.20483, 31.00767)


@pytest.fixture(scope="module")
def scene_old_town():
    project = build_project()
    window, scene = render_view(project, "old-town", *SIZE)
    yield project, window, scene
    window.Finalize()


def _layer(project, kind, source_end=""):
    return next(lyr for lyr in project.layers if lyr.kind == kind and lyr.source.endswith(source_end))


@pytest.mark.parametrize("kind", sorted(k.name for k in layer_kinds.KINDS.values() if k.defaults or not k.prefix))
def test_every_registered_kind_draws_in_the_default_scene(scene_old_town, kind):
    """Hiding the kind's layers changes the picture: the adapter drew something, headless."""
    project, window, scene = scene_old_town
    mine = [lyr for lyr in project.layers if lyr.kind == kind]
    assert mine, f"the default scene has no {kind} layer"
    assert all(lyr.id in scene.adapters for lyr in mine)
    shown = frame(window)
    for lyr in mine:
        lyr.visible = False
    hidden = frame(window)
    for lyr in mine:
        lyr.visible = True
    changed = (np.abs(shown - hidden).sum(axis=2) > 30).sum()
    assert changed > 20, f"{kind} layers change only {changed} pixels of the old-town view"


def test_an_unknown_kind_fails_loudly():
    from layers.layer import Layer
    with pytest.raises(layer_kinds.KindError, match="unknown layer kind 'cityjson'"):
        Layer(name="x", kind="cityjson")


def test_a_kind_whose_adapter_cannot_load_names_the_layer(monkeypatch):
    from console.scene.scene import Scene, SceneError
    from layers.layer import Layer, LayerList
    from layers.crs import ProjectCRS
    from console.scene import kinds
    monkeypatch.setitem(layer_kinds.KINDS, "broken", layer_kinds.LayerKind("broken", "layers.data:VectorData"))
    monkeypatch.setitem(kinds.SCENE_KINDS, "broken", kinds.SceneKind("broken", "console.scene.nowhere:Adapter"))
    with pytest.raises(SceneError, match="'roads'.*console.scene.nowhere"):
        Scene(ProjectCRS(), LayerList([Layer(name="roads", kind="broken")]))


def _project_without_the_bridge(tmp_path) -> str:
    """A saved project of the default scene minus Dacang Bridge (written as a user's file would be)."""
    from layers.crs import ProjectCRS
    from layers.loading import default_specs
    from layers.project import FORMAT, VERSION
    specs = [s.to_dict() for s in default_specs() if not s.source.endswith("dacang_bridge.ifc")]
    path = tmp_path / "no-bridge.sjproj"
    path.write_text(json.dumps({"format": FORMAT, "version": VERSION, "crs": ProjectCRS().to_dict(),
                                "layers": specs, "bookmarks": [], "camera": None}), encoding="utf-8")
    return path


def test_snapshot_of_an_ifc_draws_the_model(tmp_path, monkeypatch, scene_old_town):
    """The acceptance command: the bridge given as a file is drawn where it stands."""
    from layers.bim.heritage import models_dir
    project = _project_without_the_bridge(tmp_path)
    bridge = models_dir() / "dacang_bridge.ifc"
    runs = {}
    for name, extra in (("without", []), ("with", [bridge])):
        out = tmp_path / f"{name}.png"
        result = run_cli("snapshot", project, *extra, "--view", "old-town", "--size", "960x540", "--bare", "--out", out)
        assert result.returncode == 0, result.stderr
        assert "no scene adapter" not in result.stderr
        runs[name] = read_png(out)
    _, _, scene = scene_old_town
    row, col = pixel_of(scene, *BRIDGE_LONLAT)
    changed = np.abs(runs["with"] - runs["without"]).sum(axis=2) > 30
    near = changed[row - 12:row + 13, col - 12:col + 13].sum()
    assert near >= 6, f"the bridge should change pixels at its own position ({near} changed)"
    assert changed.sum() - near < 40, "and (almost) nowhere else"


def test_info_reads_a_saved_project(tmp_path, monkeypatch):
    project = _project_without_the_bridge(tmp_path)
    result = run_cli("info", project, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    kinds = {lyr["kind"] for lyr in report["layers"]}
    assert kinds == {k.name for k in layer_kinds.KINDS.values() if k.defaults or not k.prefix}, "the default scene's"
    pagoda = next(lyr for lyr in report["layers"] if lyr["name"] == "西林塔")
    assert pagoda["element_count"] > 10 and pagoda["view"]["default"] == "solid"
    assert next(lyr for lyr in report["layers"] if lyr["kind"] == "sensors")["terminal_count"] == 200_000
    assert report["errors"] == [] and "old-town" in report["bookmarks"]
    text = run_cli("info", project)
    assert text.returncode == 0 and "200000 terminals" in text.stdout


def test_a_project_with_a_missing_file_reports_it_and_draws_the_rest(tmp_path, monkeypatch):
    path = _project_without_the_bridge(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["layers"].append(LayerSpec(source=str(tmp_path / "gone.geojson")).to_dict())
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = run_cli("info", path, "--json")
    assert report.returncode == 0, report.stderr
    assert any("gone.geojson" in e and "not found" in e for e in json.loads(report.stdout)["errors"])
    snap = run_cli("snapshot", path, "--view", "hub", "--size", "320x200", "--out", tmp_path / "x.png")
    assert snap.returncode == 2 and "gone.geojson" in snap.stderr, "a headless report must not silently drop a layer"


def test_snapshot_shows_sensors_as_recorded_at_a_time(tmp_path, monkeypatch):
    from layers.sensors.model import default_registry
    from offline.history import HistoryStore
    history = tmp_path / "history.sqlite"
    offline_png = tmp_path / "offline.png"
    result = run_cli("snapshot", "--view", "hub", "--size", "480x270", "--history", history, "--out", offline_png)
    assert result.returncode == 0, result.stderr
    reg = default_registry()
    t0 = 1_764_400_000.0
    with HistoryStore(history) as store:  # every terminal reported, far past its critical threshold
        store.append(reg.datastream, np.full(len(reg), t0), np.where(np.isfinite(reg.crit), reg.crit * 10 + 100, 1e6))
    recorded_png = tmp_path / "recorded.png"
    result = run_cli("snapshot", "--view", "hub", "--size", "480x270", "--time", str(t0 + 1), "--history", history,
                     "--out", recorded_png)
    assert result.returncode == 0, result.stderr
    before, after = read_png(offline_png), read_png(recorded_png)
    red = lambda img: ((img[..., 0] > 180) & (img[..., 1] < 90) & (img[..., 2] < 90)).sum()  # noqa: E731
    assert red(after) > 10 * max(red(before), 20), "recorded critical readings draw the terminals red"
    early = run_cli("snapshot", "--view", "hub", "--time", str(t0 - 3600), "--history", history,
                    "--out", tmp_path / "early.png")
    assert early.returncode == 2 and "no sensor readings" in early.stderr


def test_bim_view_state_survives_a_saved_project(tmp_path, monkeypatch):
    """Isolated, x-rayed, hidden, coloured by condition and sectioned: saved, reopened headless, drawn alike."""
    from console.scene.camera import apply_bookmark, camera_state
    from layers.bim.view import section_plane
    from layers.bookmarks import Bookmark
    from layers.loading import load_project
    project = build_project()
    bridge, pagoda = _layer(project, "bim", "dacang_bridge.ifc"), _layer(project, "bim", "xilin_pagoda.ifc")
    guid = {e["name"]: e["guid"] for e in bridge.data.elements}
    b = bridge.bounds
    centre = ((b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2)
    close = Bookmark("_bridge", "桥", "bridge", centre, 2.2 * max(b[3] - b[0], b[4] - b[1]), 70.0, 22.0)
    window, scene = render_view(project, "old-town", *SIZE)
    apply_bookmark(scene.renderer, close, project.crs)
    plain = frame(window)
    camera = project.crs.from_scene(np.array([scene.renderer.GetActiveCamera().GetPosition()]))[0]
    bridge.view.apply("xray", guid["Arch ring 3"])
    bridge.view.apply("hide", guid["Pier 2"])
    bridge.view.set_colour_by("condition")
    bridge.view.set_section(section_plane(b, camera))
    pagoda.view.apply("isolate", pagoda.data.elements[0]["guid"])
    prepare_views(project)
    styled = frame(window)
    project.camera = camera_state(scene.renderer, project.crs)
    saved = project.save(tmp_path / "styled.sjproj")
    window.Finalize()

    reopened = load_project(saved)
    for before in (bridge, pagoda):
        after = next(lyr for lyr in reopened.layers if lyr.source == before.source)
        assert after.view.to_dict() == before.view.to_dict()
    assert reopened.camera == project.camera

    out = tmp_path / "reopened.png"
    result = run_cli("snapshot", saved, "--size", f"{SIZE[0]}x{SIZE[1]}", "--out", out)
    assert result.returncode == 0, result.stderr
    again = read_png(out)
    window, scene = render_view(reopened, None, *SIZE)
    row, col = pixel_of(scene, *project.crs.to_wgs84(centre[0], centre[1]), lift=centre[2] - b[2])
    window.Finalize()
    box = (slice(max(row - 120, 0), row + 120), slice(max(col - 200, 0), col + 200))
    moved = np.abs(styled[box] - plain[box]).sum(axis=2) > 40
    assert moved.sum() > 500, "the saved state changes how the bridge is drawn"
    differs = np.abs(again[box] - styled[box]).sum(axis=2) > 40
    assert differs.sum() < 0.02 * moved.size, "the reopened project draws the bridge as it was saved"


def test_an_adapter_follows_new_data_on_its_layer(scene_old_town):
    """Editing replaces a layer's data; the scene redraws it without the layer being re-added."""
    import shapely
    from layers.data import VectorData
    project, window, scene = scene_old_town
    districts = _layer(project, "vector", "districts.geojson")
    adapter = scene.adapters[districts.id]
    before = districts.data
    i = before.columns["id"].index("old-town")
    shown = frame(window)
    kept = np.array([g for j, g in enumerate(before.geometries) if j != i], dtype=object)
    districts.data = VectorData(kept, {k: [v for j, v in enumerate(col) if j != i] for k, col in before.columns.items()})
    try:
        assert scene.adapters[districts.id] is adapter, "the same adapter, rebuilt"
        assert shapely.get_num_geometries(kept).sum() < shapely.get_num_geometries(before.geometries).sum()
        assert (np.abs(frame(window) - shown).sum(axis=2) > 30).sum() > 500, "the old-town fill is gone"
    finally:
        districts.data = before


def test_selected_terminals_are_view_state_saved_with_the_project(tmp_path, monkeypatch):
    from layers.loading import load_project
    project = build_project()
    sensors = _layer(project, "sensors")
    window, scene = render_view(project, "hub", 480, 270)
    adapter = scene.adapters[sensors.id]
    sensors.view.select([10, 20, 30])
    assert adapter.hl_pd.GetNumberOfVerts() == 3, "the adapter draws the selection it finds on the model"
    sensors.view.select([])
    assert adapter.hl_pd.GetNumberOfVerts() == 0
    sensors.view.select([10, 20, 30])
    window.Finalize()
    saved = project.save(tmp_path / "chosen.sjproj")
    ids = [str(sensors.data.registry.ids[i]) for i in (10, 20, 30)]
    assert json.loads(saved.read_text(encoding="utf-8"))["layers"][-1]["view"] == {"selected": ids}
    again = _layer(load_project(saved), "sensors")
    assert again.view.selected == (10, 20, 30)


def test_kinds_the_user_adds_draw_headless_too():
    """Kinds with no layer in the default scene (annotations) draw when a project has one."""
    from console.snapshot import build_project, render_view
    from layers.annotations import Annotation, new_layer
    project = build_project()
    fx, fy, fz = project.bookmarks["old-town"].focal
    window, scene = render_view(project, "old-town", *SIZE)
    before = frame(window)
    layer = new_layer()
    corners = np.array([[fx - 900, fy - 600], [fx + 900, fy - 600], [fx, fy + 900]])
    ground = scene.height_at(corners[:, 0], corners[:, 1])  # where a click would put them
    layer.data.add(Annotation("polygon", np.column_stack([corners, ground]).tolist(), colour="#00ffff"))
    project.layers.append(layer)
    window.Render()
    changed = (np.abs(frame(window) - before).sum(axis=2) > 30).sum()
    window.Finalize()
    assert changed > 200, f"an annotation polygon changes only {changed} pixels"
