"""City vital signs: the plan's live indicators per district, computed from the sensor layer.

The plan calls for a "city vital-signs indicator library" and sets a 2025 target of at
least 200,000 sensing terminals. Each indicator here is one vectorised reduction over the
current state (200,000 terminals: a few milliseconds), so the dock can refresh every few
seconds. Values are NaN where a district has no reporting terminal of that kind.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from layers.sensors import kinds as K
from layers.sensors.state import CRITICAL, OFFLINE, STALE, WARNING

TERMINAL_TARGET = 200_000  # the plan's 2025 target for sensing terminals
# GB 3838-2002 ammonia-nitrogen class limits (mg/L): I ≤0.15, II ≤0.5, III ≤1.0, IV ≤1.5, V ≤2.0
NH3N_CLASSES = (0.15, 0.5, 1.0, 1.5, 2.0)
# Station occupancy by Little's law: people inside = entries per minute × mean minutes inside.
# Entrance gate lines are the gate_flow terminals whose id says "gatein" (tools/build_hub_bim.py).
DWELL_MIN = 20.0  # project setting: mean time from the gate to the train


@dataclass(frozen=True)
class Indicator:
    key: str
    kind: str | None   # the sensor kind behind it (what a click selects), None: all terminals
    unit: str


INDICATORS = (
    Indicator("online", None, ""),
    Indicator("alarms", None, ""),
    Indicator("aqi", "aqi", "AQI"),
    Indicator("pm25", "pm25", "µg/m³"),
    Indicator("noise_over", "noise", ""),
    Indicator("water_class", "water_nh3n", ""),
    Indicator("parking", "parking", "%"),
    Indicator("traffic", "traffic_flow", "veh/h/lane"),
    Indicator("station_occupancy", "gate_flow", "pax"),
)


def _entrances(reg) -> np.ndarray:
    cached = getattr(reg, "_entrances", None)
    if cached is None:
        cached = np.char.find(np.asarray(reg.ids).astype(str), "-gatein-") >= 0
        reg._entrances = cached
    return cached


def water_class(nh3n: float) -> int:
    """GB 3838-2002 class (1-5, 6 = worse than V) of an ammonia-nitrogen reading."""
    return int(np.searchsorted(NH3N_CLASSES, nh3n, side="left")) + 1


def vital_signs(model, now: float) -> dict:
    """{district or "all": {indicator key: value}} from the layer's current (or replayed) state."""
    state, _ = model.view(now)
    if model.replay is None:
        open_alarms = model.alarms.open_alarms()
    else:
        from layers.sensors.alarms import replayed_alarms
        open_alarms = replayed_alarms(model.replay.alarms)
    return vital_signs_of(state, open_alarms, now)


def vital_signs_of(state, open_alarms, now: float) -> dict:
    """vital_signs() from a SensorState and its open alarms (the recorder has no layer model)."""
    reg = state.registry
    codes = state.states(now)
    live = (codes != OFFLINE) & (codes != STALE)
    groups = {name: reg.district == d for d, name in enumerate(reg.district_names)}
    groups["all"] = np.ones(len(reg), bool)
    alarm_rows = np.array([a.sensor for a in open_alarms], dtype=np.int64)
    alarm_sev = np.array([a.severity for a in open_alarms], dtype=np.int64)
    out = {}
    for name, inside in groups.items():
        row = {"online": (int((live & inside).sum()), int(inside.sum()))}
        mine = inside[alarm_rows] if len(alarm_rows) else np.zeros(0, bool)
        row["alarms"] = (int((alarm_sev[mine] == CRITICAL).sum()), int((alarm_sev[mine] == WARNING).sum()))
        for ind in INDICATORS[2:]:
            sel = inside & live & (reg.kind == K.BY_NAME[ind.kind].code)
            values = state.value[sel]
            values = values[np.isfinite(values)]
            if ind.key == "noise_over":  # terminals the map shows in warning or critical
                row[ind.key] = (int(np.isin(codes[sel], (WARNING, CRITICAL)).sum()), int(sel.sum()))
            elif ind.key == "station_occupancy":
                entering = state.value[sel & _entrances(reg)]
                entering = entering[np.isfinite(entering)]
                row[ind.key] = float(entering.sum() * DWELL_MIN) if len(entering) else float("nan")
            elif ind.key == "water_class":
                row[ind.key] = water_class(float(values.max())) if len(values) else None
            else:
                row[ind.key] = float(values.mean()) if len(values) else float("nan")
        out[name] = row
    out["all"]["target"] = TERMINAL_TARGET
    return out


def scalar(key: str, value) -> float:
    """One number per indicator, for a sparkline (pairs: their first figure)."""
    if value is None:
        return float("nan")
    if isinstance(value, tuple):
        return float(sum(value)) if key == "alarms" else float(value[0])
    return float(value)


def samples(values: dict) -> list[tuple[str, str, float]]:
    """(district, indicator, number) rows of a vital_signs() result, as the history keeps them."""
    return [(district, ind.key, scalar(ind.key, row.get(ind.key)))
            for district, row in values.items() for ind in INDICATORS]


def simulated_trends(registry, sim, t1: float, hours: float = 3.0, step_s: float = 300.0):
    """The demo's past hours of vital signs: (time, samples rows) every ``step_s`` before t1.

    Only for the built-in simulator, so a demo window's sparklines are not empty for its
    first hours. Past alarms are estimated as the terminals over a threshold then.
    """
    from layers.sensors.state import SensorState
    everyone = np.arange(len(registry))
    rng = np.random.default_rng(11)
    out = []
    for t in np.arange(t1 - hours * 3600.0, t1, step_s):
        st = SensorState(registry)
        live = everyone[sim.silent_after > t]
        st.load(live, np.full(len(live), t), sim.values(live, np.full(len(live), t), rng))
        st.set_alarm_level(everyone, st.level)  # no alarm book then: a reading over a threshold stands for one
        values = vital_signs_of(st, [], float(t))
        for name, row in values.items():
            inside = everyone if name == "all" else everyone[registry.district == registry.district_names.index(name)]
            row["alarms"] = (int((st.level[inside] >= WARNING).sum()), 0)
        out.append((float(t), samples(values)))
    return out


def terminals_behind(model, district: str, key: str, now: float) -> np.ndarray:
    """Rows of the terminals an indicator is computed from (what clicking it selects)."""
    reg = model.registry
    inside = np.ones(len(reg), bool) if district == "all" else (
        reg.district == reg.district_names.index(district))
    ind = next(i for i in INDICATORS if i.key == key)
    if key == "alarms":
        rows = np.array([a.sensor for a in model.alarms.open_alarms()], dtype=np.int64)
        return rows[inside[rows]] if len(rows) else rows
    if key == "noise_over":
        state, at = model.view(now)
        codes = state.states(at)
        return np.flatnonzero(inside & (reg.kind == K.BY_NAME["noise"].code) & np.isin(codes, (WARNING, CRITICAL)))
    if ind.kind is None:
        return np.flatnonzero(inside)
    return np.flatnonzero(inside & (reg.kind == K.BY_NAME[ind.kind].code))
