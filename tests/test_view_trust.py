"""A view users can trust (issue 9): extra layers never blank or clip it, clicks select what is seen.

In the real window with every default layer on (terrain, basemap, vectors, the five HBIM models,
the 200,000 sensors). The sensor feed is off so that frames can be compared pixel by pixel.
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import has_display, open_default_window
from tests.view_probe import footprint, frame, visible_element_pixels

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]

CHANGED = 40          # summed RGB difference that counts as a changed pixel
STRAY_PIXELS = 30     # changed pixels allowed outside the footprint (anti-aliased text edges)


@pytest.fixture
def window(qtbot, monkeypatch):
    win = open_default_window(qtbot, demo_feed=False)  # no simulator: sensor colours stay put between frames
    yield win
    win.close()


def _dark_pixels(widget) -> int:
    """Text-dark pixels in the left half of a widget as it is drawn."""
    from PySide6.QtGui import QImage
    image = widget.grab().toImage().convertToFormat(QImage.Format_Grayscale8)
    rows = np.array(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return int((rows[:, :image.width() // 2] < 100).sum())


def _shared_files(shared_data):
    return sorted(p for p in shared_data.rglob("*") if p.is_file() and p.suffix.lower() != ".md")


def _add(win, qtbot, path):
    before = list(win.project.layers)
    errors = len(win.errors)
    win.load_files([path])
    qtbot.waitUntil(lambda: not win.loader.busy(), timeout=120000)
    qtbot.wait(100)
    if win.panels.hbim.placement_dialog is not None:  # a model without georeference: the question is left unanswered
        win.panels.hbim.placement_dialog.reject()
        win.panels.hbim.placement_dialog = None
    return [lyr for lyr in win.project.layers if lyr not in before], win.errors[errors:]


def test_adding_each_shared_file_changes_the_old_town_only_where_the_layer_is(window, qtbot, shared_data):
    win = window
    camera = win.scene.renderer.GetActiveCamera()
    report = []
    for path in _shared_files(shared_data):
        win.fly_to("old-town", animate=False)
        qtbot.wait(50)
        shown = frame(win.view).astype(int)
        position = camera.GetPosition()
        added, errors = _add(win, qtbot, path)
        assert camera.GetPosition() == position, f"adding {path.name} moved the camera"
        win.fly_to("old-town", animate=False)  # the bookmark again: the camera (and its planes) reset
        qtbot.wait(50)
        after = frame(win.view).astype(int)
        changed = np.abs(after - shown).sum(axis=2) > CHANGED
        allowed = np.zeros(changed.shape, bool)
        for layer in added:
            allowed |= footprint(win, layer)
        stray = int((changed & ~allowed).sum())
        report.append((path.name, len(added), int(changed.sum()), stray, errors[:1]))
        assert stray <= STRAY_PIXELS, (f"adding {path.name} changed {stray} pixels of the old-town view "
                                       f"outside its own footprint: {report}")
    assert sum(n for _, n, *_ in report) > 10, f"most shared files were not added: {report}"


def test_far_away_layers_are_badged_and_never_cut_the_bridge_away(window, qtbot, shared_data, tmp_path):
    win = window
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)
    qtbot.wait(50)
    shown = frame(win.view).astype(int)
    far = []
    for rel in ("shanghai/hui5_shanghai-heritage-map_openstreetmap.geojson",
                "ifc/webifc_AC20-FZK-Haus.ifc", "raster/rasterio_RGB.byte.tif"):
        added, errors = _add(win, qtbot, shared_data / rel)
        assert added and not errors, rel
        far += [lyr for lyr in added if lyr.outside_area]
    assert {lyr.name for lyr in far} == {"webifc_AC20-FZK-Haus", "rasterio_RGB.byte"}
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)  # the bridge bookmark again, as in the issue
    qtbot.wait(50)
    assert "rasterio_RGB.byte" in win.statusBar().currentMessage()  # the last far layer is announced …
    assert _dark_pixels(win.statusBar()) > 300  # … where it can be read, not behind the cursor read-out
    for layer in far:
        assert not win.tree.item_for(layer.id).icon(0).isNull()  # the badge in the layer tree
    bridge = win.panels.hbim.model_layer("dacang_bridge")
    near, far_plane = win.scene.renderer.GetActiveCamera().GetClippingRange()
    eye = win.scene.project.from_scene([win.scene.renderer.GetActiveCamera().GetPosition()])[0]
    b = np.array(bridge.bounds)
    nearest = np.linalg.norm(np.clip(eye, b[:3], b[3:]) - eye)
    assert near < nearest, f"near plane {near:.1f} m cuts the bridge ({nearest:.1f} m away)"
    # the heritage layer adds points over the bridge's ground; the bridge itself is drawn as before
    bridge_px = footprint(win, bridge, margin=0)
    same = (np.abs(frame(win.view).astype(int) - shown).sum(axis=2) <= CHANGED)[bridge_px].mean()
    assert same > 0.9, f"only {same:.0%} of the bridge's pixels are as before"

    path = win.save_project(tmp_path / "far.sjproj")
    before = frame(win.view).astype(int)
    win.open_project(path)
    qtbot.waitUntil(lambda: len(win.project.layers) >= 17 and not win.loader.busy(), timeout=120000)
    qtbot.wait(200)
    again = frame(win.view).astype(int)
    assert (np.abs(again - before).sum(axis=2) > CHANGED).mean() < 0.02, "the saved project reopens differently"


def _bridge_pixels(win, qtbot, n, seed):
    """The Dacang Bridge close up, and n pixels where one of its components is what is seen."""
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)
    qtbot.wait(50)
    layer = win.panels.hbim.model_layer("dacang_bridge")
    return layer, visible_element_pixels(win, win.scene.adapters[layer.id], n, seed=seed)


def test_forty_clicks_on_the_bridge_select_the_component_clicked(window, qtbot):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    win = window
    layer, targets = _bridge_pixels(win, qtbot, 40, seed=9)
    assert len(targets) == 40
    selected = 0
    for x, y, element in targets:
        QTest.mouseClick(win.view, Qt.LeftButton, Qt.NoModifier, QPoint(x, y))
        chosen = win.panels.hbim.selection
        selected += chosen is not None and chosen[0] is layer and chosen[1] == element
    assert selected >= 38, f"{selected} of 40 clicks selected the component under the cursor"


def test_ctrl_click_adds_components_and_hover_outlines_them(window, qtbot):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    win = window
    layer, targets = _bridge_pixels(win, qtbot, 12, seed=3)
    first = targets[0]
    second = next(t for t in targets if t[2] != first[2])
    QTest.mouseClick(win.view, Qt.LeftButton, Qt.NoModifier, QPoint(first[0], first[1]))
    QTest.mouseClick(win.view, Qt.LeftButton, Qt.ControlModifier, QPoint(second[0], second[1]))
    assert sorted(layer.view.selected_indices()) == sorted({first[2], second[2]})
    QTest.mouseClick(win.view, Qt.LeftButton, Qt.ControlModifier, QPoint(second[0], second[1]))
    assert layer.view.selected_indices() == [first[2]]  # a second Ctrl+click takes it out again
    QTest.mouseMove(win.view, QPoint(second[0], second[1]))
    qtbot.waitUntil(lambda: win.scene.hover.current == (layer.id, second[2]), timeout=3000)
