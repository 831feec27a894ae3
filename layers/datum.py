"""Datum transformations you can trust: the route PROJ takes between two CRSs, and why.

PROJ's default for a pair of CRSs with no published transformation between
their datums (DHDN → CGCS2000, Beijing 1954 → CGCS2000) is a "ballpark"
offset that ignores the datum shift: 100 m and more. So the route is picked
from ``TransformerGroup`` for the data's area; when the best direct route is
still ballpark, it goes through WGS 84, where the EPSG registry publishes a
transformation for nearly every datum. The one ballpark hop that remains,
WGS 84 ↔ CGCS2000, is below a metre (both follow ITRF) and is said so.

A project may instead carry the user's own 7-parameter (Bursa-Wolf) or
4-parameter (plane similarity) set, the usual Chinese practice for Beijing
1954 / Xian 1980 / city grids; it becomes a PROJ pipeline.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.transformer import TransformerGroup

HUB = "EPSG:4326"
# Datums that follow ITRF to within a metre, so a ballpark hop between them is honest enough.
_ITRF_LIKE = ("WGS 84", "World Geodetic System 1984", "China 2000", "China Geodetic Coordinate System 2000")


@dataclass(frozen=True)
class Route:
    """How coordinates get from one CRS to another: a PROJ pipeline and what it is worth."""

    pipeline: str
    operation: str
    accuracy_m: float | None  # None: PROJ does not know
    ballpark: bool
    note: str = ""
    via: str = ""  # the CRS the route passes through ("" for a direct route)
    towgs84: tuple = ()  # a user 7-parameter set in GDAL's TOWGS84 form, for warping rasters
    plane: tuple = ()  # a user 4-parameter set as (dx, dy, rotation rad, scale), for warping rasters

    def transformer(self) -> Transformer:
        return _from_pipeline(self.pipeline)

    def describe(self) -> dict:
        d = {"operation": self.operation, "accuracy_m": self.accuracy_m, "ballpark": self.ballpark}
        if self.note:
            d["note"] = self.note
        return d

    def warning(self) -> str | None:
        if self.ballpark:
            return (f"datum shift ignored: PROJ only has a ballpark route ({self.operation}); "
                    "positions may be off by 100 m or more — set a datum transformation in the project")
        return None


@lru_cache(maxsize=128)
def _from_pipeline(pipeline: str) -> Transformer:
    return Transformer.from_pipeline(pipeline)


def _is_ballpark(t: Transformer) -> bool:
    return "ballpark" in t.description.lower()


def _datum_name(crs: str) -> str:
    try:
        return CRS.from_user_input(crs).datum.name
    except Exception:  # no datum (engineering CRS): nothing to compare
        return ""


def _itrf_like(crs: str) -> bool:
    name = _datum_name(crs)
    return any(name.startswith(n) for n in _ITRF_LIKE)


def _steps(t: Transformer) -> str:
    """The steps of a transformer's pipeline, ready to splice into another pipeline."""
    text = t.definition.strip()
    if text.startswith("proj=pipeline"):
        return text[len("proj=pipeline"):].strip()
    return f"step {text}"


def _best(src: str, dst: str, area) -> Transformer | None:
    try:
        group = TransformerGroup(src, dst, always_xy=True, area_of_interest=area)
    except Exception:  # CRSs PROJ cannot relate at all
        return None
    return group.transformers[0] if group.transformers else None


def _accuracy(t: Transformer) -> float | None:
    return None if t.accuracy is None or t.accuracy < 0 else float(t.accuracy)


@lru_cache(maxsize=256)
def _best_route(src: str, dst: str, area) -> Route | None:
    from pyproj.aoi import AreaOfInterest
    aoi = AreaOfInterest(*area) if area else None
    direct = _best(src, dst, aoi)
    if direct is None:
        return None
    if not _is_ballpark(direct):
        return Route(direct.definition, direct.description, _accuracy(direct), False)
    if src == HUB or dst == HUB:
        return _route([(src, dst, direct)])
    first, second = _best(src, HUB, aoi), _best(HUB, dst, aoi)
    if first is None or second is None:
        return _route([(src, dst, direct)])
    return _route([(src, HUB, first), (HUB, dst, second)])


def _route(hops) -> Route:
    """One Route from (from, to, transformer) hops; ballpark only if a hop bridges unlike datums."""
    ballpark = [(a, b) for a, b, t in hops if _is_ballpark(t)]
    dishonest = [(a, b) for a, b in ballpark if not (_itrf_like(a) and _itrf_like(b))]
    accuracies = [_accuracy(t) for _, _, t in hops if not _is_ballpark(t)]
    known = accuracies and None not in accuracies and not ballpark
    accuracy = float(sum(accuracies)) if known else None
    note = "WGS 84 and CGCS2000 both follow ITRF; they agree within a metre" if ballpark and not dishonest else ""
    if len(hops) == 1:
        pipeline = hops[0][2].definition
    else:
        pipeline = "proj=pipeline " + " ".join(_steps(t) for _, _, t in hops)
    operation = " → ".join(t.description for _, _, t in hops)
    return Route(pipeline, operation, accuracy, bool(dishonest), note, via=HUB if len(hops) > 1 else "")


def best_route(src: str, dst: str, area=None, shift: "DatumShift | None" = None) -> Route | None:
    """The most accurate available route from src to dst for data in ``area`` (W, S, E, N degrees).

    None when PROJ cannot relate the two CRSs at all (e.g. a Mars CRS).
    """
    if shift is not None and shift.applies_to(src):
        return shift.route(src, dst)
    if area is not None:
        area = tuple(round(float(v), 2) for v in area)
        if not all(math.isfinite(v) for v in area) or area[0] >= area[2] or area[1] >= area[3]:
            area = None
    return _best_route(src, dst, area)


@dataclass
class DatumShift:
    """A user-supplied transformation from one datum to the project's.

    ``kind`` "helmert7": dx, dy, dz (m), rx, ry, rz (arc-seconds), ds (ppm) between the
    source datum's and CGCS2000's geocentric frames, ``convention`` "position_vector"
    (EPSG 9606) or "coordinate_frame" (EPSG 9607, the Bursa-Wolf sign usual in China).
    ``kind`` "helmert4": dx, dy (m), rotation (arc-seconds), ds (ppm) in the plane of
    ``source`` (a projected CRS), giving coordinates in ``target`` (default the project CRS).
    """

    source: str  # the CRS (or any CRS on the datum) the parameters start from
    kind: str = "helmert7"
    params: dict = field(default_factory=dict)
    convention: str = "coordinate_frame"
    target: str = ""

    KINDS = {"helmert7": ("dx", "dy", "dz", "rx", "ry", "rz", "ds"), "helmert4": ("dx", "dy", "rotation", "ds")}

    def __post_init__(self):
        names = self.KINDS.get(self.kind)
        if names is None:
            raise ValueError(f"datum shift kind must be helmert7 or helmert4, not {self.kind!r}")
        missing = [n for n in names if n not in self.params]
        if missing:
            raise ValueError(f"{self.kind} needs {', '.join(names)}; missing {', '.join(missing)}")
        self.params = {n: float(self.params[n]) for n in names}
        if self.convention not in ("position_vector", "coordinate_frame"):
            raise ValueError("convention must be position_vector or coordinate_frame")
        if self.kind == "helmert4" and not CRS.from_user_input(self.source).is_projected:
            raise ValueError(f"a 4-parameter transformation works in a plane: {self.source} is not projected")

    @classmethod
    def parse(cls, source: str, values: str, kind: str | None = None,
              convention: str = "coordinate_frame", target: str = "") -> "DatumShift":
        """From the command line: 'dx,dy,dz,rx,ry,rz,ds' (7 numbers) or 'dx,dy,rotation,ds' (4)."""
        try:
            numbers = [float(v) for v in values.replace(" ", "").split(",")]
        except ValueError:
            raise ValueError(f"datum shift parameters must be numbers separated by commas, not {values!r}") from None
        kind = kind or {7: "helmert7", 4: "helmert4"}.get(len(numbers), "")
        names = cls.KINDS.get(kind, ())
        if len(numbers) != len(names):
            raise ValueError(f"give 7 (dx,dy,dz,rx,ry,rz,ds) or 4 (dx,dy,rotation,ds) parameters, not {len(numbers)}")
        return cls(source=source, kind=kind, params=dict(zip(names, numbers)), convention=convention, target=target)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "DatumShift":
        return cls(**{k: d[k] for k in ("source", "kind", "params", "convention", "target") if k in d})

    def applies_to(self, crs: str) -> bool:
        if self.kind == "helmert4":
            return _same(crs, self.source)
        try:
            return CRS.from_user_input(crs).datum == CRS.from_user_input(self.source).datum
        except Exception:
            return False

    def route(self, src: str, dst: str) -> Route:
        p = self.params
        if self.kind == "helmert4":
            target = self.target or dst
            # PROJ's 2D Helmert takes the scale as a factor, not in ppm.
            helmert = (f"step proj=helmert x={p['dx']!r} y={p['dy']!r} theta={p['rotation']!r} "
                       f"s={1 + p['ds'] * 1e-6!r}")
            tail = "" if _same(target, dst) else _plane_to(target, dst)
            pipeline = f"proj=pipeline {helmert} {tail}".strip()
            label = f"user 4-parameter transformation {self.source} → {target}"
            plane = (p["dx"], p["dy"], math.radians(p["rotation"] / 3600.0), 1 + p["ds"] * 1e-6)
            return Route(pipeline, label, None, False, "parameters supplied by the user, saved in the project",
                         via=target if not _same(target, dst) else "", plane=plane)
        else:
            helmert = (f"step proj=helmert x={p['dx']!r} y={p['dy']!r} z={p['dz']!r} rx={p['rx']!r} "
                       f"ry={p['ry']!r} rz={p['rz']!r} s={p['ds']!r} convention={self.convention}")
            pipeline = (f"proj=pipeline {_to_geocentric(src)} {helmert} {_from_geocentric(dst)}")
            label = f"user 7-parameter transformation from {_datum_name(src)} to {_datum_name(dst)}"
        # GDAL's TOWGS84 is position-vector; the target datum is taken as WGS 84 ≈ CGCS2000 there.
        sign = -1.0 if self.convention == "coordinate_frame" else 1.0
        towgs84 = (p["dx"], p["dy"], p["dz"], sign * p["rx"], sign * p["ry"], sign * p["rz"], p["ds"])
        return Route(pipeline, label, None, False, "parameters supplied by the user, saved in the project",
                     towgs84=towgs84)


def _same(a: str, b: str) -> bool:
    try:
        return CRS.from_user_input(a) == CRS.from_user_input(b)
    except Exception:
        return a == b


def _proj_steps(crs: str) -> tuple[str, str]:
    """(proj string of the CRS's map projection or '' if geographic, ellipsoid parameters)."""
    c = CRS.from_user_input(crs)
    e = c.ellipsoid
    ellps = f"a={e.semi_major_metre!r} rf={e.inverse_flattening!r}" if e.inverse_flattening else f"R={e.semi_major_metre!r}"
    if c.is_geographic:
        return "", ellps
    words = [w.lstrip("+") for w in c.to_proj4().split()]
    keep = [w for w in words if not w.startswith(("type=", "no_defs", "towgs84=", "nadgrids=", "wktext"))]
    return " ".join(keep), ellps


def _to_geocentric(crs: str) -> str:
    proj, ellps = _proj_steps(crs)
    first = f"step inv {proj}" if proj else "step proj=unitconvert xy_in=deg xy_out=rad"
    return f"{first} step proj=cart {ellps}"


def _from_geocentric(crs: str) -> str:
    proj, ellps = _proj_steps(crs)
    last = f"step {proj}" if proj else "step proj=unitconvert xy_in=rad xy_out=deg"
    return f"step inv proj=cart {ellps} {last}"


def _plane_to(target: str, dst: str) -> str:
    t = Transformer.from_crs(target, dst, always_xy=True)
    return _steps(t)
