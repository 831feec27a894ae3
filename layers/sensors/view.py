"""What the user chose to see of the sensor layer beyond its style: the selected terminals.

Like the BIM view state (layers/bim/view.py) it lives on the layer (``layer.view``):
the panel and the chart change it, the scene adapter draws the selection ring,
projects save it by terminal id (indices change with the registry, ids do not).
An evented dataclass: ``view.events.selected`` fires when the selection changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from psygnal import evented


@evented
@dataclass(eq=False)
class SensorView:
    model: Any = field(default=None, repr=False)
    selected: tuple[int, ...] = ()   # registry indices

    def select(self, indices):
        self.selected = tuple(dict.fromkeys(int(i) for i in indices))

    def selected_indices(self) -> np.ndarray:
        return np.asarray(self.selected, dtype=np.int64)

    def to_dict(self) -> dict:
        ids = self.model.registry.ids if self.model is not None else []
        return {"selected": [str(ids[i]) for i in self.selected if 0 <= i < len(ids)]}

    def update_from_dict(self, d: dict):
        if self.model is None:
            return
        index = {str(t): i for i, t in enumerate(self.model.registry.ids)}
        self.select(index[t] for t in (d or {}).get("selected", []) if t in index)
