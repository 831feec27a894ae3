"""The hub's building-system terminals and their IFC elements: states by GlobalId, for colouring.

A terminal's ``mounted_on`` is the GlobalId of the element it reports for
(tools/build_hub_bim.py writes both sides). ``apply`` gives every hub BIM layer the
current state of its elements' terminals as the "sensors" grades of its view
(layers/bim/view.py), which the BIM adapter draws in the sensor state colours;
the window calls it on a timer, ``snapshot`` once at the picture's time.
"""
from __future__ import annotations

import numpy as np

from layers.hub.source import is_hub
from layers.layer_kinds import layers_of


def states_by_guid(sensor_layer, guids: set, now: float | None = None) -> dict:
    """{GlobalId: state code (layers/sensors/state.py)} of the terminals mounted on these elements."""
    model = sensor_layer.data
    reg = model.registry
    cache = getattr(model, "_hub_rows", None)
    if cache is None or cache[0] is not reg:
        rows = np.flatnonzero(np.isin(reg.mounted_on.astype(str), list(guids))) if guids else np.zeros(0, int)
        model._hub_rows = cache = (reg, rows)
    rows = cache[1]
    if not len(rows):
        return {}
    state, t = model.view(now)
    codes = state.states(t if now is None else now)[rows]
    return {str(g): int(c) for g, c in zip(reg.mounted_on[rows], codes)}


def apply(layers, now: float | None = None) -> int:
    """Colour-by grades "sensors" on every hub BIM layer; returns how many elements have a state."""
    hub = [lyr for lyr in layers_of(layers, "bim") if is_hub(lyr) and lyr.view is not None]
    sensors = next((lyr for lyr in layers_of(layers, "sensors") if lyr.data is not None), None)
    if not hub or sensors is None:
        return 0
    own = {lyr.id: {e["guid"] for e in lyr.data.elements} for lyr in hub}
    states = states_by_guid(sensors, set().union(*own.values()), now)
    for lyr in hub:
        mine = {g: s for g, s in states.items() if g in own[lyr.id]}
        if lyr.view.grades.get("sensors") != mine:
            lyr.view.set_grades({**lyr.view.grades, "sensors": mine})
    return len(states)
