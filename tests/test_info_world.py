"""`info` on the world's files: bounds from each layer's own CRS, datum routes, the awkward cases.

References are the tools a GIS user would check with: gdalinfo/ogr (Debian gdal-bin), pyproj's
TransformerGroup, PROJ pipelines written out by hand.
"""
from __future__ import annotations

import json
import math
import shutil
import sqlite3
import subprocess
import zipfile

import pytest
from pyproj import Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.transformer import TransformerGroup

from console.info import describe
from layers.crs import ProjectCRS
from layers.helmert import DatumShift
from layers.readers import ReadError, read_path

needs_gdal = pytest.mark.skipif(shutil.which("gdalinfo") is None, reason="gdal-bin (gdalinfo) is not installed")


def gdal_wgs84(path) -> list[float]:
    """gdalinfo's own WGS84 extent of a raster (its wgs84Extent polygon)."""
    out = json.loads(subprocess.run(["gdalinfo", "-json", str(path)], capture_output=True, text=True,
                                    check=True).stdout)
    ring = out["wgs84Extent"]["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return [min(xs), min(ys), max(xs), max(ys)]


def close_to(box, ref, share=0.005):
    span = max(ref[2] - ref[0], 1e-6), max(ref[3] - ref[1], 1e-6)
    return all(abs(a - b) <= share * s for a, b, s in zip(box, ref, span * 2))


def one_layer(report) -> dict:
    assert len(report["layers"]) == 1
    return report["layers"][0]


def write_geojson(path, crs: str | None, coords, kind="Point", bom=False):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": 1}, "geometry": {"type": kind, "coordinates": coords}}]}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + json.dumps(doc).encode())
    return path


@needs_gdal
def test_utm_raster_bounds_and_size_are_gdalinfos(shared_data):
    path = shared_data / "raster" / "rasterio_RGB.byte.tif"
    layer = one_layer(describe(path))
    assert layer["size"] == [791, 718] and layer["bands"] == 3
    assert close_to(layer["bounds"]["wgs84"], gdal_wgs84(path))
    # The Bahamas are far outside EPSG:4549's zone: said so, no distorted project bounds.
    assert "project" not in layer["bounds"]
    assert any("area of use" in w for w in layer["warnings"])


def test_data_in_the_zone_gets_project_bounds(tmp_path):
    path = write_geojson(tmp_path / "songjiang.geojson", None, [[121.2, 31.0], [121.3, 31.1]], "LineString")
    layer = one_layer(describe(path))
    assert layer["bounds"]["wgs84"] == pytest.approx([121.2, 31.0, 121.3, 31.1])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(121.2, 31.0)
    assert layer["bounds"]["project"][:2] == pytest.approx([x, y], abs=1.0)
    assert not any("area of use" in w for w in layer["warnings"])


@needs_gdal
def test_gcp_georeferenced_raster_is_placed_through_its_gcps(shared_data, tmp_path):
    path = tmp_path / "gcps.tif"
    subprocess.run(["gdal_translate", "-q", "-a_srs", "EPSG:4326", "-gcp", "0", "0", "121.1", "31.1",
                    "-gcp", "1024", "0", "121.3", "31.11", "-gcp", "0", "1024", "121.11", "30.9",
                    "-gcp", "1024", "1024", "121.29", "30.91", str(shared_data / "raster" / "rasterio_shade.tif"),
                    str(path)], check=True)
    layer = one_layer(describe(path))
    warped = tmp_path / "warped.vrt"  # gdalinfo gives no WGS84 extent for GCPs: ask gdalwarp where they go
    subprocess.run(["gdalwarp", "-q", "-of", "VRT", "-t_srs", "EPSG:4326", str(path), str(warped)], check=True)
    assert close_to(layer["bounds"]["wgs84"], gdal_wgs84(warped))
    assert "project" in layer["bounds"]  # Songjiang: in the zone
    assert any("ground control points" in w for w in layer["warnings"])


def test_a_datum_without_a_published_route_is_never_silent(tmp_path):
    # Xian 1980 has no EPSG transformation to WGS 84 or CGCS2000: PROJ can only guess.
    path = write_geojson(tmp_path / "xian80.geojson", "EPSG:2385", [500000.0, 3430000.0])
    layer = one_layer(describe(path))
    assert layer["datum_transformation"]["ballpark"] is True
    assert any("ballpark" in w for w in layer["warnings"])


def test_dhdn_goes_through_the_best_transformation_not_the_ballpark(tmp_path):
    """German Gauss-Kruger (DHDN) data: PROJ's direct route to CGCS2000 ignores the datum (~135 m)."""
    e, n = 3458305.0, 5437903.0  # Karlsruhe, DHDN / 3-degree GK zone 3
    path = write_geojson(tmp_path / "gk.geojson", "EPSG:31467", [e, n])
    layer = one_layer(describe(path))
    route = layer["datum_transformation"]
    assert not route["ballpark"] and "DHDN to WGS 84" in route["operation"] and route["accuracy_m"] is None
    aoi = AreaOfInterest(8.3, 49.0, 8.5, 49.2)
    best = TransformerGroup("EPSG:31467", "EPSG:4326", always_xy=True, area_of_interest=aoi).transformers[0]
    lon, lat = best.transform(e, n)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(lon, lat)
    from layers.readers import read_path
    got = read_path(path, ProjectCRS())[0].data.geometries[0]
    assert math.hypot(got.x - x, got.y - y) < 0.01
    ballpark = Transformer.from_crs("EPSG:31467", "EPSG:4549", always_xy=True).transform(e, n)
    assert math.hypot(got.x - ballpark[0], got.y - ballpark[1]) > 50  # what the old route lost


def test_beijing_1954_with_the_projects_7_parameters_lands_where_proj_says(tmp_path):
    params = "-15.2,150.4,49.8,0.11,-0.24,0.31,1.52"  # an illustrative bureau set, coordinate frame
    path = write_geojson(tmp_path / "bj54.geojson", "EPSG:2437", [510000.0, 3432000.0])
    shift = DatumShift.parse("EPSG:2437", params)
    layer = one_layer(describe(path, project=ProjectCRS(datum_shift=shift)))
    assert "user 7-parameter" in layer["datum_transformation"]["operation"]
    dx, dy, dz, rx, ry, rz, ds = (float(v) for v in params.split(","))
    pipeline = ("+proj=pipeline +step +inv +proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=krass "
                "+step +proj=cart +ellps=krass "
                f"+step +proj=helmert +x={dx} +y={dy} +z={dz} +rx={rx} +ry={ry} +rz={rz} +s={ds} "
                "+convention=coordinate_frame +step +inv +proj=cart +ellps=GRS80 "
                "+step +proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80")
    x, y = Transformer.from_pipeline(pipeline).transform(510000.0, 3432000.0)
    assert layer["bounds"]["project"][:2] == pytest.approx([x, y], abs=0.001)


def test_datum_command_saves_the_set_in_the_project(tmp_path, shared_data):
    from console.cli import main
    from layers.project import Project, open_project
    project = tmp_path / "p.sjproj"
    Project().save(project)
    assert main(["datum", str(project), "--datum-from", "EPSG:2437",
                 "--datum-params=-15.2,150.4,49.8,0.11,-0.24,0.31,1.52"]) == 0
    saved = open_project(project)[0].crs.datum_shift
    assert saved.kind == "helmert7" and saved.params["dy"] == 150.4 and saved.convention == "coordinate_frame"
    assert main(["datum", str(project), "--datum-from", "EPSG:2437", "--datum-params", "1,2"]) == 2


def test_four_parameter_set_in_the_plane(tmp_path):
    path = write_geojson(tmp_path / "city.geojson", "EPSG:2437", [510000.0, 3432000.0])
    shift = DatumShift.parse("EPSG:2437", "100,-50,10,2")
    layer = one_layer(describe(path, project=ProjectCRS(datum_shift=shift)))
    theta, s = math.radians(10 / 3600), 1 + 2e-6
    x = 100 + s * (510000 * math.cos(theta) + 3432000 * math.sin(theta))
    y = -50 + s * (-510000 * math.sin(theta) + 3432000 * math.cos(theta))
    assert layer["bounds"]["project"][:2] == pytest.approx([x, y], abs=0.001)


def test_curved_geometries_are_linearised_with_a_warning():
    fixtures = pytest.importorskip("pyogrio").__path__[0] + "/tests/fixtures"
    report = describe(f"{fixtures}/curvepolygon.gpkg")
    layer = one_layer(report)
    assert layer["feature_count"] == 1 and layer["geometry_types"] == ["Polygon"]
    assert any("linearised" in w for w in layer["warnings"])


@needs_gdal
@pytest.mark.parametrize("tile_format, bands", [("JPEG", 3), ("PNG", 1)])
def test_tile_tables_of_one_and_three_bands(shared_data, tmp_path, tile_format, bands):
    src = shared_data / "raster" / ("rasterio_RGB.byte.tif" if bands == 3 else "rasterio_shade.tif")
    path = tmp_path / "tiles.gpkg"
    subprocess.run(["gdal_translate", "-q", "-of", "GPKG", "-co", f"TILE_FORMAT={tile_format}",
                    str(src), str(path)], check=True)
    layer = one_layer(describe(path))
    assert layer["kind"] == "imagery" and layer["bounds"]["wgs84"]


def test_world_wide_data_is_clipped_with_a_warning_not_refused(tmp_path):
    world = [[[-180, -80], [180, -80], [180, 80], [-180, 80], [-180, -80]]]
    path = write_geojson(tmp_path / "world.geojson", None, world, "Polygon")
    layer = one_layer(describe(path))
    assert layer["bounds"]["wgs84"] == pytest.approx([-180, -80, 180, 80])
    assert any("clipped" in w for w in layer["warnings"])


def test_bom_prefixed_geojson(tmp_path):
    path = write_geojson(tmp_path / "bom.geojson", None, [121.2, 31.0], bom=True)
    assert one_layer(describe(path))["feature_count"] == 1


def test_unconvertible_crs_is_one_line(tmp_path):
    from console.cli import main
    path = write_geojson(tmp_path / "mars.geojson", "IAU_2015:49900", [10.0, 10.0])
    with pytest.raises(ReadError, match="cannot convert"):
        describe(path)
    assert main(["info", str(path)]) == 2


def test_ifczip_reads_the_ifc_inside(shared_data, tmp_path):
    path = tmp_path / "house.ifczip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(shared_data / "ifc" / "webifc_IfcOpenHouse_IFC4.ifc", "house.ifc")
    report = describe(path)
    assert report["file"] == str(path) and report["elements"] > 0
    assert report["size_bytes"] == path.stat().st_size


def _edit_ifc(src, dst, edit):
    import ifcopenshell
    f = ifcopenshell.open(str(src))
    edit(f)
    f.write(str(dst))
    return dst


def test_ifc2x3_map_conversion_on_ifcsite(shared_data, tmp_path):
    """IFC2X3 exporters put the guide's property sets on IfcSite (georeference-ifc's Duplex does)."""
    import ifcopenshell.api

    def edit(f):
        site = f.by_type("IfcSite")[0]
        conv = ifcopenshell.api.run("pset.add_pset", f, product=site, name="ePSet_MapConversion")
        ifcopenshell.api.run("pset.edit_pset", f, pset=conv, properties={
            "Eastings": 76270.0, "Northings": 72760.0, "OrthogonalHeight": 300.0,
            "XAxisAbscissa": 1.0, "XAxisOrdinate": 0.0, "Scale": 1.0})
        crs = ifcopenshell.api.run("pset.add_pset", f, product=site, name="ePSet_ProjectedCRS")
        ifcopenshell.api.run("pset.edit_pset", f, pset=crs, properties={"Name": "EPSG:2169"})

    path = _edit_ifc(shared_data / "ifc" / "webifc_duplex.ifc", tmp_path / "duplex_lux.ifc", edit)
    geo = describe(path)["georeferencing"]
    assert geo["method"] == "map_conversion" and geo["crs"] == "EPSG:2169"
    lon, lat = Transformer.from_crs("EPSG:2169", "EPSG:4326", always_xy=True).transform(76270.0, 72760.0)
    assert geo["origin_wgs84"][:2] == pytest.approx([lon, lat], abs=1e-4)  # Luxembourg, not Chicago


def test_ifcsite_at_zero_zero_is_no_location(shared_data, tmp_path):
    def edit(f):
        site = f.by_type("IfcSite")[0]
        site.RefLatitude, site.RefLongitude = (0, 0, 0), (0, 0, 0)

    path = _edit_ifc(shared_data / "ifc" / "webifc_AC20-FZK-Haus.ifc", tmp_path / "zero.ifc", edit)
    report = describe(path)
    assert report["needs_placement"] is True
    assert any("(0, 0)" in w for w in report["warnings"])


def test_a_broken_tile_names_the_file(shared_data, tmp_path):
    path = tmp_path / "denver.gpkg"
    shutil.copy(shared_data / "gpkg" / "ngageoint_denver_tile.gpkg", path)
    con = sqlite3.connect(path)
    table = con.execute("SELECT table_name FROM gpkg_contents WHERE data_type='tiles'").fetchone()[0]
    con.execute(f'UPDATE "{table}" SET tile_data = x\'89504e470d0a1a0a00\'')
    con.commit()
    con.close()
    with pytest.raises(ReadError) as err:  # the window's read decodes tiles (`info` reads none: test_info_metadata.py)
        read_path(path, ProjectCRS())
    assert str(path) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("crs", ["IAU_2015:49900", 'LOCAL_CS["Site grid",UNIT["metre",1],AXIS["Easting",EAST],'
                                                   'AXIS["Northing",NORTH]]'])
def test_rasters_in_crss_proj_cannot_convert_are_one_line(tmp_path, capsys, crs):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    from console.cli import main
    path = tmp_path / "elsewhere.tif"
    with rasterio.open(path, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8",
                       crs=rasterio.crs.CRS.from_user_input(crs), transform=from_origin(10, 20, 1, 1)) as dst:
        dst.write(np.ones((1, 8, 8), np.uint8))
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "cannot convert" in err[0] and len(err[0]) < 300


def test_crs_option_on_a_raster_without_georeferencing_is_one_line(tmp_path, capsys):
    import numpy as np
    import rasterio

    from console.cli import main
    path = tmp_path / "byte_nogeoref.tif"
    with rasterio.open(path, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as dst:
        dst.write(np.ones((1, 8, 8), np.uint8))
    assert main(["info", str(path), "--crs", "EPSG:26711"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "cannot be placed" in err[0]


def test_ifc_on_german_gauss_kruger_lands_within_a_centimetre_of_the_best_route(shared_data, tmp_path):
    """buildingSMART's geographic-referencing-gk.ifc (IFC4.3 sample models; on GitHub only, so its
    IfcProjectedCRS and IfcMapConversion are set on the shared IFC4 sample): DHDN / GK zone 3."""
    e, n = 3458715.92, 5439966.65  # the sample's IfcMapConversion, with its height and x-axis

    def edit(f):
        f.by_type("IfcProjectedCRS")[0].Name = "EPSG:31467"
        conv = f.by_type("IfcMapConversion")[0]
        conv.Eastings, conv.Northings, conv.OrthogonalHeight = e, n, 113.7
        conv.XAxisAbscissa, conv.XAxisOrdinate = 0.270600445976, 0.962691746426

    path = _edit_ifc(shared_data / "ifc" / "bsi_IFC4_geographic-referencing.ifc", tmp_path / "gk.ifc", edit)
    geo = describe(path)["georeferencing"]
    assert "DHDN to WGS 84" in geo["datum_transformation"]["operation"]
    aoi = AreaOfInterest(8.3, 49.0, 8.5, 49.2)
    best = TransformerGroup("EPSG:31467", "EPSG:4326", always_xy=True, area_of_interest=aoi).transformers[0]
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(*best.transform(e, n))
    assert math.hypot(geo["origin_project"][0] - x, geo["origin_project"][1] - y) < 0.01


def _world_raster(path, west, south, east, north, size=(72, 36)):
    import numpy as np
    import rasterio
    from rasterio.transform import from_bounds
    with rasterio.open(path, "w", driver="GTiff", width=size[0], height=size[1], count=3, dtype="uint8",
                       crs="EPSG:4326", transform=from_bounds(west, south, east, north, *size)) as dst:
        dst.write(np.full((3, size[1], size[0]), 120, np.uint8))
    return path


def test_a_world_raster_is_drawn_where_the_project_crs_holds_it(tmp_path):
    layer = one_layer(describe(_world_raster(tmp_path / "world.tif", -180, -90, 180, 90)))
    assert layer["bounds"]["wgs84"] == pytest.approx([-180, -90, 180, 90])
    assert layer["size"] == [72, 36]
    assert any("only the part inside" in w for w in layer["warnings"])


def test_a_raster_where_the_projection_fails_is_reported_not_refused(tmp_path):
    # 120° from the Gauss-Kruger zone's meridian the projection has no answer at all.
    layer = one_layer(describe(_world_raster(tmp_path / "gulf_of_guinea.tif", -1.5, -1.5, 1.5, 1.5, (6, 6))))
    assert layer["bounds"]["wgs84"] == pytest.approx([-1.5, -1.5, 1.5, 1.5])
    assert any("nothing drawn" in w for w in layer["warnings"])
