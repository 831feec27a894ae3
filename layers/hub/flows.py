"""Flows on the street grid: road-segment traffic and the station's gate lines, from the sensor feed.

Each traffic_flow terminal stands at a kerb of one street of its district's rotated
grid (layers/sensors/generate.py); snapping it to the block edge it faces gives the
road segments, each fed by the terminals along it. Each gate line of the station
(a gate_flow terminal) gets a short segment pointing away from the hall. The adapter
(console/scene/flows.py) draws them with colour and width by the current mean value.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from layers.hub import plan
from layers.sensors import kinds as K

GATE_ARM_M = 70.0
STREET_SPACING = 220.0  # the street grid of layers/sensors/generate.py (_street_points)


@dataclass
class FlowNetwork:
    ends: np.ndarray          # (S, 2, 2) segment end points, project CRS (draped on the ground)
    kind: np.ndarray          # (S,) "traffic" | "gate"
    offsets: np.ndarray       # (S+1,) CSR into ``rows``
    rows: np.ndarray          # sensor registry rows feeding each segment
    registry: object = field(default=None, repr=False)   # the registry those rows index
    values: np.ndarray = None  # (S,) latest mean value (the adapter keeps it current)

    def __len__(self) -> int:
        return len(self.kind)

    def capacity(self) -> np.ndarray:
        """Per segment, the value that counts as full (the kind's critical threshold)."""
        return np.where(self.kind == "gate", K.BY_NAME["gate_flow"].crit, K.BY_NAME["traffic_flow"].crit)

    def attributes(self, i: int) -> dict:
        value = None if self.values is None or not np.isfinite(self.values[i]) else round(float(self.values[i]), 1)
        unit = "pax/min" if self.kind[i] == "gate" else "veh/h/lane"
        return {"segment": int(i), "flow": str(self.kind[i]), "value": value, "unit": unit,
                "terminals": int(self.offsets[i + 1] - self.offsets[i])}

    def bounds(self) -> tuple:
        if not len(self.ends):
            return (np.nan,) * 6
        xy = self.ends.reshape(-1, 2)
        return (*map(float, xy.min(axis=0)), 0.0, *map(float, xy.max(axis=0)), 0.0)


def _traffic(reg, project_crs):
    from layers.sensors.generate import BOXES, _district_shapes
    shapes = _district_shapes(project_crs)
    traffic = np.flatnonzero(reg.kind == K.BY_NAME["traffic_flow"].code)
    ends, groups = [], []
    for d, name in enumerate(reg.district_names):
        if name not in BOXES:
            continue
        rows = traffic[reg.district[traffic] == d]
        poly = shapes[name]
        cx, cy, a = poly.centroid.x, poly.centroid.y, np.radians(BOXES[name][2])
        dx, dy = reg.xyz[rows, 0] - cx, reg.xyz[rows, 1] - cy
        u, v = dx * np.cos(a) + dy * np.sin(a), -dx * np.sin(a) + dy * np.cos(a)   # the grid's own frame
        du = np.abs(u - np.round(u / STREET_SPACING) * STREET_SPACING)
        dv = np.abs(v - np.round(v / STREET_SPACING) * STREET_SPACING)
        along_u = dv <= du                               # on a street of constant v (runs along u)
        line = np.where(along_u, np.round(v / STREET_SPACING), np.round(u / STREET_SPACING)).astype(int)
        block = np.where(along_u, np.floor(u / STREET_SPACING), np.floor(v / STREET_SPACING)).astype(int)
        keys, inverse = np.unique(np.column_stack([along_u, line, block]), axis=0, return_inverse=True)
        for k, (au, ln, bl) in enumerate(keys):
            s0, s1 = bl * STREET_SPACING, (bl + 1) * STREET_SPACING
            c = ln * STREET_SPACING
            uv = np.array([[s0, c], [s1, c]]) if au else np.array([[c, s0], [c, s1]])
            x = cx + uv[:, 0] * np.cos(a) - uv[:, 1] * np.sin(a)
            y = cy + uv[:, 0] * np.sin(a) + uv[:, 1] * np.cos(a)
            ends.append(np.column_stack([x, y]))
            groups.append(rows[inverse.ravel() == k])
    return ends, groups


def _gates(reg):
    gates = np.flatnonzero(reg.kind == K.BY_NAME["gate_flow"].code)
    ends, groups = [], []
    centre = np.array(plan.STATION_XY)
    for r in gates:
        p = reg.xyz[r, :2]
        out = (p - centre) / max(np.linalg.norm(p - centre), 1e-9)
        ends.append(np.array([p, p + out * GATE_ARM_M]))
        groups.append(np.array([r]))
    return ends, groups


def build(reg, project_crs) -> FlowNetwork:
    t_ends, t_groups = _traffic(reg, project_crs)
    g_ends, g_groups = _gates(reg)
    groups = t_groups + g_groups
    counts = np.array([len(g) for g in groups], dtype=np.int64)
    return FlowNetwork(
        ends=np.array(t_ends + g_ends, dtype=float).reshape(-1, 2, 2),
        kind=np.array(["traffic"] * len(t_ends) + ["gate"] * len(g_ends)),
        offsets=np.concatenate([[0], np.cumsum(counts)]),
        rows=np.concatenate(groups).astype(np.int64) if groups else np.zeros(0, np.int64),
        registry=reg)


def current_values(net: FlowNetwork, state, now: float) -> np.ndarray:
    """Mean live value per segment (NaN where none of its terminals reports)."""
    from layers.sensors.state import OFFLINE, STALE
    codes = state.states(now)[net.rows]
    v = state.value[net.rows]
    ok = np.isfinite(v) & (codes != OFFLINE) & (codes != STALE)
    counts = np.add.reduceat(ok.astype(float), net.offsets[:-1]) if len(net.rows) else np.zeros(len(net))
    sums = np.add.reduceat(np.where(ok, v, 0.0), net.offsets[:-1]) if len(net.rows) else np.zeros(len(net))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


@dataclass(frozen=True)
class FlowStyle:
    """The flows layer keeps no style of its own yet (colours and widths follow the values)."""

    @classmethod
    def of(cls, style: dict) -> "FlowStyle":
        return cls()
