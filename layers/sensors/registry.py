"""Columnar registry of sensing terminals (numpy arrays, one row per terminal).

200,000 Python objects would cost ~100 MB and make every vectorised update a
loop; columns keep the registry at ~20 MB and let state/alarms work by index.
Coordinates are in the project CRS (metres, z above datum).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from layers.districts import PART_IDS
from layers.heritage_keys import HERITAGE_PREFIX, OLD_KEYS
from layers.sensors import kinds as K

DISTRICTS = PART_IDS  # layers/districts.py; a district's index is its place there
OLD_MOUNTED = {HERITAGE_PREFIX + old: HERITAGE_PREFIX + new for old, new in OLD_KEYS.items()}


class RegistryError(ValueError):
    """A registry source that cannot be read; the message names the source and the reason."""


@dataclass(eq=False)
class SensorRegistry:
    ids: np.ndarray          # (N,) str terminal ids
    kind: np.ndarray         # (N,) uint8 kind codes (layers.sensors.kinds)
    xyz: np.ndarray          # (N,3) float64 project CRS
    district: np.ndarray     # (N,) int16 index into district_names, -1 unknown
    datastream: np.ndarray   # (N,) int64 SensorThings Datastream @iot.id
    warn: np.ndarray = None  # (N,) float64
    crit: np.ndarray = None
    interval_s: np.ndarray = None
    mounted_on: np.ndarray = None  # (N,) object: asset id / IFC GlobalId or ""
    district_names: tuple = DISTRICTS
    crs: str = "EPSG:4549"
    _ds_order: np.ndarray = field(default=None, repr=False)

    def __post_init__(self):
        n = len(self.ids)
        self.ids = np.asarray(self.ids, dtype=str)
        self.kind = np.asarray(self.kind, dtype=np.uint8)
        self.xyz = np.asarray(self.xyz, dtype=np.float64).reshape(n, 3)
        self.district = np.asarray(self.district, dtype=np.int16)
        self.datastream = np.asarray(self.datastream, dtype=np.int64)
        if n and self.kind.max() >= K.N_KINDS:
            raise RegistryError(f"kind code {int(self.kind.max())} out of range")
        for name in ("warn", "crit", "interval_s"):
            col = getattr(self, name)
            default = K.column(name)[self.kind]
            col = default if col is None else np.where(np.isnan(col), default, col)
            setattr(self, name, np.asarray(col, dtype=np.float64))
        if self.mounted_on is None:
            self.mounted_on = np.full(n, "", dtype=object)
        else:  # a registry saved before the one-key scheme names sites "heritage:dacang-bridge"
            self.mounted_on = np.asarray(self.mounted_on, dtype=object)
            old = [i for i, v in enumerate(self.mounted_on) if v in OLD_MOUNTED]
            if old:
                self.mounted_on = self.mounted_on.copy()
                self.mounted_on[old] = [OLD_MOUNTED[v] for v in self.mounted_on[old]]
        if len(np.unique(self.datastream)) != n:
            raise RegistryError("duplicate Datastream ids in registry")
        self._ds_order = np.argsort(self.datastream, kind="stable")
        self._ds_sorted = self.datastream[self._ds_order]

    def __len__(self) -> int:
        return len(self.ids)

    def index_of_datastreams(self, ds) -> np.ndarray:
        """Terminal index per Datastream id; -1 where the id is unknown (vectorised)."""
        ds = np.asarray(ds, dtype=np.int64)
        pos = np.searchsorted(self._ds_sorted, ds)
        pos = np.minimum(pos, len(self._ds_sorted) - 1)
        ok = self._ds_sorted[pos] == ds if len(self) else np.zeros(ds.shape, bool)
        return np.where(ok, self._ds_order[pos], -1)

    def index_of_datastream(self, ds: int) -> int:
        return int(self.index_of_datastreams(np.array([ds]))[0])

    def bounds(self) -> tuple:
        if not len(self):
            return (np.nan,) * 6
        lo, hi = self.xyz.min(axis=0), self.xyz.max(axis=0)
        return (*map(float, lo), *map(float, hi))

    def kind_names(self) -> np.ndarray:
        return np.array([k.name for k in K.KINDS])[self.kind]

    def district_of(self, i: int) -> str:
        d = int(self.district[i])
        return self.district_names[d] if 0 <= d < len(self.district_names) else ""

    def row(self, i: int) -> dict:
        k = K.KINDS[int(self.kind[i])]
        return {"id": str(self.ids[i]), "kind": k.name, "unit": k.unit,
                "x": float(self.xyz[i, 0]), "y": float(self.xyz[i, 1]), "z": float(self.xyz[i, 2]),
                "district": self.district_of(i), "datastream": int(self.datastream[i]),
                "warn": float(self.warn[i]), "crit": float(self.crit[i]),
                "interval_s": float(self.interval_s[i]), "mounted_on": self.mounted_on[i] or ""}

    @classmethod
    def from_columns(cls, *, ids, kind_names, xyz, district_names_per_row, datastream=None,
                     warn=None, crit=None, interval_s=None, mounted_on=None,
                     crs="EPSG:4549", districts=DISTRICTS) -> "SensorRegistry":
        """Build from per-row names (as read from a file), validating kinds and districts."""
        kind_names = np.asarray(kind_names, dtype=str)
        bad = sorted(set(kind_names.tolist()) - set(K.BY_NAME))
        if bad:
            raise RegistryError(f"unknown sensor kind(s) {bad[:5]}; known: {', '.join(K.BY_NAME)}")
        kind = np.array([K.BY_NAME[k].code for k in kind_names.tolist()], dtype=np.uint8)
        dnames = list(districts)
        for d in dict.fromkeys(np.asarray(district_names_per_row, dtype=str).tolist()):
            if d and d not in dnames:
                dnames.append(d)
        lut = {d: i for i, d in enumerate(dnames)}
        district = np.array([lut.get(d, -1) for d in np.asarray(district_names_per_row, dtype=str)],
                            dtype=np.int16)
        n = len(kind)
        ds = np.arange(1, n + 1) if datastream is None else datastream
        return cls(ids=ids, kind=kind, xyz=xyz, district=district, datastream=ds, warn=warn,
                   crit=crit, interval_s=interval_s, mounted_on=mounted_on,
                   district_names=tuple(dnames), crs=crs)
