"""The Qt-free contracts between features: layer specs, view state, the undo stack, the kind registry."""
from __future__ import annotations

import json

import numpy as np
import pytest

from layers import layer_kinds
from layers.bim.view import GHOST, HIDDEN, SOLID, BimView, section_plane
from layers.layer import Layer
from layers.spec import LayerSpec
from layers.undo import Command, UndoStack, change_views, set_layer_property


class _Model:
    def __init__(self, guids):
        self.elements = [{"guid": g} for g in guids]

    def index_of(self, guid):
        return [e["guid"] for e in self.elements].index(guid)


def test_layer_spec_round_trips_through_a_project_entry():
    spec = LayerSpec(source="/data/x.gpkg", name="道路", name_en="Roads", table="roads", style={"colour": "#fff"},
                     visible=False, opacity=0.4, assume_crs="GCJ-02", view={"colour_by": "damage"}, id="abc")
    entry = json.loads(json.dumps(spec.to_dict()))
    assert LayerSpec.from_dict(entry) == spec
    newer = {**entry, "a_field_from_a_newer_version": 1}
    assert LayerSpec.from_dict(newer) == spec
    with pytest.raises(ValueError, match="without a source"):
        LayerSpec.from_dict({"name": "no source"})


def test_a_spec_is_applied_in_one_place():
    a = Layer(name="t1", kind="vector", meta={"table": "a"})
    b = Layer(name="t2", kind="vector", meta={"table": "b"})
    spec = LayerSpec(source="f.gpkg", table="b", name="乙", visible=False, opacity=0.3, style={"w": 2}, id="keep")
    (only,) = spec.apply([a, b])
    assert only is b and (b.name, b.visible, b.opacity, b.style, b.id) == ("乙", False, 0.3, {"w": 2}, "keep")
    assert LayerSpec.of_layer(b).to_dict()["table"] == "b"


def test_bim_view_saves_exceptions_not_every_element():
    model = _Model([f"g{i}" for i in range(1000)])
    view = BimView(model)
    seen = []
    view.events.visibility.connect(lambda new, old: seen.append("visibility"))
    view.apply("isolate", "g7")
    assert view.states().tolist().count(SOLID) == 1 and view.states()[7] == SOLID
    view.apply("hide", "g8")
    saved = view.to_dict()
    assert saved["default"] == "hidden" and saved["exceptions"] == {"g7": "solid", "g8": "hidden"}
    view.apply("xray", "g7")
    assert view.states()[0] == GHOST and view.states()[8] == GHOST
    other = BimView(model)
    other.update_from_dict(saved)
    assert other.to_dict() == saved and other.states()[8] == HIDDEN
    assert seen == ["visibility"] * 3
    other.update_from_dict({"default": "sideways", "section": [1, 2], "colour_by": "rainbow"})
    assert (other.default, other.section, other.colour_by) == (SOLID, None, "none")


def test_section_plane_keeps_the_half_away_from_the_camera():
    bounds = (0, 0, 0, 10, 50, 8)  # long in y: cut across x
    plane = section_plane(bounds, camera_position=(-100, 25, 10))
    assert plane[:3] == (5.0, 25.0, 4.0) and plane[3:] == (1.0, 0.0, 0.0)
    assert section_plane(bounds, camera_position=(100, 25, 10))[3:] == (-1.0, 0.0, 0.0)


def test_undo_stack_walks_one_history():
    stack, value = UndoStack(), []
    stack.push(Command("add a", lambda: value.append("a"), lambda: value.remove("a")))
    stack.push(Command("add b", lambda: value.append("b"), lambda: value.remove("b")))
    assert value == ["a", "b"] and stack.undo_text() == "add b"
    stack.undo()
    assert value == ["a"] and stack.redo_text() == "add b"
    stack.push(Command("add c", lambda: value.append("c"), lambda: value.remove("c")))
    assert not stack.can_redo, "a new step drops what was undone"
    stack.undo(), stack.undo()
    assert value == [] and not stack.can_undo
    stack.undo()  # nothing left: no error
    assert value == []


def test_layer_properties_and_view_changes_share_the_stack():
    stack = UndoStack()
    layer = Layer(name="x", kind="vector")
    assert set_layer_property(stack, layer, "visible", True) is None, "no step when nothing changes"
    set_layer_property(stack, layer, "opacity", 0.25)
    view = BimView(_Model(["a", "b"]))
    change_views(stack, [view], lambda: view.set_colour_by("condition"), "colour")
    assert (layer.opacity, view.colour_by) == (0.25, "condition")
    stack.undo()
    assert view.colour_by == "none" and layer.opacity == 0.25
    stack.undo()
    assert layer.opacity == 1.0


def test_hbim_record_edits_go_on_the_shared_stack(tmp_path):
    from offline.hbim import Inspection
    from offline.records import open_records
    stack = UndoStack()
    store = open_records(tmp_path / "h.sqlite", stack, seed=False)
    layer = Layer(name="x", kind="vector")
    set_layer_property(stack, layer, "visible", False)
    store.put(Inspection(guid="G1", date="2026-11-29", condition_grade=4))
    stack.undo()
    assert store.records("inspections") == [] and layer.visible is False
    stack.undo()
    assert layer.visible is True
    stack.redo(), stack.redo()
    assert store.records("inspections")[0].condition_grade == 4
    store.close()


def test_kinds_resolve_by_model_class_and_fail_loudly():
    from layers.data import RasterData, VectorData
    vector = VectorData(np.array([], dtype=object))
    assert layer_kinds.kinds_of(vector) == ["vector"]
    raster = RasterData(np.zeros((1, 2, 2)), (0, 1, 0, 0, 0, -1), np.ones((2, 2), bool))
    assert set(layer_kinds.kinds_of(raster)) == {"terrain", "imagery"}
    with pytest.raises(layer_kinds.KindError, match="holds a RasterData, not a VectorData"):
        layer_kinds.check(Layer(name="x", kind="vector", data=raster))
    with pytest.raises(layer_kinds.KindError, match="cannot load"):
        layer_kinds.resolve("layers.nowhere:Thing")
    bim = layer_kinds.get("bim")
    assert bim.view and bim.defaults, "the bim kind declares its view state and models"


def test_typed_styles_read_a_hand_edited_project_safely():
    from layers.styles import SensorStyle, VectorStyle, style_of
    s = VectorStyle.of({"colour": "#112233", "line_width": "3", "fill_opacity": "lots", "unknown": 1})
    assert (s.colour, s.line_width, s.fill_opacity, s.label_lift) == ("#112233", 3.0, 0.35, 40.0)
    sensors = SensorStyle.of({"colour_by": "rainbow", "kinds": ["noise", "pm25"]})
    assert sensors.colour_by == "state" and sensors.kinds == ("noise", "pm25")
    layer = Layer(name="t", kind="terrain", style={"vertical_exaggeration": 3})
    assert style_of(layer).vertical_exaggeration == 3.0
    assert all(kind.style_class() is not None for kind in layer_kinds.KINDS.values()), "every kind types its style"


def test_a_version_1_project_keeps_its_bim_colouring(tmp_path):
    from layers.project import VERSION, open_project
    old = {"format": "songjiang-console-project", "version": 1, "crs": {"crs": "EPSG:4549"},
           "layers": [{"source": "/m/dacang_bridge.ifc", "name": "桥", "style": {"colour_by": "condition"}},
                      {"source": "/m/roads.geojson", "style": {"colour_by": "state", "colour": "#fff"}}],
           "bookmarks": [], "camera": None}
    path = tmp_path / "old.sjproj"
    path.write_text(json.dumps(old), encoding="utf-8")
    _, specs = open_project(path)
    assert VERSION == 2
    assert specs[0].view == {"colour_by": "condition"} and "colour_by" not in specs[0].style
    assert specs[1].style == {"colour_by": "state", "colour": "#fff"} and specs[1].view is None
