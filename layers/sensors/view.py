"""What the user chose to see of the sensor layer beyond its style: the selected terminals.

Like the BIM view state (layers/bim/view.py) it lives on the layer (``layer.view``):
the panel and the chart change it, the scene adapter draws the selection ring,
projects save it by terminal id (indices change with the registry, ids do not).
"""
from __future__ import annotations

import numpy as np
from psygnal import Signal


class SensorView:
    changed = Signal(str)

    def __init__(self, model=None):
        self.model = model
        self.selected: tuple[int, ...] = ()

    def select(self, indices):
        indices = tuple(dict.fromkeys(int(i) for i in indices))
        if indices != self.selected:
            self.selected = indices
            self.changed.emit("selection")

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
