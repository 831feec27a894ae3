"""The main window as a user meets it (needs a display: run under xvfb-run)."""
from __future__ import annotations

import shapely
import pytest

from tests.helpers import has_display, wait_for_frame

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]

EMBEDDED = 8


@pytest.fixture
def window(qtbot, make_window):
    """The window with the embedded layers; make_window fails the test if it outlives it."""
    from layers import i18n
    from layers.loading import embedded_specs
    i18n.set_language("zh")
    win = make_window(start_view="old-town", size=(1200, 800))
    win.load_specs(embedded_specs())
    qtbot.waitUntil(lambda: len(win.project.layers) >= EMBEDDED and not win.loader.busy(), timeout=60000)
    qtbot.waitExposed(win)
    wait_for_frame(qtbot, win)
    return win


def _screen_pos(win, lon, lat, lift=2.0):
    """Widget coordinates of a WGS84 point in the current view."""
    from console.scene.camera import display_of
    dx, dy = display_of(win.scene, lon, lat, lift)
    ratio = win.view.devicePixelRatioF()
    return dx / ratio, win.view.height() - dy / ratio


def test_window_shows_the_embedded_songjiang_layers(window):
    names = [lyr.name for lyr in window.project.layers]
    assert "四大重点区域" in names and "地形（合成）" in names and "历史文化遗产" in names
    assert window.tree.tree.topLevelItemCount() == len(window.project.layers)
    assert window.errors == []
    assert list(window.project.bookmarks)[:1] == ["new-city"]
    assert {"new-city", "hub", "film-city", "old-town", "industry"} <= set(window.project.bookmarks)
    toolbar = [a.toolTip() for a in window.bookmark_bar.actions()]
    assert toolbar[0] == "new-city" and "old-town" in toolbar


def test_embedded_layers_keep_their_intended_order(window):
    from layers.loading import embedded_specs
    wanted = [s.name for s in embedded_specs()]
    assert [lyr.name for lyr in window.project.layers] == wanted


def _drawn(lyr, fills=True):
    """What a vector layer draws: its polygons where the fill shows (and ``fills``), else their outlines."""
    from layers.styles import VectorStyle
    geoms = [g for g in lyr.data.geometries if g is not None]
    filled = fills and VectorStyle.of(lyr.style).fill_opacity * lyr.opacity > 0
    return geoms if filled else [shapely.boundary(g) if g.geom_type.endswith("Polygon") else g for g in geoms]


def _clear_of(win, layer, area, margin=250.0):
    """Project-CRS points (a 60 m grid over ``area``) where nothing another vector layer draws lies
    within ``margin`` metres: a click there can only meet ``layer`` (or, with None, the ground).
    Fills of layers below ``layer`` are drawn under its fill; their outlines, lines and points over it."""
    import numpy as np
    vectors = [lyr for lyr in win.project.layers if lyr.kind == "vector"]
    below = vectors[:vectors.index(layer)] if layer is not None else []
    others = [g for lyr in vectors if lyr is not layer for g in _drawn(lyr, fills=lyr not in below)]
    shadow = shapely.buffer(shapely.union_all(others), margin)
    xmin, ymin, xmax, ymax = area.bounds
    xs, ys = np.meshgrid(np.arange(xmin, xmax, 60.0), np.arange(ymin, ymax, 60.0))
    return [p for p in shapely.points(xs.ravel(), ys.ravel()) if area.contains(p) and not shadow.contains(p)]


def test_clicking_a_district_shows_its_chinese_attributes(window, qtbot):
    districts = next(lyr for lyr in window.project.layers if lyr.source.endswith("districts.geojson"))
    assert all(lyr.visible for lyr in window.project.layers)  # every layer on: the click finds the fill
    i = districts.data.columns["id"].index("old-town")
    spots = _clear_of(window, districts, districts.data.geometries[i])
    assert spots, "no spot of the old-town district clear of roads, water and heritage sites"
    lon, lat = window.project.crs.to_wgs84(spots[len(spots) // 2].x, spots[len(spots) // 2].y)
    wait_for_frame(qtbot, window)
    x, y = _screen_pos(window, float(lon), float(lat))
    window.view.pick_at(x, y)
    assert window.inspector.layer is districts
    assert window.inspector.value("name_zh") == "老城历史风貌片区"
    assert window.scene.highlight.current == (districts.id, i)  # the picked district is outlined
    assert "老城历史风貌片区" in [window.inspector.table.item(r, 1).text()
                               for r in range(window.inspector.table.rowCount())]


def test_clicking_where_no_feature_is_clears_the_inspector(window, qtbot):
    window.inspector.show_feature(window.project.layers[0], {"a": 1})
    window.fly_to("new-city", animate=False)
    wait_for_frame(qtbot, window)
    assert all(lyr.visible for lyr in window.project.layers)
    seen = shapely.box(*window.view.ground_at(0.1 * window.view.width(), 0.95 * window.view.height())[:2],
                       *window.view.ground_at(0.9 * window.view.width(), 0.2 * window.view.height())[:2])
    spots = _clear_of(window, None, seen)
    # at city scale the terminals are drawn as hexagons: those are features too
    sensors = next((a for a in window.scene.adapters.values() if a.layer.kind == "sensors"), None)
    if sensors is not None and sensors.binned:
        hexes = shapely.buffer(shapely.points(sensors.hexes.centres_xyz[:, :2]), sensors.hexes.bins.size + 100)
        spots = [p for p in spots if not shapely.union_all(hexes).contains(p)]
    assert spots, "no ground in view clear of every drawn feature"
    lon, lat = window.project.crs.to_wgs84(spots[0].x, spots[0].y)
    window.view.pick_at(*_screen_pos(window, float(lon), float(lat)))  # ground only
    assert window.inspector.layer is None
    assert window.scene.highlight.current is None


def test_unchecking_a_layer_hides_it(window):
    from PySide6.QtCore import Qt
    item = window.tree.tree.topLevelItem(0)
    layer = window.project.layers.by_id(item.data(0, Qt.UserRole + 1))
    item.setCheckState(0, Qt.Unchecked)
    assert layer.visible is False
    adapter = window.scene.adapters[layer.id]
    assert all(not p.GetVisibility() for p in adapter.props)
    layer.visible = True  # changed elsewhere: the tick box follows
    assert window.tree.item_for(layer.id).checkState(0) == Qt.Checked


def test_opacity_slider_drives_the_selected_layer(window):
    window.tree.tree.setCurrentItem(window.tree.tree.topLevelItem(1))
    layer = window.project.layers.by_id(window.tree.current_id())
    window.tree.opacity.setValue(40)
    assert layer.opacity == pytest.approx(0.4)


def test_reordering_the_tree_reorders_the_layers(window):
    tree = window.tree.tree
    top = tree.takeTopLevelItem(0)
    moved = window.project.layers.by_id(top.data(0, 0x0101))
    tree.insertTopLevelItem(2, top)
    window.tree._apply_order()
    assert list(window.project.layers).index(moved) == len(window.project.layers) - 3


def test_a_bad_file_is_reported_and_the_window_carries_on(window, qtbot, tmp_path):
    before = len(window.project.layers)
    bad = [tmp_path / "empty.geojson", tmp_path / "cut.tif", tmp_path / "missing.gpkg",
           tmp_path / "notgeo.json"]
    bad[0].write_bytes(b"")
    bad[1].write_bytes(b"II*\x00" + b"\x01" * 10)
    bad[3].write_text('{"rows": [1, 2, 3]}')
    window.load_files(bad)
    qtbot.waitUntil(lambda: len(window.errors) == len(bad), timeout=30000)
    for path in bad:
        assert any(str(path) in e for e in window.errors)
    assert len(window.project.layers) == before
    assert window.isVisible()


def test_user_file_is_added_as_a_layer(window, qtbot, shared_data):
    window.load_files([shared_data / "raster" / "rasterio_shade.tif"])
    qtbot.waitUntil(lambda: window.project.layers.by_name("rasterio_shade") is not None, timeout=30000)
    assert window.errors == []


def test_language_switch_is_applied_and_remembered(window):
    from console import settings
    window.set_language("en")
    assert window.windowTitle() == "Songjiang New City Operations Console"
    assert window.layers_dock.windowTitle() == "Layers"
    assert "Four key districts" in [window.tree.tree.topLevelItem(i).text(0)
                                    for i in range(window.tree.tree.topLevelItemCount())]
    assert settings.saved_language() == "en"
    assert "Old-town historic area (Zhongshan Road and Cangcheng)" in window.scene.labels.texts  # map labels too
    window.set_language("zh")
    assert "老城历史风貌片区" in window.scene.labels.texts
    assert window.windowTitle() == "松江新城运行控制台"
    assert settings.saved_language() == "zh"


def test_cursor_position_is_shown_in_wgs84_and_project_crs(window):
    x, y = _screen_pos(window, 121.2048, 31.0077)
    xyz = window.view.ground_at(x, y)
    assert xyz is not None
    window.status.show_cursor(*xyz, window.project.crs.crs)
    text = window.status.cursor_label.text()
    assert "EPSG:4549" in text and "121.20" in text and "31.00" in text


def test_bookmark_flies_to_the_district(window, qtbot):
    window.fly_to("hub")
    qtbot.waitUntil(lambda: not window._fly.running, timeout=5000)
    cam = window.scene.renderer.GetActiveCamera()
    focal = window.project.crs.from_scene([cam.GetFocalPoint()])[0]
    target = window.project.bookmarks["hub"].focal
    assert abs(focal[0] - target[0]) < 1 and abs(focal[1] - target[1]) < 1


def test_project_saves_and_reopens_layers_styles_and_camera(window, qtbot, tmp_path, shared_data, make_window):
    window.load_files([shared_data / "raster" / "rasterio_shade.tif"])
    qtbot.waitUntil(lambda: window.project.layers.by_name("rasterio_shade") is not None, timeout=30000)
    districts = window.project.layers.by_name("四大重点区域")
    districts.opacity = 0.55
    districts.set_style(colour="#123456")
    window.project.layers.by_name("水系").visible = False
    window.fly_to("film-city", animate=False)
    path = window.save_project(tmp_path / "ops.sjproj")

    other = make_window(start_view=None)
    other.open_project(path)
    qtbot.waitUntil(lambda: len(other.project.layers) == len(window.project.layers)
                    and not other.loader.busy(), timeout=60000)
    wait_for_frame(qtbot, other)
    assert sorted(lyr.name for lyr in other.project.layers) == sorted(lyr.name for lyr in window.project.layers)
    d2 = other.project.layers.by_name("四大重点区域")
    assert d2.opacity == pytest.approx(0.55) and d2.style["colour"] == "#123456"
    assert other.project.layers.by_name("水系").visible is False
    assert set(other.project.bookmarks) >= {"hub", "old-town"}
    cam = other.scene.renderer.GetActiveCamera()
    focal = other.project.crs.from_scene([cam.GetFocalPoint()])[0]
    target = window.project.bookmarks["film-city"].focal
    assert abs(focal[0] - target[0]) < 1 and abs(focal[1] - target[1]) < 1


def test_dropping_files_on_the_window_loads_them(window, qtbot, shared_data):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg"))])
    event = QDropEvent(QPointF(200, 200), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.project.layers.by_name("ngageoint_gdal_sample:polygon2d") is not None,
                    timeout=30000)
    assert len([lyr for lyr in window.project.layers if lyr.name.startswith("ngageoint_gdal_sample:")]) == 16


def test_cancel_stops_a_load_without_adding_a_layer(window, qtbot, shared_data):
    import threading

    from layers.loading import file_spec
    before = len(window.project.layers)
    seen = []
    gate = threading.Event()
    for _ in range(2):  # occupy both workers so the cancel lands before the read starts
        window.loader.pool.run(lambda job: gate.wait(30), name="gate")
    job = window.loader.submit(file_spec(shared_data / "raster" / "rasterio_RGB.byte.tif"), window.project.crs,
                               window._loaded, window.report_error)
    job.on("cancelled", lambda: seen.append("cancelled"))
    window.status.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not window.loader.busy(), timeout=30000)
    assert seen == ["cancelled"]
    assert len(window.project.layers) == before and window.errors == []


@pytest.mark.qt_no_exception_capture  # the window's own hook, not pytest-qt's, takes the slot's exception
def test_a_bug_in_a_worker_or_a_slot_is_one_line_in_the_window(window, qtbot):
    """Not a thread dying silently nor a traceback on stderr: one logged line in the status bar."""
    from PySide6.QtCore import QTimer
    from widgets.background import run

    def bug(job):
        raise ZeroDivisionError("division by zero")
    run(bug, name="sensor-history-reader")
    qtbot.waitUntil(lambda: "sensor-history-reader: unexpected error (ZeroDivisionError: division by zero)"
                    in window.errors, timeout=10000)
    assert window.statusBar().currentMessage() == "sensor-history-reader：意外错误（ZeroDivisionError: division by zero）"
    QTimer.singleShot(0, lambda: {}["layer"])  # a slot that raises, on the GUI thread
    qtbot.waitUntil(lambda: "unexpected error (KeyError: 'layer')" in window.errors, timeout=10000)


def test_a_project_reopens_in_its_own_crs(window, qtbot, tmp_path):
    import json
    path = window.save_project(tmp_path / "utm.sjproj")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["crs"] = {"crs": "EPSG:32651", "origin": [0, 0, 0]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    window.open_project(path)
    qtbot.waitUntil(lambda: len(window.project.layers) >= EMBEDDED and not window.loader.busy(), timeout=60000)
    assert window.project.crs.crs == "EPSG:32651" and window.scene.project is window.project.crs
    districts = window.project.layers.by_name("四大重点区域")
    assert districts.source_crs == "EPSG:4326" and 300000 < districts.bounds[0] < 400000  # UTM 51N eastings


def test_a_broken_project_file_is_reported(window, tmp_path):
    bad = tmp_path / "bad.sjproj"
    bad.write_text("{not json", encoding="utf-8")
    before = len(window.project.layers)
    window.open_project(bad)
    assert any(str(bad) in e for e in window.errors)
    assert len(window.project.layers) == before


def _mutants(doc: dict, count: int, seed: int = 7):
    """Damaged copies of a saved project: truncations and wrong types where the window relies on them."""
    import copy
    import json
    import random
    rng = random.Random(seed)
    text = json.dumps(doc, ensure_ascii=False)
    wrong = ["text", 3, -1.5, True, [], {}, [1, 2], {"x": 1}, "NaN"]  # None would mean "the default"
    edits = [("crs",), ("crs", "origin"), ("layers",), ("bookmarks",), ("camera",), ("camera", "position"),
             ("camera", "up"), ("version",), ("format",), ("layers", 0), ("layers", 0, "opacity"),
             ("layers", 0, "style"), ("layers", 0, "source"), ("layers", 1, "visible"), ("layers", 2, "view"),
             ("bookmarks", 0), ("bookmarks", 0, "focal"), ("bookmarks", 0, "distance"), ("bookmarks", 0, "id")]
    out = []
    for k in range(count):
        if k % 5 == 0:
            out.append(text[:rng.randrange(1, len(text) - 1)])
            continue
        if k % 5 == 1:
            out.append("[" * 100_000 + "]" * 100_000 if k % 10 == 1 else '{"format": "songjiang-console-project"')
            continue
        mutant = copy.deepcopy(doc)
        path = edits[k % len(edits)]
        node = mutant
        for key in path[:-1]:
            node = node[key]
        value = rng.choice(wrong)
        # a value that keeps the field valid is no mutation: pick again until it breaks the type
        while (path[-1] in ("layers", "bookmarks") and value == []) or (path[-1] == "camera" and value is None) \
                or (path[-1] == "visible" and isinstance(value, bool)) \
                or (path[-1] == "opacity" and isinstance(value, (int, float)) and not isinstance(value, bool)
                    and 0 <= value <= 1) or (path[-1] in ("style", "view") and isinstance(value, dict)) \
                or (path[-1] in ("crs",) and value in ({}, None)) or (path[-1] == "view" and value is None) \
                or (path[-1] == "source" and isinstance(value, str)) \
                or (path[-1] == "id" and isinstance(value, str)):  # a missing file is reported per layer; any id is one
            value = rng.choice(wrong)
        node[path[-1]] = value
        out.append(json.dumps(mutant))
    return out


def test_damaged_projects_leave_the_window_as_it_was(window, tmp_path):
    import json
    good = json.loads(window.save_project(tmp_path / "good.sjproj").read_text(encoding="utf-8"))
    before = [(lyr.id, lyr.name, lyr.visible) for lyr in window.project.layers]
    crs, bookmarks = window.project.crs, dict(window.project.bookmarks)
    for n, text in enumerate(_mutants(good, 50)):
        bad = tmp_path / f"bad{n}.sjproj"
        bad.write_text(text, encoding="utf-8")
        errors = len(window.errors)
        window.open_project(bad)
        assert len(window.errors) == errors + 1 and str(bad) in window.errors[-1], text[:200]
        assert [(lyr.id, lyr.name, lyr.visible) for lyr in window.project.layers] == before, text[:200]
        assert window.project.crs is crs and window.project.bookmarks == bookmarks
    assert window.isVisible()


def test_saving_into_a_read_only_folder_is_reported(window, tmp_path):
    import os
    import stat
    if os.geteuid() == 0:  # root writes anywhere: make the "folder" a file's child instead
        locked = tmp_path / "not-a-folder"
        locked.write_text("x")
        target_dir = locked
    else:
        target_dir = tmp_path / "ro"
        target_dir.mkdir()
        target_dir.chmod(stat.S_IRUSR | stat.S_IXUSR)
    for save, name in ((window.save_project_reporting, "p.sjproj"), (window.save_image, "v.png")):
        errors = len(window.errors)
        assert save(target_dir / name) is None
        assert len(window.errors) == errors + 1 and str(target_dir / name) in window.errors[-1]
        from layers.messages import localize
        assert window.statusBar().currentMessage() == localize(window.errors[-1]), "told in the interface language"
    assert list(tmp_path.glob("**/.*.part")) == [], "no temporary file is left behind"


def test_saved_files_get_normal_permissions(window, tmp_path):
    import os
    mask = os.umask(0o022)
    try:
        project = window.save_project_reporting(tmp_path / "p.sjproj")
        image = window.save_image(tmp_path / "v.png")
    finally:
        os.umask(mask)
    assert oct(project.stat().st_mode & 0o777) == oct(0o644) and oct(image.stat().st_mode & 0o777) == oct(0o644)
