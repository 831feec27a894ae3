"""Deterministic default registry: 200,000 terminals in Songjiang New City.

Placement rules (plausible, not surveyed):
- terminals per district in proportion to a density weight; inside the district
  polygon from ``assets/songjiang/districts.geojson`` when present, else inside
  the rough boxes of geofacts.md table B (centres anchored on landmarks);
- street furniture (traffic, cameras, hydrants, noise, air, parking) on a
  rotated street grid, 6-15 m off the centre line (kerb side);
- water-quality probes along watercourses: the old canal (市河) polyline in the
  old town, the Huayang Lake shore in film city, one synthetic canal elsewhere;
- structural monitoring (tilt, crack width) on the heritage structures of
  geofacts.md table A: on the five sites with HBIM models, mounted on a structural
  component (arch ring, pier, wall, column, storey…) with mounted_on = its IFC
  GlobalId (from assets/hbim/components.json); elsewhere mounted_on = "heritage:<site key>"
  (layers/heritage_keys.py; the site points of assets/songjiang/heritage_sites.geojson).
Run ``python -m layers.sensors.generate out.csv`` to write it as a CSV.
"""
from __future__ import annotations

import functools
import json
import re
import logging
import sys
from pathlib import Path

import numpy as np

from layers.crs import WGS84, ProjectCRS, transform_xy
from layers import districts as D
from layers.heritage_keys import HERITAGE_PREFIX, MODEL_OF
from layers.sensors import kinds as K
from layers.sensors.registry import DISTRICTS, SensorRegistry

log = logging.getLogger(__name__)
DISTRICTS_GEOJSON = Path(__file__).resolve().parents[2] / "assets" / "songjiang" / "districts.geojson"
GROUND_Z = 4.0  # Songjiang plain ≈ 4 m a.s.l. (district yearbook)
# WGS84 boxes (lat0, lat1, lon0, lon1), density weight, street-grid angle (deg)
BOXES = {
    D.HUB.id: ((30.978, 30.992, 121.217, 121.235), 0.15, 8.0),
    D.FILM_CITY.id: ((30.985, 31.005, 121.239, 121.261), 0.15, 20.0),
    D.OLD_TOWN.id: ((31.000, 31.016, 121.198, 121.250), 0.30, 0.0),
    D.INDUSTRY_EAST.id: ((31.010, 31.035, 121.255, 121.290), 0.20, -5.0),
    D.INDUSTRY_WEST.id: ((30.995, 31.025, 121.160, 121.195), 0.20, 12.0),
}
# share of street-level terminals per kind, mounting height above ground (m)
MIX = {"pm25": (0.06, 3.5), "aqi": (0.04, 3.5), "noise": (0.10, 4.0), "water_nh3n": (0.03, -1.5),
       "soil_moisture": (0.05, -0.3), "traffic_flow": (0.17, 6.0), "parking": (0.22, 0.3),
       "hydrant_pressure": (0.13, 0.8), "camera_status": (0.20, 6.0)}
# the monitored structures of geofacts.md table A: site key (layers/heritage_keys.py), the height (m) up to
# which monitors are mounted; positions come from the heritage asset, the one home of the sites
MONITORED = (("dacang_bridge", 8.0), ("xu_pawnshop", 10.0), ("guanding_temple", 10.0), ("du_mansion", 10.0),
             ("xilin_pagoda", 46.5), ("zuibaichi", 6.0), ("square_pagoda", 42.5), ("ming_screen_wall", 4.75),
             ("yunjian_first_tower", 16.0), ("tang_sutra_pillar", 9.3))
OLD_CANAL = [(31.0077, 121.2030), (31.0077, 121.2048), (31.0080, 121.2090), (31.0081, 121.2134)]
HUAYANG_LAKE_R = 310.0  # 30 ha ≈ a 310 m radius disc
PER_HERITAGE = 40


HBIM_INDEX = Path(__file__).resolve().parents[2] / "assets" / "hbim" / "components.json"
HUB_INDEX = Path(__file__).resolve().parents[2] / "assets" / "hbim" / "hub_terminals.json"
HERITAGE_GEOJSON = Path(__file__).resolve().parents[2] / "assets" / "songjiang" / "heritage_sites.geojson"
HBIM_MODELS = MODEL_OF  # site key → model stem
STRUCTURAL = re.compile(r"arch ring|pier|abutment|wall|column|storey|platform|beam", re.I)


@functools.lru_cache(maxsize=1)
def heritage(path: Path = HERITAGE_GEOJSON) -> tuple:
    """(key, lat, lon, mounting height) of each monitored site, positioned by the heritage asset."""
    fc = json.loads(path.read_text(encoding="utf-8"))
    where = {f["id"]: f["geometry"]["coordinates"] for f in fc["features"]}
    return tuple((key, where[key][1], where[key][0], height) for key, height in MONITORED)


def _hbim_components(project: ProjectCRS, path: Path = HBIM_INDEX) -> dict:
    """Heritage site key → structural components (GlobalId, centre) of its HBIM model, if shipped."""
    if not path.exists():
        return {}
    index = json.loads(path.read_text(encoding="utf-8"))
    if index.get("crs") != project.crs:
        return {}  # centres are in another CRS: fall back to the site points
    out = {}
    for key, stem in HBIM_MODELS.items():
        comps = [c for c in index["components"] if c["model"] == stem]
        structural = [c for c in comps if STRUCTURAL.search(c.get("name") or "")]
        if structural or comps:
            out[key] = structural or comps
    return out


def _hub_terminals(project: ProjectCRS, path: Path = HUB_INDEX) -> list:
    """The hub's building-system terminals (tools/build_hub_bim.py): each reports for one IFC element."""
    if not path.exists():
        return []
    index = json.loads(path.read_text(encoding="utf-8"))
    return index["terminals"] if index.get("crs") == project.crs else []


def _district_shapes(project: ProjectCRS, path: Path = DISTRICTS_GEOJSON) -> dict:
    """District id → shapely polygon in the project CRS (GeoJSON if present, else boxes)."""
    import shapely

    shapes = {}
    if path.exists():
        try:
            fc = json.loads(path.read_text(encoding="utf-8"))
            for feat in fc.get("features", []):
                props = feat.get("properties") or {}
                did = props.get("id") or feat.get("id") or props.get("name")
                geom = shapely.geometry.shape(feat["geometry"])
                x0, y0, _x1, _y1 = geom.bounds
                if abs(x0) <= 360 and abs(y0) <= 90:  # degrees → reproject to project CRS
                    geom = shapely.transform(geom, lambda c: np.column_stack(
                        transform_xy(c[:, 0], c[:, 1], WGS84, project.crs)))
                if did in BOXES:
                    shapes[did] = geom
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s: cannot use district polygons (%s); using table B boxes", path, exc)
    for did, ((la0, la1, lo0, lo1), _w, _a) in BOXES.items():
        if did not in shapes:
            x, y = transform_xy([lo0, lo1, lo1, lo0], [la0, la0, la1, la1], WGS84, project.crs)
            shapes[did] = shapely.Polygon(np.column_stack([x, y]))
    return shapes


def _street_points(rng, poly, n, angle_deg, spacing=220.0):
    """n points on a rotated street grid inside poly, offset to the kerb."""
    import shapely

    cx, cy = poly.centroid.x, poly.centroid.y
    x0, y0, x1, y1 = poly.bounds
    half = 0.5 * np.hypot(x1 - x0, y1 - y0)
    a = np.radians(angle_deg)
    out = np.empty((0, 2))
    while len(out) < n:
        m = 2 * (n - len(out)) + 64
        u = rng.uniform(-half, half, m)
        v = np.round(rng.uniform(-half, half, m) / spacing) * spacing
        v += rng.choice([-1.0, 1.0], m) * rng.uniform(6.0, 15.0, m)
        swap = rng.random(m) < 0.5  # E-W or N-S street family
        u, v = np.where(swap, v, u), np.where(swap, u, v)
        x = cx + u * np.cos(a) - v * np.sin(a)
        y = cy + u * np.sin(a) + v * np.cos(a)
        keep = shapely.contains_xy(poly, x, y)
        out = np.vstack([out, np.column_stack([x[keep], y[keep]])])
    return out[:n]


def _water_points(rng, did, poly, n, project):
    if did == D.OLD_TOWN.id:
        lat, lon = np.array(OLD_CANAL).T
        px, py = project.from_wgs84(lon, lat)
        seg = rng.integers(0, len(px) - 1, n)
        f = rng.random(n)
        x, y = px[seg] + f * (px[seg + 1] - px[seg]), py[seg] + f * (py[seg + 1] - py[seg])
    elif did == D.FILM_CITY.id:
        th = rng.uniform(0, 2 * np.pi, n)
        x = poly.centroid.x + HUAYANG_LAKE_R * np.cos(th)
        y = poly.centroid.y + HUAYANG_LAKE_R * np.sin(th)
    else:
        x0, y0, x1, y1 = poly.bounds
        x = rng.uniform(x0, x1, n)
        y = np.full(n, 0.5 * (y0 + y1))
    return np.column_stack([x, y]) + rng.normal(0, 3.0, (n, 2))


def generate(n: int = 200_000, seed: int = 20221027, project: ProjectCRS | None = None,
             districts_geojson: Path = DISTRICTS_GEOJSON) -> SensorRegistry:
    """The default registry: deterministic for a given (n, seed, district polygons)."""
    project = project or ProjectCRS()
    rng = np.random.default_rng(seed)
    shapes = _district_shapes(project, districts_geojson)
    sites = heritage()
    n_her = min(n, PER_HERITAGE * len(sites))
    hub = _hub_terminals(project)[:n - n_her]
    n_street = n - n_her - len(hub)
    weights = np.array([BOXES[d][1] for d in DISTRICTS])
    per_d = np.floor(weights / weights.sum() * n_street).astype(int)
    per_d[0] += n_street - per_d.sum()
    shares = np.array([s for s, _ in MIX.values()])
    xy, z, kind, dist, mounted = [], [], [], [], []
    for di, did in enumerate(DISTRICTS):
        nk = np.floor(shares / shares.sum() * per_d[di]).astype(int)
        nk[-1] += per_d[di] - nk.sum()
        for (kname, (_s, h)), cnt in zip(MIX.items(), nk):
            if kname == "water_nh3n":
                pts = _water_points(rng, did, shapes[did], cnt, project)
            else:
                pts = _street_points(rng, shapes[did], cnt, BOXES[did][2])
            zz = np.full(cnt, GROUND_Z + h)
            if kname == "parking":  # a third are in multi-storey garages
                zz += 3.0 * rng.integers(0, 6, cnt) * (rng.random(cnt) < 0.33)
            xy.append(pts), z.append(zz), kind.append(np.full(cnt, K.BY_NAME[kname].code))
            dist.append(np.full(cnt, di)), mounted.append(np.full(cnt, "", dtype=object))
    components = _hbim_components(project)
    for j in range(n_her):
        key, lat, lon, height = sites[j % len(sites)]
        on = components.get(key)
        if on:  # a modelled structure: mount on one of its structural components
            comp = on[(j // len(sites)) % len(on)]
            xy.append(np.array([comp["centre"][:2]]))
            z.append(np.array([GROUND_Z + comp["centre"][2]]))
            mounted.append(np.array([comp["guid"]], dtype=object))
        else:
            x, y = project.from_wgs84(lon, lat)
            xy.append(np.array([[x, y]]) + rng.normal(0, 2.0, (1, 2)))
            z.append(np.array([GROUND_Z + rng.uniform(0.5, height)]))
            mounted.append(np.array([HERITAGE_PREFIX + key], dtype=object))
        kind.append(np.array([K.BY_NAME["tilt" if j % 2 else "crack_width"].code]))
        dist.append(np.array([DISTRICTS.index(D.OLD_TOWN.id)]))
    for t in hub:  # bound to its IFC element by GlobalId; its id is the one the element's pset names
        xy.append(np.array([t["centre"][:2]]))
        z.append(np.array([GROUND_Z + t["centre"][2]]))
        mounted.append(np.array([t["guid"]], dtype=object))
        kind.append(np.array([K.BY_NAME[t["kind"]].code]))
        dist.append(np.array([DISTRICTS.index(D.HUB.id)]))
    kind = np.concatenate(kind).astype(np.uint8)
    names = np.array([k.name.upper().replace("_", "") for k in K.KINDS])
    ids = np.char.add(np.char.add("SJ-", names[kind]),
                      np.char.add("-", np.char.zfill(np.arange(1, n + 1).astype(str), 6)))
    if hub:
        ids = np.array(ids.tolist()[:n - len(hub)] + [t["sensor_id"] for t in hub])
    return SensorRegistry(ids=ids, kind=kind, xyz=np.column_stack([np.vstack(xy), np.concatenate(z)]),
                          district=np.concatenate(dist), datastream=np.arange(1, n + 1),
                          mounted_on=np.concatenate(mounted), crs=project.crs)


def main(argv=None) -> int:
    from layers.sensors.loaders import write_csv

    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        sys.stderr.write("usage: python -m layers.sensors.generate OUT.csv [N]\n")
        return 2
    write_csv(generate(int(argv[1]) if len(argv) > 1 else 200_000), argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
