"""The layer model: one evented dataclass per layer, and the ordered layer list.

Views subscribe to ``layer.events.<field>``; data flows model → view only.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from psygnal import evented
from psygnal.containers import EventedList

NO_BOUNDS = (math.nan,) * 6

KINDS = ("vector", "terrain", "imagery", "sensors", "bim")


@evented
@dataclass(eq=False)
class Layer:
    """A named piece of data in the project CRS with how it is shown.

    ``bounds`` is (xmin, ymin, zmin, xmax, ymax, zmax) in the project CRS.
    ``style`` is replaced, never mutated in place, so that one event fires.
    """

    name: str
    kind: str
    data: Any = field(default=None, repr=False)
    visible: bool = True
    opacity: float = 1.0
    style: dict = field(default_factory=dict)
    bounds: tuple = NO_BOUNDS
    source: str = ""
    source_crs: str = ""
    group: str = ""
    meta: dict = field(default_factory=dict, repr=False)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown layer kind {self.kind!r}")
        self.opacity = min(1.0, max(0.0, float(self.opacity)))

    def set_style(self, **changes):
        self.style = {**self.style, **changes}

    def has_bounds(self) -> bool:
        return not any(math.isnan(v) for v in self.bounds)

    def to_dict(self) -> dict:
        """What a project file keeps: where the data came from and how it is shown."""
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "visible": self.visible,
            "opacity": self.opacity, "style": dict(self.style), "source": self.source,
            "source_crs": self.source_crs, "group": self.group,
            "table": self.meta.get("table"), "role": self.meta.get("role"),
            "name_en": self.meta.get("name_en"), "assume_crs": self.meta.get("assume_crs"),
            "placement": self.meta.get("placement"),
        }


class LayerList(EventedList):
    """Ordered layers; index 0 is drawn first (bottom of the layer tree)."""

    def __init__(self, data=()):
        super().__init__(data, hashable=False)

    def by_id(self, layer_id: str) -> Layer | None:
        return next((lyr for lyr in self if lyr.id == layer_id), None)

    def by_name(self, name: str) -> Layer | None:
        return next((lyr for lyr in self if lyr.name == name), None)

    def union_bounds(self, only_visible: bool = True) -> tuple:
        boxes = [lyr.bounds for lyr in self if lyr.has_bounds() and (lyr.visible or not only_visible)]
        if not boxes:
            return NO_BOUNDS
        lo = [min(b[i] for b in boxes) for i in range(3)]
        hi = [max(b[i + 3] for b in boxes) for i in range(3)]
        return (*lo, *hi)
