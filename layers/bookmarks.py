"""Named views: what the camera looks at, from how far, from which direction."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from layers.districts import PARTS, WHOLE, WHOLE_NAME


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

    def framed_for(self, aspect: float) -> "Bookmark":
        """This view in a picture ``aspect`` (width/height) wide: narrower than the VIEW_ASPECT it was
        framed for (a portrait page, a square PNG), it steps back until what it framed across fits."""
        if not aspect or aspect >= VIEW_ASPECT:
            return self
        return replace(self, distance=self.distance * VIEW_ASPECT / aspect)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Bookmark":
        return cls(**{k: (tuple(v) if k == "focal" else v) for k, v in d.items()})


VIEW_ASPECT = 1.6  # width/height of the 3D view the default layout gives (≥ 55 % of a 16:9 or 16:10 screen)


def bookmark_for_extent(bid, name_zh, name_en, xmin, ymin, xmax, ymax, z=0.0, pitch=50.0, fov=30.0,
                        margin=1.12):
    """A view from the south at ``pitch`` that frames the box in a VIEW_ASPECT view: the width
    against the horizontal field of view, the depth foreshortened by the pitch against the vertical."""
    half_v = math.tan(math.radians(fov) / 2)
    half_h = half_v * VIEW_ASPECT
    wide = max(xmax - xmin, 200.0) / (2 * half_h)
    deep = max(ymax - ymin, 200.0) * math.sin(math.radians(pitch)) / (2 * half_v)
    distance = max(wide, deep) * margin
    focal = ((xmin + xmax) / 2, (ymin + ymax) / 2, z)
    return Bookmark(bid, name_zh, name_en, focal, distance, 0.0, pitch)


CITY_EXTENT, DISTRICT_PARTS = "new_city_extent.geojson", "districts.geojson"


def embedded(layers, name: str):
    """The loaded layer of one of the embedded files the views are made of (``CITY_EXTENT``,
    ``DISTRICT_PARTS``), or None when the project has none."""
    return next((lyr for lyr in layers if lyr.source.endswith(name)), None)


def view_extents(layers) -> dict[str, tuple[float, float, float, float]]:
    """The ground box (xmin, ymin, xmax, ymax, project CRS) each default view frames: the whole new
    city and each district part (layers/districts.py), from the embedded district and extent layers."""
    out: dict[str, tuple] = {}
    extent = embedded(layers, CITY_EXTENT)
    if extent is not None and extent.has_bounds():
        b = extent.bounds
        out[WHOLE] = (b[0], b[1], b[3], b[4])
    districts = embedded(layers, DISTRICT_PARTS)
    if districts is None:
        return out
    ids = [str(v) for v in districts.data.columns.get("id", [])]
    for part in PARTS:
        if part.id in ids:
            out[part.view] = tuple(districts.data.geometries[ids.index(part.id)].bounds)
    return out


def default_bookmarks(layers) -> dict[str, Bookmark]:
    """The whole new city plus one per district part (layers/districts.py), from the embedded
    district and extent layers."""
    names = {WHOLE: WHOLE_NAME, **{p.view: p.name for p in PARTS}}
    return {view: bookmark_for_extent(view, *names[view], *box, pitch=55.0 if view == WHOLE else 50.0)
            for view, box in view_extents(layers).items()}
