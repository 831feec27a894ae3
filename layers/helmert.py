"""The user's own datum transformation: a 7-parameter (Bursa-Wolf) or 4-parameter Helmert set.

The usual Chinese practice for Beijing 1954 / Xian 1980 / city grids, where EPSG publishes
no transformation to CGCS2000: the surveying bureau issues the parameters. The set becomes
a PROJ pipeline (a Route like PROJ's own), saved in the project.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from pyproj import CRS, Transformer

from layers.datum import Route, datum_name, pipeline_steps

USER_NOTE = "parameters supplied by the user, saved in the project"


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
            return Route(pipeline, label, None, False, USER_NOTE, via=target if not _same(target, dst) else "",
                         plane=plane)
        else:
            helmert = (f"step proj=helmert x={p['dx']!r} y={p['dy']!r} z={p['dz']!r} rx={p['rx']!r} "
                       f"ry={p['ry']!r} rz={p['rz']!r} s={p['ds']!r} convention={self.convention}")
            pipeline = (f"proj=pipeline {_to_geocentric(src)} {helmert} {_from_geocentric(dst)}")
            label = f"user 7-parameter transformation from {datum_name(src)} to {datum_name(dst)}"
        # GDAL's TOWGS84 is position-vector; the target datum is taken as WGS 84 ≈ CGCS2000 there.
        sign = -1.0 if self.convention == "coordinate_frame" else 1.0
        towgs84 = (p["dx"], p["dy"], p["dz"], sign * p["rx"], sign * p["ry"], sign * p["rz"], p["ds"])
        return Route(pipeline, label, None, False, USER_NOTE, towgs84=towgs84)


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
    return pipeline_steps(t)
