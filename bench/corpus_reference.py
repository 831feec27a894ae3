"""What GDAL (Debian's python3-gdal, as ogrinfo/gdalinfo see it) reads in each file: one JSON line per file.

Run with the system Python that has ``osgeo``: /usr/bin/python3 bench/corpus_reference.py FILE...
Per file: {"file", "refused": reason or null, "layers": [{"name", "count", "wgs84"}],
"rasters": [{"name", "size", "bands", "wgs84"}]}. WGS84 bounds are GDAL's own:
OCTTransformBounds (21 points an edge) for vector extents; for rasters the pixel grid's edges
(21 points each) through the geotransform and OGR, and for GCP-placed rasters the suggested
warp output (GDALSuggestedWarpOutput, via AutoCreateWarpedVRT). A GeoPackage's extents are the
data's, not gpkg_contents': the geometries' for vectors, the tiles present for tile tables
(GDAL's USE_TILE_EXTENT open option).
"""
import json
import sys

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")
WGS84 = osr.SpatialReference()
WGS84.ImportFromEPSG(4326)
WGS84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)


def _extent(layer):
    """The extent of the geometries GDAL reads (a GeoPackage's stored extent can be stale or the world)."""
    box = None
    layer.ResetReading()
    for feature in layer:
        geom = feature.GetGeometryRef()
        if geom is None or geom.IsEmpty():
            continue
        e = geom.GetEnvelope()
        box = e if box is None else (min(box[0], e[0]), max(box[1], e[1]), min(box[2], e[2]), max(box[3], e[3]))
    return box


def _vector_bounds(layer):
    srs = layer.GetSpatialRef()
    box = _extent(layer)
    if box is None:
        return None
    minx, maxx, miny, maxy = box
    if srs is None:
        return [minx, miny, maxx, maxy]
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    try:
        ct = osr.CoordinateTransformation(srs, WGS84)
        return list(ct.TransformBounds(minx, miny, maxx, maxy, 21))
    except Exception:
        return None


def _grid_outline(ds):
    """The pixel grid's edges (21 points each) through the geotransform and OGR to WGS84."""
    gt = ds.GetGeoTransform()
    srs = ds.GetSpatialRef()
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    try:
        ct = osr.CoordinateTransformation(srs, WGS84)
    except Exception:
        return None
    w, h, pts = ds.RasterXSize, ds.RasterYSize, []
    for i in range(21):
        t = i / 20.0
        pts += [(t * w, 0), (w, t * h), (t * w, h), (0, t * h)]
    lons, lats = [], []
    for col, row in pts:
        try:
            lon, lat, _ = ct.TransformPoint(gt[0] + gt[1] * col + gt[2] * row, gt[3] + gt[4] * col + gt[5] * row)
        except Exception:
            continue
        if abs(lon) != float("inf") and lon == lon and lat == lat and abs(lat) != float("inf"):
            lons.append(lon)
            lats.append(lat)
    return [min(lons), min(lats), max(lons), max(lats)] if lons else None


def _raster(ds, name):
    entry = {"name": name, "size": [ds.RasterXSize, ds.RasterYSize], "bands": ds.RasterCount, "wgs84": None}
    has_crs = ds.GetSpatialRef() is not None or ds.GetGCPSpatialRef() is not None
    if ds.GetSpatialRef() is not None and ds.GetGeoTransform(can_return_null=True):
        entry["wgs84"] = _grid_outline(ds)
        if entry["wgs84"] is None:
            entry["refused"] = "cannot transform to WGS84"
    elif has_crs:
        try:
            vrt = gdal.AutoCreateWarpedVRT(ds, None, WGS84.ExportToWkt())
            gt = vrt.GetGeoTransform()
            entry["wgs84"] = [gt[0], gt[3] + vrt.RasterYSize * gt[5], gt[0] + vrt.RasterXSize * gt[1], gt[3]]
        except Exception as exc:
            entry["refused"] = str(exc).splitlines()[0] if str(exc) else "cannot warp to WGS84"
    else:
        entry["refused"] = "not georeferenced"
    return entry


def _raster_data(ds, name):
    """A GeoPackage tile table reopened on the extent of the tiles it holds (GDAL's USE_TILE_EXTENT), not
    gpkg_contents' extent, which can be stale or inflated: the data, as for vectors (_extent)."""
    if ds.GetDriver().ShortName != "GPKG":
        return ds
    return gdal.OpenEx(name, gdal.OF_RASTER, open_options=["USE_TILE_EXTENT=YES"])


def describe(path):
    out = {"file": path, "refused": None, "layers": [], "rasters": []}
    try:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_RASTER)
    except Exception as exc:
        out["refused"] = str(exc).splitlines()[0] if str(exc) else "GDAL cannot open it"
        return out
    for i in range(ds.GetLayerCount()):
        layer = ds.GetLayer(i)
        if layer.GetGeomType() == ogr.wkbNone:
            continue
        out["layers"].append({"name": layer.GetName(), "count": layer.GetFeatureCount(force=1),
                              "wgs84": _vector_bounds(layer)})
    subdatasets = [v for k, v in (ds.GetMetadata("SUBDATASETS") or {}).items() if k.endswith("_NAME")]
    if ds.RasterCount and not subdatasets:
        out["rasters"].append(_raster(_raster_data(ds, path), None))
    for sub in subdatasets:
        try:
            out["rasters"].append(_raster(_raster_data(gdal.Open(sub), sub), sub.rsplit(":", 1)[-1]))
        except Exception as exc:
            out["rasters"].append({"name": sub.rsplit(":", 1)[-1], "refused": str(exc).splitlines()[0]})
    if not out["layers"] and not out["rasters"]:
        out["refused"] = "no layers"
    elif not out["layers"] and all(r.get("refused") for r in out["rasters"]):
        out["refused"] = out["rasters"][0]["refused"]  # read, but GDAL cannot say where on Earth
    return out


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        sys.stdout.write(json.dumps(describe(arg)) + "\n")
        sys.stdout.flush()
