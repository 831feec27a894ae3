"""Annotations: the model and its undo steps, saved in projects, drawn where they were placed, placed by clicks."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from layers.annotations import Annotation, AnnotationCommand, AnnotationSet
from layers.undo import UndoStack
from tests.helpers import REPO

MAGENTA = "#ff00ff"


def test_an_annotation_needs_its_points_and_a_known_kind():
    with pytest.raises(ValueError, match="arrow needs 2 points"):
        Annotation("arrow", [[0, 0, 0]])
    with pytest.raises(ValueError, match="not one of"):
        Annotation("cloud", [[0, 0, 0]])
    a = Annotation("marker", [[1, 2]], text="核查点")
    assert a.points == [[1.0, 2.0, 0.0]] and a.id and a.created


def test_add_edit_move_delete_are_each_one_undo_step():
    data, undo = AnnotationSet(), UndoStack()
    a = Annotation("polyline", [[0, 0, 0], [10, 0, 0]], text="巡查路线")
    undo.push(AnnotationCommand(data, "add", None, a))
    b = Annotation("marker", [[5, 5, 0]])
    undo.push(AnnotationCommand(data, "add", None, b))
    import dataclasses
    undo.push(AnnotationCommand(data, "edit", a, dataclasses.replace(a, colour="#00ff00", text="复核路线")))
    undo.push(AnnotationCommand(data, "delete", data.get(a.id), None))
    assert [x.id for x in data] == [b.id]
    undo.undo()
    assert [x.id for x in data] == [a.id, b.id], "undoing a delete puts it back in its place"
    assert data.get(a.id).text == "复核路线"
    undo.undo()
    assert data.get(a.id).text == "巡查路线" and data.get(a.id).colour == a.colour
    undo.undo(), undo.undo()
    assert len(data) == 0
    undo.redo()
    assert [x.id for x in data] == [a.id]


def test_annotations_are_saved_in_the_project_and_reopen(tmp_path):
    from layers.annotations import new_layer
    from layers.loading import load_project
    from layers.project import Project
    project = Project()
    layer = new_layer()
    layer.data.add(Annotation("callout", [[616900, 3432500, 4], [616950, 3432600, 30]], text="裂缝 12 mm",
                              anchor="2O2Fr$t4X7Zf8NOew3FLOH", author="测绘 李"))
    project.layers.append(layer)
    path = project.save(tmp_path / "标注.sjproj")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["layers"][0]["source"] == "annotations:project" and saved["layers"][0]["data"][0]["text"] == "裂缝 12 mm"
    reopened = load_project(path)
    (again,) = [lyr for lyr in reopened.layers if lyr.kind == "annotations"]
    (a,) = list(again.data)
    assert (a.text, a.anchor, a.author, a.points[1]) == ("裂缝 12 mm", "2O2Fr$t4X7Zf8NOew3FLOH", "测绘 李",
                                                         [616950.0, 3432600.0, 30.0])


def _project_with_a_pin(tmp_path, camera=None):
    """The default scene plus a magenta pin 80 m north-east of the old-town bookmark's focus."""
    from console.snapshot import build_project
    from layers.annotations import new_layer
    project = build_project()
    fx, fy, _ = project.bookmarks["old-town"].focal
    x, y = fx + 80.0, fy + 80.0
    from console.scene.scene import Scene
    z = float(Scene(project.crs, project.layers).height_at([x], [y])[0])
    layer = new_layer()
    layer.data.add(Annotation("marker", [[x, y, z]], colour=MAGENTA))
    project.layers.append(layer)
    project.camera = camera
    return project.save(tmp_path / "pin.sjproj"), (x, y, z)


def _expected_pixel(prov: dict, xyz, size) -> tuple[int, int]:
    from console.scene.annotations import LIFT
    from console.scene.camera import restore_camera
    from console.snapshot import offscreen_window
    from console.vtk_imports import vtkRenderer
    from layers.crs import ProjectCRS
    crs = ProjectCRS()
    window = offscreen_window(*size)
    r = vtkRenderer()
    window.AddRenderer(r)
    restore_camera(r, prov["camera"], crs)
    r.SetWorldPoint(*map(float, crs.to_scene(np.array([[xyz[0], xyz[1], xyz[2] + LIFT]]))[0]), 1.0)
    r.WorldToDisplay()
    dx, dy, _ = r.GetDisplayPoint()
    window.Finalize()
    return int(round(size[1] - dy)), int(round(dx))


def test_a_pin_is_drawn_where_its_coordinates_project_from_two_cameras(tmp_path):
    from PySide6.QtGui import QImage
    path, xyz = _project_with_a_pin(tmp_path)
    x, y, z = xyz
    near_camera = {"position": [x - 150.0, y - 260.0, z + 220.0], "focal": [x, y, z], "up": [0.0, 0.0, 1.0]}
    (tmp_path / "near").mkdir()
    path_near, _ = _project_with_a_pin(tmp_path / "near", near_camera)
    size = (1280, 720)
    for project_file, view in ((path, ["--view", "old-town"]), (path_near, [])):
        out = tmp_path / f"pin-{'view' if view else 'camera'}.png"
        result = subprocess.run([sys.executable, "-m", "console", "snapshot", project_file, *view, "--out", out,
                                 "--size", "1280x720"], cwd=REPO, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        image = QImage(str(out)).convertToFormat(QImage.Format_RGB888)
        prov = json.loads(image.text("songjiang:provenance"))
        row, col = _expected_pixel(prov, xyz, size)
        assert 20 <= row < 700 and 20 <= col < 1260, (row, col)
        rgb = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * 720).reshape(720, -1)
        rgb = rgb[:, :1280 * 3].reshape(720, 1280, 3).astype(int)
        near = rgb[row - 2:row + 3, col - 2:col + 3].reshape(-1, 3)
        magenta = (near[:, 0] > 180) & (near[:, 1] < 90) & (near[:, 2] > 180)
        assert magenta.sum() >= 5, f"the pin at ({row}, {col}) in {out.name}: {near.tolist()}"


@pytest.fixture
def window(default_window):
    default_window.resize(1600, 950)
    return default_window


def _click(qtbot, view, x, y):
    from PySide6.QtCore import QPoint, Qt
    qtbot.mousePress(view, Qt.LeftButton, pos=QPoint(x, y))
    qtbot.mouseRelease(view, Qt.LeftButton, pos=QPoint(x, y))


def test_placing_annotations_by_clicking_in_the_window_with_undo(window, qtbot):
    from PySide6.QtCore import Qt
    panel, view = window.panels.annotations, window.view
    w, h = view.width(), view.height()
    panel.widget.text.setText("现场核查点")
    panel.widget.tool_buttons["marker"].click()
    expected = view.ground_at(w // 2, h // 2)
    _click(qtbot, view, w // 2, h // 2)
    layer = panel.layer()
    assert layer is not None and len(layer.data) == 1
    (pin,) = list(layer.data)
    assert pin.kind == "marker" and pin.text == "现场核查点"
    assert np.allclose(pin.points[0], expected, atol=1.0), "placed on the ground under the click"
    assert panel.widget.list.count() == 1 and "现场核查点" in panel.widget.list.item(0).text()
    panel.widget.tool_buttons["polyline"].click()
    for dx in (-120, 0, 120):
        _click(qtbot, view, w // 2 + dx, h // 2 + 80)
    qtbot.keyClick(view, Qt.Key_Return)
    assert [a.kind for a in layer.data] == ["marker", "polyline"] and len(list(layer.data)[1].points) == 3
    layer.view.select([pin.id])
    panel.widget.width.setValue(5.0)  # restyle the selected pin: one undo step
    assert layer.data.get(pin.id).width == 5.0
    window.project.undo.undo()
    assert layer.data.get(pin.id).width == 2.0
    window.project.undo.undo()
    assert [a.kind for a in layer.data] == ["marker"]
    layer.view.select([pin.id])
    panel.widget.delete_button.click()
    assert len(layer.data) == 0
    window.project.undo.undo()
    assert [a.id for a in layer.data] == [pin.id]
