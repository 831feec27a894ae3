"""View state is typed: evented dataclasses with one signal per aspect, typed fields instead of ``meta``.

The four view-state classes (BIM, sensors, buildings, annotations) were hand-rolled
objects emitting string tags ("visibility", "colour"…) that every listener had to
spell alike; two adapters passed the city's level of detail through
``layer.meta["lod_far"]``. Projects saved before the change must still open as saved.
"""
from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

from layers.annotations import AnnotationView
from layers.bim.view import GHOST, HIDDEN, SOLID, BimView, Visibility
from layers.buildings.view import BuildingView
from layers.sensors.view import SensorView

REPO = Path(__file__).resolve().parents[1]


class _Model:
    def __init__(self, guids):
        self.elements = [{"guid": g} for g in guids]

    def index_of(self, guid):
        return [e["guid"] for e in self.elements].index(guid)


def _record(view):
    seen = []
    view.events.all.connect(lambda info: seen.append(info.signal.name))
    return seen


@pytest.mark.parametrize("cls", [BimView, SensorView, BuildingView, AnnotationView])
def test_every_view_state_is_an_evented_dataclass(cls):
    view = cls(None)
    assert dataclasses.is_dataclass(view)
    names = {f.name for f in dataclasses.fields(view)}
    assert {"selected", "selection"} & names
    assert all(hasattr(view.events, n) for n in names), "one signal per field"
    assert not hasattr(view, "changed"), "no string-tagged signal beside them"


def test_one_action_is_one_event_of_its_aspect_and_no_change_is_none():
    view = BimView(_Model(["a", "b", "c"]))
    seen = _record(view)
    view.apply("isolate", "a")
    view.apply("isolate", "a")
    view.select("b")
    view.select("c", add=True)
    view.set_section((0, 0, 0, 1, 0, 0))
    view.set_colour_by("condition")
    view.set_colour_by("rainbow")  # unknown: back to none
    assert seen == ["visibility", "selection", "selection", "section", "colour_by", "colour_by"]
    assert view.visibility == Visibility(HIDDEN, {"a": SOLID}) and (view.selected, view.also) == ("b", ("c",))

    buildings, sensors, notes = BuildingView(None), SensorView(None), AnnotationView(None)
    b_seen, s_seen, n_seen = _record(buildings), _record(sensors), _record(notes)
    buildings.set_colour_by("height"), buildings.select(3), buildings.set_hidden([1, 2]), buildings.set_hidden([2, 1])
    sensors.select([5, 5, 6]), sensors.select([5, 6])
    notes.select(["x"]), notes.select(["x"])
    assert b_seen == ["colour_by", "selected", "hidden"] and s_seen == ["selected"] and n_seen == ["selected"]
    assert sensors.selected == (5, 6)


def test_a_project_saved_before_the_change_opens_with_its_view_state(tmp_path):
    """The saved form is unchanged: a project file as the console wrote it keeps x-ray, selection, section."""
    from layers.layer import Layer
    from layers.spec import LayerSpec
    saved_view = {"default": "ghost", "exceptions": {"g7": "solid", "g8": "hidden"}, "selected": "g7",
                  "also": ["g9"], "section": [1.0, 2.0, 3.0, 0.0, 1.0, 0.0], "colour_by": "damage"}
    entry = json.loads(json.dumps({"source": "/x/bridge.ifc", "name": "桥", "view": saved_view, "id": "k"}))
    spec = LayerSpec.from_dict(entry)
    layer = Layer(name="桥", kind="bim", data=None, view=BimView(_Model([f"g{i}" for i in range(10)])))
    layer.view.update_from_dict(spec.view)
    assert layer.view.visibility == Visibility(GHOST, {"g7": SOLID, "g8": HIDDEN})
    assert layer.view.selection == ("g7", "g9") and layer.view.section == (1.0, 2.0, 3.0, 0.0, 1.0, 0.0)
    assert layer.view.to_dict() == saved_view, "and it saves again exactly as it was"
    sensors = SensorView(None)
    sensors.update_from_dict({"selected": ["T1"]})  # no model yet: left as it is, not failed
    assert sensors.selected == ()


def test_console_writes_no_side_channel_into_layer_meta():
    """``meta`` is what a reader found in the file; state between adapters or panels is a typed field."""
    offenders = []
    for path in sorted((REPO / "console").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
            for t in targets:
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Attribute) and t.value.attr == "meta":
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("setdefault", "update") \
                    and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "meta":
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_a_layer_outside_the_project_area_says_so_in_a_typed_field():
    from layers.crs import ProjectCRS
    from layers.data import VectorData
    from layers.layer import Layer
    from layers.loading import prepare
    import numpy as np
    import shapely
    far = Layer(name="far", kind="vector", data=VectorData(np.array([shapely.Point(0, 0)], dtype=object), {}),
                bounds=(0.0, 0.0, 0.0, 10.0, 10.0, 0.0))
    prepare(far, ProjectCRS())
    assert far.outside_area is True and "outside_area" not in far.meta
