"""Named views: what the camera looks at, from how far, from which direction."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import shapely


@dataclass
class Bookmark:
    id: str
    name_zh: str
    name_en: str
    focal: tuple[float, float, float]  # project CRS
    distance: float                    # metres from the focal point
    heading: float = 0.0               # degrees clockwise from grid north the camera looks toward
    pitch: float = 50.0                # degrees below the horizon

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en

    def camera(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position, focal point, view-up) in the project CRS."""
        h, p = math.radians(self.heading), math.radians(self.pitch)
        look = np.array([math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), -math.sin(p)])
        focal = np.asarray(self.focal, dtype=float)
        position = focal - look * self.distance
        right = np.array([math.cos(h), -math.sin(h), 0.0])
        up = np.cross(right, look)
        return position, focal, up / np.linalg.norm(up)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Bookmark":
        return cls(**{k: (tuple(v) if k == "focal" else v) for k, v in d.items()})


def bookmark_for_extent(bid, name_zh, name_en, xmin, ymin, xmax, ymax, z=0.0, pitch=50.0, fov=30.0):
    """A view that frames a box from the south at the given pitch."""
    span = max(xmax - xmin, (ymax - ymin) * 1.2, 200.0)
    distance = span / (2 * math.tan(math.radians(fov) / 2)) * 1.1
    focal = ((xmin + xmax) / 2, (ymin + ymax) / 2, z)
    return Bookmark(bid, name_zh, name_en, focal, distance, 0.0, pitch)


def bookmarks_from_layer(layer, id_field="id", zh="name_zh", en="name_en") -> list[Bookmark]:
    """One bookmark per feature of a polygon layer (the districts)."""
    cols = layer.data.columns
    out = []
    for i, geom in enumerate(layer.data.geometries):
        if geom is None or id_field not in cols:
            continue
        xmin, ymin, xmax, ymax = shapely.bounds(geom)
        out.append(bookmark_for_extent(str(cols[id_field][i]), str(cols.get(zh, [""] * (i + 1))[i]),
                                       str(cols.get(en, [""] * (i + 1))[i]), xmin, ymin, xmax, ymax))
    return out
