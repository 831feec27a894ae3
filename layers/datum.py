"""Datum transformations you can trust: the route PROJ takes between two CRSs, and why.

PROJ's default for a pair of CRSs with no published transformation between
their datums (DHDN → CGCS2000, Beijing 1954 → CGCS2000) is a "ballpark"
offset that ignores the datum shift: 100 m and more. So the route is picked
from ``TransformerGroup`` for the data's area; when the best direct route is
still ballpark, it goes through WGS 84, where the EPSG registry publishes a
transformation for nearly every datum. The one ballpark hop that remains,
WGS 84 ↔ CGCS2000, is below a metre (both follow ITRF) and is said so.

A project may instead carry the user's own Helmert set (layers/helmert.py).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.transformer import TransformerGroup

from layers.proj_grids import search_system_grids

search_system_grids()  # before any transformation is made: the grids GDAL uses (layers/proj_grids.py)

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


def datum_name(crs: str) -> str:
    try:
        return CRS.from_user_input(crs).datum.name
    except Exception:  # no datum (engineering CRS): nothing to compare
        return ""


def _itrf_like(crs: str) -> bool:
    name = datum_name(crs)
    return any(name.startswith(n) for n in _ITRF_LIKE)


def pipeline_steps(t: Transformer) -> str:
    """The steps of a transformer's pipeline, ready to splice into another pipeline."""
    text = t.definition.strip()
    if text.startswith("proj=pipeline"):
        return text[len("proj=pipeline"):].strip()
    return f"step {text}"


@lru_cache(maxsize=64)
def _operations(src: str, dst: str) -> tuple:
    """Every available operation between two CRSs, in PROJ's order (one TransformerGroup, ~50 ms)."""
    try:
        return tuple(TransformerGroup(src, dst, always_xy=True).transformers)
    except Exception:  # CRSs PROJ cannot relate at all
        return ()


def _best(src: str, dst: str, area) -> Transformer | None:
    """PROJ's choice for data in ``area``: an operation valid over all of it, the most accurate first.

    The same rule as TransformerGroup(area_of_interest=...), applied to one cached group per CRS pair.
    """
    def rank(item):
        i, t = item
        a, acc = t.area_of_use, _accuracy(t)
        covers = area is None or (a is not None and a.west <= area[0] and a.south <= area[1]
                                  and area[2] <= a.east and area[3] <= a.north)
        size = (a.east - a.west) * (a.north - a.south) if a is not None else 1e9
        return (not covers, acc is None, acc or 0.0, size if area is not None else 0.0, i)
    ops = _operations(src, dst)
    return min(enumerate(ops), key=rank)[1] if ops else None


def _accuracy(t: Transformer) -> float | None:
    return None if t.accuracy is None or t.accuracy < 0 else float(t.accuracy)


@lru_cache(maxsize=256)
def _best_route(src: str, dst: str, area) -> Route | None:
    """The route for (src, dst, area), from the cache folder when an earlier run chose it (layers/route_cache.py)."""
    from layers.route_cache import ROUTES
    known, entry = ROUTES.get(src, dst, area)
    if known:
        try:
            route = None if entry["route"] is None else Route(**{k: tuple(v) if isinstance(v, list) else v
                                                                 for k, v in entry["route"].items()})
            for category, message in entry["warnings"]:  # what PROJ said when it chose (a missing grid)
                warnings.warn(message, _WARNINGS.get(category, UserWarning), stacklevel=2)
            return route
        except (TypeError, KeyError, ValueError):  # a cache entry of another shape: chosen again below
            pass
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        route = _choose_route(src, dst, area)
    for w in said:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    ROUTES.put(src, dst, area, {"route": None if route is None else asdict(route),
                                "warnings": [[w.category.__name__, str(w.message)] for w in said]})
    return route


_WARNINGS = {c.__name__: c for c in (UserWarning, RuntimeWarning, DeprecationWarning, FutureWarning)}


def _choose_route(src: str, dst: str, area) -> Route | None:
    aoi = area
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
        pipeline = "proj=pipeline " + " ".join(pipeline_steps(t) for _, _, t in hops)
    operation = " → ".join(t.description for _, _, t in hops)
    return Route(pipeline, operation, accuracy, bool(dishonest), note, via=HUB if len(hops) > 1 else "")


def best_route(src: str, dst: str, area=None,
               shift: "DatumShift | None" = None) -> Route | None:  # noqa: F821 (layers.helmert imports us)
    """The most accurate available route from src to dst for data in ``area`` (W, S, E, N degrees).

    None when PROJ cannot relate the two CRSs at all (e.g. a Mars CRS).
    """
    if shift is not None and shift.applies_to(src):
        return shift.route(src, dst)
    return _best_route(src, dst, None if area is None else _whole_degrees(area))


def _whole_degrees(area):
    """The area widened to whole degrees: PROJ picks the same operation, and the cache hits
    (a TransformerGroup costs ~50 ms; a GeoPackage's tables each have their own extent)."""
    w, s, e, n = (float(v) for v in area)
    if not all(math.isfinite(v) for v in (w, s, e, n)) or w > e or s > n:
        return None
    return (max(-180.0, math.floor(w)), max(-90.0, math.floor(s)),
            min(180.0, math.floor(e) + 1.0), min(90.0, math.floor(n) + 1.0))
