"""Project coordinate system and the local scene origin.

All layer data is held in the project CRS (metres). The 3D scene draws
coordinates relative to a local origin so float32 vertices keep millimetre
precision: Shanghai's Gauss-Kruger northings are ~3.4 million metres, where a
float32 step is 0.25 m.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from layers import gcj02
from layers.helmert import DatumShift

DEFAULT_PROJECT_CRS = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E
WGS84 = "EPSG:4326"
GCJ02 = "GCJ-02"  # not a PROJ CRS: Chinese web-map obfuscation of WGS84
DEFAULT_ORIGIN = (617000.0, 3434000.0, 0.0)  # 121.23°E 31.02°N in EPSG:4549, to the kilometre


class CRSNotUnderstood(ValueError):
    """A CRS string that neither PROJ nor the GCJ-02 option understands."""


@lru_cache(maxsize=64)
def _transformer(src: str, dst: str) -> Transformer:
    # Transformer creation costs ~100 ms; callers hit the same pairs again and again.
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


def normalise_crs(crs: str | int | None) -> str:
    """Return a canonical string for a CRS, raising CRSNotUnderstood."""
    if crs is None or crs == "":
        raise CRSNotUnderstood("no coordinate reference system")
    if isinstance(crs, str) and crs.strip().upper().replace("_", "-") in {"GCJ-02", "GCJ02"}:
        return GCJ02
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        raise CRSNotUnderstood(f"unknown CRS {crs!r}") from exc
    auth = _identify(parsed)
    return f"{auth[0]}:{auth[1]}" if auth else parsed.to_wkt()


_UNNAMED = {"", "unknown", "unnamed", "not specified", "not_specified"}


def _identify(parsed: CRS):
    """An authority code PROJ is ≥ 90 % sure of, else None. A CRS on a datum with no name cannot reach 90 % (PROJ
    scores a datum only by name), but searching for it scans the whole database: 6-13 s for one GRS80 'unknown'
    datum in a public GeoPackage, against microseconds for a CRS that carries its own code."""
    own = parsed.to_json_dict().get("id")
    if own and own.get("authority") and "code" in own:
        return own["authority"], str(own["code"])
    base = parsed.source_crs if parsed.type_name == "Bound CRS" and parsed.source_crs is not None else parsed
    datum = base.datum
    if datum is not None and datum.name.strip().lower() in _UNNAMED and not datum.to_json_dict().get("id"):
        return None
    return parsed.to_authority(min_confidence=90)


@lru_cache(maxsize=16)
def crs_label(crs: str) -> str:
    """'CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)': what a map's footer names."""
    try:
        return f"{CRS.from_user_input(crs).name} ({crs})"
    except CRSError:
        return str(crs)


def label(crs: str) -> str:
    """A CRS for a one-line message: its code, or its name rather than a page of WKT."""
    if len(crs) <= 40:
        return crs
    try:
        return repr(CRS.from_user_input(crs).name)
    except CRSError:
        return crs[:40] + "…"


def is_geographic(crs: str) -> bool:
    return crs == GCJ02 or CRS.from_user_input(crs).is_geographic


def transform_xy(x, y, src: str, dst: str, z=None):
    """Transform coordinate arrays between CRSs (GCJ-02 allowed on either side)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if src == dst:
        return (x, y) if z is None else (x, y, np.asarray(z, dtype=float))
    if src == GCJ02:
        x, y = gcj02.gcj_to_wgs(x, y)
        src = WGS84
    if dst == GCJ02:
        if src != WGS84:
            x, y = _transformer(src, WGS84).transform(x, y)
        gx, gy = gcj02.wgs_to_gcj(x, y)
        return (gx, gy) if z is None else (gx, gy, np.asarray(z, dtype=float))
    if src == dst:
        out = (x, y)
    else:
        out = _transformer(src, dst).transform(x, y)
    return out if z is None else (out[0], out[1], np.asarray(z, dtype=float))


def area_of_use(crs: str):
    """(west, south, east, north) in degrees where a CRS is meant to be used, or None (PROJ strings)."""
    try:
        area = CRS.from_user_input(crs).area_of_use
    except (CRSError, TypeError):
        return None
    return None if area is None else (area.west, area.south, area.east, area.north)


def area_text(crs: str) -> str:
    west, south, east, north = area_of_use(crs)
    return f"the area of use of {crs} ({west}..{east}°E, {south}..{north}°N)"


@dataclass
class ProjectCRS:
    """The CRS every layer is reprojected into, plus the scene's local origin."""

    crs: str = DEFAULT_PROJECT_CRS
    origin: tuple[float, float, float] = field(default=(0.0, 0.0, 0.0))
    datum_shift: DatumShift | None = None  # the user's own Helmert set, used instead of PROJ's choice

    def __post_init__(self):
        self.crs = normalise_crs(self.crs)
        if is_geographic(self.crs):
            raise CRSNotUnderstood(f"project CRS must be projected (metres), got {self.crs}")
        if self.origin == (0.0, 0.0, 0.0):
            self.origin = self.default_origin()

    def default_origin(self) -> tuple[float, float, float]:
        # Centre of Songjiang New City, rounded to a whole kilometre so the
        # origin is a readable number in saved projects. For the default CRS it is
        # known (tests/test_crs.py recomputes it): no 30 ms Transformer at every start.
        if self.crs == DEFAULT_PROJECT_CRS:
            return DEFAULT_ORIGIN
        x, y = self.from_wgs84(121.23, 31.02)
        return (float(round(float(x), -3)), float(round(float(y), -3)), 0.0)

    def from_wgs84(self, lon, lat):
        return transform_xy(lon, lat, WGS84, self.crs)

    def to_wgs84(self, x, y):
        return transform_xy(x, y, self.crs, WGS84)

    def outside_area(self, bounds) -> str | None:
        """Why a layer with these project-CRS bounds lies wholly outside this CRS's area of use
        (its coordinates are distorted there, and often far from the project), or None when it overlaps it."""
        area = area_of_use(self.crs)
        if area is None or any(not np.isfinite(v) for v in bounds):
            return None
        xs, ys = np.meshgrid(np.linspace(bounds[0], bounds[3], 5), np.linspace(bounds[1], bounds[4], 5))
        lon, lat = self.to_wgs84(xs.ravel(), ys.ravel())
        west, south, east, north = area
        ok = np.isfinite(lon) & np.isfinite(lat)
        if ok.any() and (lon[ok].max() >= west and lon[ok].min() <= east
                         and lat[ok].max() >= south and lat[ok].min() <= north):
            return None
        return f"the layer lies outside {area_text(self.crs)}; its coordinates are distorted there"

    def to_scene(self, xyz: np.ndarray) -> np.ndarray:
        """Project-CRS (N,3) float64 → float32 scene coordinates about the origin."""
        return (np.asarray(xyz, dtype=np.float64) - np.asarray(self.origin)).astype(np.float32)

    def from_scene(self, xyz) -> np.ndarray:
        return np.asarray(xyz, dtype=np.float64) + np.asarray(self.origin)

    def to_dict(self) -> dict:
        d = {"crs": self.crs, "origin": list(self.origin)}
        if self.datum_shift is not None:
            d["datum_shift"] = self.datum_shift.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ProjectCRS":
        shift = d.get("datum_shift")
        return cls(crs=d.get("crs", DEFAULT_PROJECT_CRS), origin=tuple(d.get("origin", (0, 0, 0))),
                   datum_shift=DatumShift.from_dict(shift) if isinstance(shift, dict) else None)
