"""Registry readers and writers: CSV, GeoPackage (pyogrio) and SensorThings Things.

The HTTP client that pages a SensorThings server lives in console/feeds/sta_http.py.

Readers reproject to the project CRS at the boundary and raise RegistryError
naming the source and the reason for anything they cannot use.
"""
from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np

from layers.crs import WGS84, ProjectCRS, transform_xy
from layers.sensors import sta
from layers.sensors.registry import RegistryError, SensorRegistry

log = logging.getLogger(__name__)
CSV_FIELDS = ("id", "kind", "x", "y", "z", "district", "datastream", "warn", "crit",
              "interval_s", "mounted_on")
MAX_PAGES = 10_000
MAX_PAGE_BYTES = 64 * 1024 * 1024


def _num(rows, name, path, default=np.nan):
    out = np.empty(len(rows))
    for i, r in enumerate(rows):
        v = (r.get(name) or "").strip()
        try:
            out[i] = float(v) if v else default
        except ValueError:
            raise RegistryError(f"{path}: row {i + 2}: {name}={v!r} is not a number") from None
    return out


def read_csv(path, project: ProjectCRS | None = None) -> SensorRegistry:
    """CSV with columns id, kind, x, y[, z] (project CRS) or lon, lat (WGS84), plus optional
    district, datastream, warn, crit, interval_s, mounted_on."""
    project = project or ProjectCRS()
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RegistryError(f"{path}: cannot read CSV ({exc})") from None
    if not rows:
        raise RegistryError(f"{path}: no terminals")
    cols = set(rows[0])
    geo = {"lon", "lat"} <= cols
    if not ({"id", "kind"} <= cols and (geo or {"x", "y"} <= cols)):
        raise RegistryError(f"{path}: needs columns id, kind and x,y or lon,lat; has {sorted(cols)}")
    a, b = ("lon", "lat") if geo else ("x", "y")
    x, y, z = _num(rows, a, path), _num(rows, b, path), _num(rows, "z", path, 0.0)
    if np.isnan(x).any() or np.isnan(y).any():
        raise RegistryError(f"{path}: missing coordinates")
    if geo:
        x, y = transform_xy(x, y, WGS84, project.crs)
    ds = _num(rows, "datastream", path)
    return SensorRegistry.from_columns(
        ids=[r["id"] for r in rows], kind_names=[r["kind"].strip() for r in rows],
        xyz=np.column_stack([x, y, z]),
        district_names_per_row=[r.get("district") or "" for r in rows],
        datastream=None if np.isnan(ds).any() else ds.astype(np.int64),
        warn=_num(rows, "warn", path), crit=_num(rows, "crit", path),
        interval_s=_num(rows, "interval_s", path),
        mounted_on=np.array([r.get("mounted_on") or "" for r in rows], dtype=object),
        crs=project.crs)


def write_csv(reg: SensorRegistry, path) -> None:
    tmp = Path(str(path) + ".part")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CSV_FIELDS)
        names = reg.kind_names()
        dn = np.array(list(reg.district_names) + [""])[reg.district]
        for i in range(len(reg)):
            w.writerow((reg.ids[i], names[i], f"{reg.xyz[i, 0]:.3f}", f"{reg.xyz[i, 1]:.3f}",
                        f"{reg.xyz[i, 2]:.2f}", dn[i], int(reg.datastream[i]), reg.warn[i],
                        reg.crit[i], reg.interval_s[i], reg.mounted_on[i] or ""))
    tmp.replace(path)  # never leave a half-written registry


def read_gpkg(path, layer=None, project: ProjectCRS | None = None) -> SensorRegistry:
    """Point layer with fields id, kind[, district, datastream, warn, crit, interval_s,
    mounted_on, z]; geometry 2D or 3D in any CRS GDAL knows."""
    import pyogrio.raw
    import shapely

    project = project or ProjectCRS()
    try:
        meta, _fids, geom, fields = pyogrio.raw.read(path, layer=layer)
    except Exception as exc:  # pyogrio raises its own DataSource/DataLayer errors
        raise RegistryError(f"{path}: cannot read GeoPackage ({exc})") from None
    names = list(meta["fields"])
    if not {"id", "kind"} <= set(names):
        raise RegistryError(f"{path}: layer needs fields id and kind; has {names}")
    col = dict(zip(names, fields))
    pts = shapely.from_wkb(geom)
    if len(pts) == 0 or not (shapely.get_type_id(pts) == 0).all():
        raise RegistryError(f"{path}: layer must hold points")
    xyz = shapely.get_coordinates(pts, include_z=True)
    if np.isnan(xyz[:, 2]).all() and "z" in col:
        xyz[:, 2] = col["z"].astype(float)
    xyz[:, 2] = np.nan_to_num(xyz[:, 2])
    src = meta.get("crs") or WGS84
    xyz[:, 0], xyz[:, 1] = transform_xy(xyz[:, 0], xyz[:, 1], src, project.crs)

    def f(name):
        return col[name].astype(float) if name in col else None

    ds = col.get("datastream")
    return SensorRegistry.from_columns(
        ids=col["id"].astype(str), kind_names=col["kind"].astype(str), xyz=xyz,
        district_names_per_row=col["district"].astype(str) if "district" in col else [""] * len(xyz),
        datastream=None if ds is None else ds.astype(np.int64), warn=f("warn"), crit=f("crit"),
        interval_s=f("interval_s"),
        mounted_on=col["mounted_on"].astype(object) if "mounted_on" in col else None,
        crs=project.crs)


def registry_from_things(things, base_url: str, project: ProjectCRS | None = None) -> SensorRegistry:
    """One terminal per Datastream: Things with their Locations and Datastreams expanded.

    The kind comes from Datastream.properties.kind (or Thing.properties.kind), the
    district from Thing.properties.district; thresholds may be overridden in
    Datastream.properties (warn, crit). ``things`` is any iterable of Thing
    entities (console/feeds/sta_http.py pages them from a server).
    """
    project = project or ProjectCRS()
    rows = []
    for thing in things:
        if not isinstance(thing, dict):
            continue
        tprops = thing.get("properties") or {}
        locs = [sta.location_lonlat(loc) for loc in thing.get("Locations") or []]
        loc = next((p for p in locs if p), None)
        for dsm in thing.get("Datastreams") or []:
            props = (dsm.get("properties") or {}) if isinstance(dsm, dict) else {}
            kind = props.get("kind") or tprops.get("kind")
            ds_id = sta.entity_id(dsm)
            if loc is None or kind is None or not isinstance(ds_id, int):
                log.warning("%s: skipping Datastream %r (needs location, kind, integer id)",
                            base_url, ds_id)
                continue
            rows.append((props.get("terminal") or dsm.get("name") or f"ds-{ds_id}", kind, *loc,
                         tprops.get("district", ""), ds_id, props.get("warn", np.nan),
                         props.get("crit", np.nan), props.get("mounted_on", "")))
    if not rows:
        raise RegistryError(f"{base_url}: no usable Datastreams")
    ids, kinds, lon, lat, z, dist, ds, warn, crit, mounted = zip(*rows)
    x, y = transform_xy(np.array(lon), np.array(lat), WGS84, project.crs)
    return SensorRegistry.from_columns(
        ids=list(ids), kind_names=list(kinds), xyz=np.column_stack([x, y, np.array(z)]),
        district_names_per_row=list(dist), datastream=np.array(ds, dtype=np.int64),
        warn=np.array(warn, float), crit=np.array(crit, float),
        mounted_on=np.array(mounted, dtype=object), crs=project.crs)




def dumps_thing(reg: SensorRegistry, i: int, project: ProjectCRS) -> dict:
    """A STA Thing with one Location and one Datastream for terminal i (used by tests/tools)."""
    lon, lat = project.to_wgs84(reg.xyz[i, 0], reg.xyz[i, 1])
    r = reg.row(i)
    return {"@iot.id": i + 1, "name": r["id"], "properties": {"district": r["district"]},
            "Locations": [{"encodingType": "application/geo+json", "location": {
                "type": "Point", "coordinates": [float(lon), float(lat), r["z"]]}}],
            "Datastreams": [{"@iot.id": r["datastream"], "name": r["id"],
                             "unitOfMeasurement": {"symbol": r["unit"]},
                             "properties": {"kind": r["kind"], "terminal": r["id"]}}]}


__all__ = ["read_csv", "write_csv", "read_gpkg", "registry_from_things", "dumps_thing"]
