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

from layers import layer_kinds

NO_BOUNDS = (math.nan,) * 6

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
    view: Any = field(default=None, repr=False)  # the kind's view state (layers/bim/view.py…), if it has one
    # Far outside the project CRS's area of use (layers/loading.py): badged in the tree, never followed by
    # the clipping planes or the backdrop (console/scene/clipping.py, backdrop.py). Not saved: decided on reading.
    outside_area: bool = False
    order: int = 0  # its place among a project's layers (LayerSpec.order): the window inserts loaded layers by it

    def __post_init__(self):
        kind = layer_kinds.get(self.kind)  # unknown kinds fail here, loudly
        self.opacity = min(1.0, max(0.0, float(self.opacity)))
        if self.view is None:
            self.view = kind.make_view(self.data)

    def set_style(self, **changes):
        self.style = {**self.style, **changes}

    def has_bounds(self) -> bool:
        return not any(math.isnan(v) for v in self.bounds)

    def to_dict(self) -> dict:
        """What a project file keeps: where the data came from and how it is shown."""
        from layers.spec import LayerSpec
        return LayerSpec.of_layer(self).to_dict()


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
