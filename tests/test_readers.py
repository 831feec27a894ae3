"""Reading the public files in ../shared/data into the project CRS, and refusing bad input clearly."""
from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
import rasterio
from pyproj import Transformer

from layers.crs import ProjectCRS
from layers.readers import ReadError, ReadOptions, read_path

PROJECT = ProjectCRS()


def to_project(crs, xs, ys):
    t = Transformer.from_crs(crs, PROJECT.crs, always_xy=True)
    return t.transform(np.asarray(xs, float), np.asarray(ys, float))


@pytest.mark.parametrize("name", ["rasterio_RGB.byte.tif", "rasterio_cogeo.tif", "rasterio_shade.tif"])
def test_shared_rasters_land_where_pyproj_puts_them(shared_data, name):
    path = shared_data / "raster" / name
    (layer,) = read_path(path, PROJECT)
    with rasterio.open(path) as src:
        b = src.bounds
        crs = src.crs.to_string()
    # the warped grid must contain the reprojected centre of the source and match its extent
    cx, cy = to_project(crs, [(b.left + b.right) / 2], [(b.bottom + b.top) / 2])
    xmin, ymin, _, xmax, ymax, _ = layer.bounds
    assert xmin < cx[0] < xmax and ymin < cy[0] < ymax
    ex, ey = to_project(crs, [b.left, b.right, b.left, b.right], [b.bottom, b.bottom, b.top, b.top])
    size = max(xmax - xmin, ymax - ymin)
    assert abs(xmin - min(ex)) < 0.05 * size and abs(ymax - max(ey)) < 0.05 * size
    assert layer.kind == "imagery"
    assert layer.data.mask.any()


def test_shade_is_greyscale_imagery_and_keeps_its_nodata(shared_data):
    (layer,) = read_path(shared_data / "raster" / "rasterio_shade.tif", PROJECT)
    assert layer.data.array.shape[0] == 1
    assert not layer.data.mask.all()  # nodata (255) and the warp's empty corners are masked


def test_dem_role_can_be_forced(shared_data):
    (layer,) = read_path(shared_data / "raster" / "rasterio_shade.tif", PROJECT, ReadOptions(role="terrain"))
    assert layer.kind == "terrain"
    assert layer.data.array.dtype == np.float32


def test_every_gdal_sample_table_is_read_in_the_right_place(shared_data):
    path = shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg"
    layers = read_path(path, PROJECT)
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type='features'")]
    assert sorted(lyr.meta["table"] for lyr in layers) == sorted(tables)
    # polygon2d is in UTM 31N; check one vertex against pyproj directly
    poly = next(lyr for lyr in layers if lyr.meta["table"] == "polygon2d")
    assert poly.source_crs == "EPSG:32631"
    import pyogrio
    import shapely
    # GDAL (through pyogrio) is the independent reference for this table
    _, _, wkb, _ = pyogrio.raw.read(path, layer="polygon2d")
    raw = shapely.from_wkb([w for w in wkb if w is not None][0])
    x, y = shapely.get_coordinates(raw)[0]
    px, py = to_project("EPSG:32631", [x], [y])
    got = shapely.get_coordinates(poly.data.geometries[~shapely.is_missing(poly.data.geometries)][0])[0]
    assert np.hypot(got[0] - px[0], got[1] - py[0]) < 0.01
    # tables declared with the undefined geographic CRS (srs_id 0) are read as WGS84 and say so
    point = next(lyr for lyr in layers if lyr.meta["table"] == "point2d")
    assert any("srs_id 0" in w for w in point.meta["warnings"])
    # GEOMETRY Z (which GDAL's Python bindings reject) still reads, keeping z
    g3 = next(lyr for lyr in layers if lyr.meta["table"] == "geometry3d")
    assert len(g3.data) > 0 and g3.bounds[5] > 0


def test_tile_geopackage_is_placed_by_its_tile_matrix_set(shared_data):
    (layer,) = read_path(shared_data / "gpkg" / "ngageoint_denver_tile.gpkg", PROJECT)
    assert layer.kind == "imagery"
    assert any("tile matrix set" in w for w in layer.meta["warnings"])
    lon, lat = Transformer.from_crs(PROJECT.crs, "EPSG:4326", always_xy=True).transform(
        (layer.bounds[0] + layer.bounds[3]) / 2, (layer.bounds[1] + layer.bounds[4]) / 2)
    assert -105.2 < lon < -104.6 and 39.5 < lat < 39.9  # Denver
    assert layer.data.mask.mean() > 0.2


def test_decoded_songjiang_outline_honours_its_gcj02_note(shared_data):
    (layer,) = read_path(shared_data / "shanghai" / "DERIVED_songjiang_310117_decoded_gcj02.geojson", PROJECT)
    assert layer.source_crs == "GCJ-02"
    (as_wgs,) = read_path(shared_data / "shanghai" / "DERIVED_songjiang_310117_decoded_gcj02.geojson", PROJECT,
                          ReadOptions(assume_crs="EPSG:4326"))
    # GCJ-02 here is ~230 m south / ~420 m east of WGS84: the converted outline moves back by that
    dx = layer.bounds[0] - as_wgs.bounds[0]
    dy = layer.bounds[1] - as_wgs.bounds[1]
    assert -480 < dx < -360 and 180 < dy < 280


def test_echarts_encoded_file_is_decoded_to_shanghai(shared_data):
    (layer,) = read_path(shared_data / "shanghai" / "echarts_shanghai_province_encoded.json", PROJECT)
    assert layer.source_crs == "GCJ-02"
    names = layer.data.columns["name"]
    assert "松江区" in names
    sj = layer.data.geometries[names.index("松江区")]
    lon, lat = Transformer.from_crs(PROJECT.crs, "EPSG:4326", always_xy=True).transform(*sj.centroid.coords[0])
    assert 121.1 < lon < 121.35 and 30.95 < lat < 31.15


def test_osm_heritage_file_reads_with_its_features(shared_data):
    path = shared_data / "shanghai" / "hui5_shanghai-heritage-map_openstreetmap.geojson"
    (layer,) = read_path(path, PROJECT)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert len(layer.data) == len(doc["features"])
    assert "name:zh" in layer.data.columns
    lon, lat = Transformer.from_crs(PROJECT.crs, "EPSG:4326", always_xy=True).transform(
        layer.bounds[0], layer.bounds[1])
    assert 120.8 < lon < 122.2 and 30.6 < lat < 31.9


# ---- bad input: one clear line naming the file and the reason ---------------------------

@pytest.mark.parametrize("content, suffix, reason", [
    (None, ".geojson", "file not found"),
    (b"", ".geojson", "empty"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feat', ".geojson", "invalid JSON"),
    (b'{"hello": "world"}', ".json", "not a geographic file"),
    (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
     b'"geometry":{"type":"Point","coordinates":[NaN, 1]}}]}', ".geojson", "NaN is not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, ".json", "nested too deeply"),
    (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
     b'"geometry":{"type":"Polygon","coordinates":"oops"}}]}', ".geojson", "malformed geometry"),
    (b"II*\x00" + b"\x00" * 64, ".tif", "not a readable raster"),
    (b"SQLite format 3\x00" + b"\x00" * 200, ".gpkg", "GeoPackage"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, ".tif", "does not look like a GeoTIFF"),
    (b"hello, world\n", ".txt", "unsupported file type"),
])
def test_bad_files_get_one_clear_message(tmp_path, content, suffix, reason):
    path = tmp_path / f"bad{suffix}"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_path(path, PROJECT)
    message = str(info.value)
    assert str(path) in message and reason in message
    assert "\n" not in message


def test_truncated_geotiff_is_refused(shared_data, tmp_path):
    data = (shared_data / "raster" / "rasterio_RGB.byte.tif").read_bytes()
    path = tmp_path / "truncated.tif"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ReadError) as info:
        read_path(path, PROJECT)
    assert str(path) in str(info.value)


def test_truncated_geopackage_is_refused_and_left_unchanged(shared_data, tmp_path):
    data = (shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg").read_bytes()
    path = tmp_path / "truncated.gpkg"
    path.write_bytes(data[:4096])
    with pytest.raises(ReadError) as info:
        read_path(path, PROJECT)
    assert str(path) in str(info.value)
    assert path.read_bytes() == data[:4096]


def test_raster_without_crs_is_refused_unless_told(tmp_path):
    path = tmp_path / "plain.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32") as dst:
        dst.write(np.ones((1, 4, 4), np.float32))
    with pytest.raises(ReadError, match="no CRS"):
        read_path(path, PROJECT)


def test_projected_coordinates_without_crs_are_refused(tmp_path):
    path = tmp_path / "noncrs.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [617000, 3434000]}}]}))
    # RFC 7946 says WGS84, but these numbers cannot be longitude/latitude
    with pytest.raises(ReadError, match="project|longitude"):
        read_path(path, PROJECT)


def test_gcj02_option_converts_a_plain_geojson(tmp_path):
    path = tmp_path / "amap.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {"n": "大仓桥"},
                                "geometry": {"type": "Point", "coordinates": [121.20927, 31.00556]}}))
    (layer,) = read_path(path, PROJECT, ReadOptions(assume_crs="GCJ-02"))
    x, y = PROJECT.from_wgs84(121.20483, 31.00767)
    got = layer.data.geometries[0]
    assert np.hypot(got.x - x, got.y - y) < 1.5


def test_a_cancelled_read_stops_at_the_next_progress_step(shared_data):
    from layers.progress import Cancelled, Progress
    steps = []
    progress = Progress(lambda f, msg: steps.append(f))
    progress.cancel()
    with pytest.raises(Cancelled):
        read_path(shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg", PROJECT, progress=progress)
    assert steps == []


def _geojson(tmp_path, features, name="f.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_geojson_as_gdal_reads_it_where_that_loses_nothing(tmp_path):
    """Learned from the corpus (docs/corpus.md): validators' and converters' odd but real files."""
    (empty,) = read_path(_geojson(tmp_path, [], "empty.geojson"), PROJECT)
    assert len(empty.data) == 0 and any("no features" in w for w in empty.meta.get("warnings", []))
    (table,) = read_path(_geojson(tmp_path, [_feature(None, name="仓库 A")], "rows.geojson"), PROJECT)
    assert len(table.data) == 1 and table.data.columns["name"] == ["仓库 A"]
    pt = {"type": "Point", "coordinates": [121.2, 31.0]}
    mixed = [_feature(pt, id=1), _feature({"type": "Polygon", "coordinates": [5]}, id=2),
             _feature({"type": "Blob", "coordinates": [1, 2]}, id=3), None, {"type": "Nope"},
             _feature({"type": "LineString", "coordinates": [[121.2, 31.0]]}, id=4)]
    (layer,) = read_path(_geojson(tmp_path, mixed, "mixed.geojson"), PROJECT)
    assert layer.data.columns["id"] == [1, 2, 3, 4], "broken features kept as rows, non-features skipped"
    warnings = " ".join(layer.meta.get("warnings", []))
    assert "1 malformed geometry kept" in warnings and "2 entries of 'features' are not GeoJSON Features" in warnings
    wrapped = [_feature({"type": "LineString", "coordinates": [[179.0, 60.0], [190.0, 62.0]]})]
    (dateline,) = read_path(_geojson(tmp_path, wrapped, "dateline.geojson"), PROJECT)
    assert len(dateline.data) == 1, "longitudes past 180 are degrees (an antimeridian crossing)"


def test_geojson_whose_every_geometry_is_malformed_is_refused_in_one_line(tmp_path):
    path = _geojson(tmp_path, [_feature({"type": "Point", "coordinates": [2]})], "broken.geojson")
    with pytest.raises(ReadError) as info:
        read_path(path, PROJECT)
    assert str(path) in str(info.value) and "malformed geometry" in str(info.value)
    assert "\n" not in str(info.value)
