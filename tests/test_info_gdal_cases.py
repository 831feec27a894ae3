"""`info` reads the awkward files GDAL reads, as GDAL reads them (issue 23, item 6).

Each file here is one the public corpus met where the console used to disagree with GDAL:
GeoJSON whose type names are not spelt as RFC 7946 spells them ("featurecollection",
"POINT"), a COG across the antimeridian, one-pixel rasters (a whole-world pixel, a geocentric
pixel that is a point once placed), a GCP-placed raster at the edge of what the project CRS can
hold and a south-up grid reaching past it. The reference is the corpus's own oracle
(bench/corpus_reference.py: Debian's python3-gdal, as ogrinfo/gdalinfo read the file), through
the corpus's own comparison (same layers, counts, WGS84 bounds within 0.5 % of the span);
those tests skip, saying why, where python3-gdal is missing. The files are written here with
rasterio (GDAL) so each case is exactly the one named.
"""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.control import GroundControlPoint

from bench.corpus_compare import compare_gdal, gdal_available, gdal_reference, run_info

needs_reference = pytest.mark.skipif(not gdal_available(),
                                     reason="Debian's python3-gdal (the reference) is not installed")


def agrees_with_gdal(path) -> dict:
    """The console's report on the file, after checking it agrees with GDAL's."""
    result = run_info(path)
    assert result["code"] is not None, result.get("traceback")
    assert compare_gdal(path, gdal_reference([path])[str(path)], result) is None
    return result.get("report")  # None where both refuse the file


def write_raster(path, crs, transform, size, driver="GTiff", count=1, value=9, gcps=None):
    w, h = size
    profile = dict(driver=driver, width=w, height=h, count=count, dtype="uint8")
    if gcps is None:
        profile.update(crs=crs, transform=transform)
    with warnings.catch_warnings():  # a GCP-placed file has no geotransform, by design
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(np.full((count, h, w), value, np.uint8))
            if gcps is not None:
                dst.gcps = (gcps, rasterio.crs.CRS.from_user_input(crs))
    return path


@needs_reference
def test_type_names_in_any_case_are_read_as_gdal_reads_them(tmp_path):
    doc = {"type": "featurecollection", "features": [
        {"type": "feature", "properties": {"n": 1}, "geometry": {"type": "point", "coordinates": [121.2, 31.0]}},
        {"type": "FEATURE", "properties": {"n": 2},
         "geometry": {"type": "LINESTRING", "coordinates": [[121.2, 31.0], [121.3, 31.1]]}},
        {"type": "Feature", "properties": {"n": 3}, "geometry": {"type": "geometrycollection", "geometries": [
            {"type": "Polygon", "coordinates": [[[121.0, 30.9], [121.1, 30.9], [121.1, 31.0], [121.0, 30.9]]]}]}}]}
    path = tmp_path / "cased.geojson"
    path.write_text(json.dumps(doc))
    layer = agrees_with_gdal(path)["layers"][0]
    assert layer["feature_count"] == 3
    assert layer["bounds"]["wgs84"] == pytest.approx([121.0, 30.9, 121.3, 31.1])
    assert not any("without geometry" in w for w in layer["warnings"])


@needs_reference
def test_a_lower_case_feature_on_its_own_is_read_where_gdal_recognises_it(tmp_path):
    # GDAL recognises a lone feature by "Feature" or its geometry's type spelt exactly; not by neither.
    path = tmp_path / "feature.json"
    path.write_text(json.dumps({"type": "feature", "properties": {},
                                "geometry": {"type": "MultiPoint", "coordinates": [[121.2, 31.0]]}}))
    assert agrees_with_gdal(path)["layers"][0]["feature_count"] == 1
    unspelt = tmp_path / "unspelt.json"
    unspelt.write_text(json.dumps({"type": "feature", "properties": {},
                                   "geometry": {"type": "multipoint", "coordinates": [[121.2, 31.0]]}}))
    assert run_info(unspelt)["code"] != 0
    agrees_with_gdal(unspelt)


@needs_reference
def test_a_cog_across_the_antimeridian(tmp_path):
    # Web Mercator from 19.8 to 20.2 million metres: 177.9°E to 178.5°W.
    path = write_raster(tmp_path / "dateline.tif", "EPSG:3857", Affine(2000, 0, 19_800_000, 0, -2000, 8_000_000),
                        (200, 100), driver="COG")
    layer = agrees_with_gdal(path)["layers"][0]
    assert layer["size"] == [200, 100]
    west, _, east, _ = layer["bounds"]["wgs84"]  # GDAL's box: the outline's least and greatest longitude
    assert west < -179 and east > 179


@needs_reference
def test_a_one_pixel_world_raster(tmp_path):
    path = write_raster(tmp_path / "world_pixel.tif", "EPSG:4326", Affine(360, 0, -180, 0, -180, 90), (1, 1))
    layer = agrees_with_gdal(path)["layers"][0]
    assert layer["bounds"]["wgs84"] == pytest.approx([-180, -90, 180, 90])


@needs_reference
def test_a_one_pixel_geocentric_raster_is_a_point_not_an_error(tmp_path):
    path = write_raster(tmp_path / "geocentric.tif", "EPSG:4978",
                        Affine(1, 0, -2_850_000, 0, -1, 4_650_000), (1, 1))
    layer = agrees_with_gdal(path)["layers"][0]
    assert any("has no area" in w for w in layer["warnings"])


@needs_reference
def test_a_gcp_raster_at_the_edge_of_what_the_project_crs_holds(tmp_path):
    gcps = [GroundControlPoint(row, col, x, y) for row, col, x, y in
            [(0, 0, 165.0, 50.2), (0, 40, 168.0, 50.21), (30, 40, 168.0, 49.9), (30, 0, 165.0, 49.91)]]
    path = write_raster(tmp_path / "gcps.tif", "EPSG:4326", None, (40, 30), gcps=gcps)
    layer = agrees_with_gdal(path)["layers"][0]
    assert any(w.startswith("placed by GCPs") for w in layer["warnings"])


@needs_reference
def test_a_south_up_grid_reaching_past_the_project_crs(tmp_path):
    # rows run north (a positive pixel height), as some NetCDF-born GeoTIFFs do
    path = write_raster(tmp_path / "south_up.tif", "EPSG:4326", Affine(0.5, 0, 60, 0, 0.5, -40), (160, 160))
    layer = agrees_with_gdal(path)["layers"][0]
    assert any("only the part inside" in w for w in layer["warnings"])


@needs_reference
def test_a_towgs84_override_lands_where_gdal_puts_it(tmp_path):
    # DHDN / 3-degree Gauss-Kruger zone 3 with a TOWGS84 key beside the EPSG code. GDAL keeps the
    # EPSG code (it strips the override by default) and takes DHDN to WGS 84 through the BETA2007
    # grid of the system's PROJ; pyproj without that grid used a 7-parameter set, 0.3 m away here
    # (1.5 m elsewhere in Germany): more than 0.5 % of this 30 m raster.
    from pyproj import CRS
    wkt = CRS.from_epsg(31467).to_wkt("WKT1_GDAL").replace(
        'AUTHORITY["EPSG","7004"]],', 'AUTHORITY["EPSG","7004"]],TOWGS84[584.8,67,400.3,0.105,0.013,-2.378,10.29],', 1)
    assert "TOWGS84" in wkt
    with rasterio.Env(OSR_STRIP_TOWGS84="NO"):  # write the override into the GeoKeys, as the file had it
        path = write_raster(tmp_path / "towgs84.tif", rasterio.crs.CRS.from_wkt(wkt),
                            Affine(10, 0, 3_500_000, 0, -10, 5_500_200), (3, 3))
    agrees_with_gdal(path)


@needs_reference
def test_a_geopackage_layer_is_read_in_its_geometry_columns_crs(tmp_path):
    # gpkg_contents says WGS 84, the geometry column (and the data) UTM 51N: GDAL reads the column's.
    import shutil
    import sqlite3
    import subprocess
    if shutil.which("ogr2ogr") is None:
        pytest.skip("gdal-bin (ogr2ogr) is not installed")
    src = tmp_path / "utm.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "EPSG:32651"}}, "features": [{"type": "Feature", "properties": {"n": i}, "geometry": {
            "type": "Point", "coordinates": [350_000 + 1000 * i, 3_450_000 + 1000 * i]}} for i in range(2)]}))
    path = tmp_path / "mismatch.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", "-nln", "pts", str(path), str(src)], check=True)
    with sqlite3.connect(path) as con:  # the CRS row 4326 is in every GeoPackage GDAL writes
        con.execute("UPDATE gpkg_contents SET srs_id = 4326")
    layer = agrees_with_gdal(path)["layers"][0]
    assert layer["crs"] == "EPSG:32651"
    assert any("geometry column" in w for w in layer["warnings"])
