"""The buildings layer's model: one triangle mesh for a whole city, a building index per triangle.

Both sources give the same thing: footprints with a height (GeoJSON, GeoPackage,
the embedded new-city buildings) are extruded here; CityJSON surfaces arrive
triangulated. Attributes are columns, one value per building, as a vector layer's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from layers.buildings.extrude import Mesh, extrude

HEIGHT_FIELDS = ("height", "measuredheight", "building:height", "bldg_height", "height_m")


@dataclass
class BuildingSet:
    points: np.ndarray             # (N, 3) project CRS; z above the ground when ``on_ground``
    triangles: np.ndarray          # (M, 3) int64
    triangle_building: np.ndarray  # (M,) int32
    ids: list                      # one id per building
    columns: dict = field(default_factory=dict)   # name → [value per building]
    centroids: np.ndarray = None   # (B, 2) project CRS, where labels and ground heights are taken
    on_ground: bool = True         # z counts from the ground (extruded footprints) or is absolute (CityJSON)
    parts: list = field(default_factory=list)   # CityJSON BuildingParts: {"id", "building", "attributes"}

    def __len__(self) -> int:
        return len(self.ids)

    def attributes(self, index: int) -> dict:
        """What the inspector shows (known codes of the embedded data in the interface language)."""
        from layers.buildings.strings import display
        return {"building_id": self.ids[index], **{k: display(k, v[index]) for k, v in self.columns.items()}}

    def index_of(self, building_id) -> int:
        if not hasattr(self, "_index"):
            self._index = {b: i for i, b in enumerate(self.ids)}
        return self._index[building_id]

    def values(self, name: str) -> list:
        return list(self.columns.get(name) or [None] * len(self))

    def bounds(self) -> tuple:
        if not len(self.points):
            return (np.nan,) * 6
        return (*map(float, self.points.min(axis=0)), *map(float, self.points.max(axis=0)))

    @classmethod
    def extruded(cls, footprints, heights, columns: dict, ids=None, base=None) -> "BuildingSet":
        """LoD1: footprints (project CRS) standing on the ground, ``heights`` metres tall."""
        import shapely
        footprints = np.asarray(footprints, dtype=object)
        heights = np.nan_to_num(np.asarray(heights, float), nan=0.0).clip(0.0, None)
        base = np.zeros(len(footprints)) if base is None else np.asarray(base, float)
        mesh: Mesh = extrude(footprints, base, heights)
        centres = shapely.get_coordinates(shapely.centroid(footprints)) if len(footprints) else np.zeros((0, 2))
        ids = list(ids) if ids is not None else [str(i + 1) for i in range(len(footprints))]
        return cls(mesh.points, mesh.triangles, mesh.triangle_owner, ids, dict(columns), centres)


def height_field(columns: dict) -> str | None:
    """The column that gives a building's height, if the table has one (case-insensitive)."""
    by_lower = {name.lower(): name for name in columns}
    return next((by_lower[f] for f in HEIGHT_FIELDS if f in by_lower), None)


def numbers(values) -> np.ndarray:
    """A column as floats; text that is not a number becomes NaN."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            continue
    return out
