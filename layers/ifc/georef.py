"""Georeferencing math: IFC model metres → the project CRS.

Three ways a model gets a place, in order of trust:

1. ``IfcMapConversion`` (+ ``IfcProjectedCRS``), or IFC2X3's ``ePSet_MapConversion``:
   a 2D Helmert transform (rotation from XAxisAbscissa/Ordinate, Scale, offsets)
   into a named map CRS, then PROJ from that CRS into the project CRS.
2. ``IfcSite.RefLatitude/RefLongitude`` (compound angles, negative parts allowed):
   the site origin is put at that point on a local azimuthal-equidistant plane,
   turned by the context's TrueNorth, then reprojected.
3. A user ``Placement`` (point, rotation, elevation) saved with the project.

The affine part is a 4x4 matrix from model metres to the source CRS; the final
step to the project CRS goes through PROJ per vertex, because far from the
project CRS's zone (e.g. German sample files in a 120°E Gauss-Kruger zone) the
projection is not affine over a building.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from layers.crs import WGS84, area_of_use, area_text, normalise_crs, transform_xy
from layers.datum import best_route
from layers.extent import wgs84_bounds


def compound_to_degrees(parts) -> float | None:
    """IfcCompoundPlaneAngleMeasure (deg, min, sec[, millionth sec]) → decimal degrees.

    IFC requires all parts to share one sign; a value like (-87,-38,-21,-839999)
    is therefore -(87 + 38/60 + 21.839999/3600).
    """
    if parts is None:
        return None
    parts = [float(p) for p in parts]
    if not parts:
        return None
    sign = -1.0 if any(p < 0 for p in parts) else 1.0
    d, m, s, u = (list(map(abs, parts)) + [0.0, 0.0, 0.0])[:4]
    return sign * (d + m / 60.0 + (s + u / 1e6) / 3600.0)


def helmert_matrix(eastings, northings, height, xaa, xao, scale) -> np.ndarray:
    """4x4 for E = E0 + s(a·x − b·y), N = N0 + s(b·x + a·y), H = H0 + s·z, (a, b) normalised."""
    if not xaa and not xao:
        xaa, xao = 1.0, 0.0
    norm = math.hypot(xaa, xao)
    a, b = xaa / norm, xao / norm
    m = np.eye(4)
    m[:2, :2] = scale * np.array([[a, -b], [b, a]])
    m[2, 2] = scale
    m[:3, 3] = (eastings, northings, height)
    return m


def _translation(x, y, z) -> np.ndarray:
    m = np.eye(4)
    m[:3, 3] = (x, y, z)
    return m


def _rotation_z(deg: float) -> np.ndarray:
    m = np.eye(4)
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    m[:2, :2] = [[c, -s], [s, c]]
    return m


@dataclass
class Placement:
    """Where the user put a model that has no (or a wrong) georeference."""

    x: float
    y: float
    elevation: float = 0.0
    rotation_deg: float = 0.0  # model X axis, anticlockwise from map east
    crs: str = ""  # empty = the project CRS

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Placement":
        return cls(**{k: d[k] for k in ("x", "y", "elevation", "rotation_deg", "crs") if k in d})


@dataclass
class Georef:
    method: str  # map_conversion | ref_lat_lon | placement | none
    source_crs: str
    project_crs: str
    matrix: np.ndarray  # model metres → source CRS (x, y in its units; z in metres)
    rotation_deg: float = 0.0
    unit_scale: float = 1.0  # metres per project length unit
    scale: float = 1.0
    warnings: list = field(default_factory=list)

    def to_project(self, points) -> np.ndarray:
        """(N,3) model metres → (N,3) float64 project-CRS coordinates."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        src = p @ self.matrix[:3, :3].T + self.matrix[:3, 3]
        route = self.route()
        if route is None:
            x, y = transform_xy(src[:, 0], src[:, 1], self.source_crs, self.project_crs)
        else:
            x, y = route.transformer().transform(src[:, 0], src[:, 1])
        return np.column_stack([x, y, src[:, 2]])

    def route(self):
        """The datum route for the model's area (a German GK model: DHDN → WGS 84, not PROJ's ballpark)."""
        if self.source_crs == self.project_crs:
            return None
        ox, oy = self.matrix[0, 3], self.matrix[1, 3]
        box = wgs84_bounds((ox, oy, ox, oy), self.source_crs)
        area = None if box is None else (box[0] - 0.05, box[1] - 0.05, box[0] + 0.05, box[1] + 0.05)
        return best_route(self.source_crs, self.project_crs, area)

    @property
    def project_matrix(self) -> np.ndarray:
        """Affine model→project 4x4, exact when source and project CRS agree,
        otherwise the tangent (Jacobian) at the model origin — for display helpers."""
        pts = self.to_project(np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1.0]]))
        m = np.eye(4)
        m[:3, :3] = (pts[1:] - pts[0]).T
        m[:3, 3] = pts[0]
        return m

    def describe(self) -> dict:
        origin = self.to_project(np.zeros((1, 3)))[0]
        lon, lat = transform_xy(origin[0], origin[1], self.project_crs, WGS84)
        return {
            "method": self.method, "crs": self.source_crs, "project_crs": self.project_crs,
            "origin_wgs84": [float(lon), float(lat), float(origin[2])],
            "origin_project": [float(v) for v in origin],
            "rotation_deg": self.rotation_deg, "unit_scale": self.unit_scale, "scale": self.scale,
            "datum_transformation": route.describe() if (route := self.route()) else None,
            "warnings": list(self.warnings) + ([route.warning()] if route and route.warning() else []),
        }


def _area_warning(crs: str, lon: float, lat: float) -> str | None:
    area = area_of_use(crs)  # proj strings (aeqd) have no area; nothing to warn about
    if area is None or (area[0] <= lon <= area[2] and area[1] <= lat <= area[3]):
        return None
    return (f"model origin ({lon:.4f}, {lat:.4f}) is outside {area_text(crs)}; "
            "coordinates are computed but distorted")


def _from_map_conversion(mc: dict, unit_scale: float, project_crs: str) -> Georef:
    crs = normalise_crs(mc.get("crs_name"))
    warnings = []
    map_unit = mc.get("map_unit_scale") or 1.0
    scale = mc.get("scale")
    if scale is None:
        # No Scale: the difference between project and map units is the scale
        # (e.g. millimetre models on a metre grid, as in buildingSMART's sample).
        scale = unit_scale / map_unit
    elif scale == 1.0 and abs(unit_scale / map_unit - 1.0) > 1e-9:
        warnings.append(f"Scale is 1 but project unit is {unit_scale} m and map unit {map_unit} m;"
                        " applying the unit conversion")
        scale = unit_scale / map_unit
    # The matrix takes model metres, so divide out the project unit.
    m = helmert_matrix(mc["eastings"], mc["northings"], mc["height"], mc["xaa"], mc["xao"],
                       scale / unit_scale)
    rot = math.degrees(math.atan2(mc["xao"] or 0.0, mc["xaa"] or 1.0))
    return Georef("map_conversion", crs, project_crs, m, rot, unit_scale, scale, warnings)


def _from_site(site: dict, true_north, unit_scale: float, project_crs: str) -> Georef:
    lat, lon = compound_to_degrees(site["lat"]), compound_to_degrees(site["lon"])
    elev = (site.get("elevation") or 0.0) * unit_scale
    crs = f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +datum=WGS84 +units=m +no_defs"
    rot = 0.0
    if true_north and any(true_north[:2]):
        # TrueNorth is the model-space direction of north; turn it onto +Y.
        rot = math.degrees(math.atan2(true_north[0], true_north[1]))
    ox, oy, oz = site.get("origin") or (0.0, 0.0, 0.0)
    m = _translation(0, 0, elev) @ _rotation_z(rot) @ _translation(-ox, -oy, -oz)
    return Georef("ref_lat_lon", crs, project_crs, m, rot, unit_scale, 1.0, [])


def resolve(params: dict, project_crs: str, placement: Placement | None = None,
            fallback_origin=(0.0, 0.0, 0.0)) -> Georef:
    """Pick the georeference for a model from the parameters read out of the file.

    ``params`` comes from ``georef_params.read_params`` (run in the worker). A
    user placement wins over what the file says; with nothing usable the model
    sits at the project origin and the returned method is ``none``.
    """
    project_crs = normalise_crs(project_crs)
    unit_scale = params.get("unit_scale") or 1.0
    notes = list(params.get("warnings", []))
    geo = None
    if placement is not None:
        crs = normalise_crs(placement.crs or project_crs)
        m = _translation(placement.x, placement.y, placement.elevation) @ _rotation_z(placement.rotation_deg)
        geo = Georef("placement", crs, project_crs, m, placement.rotation_deg, unit_scale)
    if geo is None and params.get("map_conversion"):
        try:
            geo = _from_map_conversion(params["map_conversion"], unit_scale, project_crs)
        except ValueError as exc:  # CRS name PROJ does not know
            notes.append(f"IfcMapConversion ignored: {exc}")
    site = params.get("site")
    if geo is None and site and site.get("lat") and site.get("lon"):
        if compound_to_degrees(site["lat"]) == 0.0 and compound_to_degrees(site["lon"]) == 0.0:
            # Exporters write (0, 0) when nobody set a location: that is "unknown", not the Gulf of Guinea.
            notes.append("IfcSite RefLatitude/RefLongitude are (0, 0): taken as no location")
        else:
            geo = _from_site(site, params.get("true_north"), unit_scale, project_crs)
    if geo is None:
        notes.append("no georeference in the file: placement needed")
        geo = Georef("none", project_crs, project_crs, _translation(*fallback_origin), 0.0, unit_scale)
    geo.warnings = notes + geo.warnings
    if geo.method != "none":
        origin = geo.to_project(np.zeros((1, 3)))[0]
        lon, lat = transform_xy(origin[0], origin[1], project_crs, WGS84)
        for crs in dict.fromkeys([geo.source_crs, project_crs]):
            w = _area_warning(crs, float(lon), float(lat))
            if w:
                geo.warnings.append(w)
    return geo
