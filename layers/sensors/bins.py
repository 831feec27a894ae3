"""City-scale aggregation of terminals into hexagonal bins (pure numpy).

Two hundred thousand dots over a 20 km city read as a plaid; an operations wall
wants "where is something wrong": each flat-topped hexagon carries the count of
terminals in it, how many are in alarm, and its worst state. Alarms decide the
colour; stale or offline shows only where every terminal in the bin is so, so
a handful of dead batteries does not grey out a healthy block.
"""
from __future__ import annotations

import numpy as np

from layers.sensors.state import CRITICAL, NORMAL, OFFLINE, STALE, WARNING

# worst-state order: offline < stale < normal < warning < critical
_RANK = np.zeros(5, np.int8)
_RANK[[OFFLINE, STALE, NORMAL, WARNING, CRITICAL]] = np.arange(5)
_OFF = 1 << 24  # axial coordinates fit in ±16M bins either way
_BY_RANK = np.array([OFFLINE, STALE, NORMAL, WARNING, CRITICAL], np.uint8)


def hex_index(x: np.ndarray, y: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial (q, r) of the pointy-topped hexagon of circumradius ``size`` holding each point."""
    q = (np.sqrt(3) / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    # cube rounding: round all three coordinates, fix the one with the largest error
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_z = ~fix_x & (dz >= dy)
    rx = np.where(fix_x, -ry - rz, rx)
    rz = np.where(fix_z, -rx - ry, rz)
    return rx.astype(np.int64), rz.astype(np.int64)


def hex_centres(q: np.ndarray, r: np.ndarray, size: float) -> np.ndarray:
    return np.column_stack([size * np.sqrt(3) * (q + r / 2), size * 1.5 * r])


def hex_corners(size: float) -> np.ndarray:
    """(6, 2) corner offsets of a pointy-topped hexagon."""
    a = np.deg2rad(30 + 60 * np.arange(6))
    return size * np.column_stack([np.cos(a), np.sin(a)])


class HexBins:
    """Terminals → bins, once; then ``aggregate(states, mask)`` per coalesced snapshot."""

    def __init__(self, x: np.ndarray, y: np.ndarray, size: float):
        self.size = float(size)
        q, r = hex_index(np.asarray(x, float), np.asarray(y, float), self.size)
        packed = (q + _OFF) * (2 * _OFF) + (r + _OFF)  # one int64 key: unique() on 1-D is ~10× faster
        keys, self.of_point = np.unique(packed, return_inverse=True)
        self.of_point = self.of_point.ravel()
        self.centres = hex_centres(keys // (2 * _OFF) - _OFF, keys % (2 * _OFF) - _OFF, self.size)
        self.n = len(keys)

    def aggregate(self, states: np.ndarray, mask: np.ndarray | None = None):
        """(worst state, terminals, alarms) per bin; bins with no terminal in ``mask`` have 0 terminals."""
        of = self.of_point if mask is None else self.of_point[mask]
        st = np.asarray(states) if mask is None else np.asarray(states)[mask]
        rank = np.full(self.n, -1, np.int8)
        np.maximum.at(rank, of, _RANK[st])
        count = np.bincount(of, minlength=self.n)
        alarms = np.bincount(of, weights=(st == WARNING) | (st == CRITICAL), minlength=self.n).astype(np.int64)
        worst = np.where(rank >= 0, _BY_RANK[np.maximum(rank, 0)], NORMAL).astype(np.uint8)
        return worst, count, alarms

    def worst_member(self, b: int, states: np.ndarray, mask: np.ndarray | None = None) -> int | None:
        """The terminal a click on bin ``b`` selects: its worst one (the first among equals)."""
        members = np.flatnonzero(self.of_point == b)
        if mask is not None:
            members = members[mask[members]]
        if not len(members):
            return None
        return int(members[np.argmax(_RANK[np.asarray(states)[members]])])

    def bin_at(self, x: float, y: float) -> int | None:
        q, r = hex_index(np.array([x]), np.array([y]), self.size)
        c = hex_centres(q, r, self.size)[0]
        hit = np.flatnonzero(np.all(np.isclose(self.centres, c, atol=1e-6 * self.size), axis=1))
        return int(hit[0]) if len(hit) else None


# alarm density classes (alarms per 100 terminals in a bin) the hexagons are coloured by
DENSITY_EDGES = (0.0, 1.0, 3.0)      # % : 0 | (0, 1] | (1, 3] | > 3
NO_REPORT = 4                        # every terminal of the bin stale or offline


def density_class(count: np.ndarray, alarms: np.ndarray, worst: np.ndarray) -> np.ndarray:
    """0 none in alarm, 1 up to 1 %, 2 up to 3 %, 3 more; 4 where nothing reports."""
    pct = 100.0 * alarms / np.maximum(count, 1)
    cls = np.searchsorted(np.array(DENSITY_EDGES), pct, side="left").astype(np.uint8)
    cls[alarms == 0] = 0
    cls[(worst == OFFLINE) | (worst == STALE)] = NO_REPORT
    return cls
