"""Generate the new city's LoD1 buildings (an approximation) as assets/songjiang/buildings.gpkg.

    python tools/build_buildings.py [--out assets/songjiang/buildings.gpkg] [--count 21000]

Plausible, not surveyed: rectangular footprints in the blocks of each district's
street grid (the same rotated 220 m grid the sensor generator puts street
terminals on, so kerb-side sensors stay outside buildings), sized and given a
height, use and year by district character (towers at the hub, studios and
mid-rise at film city, low houses in the old town, sheds in the industry wings,
residential slabs elsewhere in the new city). Kept out of water, the G60 and
Line 9 corridors, 120 m around every heritage site and off the hub's modelled
station and towers, whose simplified massing is added with ``bim_model`` set
(the level-of-detail switch shows it from far away). Fixed seed: the same
features every run. Every feature carries ``approximate = 1``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from layers.crs import ProjectCRS  # noqa: E402
from layers.hub import plan  # noqa: E402
from layers.sensors.generate import BOXES  # noqa: E402  (the districts' street-grid angles)

SEED = 20261129
STREET = 220.0        # street spacing (m), as layers/sensors/generate.py
SETBACK = 24.0        # building line from a street's centre (kerb-side sensors stand 6-15 m off it)
# district → (use weights {use: w}, height range (m), footprint range (m), parcels per block side)
CHARACTER = {
    "hub": ({"office": 5, "commercial": 3, "residential": 2}, (24, 120), (24, 48), 3),
    "film-city": ({"public": 2, "commercial": 3, "office": 2, "residential": 3}, (12, 60), (20, 50), 3),
    "old-town": ({"residential": 6, "commercial": 3, "public": 1}, (6, 18), (12, 24), 5),
    "industry-east": ({"industrial": 7, "office": 2, "public": 1}, (8, 24), (40, 80), 2),
    "industry-west": ({"industrial": 7, "office": 2, "public": 1}, (8, 24), (40, 80), 2),
    None: ({"residential": 7, "commercial": 2, "public": 1}, (18, 100), (16, 44), 3),
}
USES = ("residential", "office", "commercial", "industrial", "public")


def _load(name: str, project: ProjectCRS) -> list:
    fc = json.loads((ROOT / "assets" / "songjiang" / name).read_text(encoding="utf-8"))
    out = []
    for feat in fc["features"]:
        g = shapely.geometry.shape(feat["geometry"])
        g = shapely.transform(g, lambda c: np.column_stack(project.from_wgs84(c[:, 0], c[:, 1])))
        out.append((feat["properties"], g))
    return out


def _keep_out(project: ProjectCRS):
    """Water, transport corridors, heritage surroundings and the hub's modelled sites."""
    zones = []
    for props, g in _load("water.geojson", project):
        zones.append(g.buffer(15.0 if g.geom_type.endswith("Polygon") else 30.0))
    for props, g in _load("transport.geojson", project):
        width = {"expressway": 45.0, "metro_line": 20.0}.get(props.get("kind"), 60.0)
        zones.append(g.buffer(width))
    for props, g in _load("heritage_sites.geojson", project):
        zones.append(g.buffer(120.0))
    zones += [shapely.Polygon(z) for z in plan.keep_out()]
    return shapely.union_all(zones)


def _blocks(poly, angle_deg: float, centre) -> np.ndarray:
    """(B, 2) block centres (rotated frame u, v) of the street grid covering ``poly``."""
    x0, y0, x1, y1 = poly.bounds
    half = 0.5 * np.hypot(x1 - x0, y1 - y0) + STREET
    k = np.arange(-np.ceil(half / STREET), np.ceil(half / STREET) + 1)
    u, v = np.meshgrid((k + 0.5) * STREET, (k + 0.5) * STREET)
    return np.column_stack([u.ravel(), v.ravel()])


def _rotate(u, v, angle_deg, centre):
    a = np.radians(angle_deg)
    return centre[0] + u * np.cos(a) - v * np.sin(a), centre[1] + u * np.sin(a) + v * np.cos(a)


def _zone_buildings(rng, zone, did, angle, centre, blocked):
    uses_w, (h0, h1), (s0, s1), per_side = CHARACTER[did]
    blocks = _blocks(zone, angle, centre)
    inner = STREET - 2 * SETBACK
    cell = inner / per_side
    i, j = np.meshgrid(np.arange(per_side), np.arange(per_side))
    offs = (np.column_stack([i.ravel(), j.ravel()]) + 0.5) * cell - inner / 2
    uv = (blocks[:, None, :] + offs[None, :, :]).reshape(-1, 2)
    n = len(uv)
    w = np.minimum(rng.uniform(s0, s1, n), cell - 6.0)
    d = np.minimum(rng.uniform(s0, s1, n) * rng.uniform(0.5, 1.0, n), cell - 6.0)
    uv = uv + rng.uniform(-1, 1, (n, 2)) * np.column_stack([(cell - w) / 2 - 3, (cell - d) / 2 - 3]).clip(0)
    corners_u = uv[:, 0:1] + np.array([-1, 1, 1, -1, -1]) * w[:, None] / 2
    corners_v = uv[:, 1:2] + np.array([-1, -1, 1, 1, -1]) * d[:, None] / 2
    x, y = _rotate(corners_u, corners_v, angle, centre)
    polys = shapely.polygons(np.round(np.stack([x, y], axis=-1), 1))
    inside = shapely.contains(zone, polys) & ~shapely.intersects(blocked, polys)
    polys = polys[inside]
    m = len(polys)
    names = list(uses_w)
    p = np.array([uses_w[u] for u in names], float)
    use = rng.choice(names, m, p=p / p.sum())
    # heights skew low (most of a city is not towers); industry and old town stay low by range
    height = np.round(h0 + (h1 - h0) * rng.beta(1.3, 3.0, m), 1)
    height[use == "industrial"] = np.round(rng.uniform(8, 18, int((use == "industrial").sum())), 1)
    year = rng.integers(1995 if did != "old-town" else 1950, 2025, m)
    year[np.isin(use, ("office",)) & (did == "hub")] = rng.integers(2018, 2026, int(((use == "office") & (did == "hub")).sum()))
    return polys, height, use, year


def generate(count: int = 21000, seed: int = SEED):
    """Footprints (EPSG:4549) and their columns, deterministic for (count, seed)."""
    project = ProjectCRS()
    rng = np.random.default_rng(seed)
    blocked = _keep_out(project)
    shapely.prepare(blocked)
    districts = {props["id"]: g for props, g in _load("districts.geojson", project)}
    extent = _load("new_city_extent.geojson", project)[0][1]
    rest = extent.difference(shapely.union_all(list(districts.values())))
    zones = [(did, g, BOXES[did][2], (g.centroid.x, g.centroid.y)) for did, g in districts.items()]
    zones.append((None, rest, 0.0, (extent.centroid.x, extent.centroid.y)))
    geoms, cols = [], {"height": [], "use": [], "year": [], "district": []}
    for did, zone, angle, centre in zones:
        shapely.prepare(zone)
        polys, height, use, year = _zone_buildings(rng, zone, did, angle, centre, blocked)
        geoms.append(polys)
        cols["height"].append(height), cols["use"].append(use), cols["year"].append(year)
        cols["district"].append(np.full(len(polys), did or "new-city", dtype=object))
    geoms = np.concatenate(geoms)
    cols = {k: np.concatenate(v) for k, v in cols.items()}
    if len(geoms) > count:  # thin evenly (by a seeded draw), keeping every district represented
        keep = np.sort(rng.choice(len(geoms), count, replace=False))
        geoms, cols = geoms[keep], {k: v[keep] for k, v in cols.items()}
    cols["bim_model"] = np.full(len(geoms), "", dtype=object)
    cols["name"] = np.full(len(geoms), "", dtype=object)
    massing = plan.sites()
    geoms = np.concatenate([geoms, [shapely.Polygon(np.round(s["footprint"], 1)) for s in massing]])
    for k, v in {"height": [s["height"] for s in massing], "use": ["public"] + ["office"] * (len(massing) - 1),
                 "year": [2026] * len(massing), "district": ["hub"] * len(massing),
                 "bim_model": [s["model"] for s in massing], "name": [s["name_zh"] for s in massing]}.items():
        cols[k] = np.concatenate([cols[k], np.asarray(v, dtype=cols[k].dtype)])
    ids = np.char.add("SJB-", np.char.zfill(np.arange(1, len(geoms) + 1).astype(str), 6))
    return geoms, {"building_id": ids, **cols}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "assets" / "songjiang" / "buildings.gpkg"))
    parser.add_argument("--count", type=int, default=21000)
    args = parser.parse_args(argv)
    geoms, cols = generate(args.count)
    out = Path(args.out)
    _write_gpkg(out, geoms, cols)
    print(f"{out}: {len(geoms)} buildings, {out.stat().st_size / 1e6:.2f} MB")
    return 0


def _write_gpkg(out: Path, geoms, cols):
    """Through GDAL (pyogrio), so the file is a GeoPackage ogrinfo and QGIS open."""
    import pyogrio.raw
    tmp = out.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    fields = {"building_id": cols["building_id"].astype(object), "height": cols["height"].astype(float),
              "use": cols["use"].astype(object), "year": cols["year"].astype(np.int32),
              "district": cols["district"].astype(object), "bim_model": cols["bim_model"].astype(object),
              "name": cols["name"].astype(object), "approximate": np.ones(len(geoms), np.int32)}
    pyogrio.raw.write(str(tmp), shapely.to_wkb(geoms, output_dimension=2), list(fields.values()), list(fields),
                      driver="GPKG", layer="buildings", geometry_type="Polygon", crs="EPSG:4549",
                      layer_options={"SPATIAL_INDEX": "NO"}, encoding="UTF-8")
    tmp.replace(out)


if __name__ == "__main__":
    sys.exit(main())
