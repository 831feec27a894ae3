"""Annotations on the map: text, callouts, arrows, polylines, polygons and pins, in world coordinates.

An ``AnnotationSet`` is the data of an "annotations" layer; it is saved inside the project
(the spec's ``data``: annotations are project content, as in QGIS) and goes with field
packages. Points are project-CRS (x, y, z): z is where the user clicked (the ground, or the
top of an HBIM component, whose GlobalId is kept in ``anchor``), so an annotation stays on
its spot as the camera moves and in every export. Edits go through the project's undo stack
(``AnnotationCommand``); the view state (selection) lives on ``AnnotationView``.
"""
from __future__ import annotations

import copy
import time
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from psygnal import Signal, evented

KINDS = ("text", "callout", "arrow", "polyline", "polygon", "marker")
POINTS_NEEDED = {"text": 1, "marker": 1, "callout": 2, "arrow": 2, "polyline": 2, "polygon": 3}


@dataclass
class Annotation:
    kind: str
    points: list                      # [[x, y, z], ...] project CRS
    text: str = ""
    colour: str = "#e4002b"
    width: float = 2.0                # line width, points
    font_size: float = 12.0           # points
    anchor: str = ""                  # GlobalId of the HBIM component it is attached to
    author: str = ""
    created: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"annotation kind {self.kind!r} is not one of {', '.join(KINDS)}")
        pts = [[float(v) for v in p[:3]] + [0.0] * (3 - len(p[:3])) for p in self.points]
        if len(pts) < POINTS_NEEDED[self.kind]:
            raise ValueError(f"a {self.kind} needs {POINTS_NEEDED[self.kind]} points, got {len(pts)}")
        self.points = pts
        if not self.created:
            self.created = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Annotation":
        if not isinstance(d, dict):
            raise ValueError(f"annotation entry is {type(d).__name__}, not an object")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


class AnnotationSet:
    """The annotations of a layer, in drawing order; ``changed`` fires after every edit."""

    changed = Signal()

    def __init__(self, items=()):
        self.items: dict[str, Annotation] = {a.id: a for a in items}

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(list(self.items.values()))

    def get(self, aid: str) -> Annotation:
        return self.items[aid]

    def add(self, a: Annotation, index: int | None = None):
        entries = list(self.items.items())
        entries.insert(len(entries) if index is None else index, (a.id, a))
        self.items = dict(entries)
        self.changed.emit()

    def remove(self, aid: str) -> tuple[Annotation, int]:
        index = list(self.items).index(aid)
        a = self.items.pop(aid)
        self.changed.emit()
        return a, index

    def replace(self, a: Annotation):
        self.items[a.id] = a
        self.changed.emit()

    def reset(self, items):
        """All annotations at once (field mode: the package's, which a saved project's copy may lag)."""
        self.items = {a.id: a for a in items}
        self.changed.emit()

    def to_list(self) -> list[dict]:
        return [a.to_dict() for a in self.items.values()]

    @classmethod
    def from_list(cls, entries) -> "AnnotationSet":
        if not isinstance(entries, list):
            raise ValueError("annotations must be a list")
        return cls(Annotation.from_dict(d) for d in entries)

    def bounds(self):
        pts = [p for a in self.items.values() for p in a.points]
        if not pts:
            return None
        xs, ys, zs = zip(*pts)
        return (min(xs), min(ys), min(zs), max(xs), max(ys), max(zs))


@evented
@dataclass(eq=False)
class AnnotationView:
    """Which annotations are selected (the adapter draws them highlighted; the dock lists them):
    ``view.events.selected`` fires when the selection changes."""

    data: Any = field(default=None, repr=False)
    selected: list[str] = field(default_factory=list)

    def select(self, ids):
        self.selected = list(ids)

    def to_dict(self) -> dict:
        return {"selected": list(self.selected)}

    def update_from_dict(self, d: dict):
        self.selected = [str(s) for s in (d or {}).get("selected", [])]


class AnnotationCommand:
    """One undoable edit: add, delete, or replace (move, restyle, retext) an annotation.

    ``sink(before, after)`` (dicts, None = absent), when given, keeps each change where the
    annotations live outside the project — a field package's journal (offline/field/annotations.py)
    — and runs first: when it refuses, the annotations are left as they were.
    """

    def __init__(self, data: AnnotationSet, text: str, before: Annotation | None, after: Annotation | None,
                 sink=None):
        self.data, self.text, self.sink = data, text, sink
        self.before, self.after = copy.deepcopy(before), copy.deepcopy(after)
        self._index = None

    def _keep(self, old: Annotation | None, new: Annotation | None):
        if self.sink is not None:
            self.sink(None if old is None else old.to_dict(), None if new is None else new.to_dict())

    def redo(self):
        self._keep(self.before, self.after)
        if self.after is None:
            _, self._index = self.data.remove(self.before.id)
        elif self.before is None:
            self.data.add(copy.deepcopy(self.after), self._index)
        else:
            self.data.replace(copy.deepcopy(self.after))

    def undo(self):
        self._keep(self.after, self.before)
        if self.before is None:
            _, self._index = self.data.remove(self.after.id)
        elif self.after is None:
            self.data.add(copy.deepcopy(self.before), self._index)
        else:
            self.data.replace(copy.deepcopy(self.before))


PACKAGE_SOURCE = "annotations:package"  # field mode: the package's own annotations (console/field.py)


def source_layers(spec, project_crs, progress=None) -> list:
    """An "annotations:" spec → its layer (the annotations themselves are in ``spec.data``)."""
    from layers.layer import NO_BOUNDS, Layer
    data = AnnotationSet.from_list(spec.data or [])
    layer = Layer(name=spec.name or "标注", kind="annotations", data=data, bounds=data.bounds() or NO_BOUNDS,
                  source=spec.source)
    layer.meta["name_en"] = spec.name_en or "Annotations"
    return [layer]


def new_layer():
    """The layer the window adds annotations to when the project has none yet."""
    from layers.spec import LayerSpec
    return source_layers(LayerSpec(source="annotations:project", name="标注", name_en="Annotations"), None)[0]
