"""The embedded Songjiang dataset: what a user opening the console would check."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from shapely.geometry import Point, shape

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # plain `pytest` (not `python -m pytest`) runs without the repo on sys.path
    sys.path.insert(0, str(REPO))
import assets  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
GEOJSON = ["districts.geojson", "songjiang_outline.geojson", "new_city_extent.geojson",
           "heritage_sites.geojson", "transport.geojson", "water.geojson"]
TIFS = ["dem.tif", "basemap.tif"]
TO_GK = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)


def load(name: str) -> dict:
    return json.loads(assets.path(name).read_text(encoding="utf-8"))


def by_id(name: str) -> dict:
    return {f["id"]: f for f in load(name)["features"]}


def geom(name: str, fid: str):
    return shape(by_id(name)[fid]["geometry"])


def test_every_default_layer_exists_and_parses():
    files = [layer["file"] for layer in assets.DEFAULT_LAYERS]
    assert files[:2] == ["dem.tif", "basemap.tif"]
    assert sorted(files[2:]) == sorted(GEOJSON)
    for layer in assets.DEFAULT_LAYERS:
        assert layer["style"] and layer["name_zh"] and layer["name_en"]
        assert assets.path(layer["file"]).stat().st_size > 0
    for name in GEOJSON:
        assert load(name)["type"] == "FeatureCollection" and load(name)["features"]


def test_path_names_a_missing_file():
    with pytest.raises(FileNotFoundError, match="nope.tif"):
        assets.path("nope.tif")


def test_districts_are_bilingual_described_and_flagged_approximate():
    feats = by_id("districts.geojson")
    assert set(feats) == {"hub", "film-city", "old-town", "industry-east", "industry-west"}
    for f in feats.values():
        p = f["properties"]
        for key in ("name_zh", "name_en", "description_zh", "description_en", "geometry_note", "sources"):
            assert p[key], (f["id"], key)
        assert p["approximate"] is True
        assert "Approximate" in p["geometry_note"]
    assert feats["hub"]["properties"]["area_km2"] == pytest.approx(2.47, abs=0.01)


def test_districts_do_not_overlap():
    polys = [shape(f["geometry"]) for f in load("districts.geojson")["features"]]
    for i, a in enumerate(polys):
        assert a.is_valid
        for b in polys[i + 1:]:
            assert not a.intersects(b)


def test_old_town_holds_its_heritage_and_hub_holds_the_station():
    old_town = geom("districts.geojson", "old-town")
    assert old_town.contains(Point(121.20483, 31.00767))  # Dacang Bridge
    assert old_town.contains(Point(121.21977, 31.00893))  # Xilin Pagoda
    assert old_town.contains(Point(121.24167, 31.00657))  # Square Pagoda
    assert geom("districts.geojson", "hub").contains(Point(121.2258, 30.985))


def test_new_city_holds_all_districts():
    extent = geom("new_city_extent.geojson", "songjiang-new-city")
    assert by_id("new_city_extent.geojson")["songjiang-new-city"]["properties"]["area_km2"] == pytest.approx(158.4, abs=0.5)
    for f in load("districts.geojson")["features"]:
        assert extent.contains(shape(f["geometry"])), f["id"]


def test_outline_was_converted_from_gcj02_to_wgs84():
    outline = geom("songjiang_outline.geojson", "songjiang-district")
    props = by_id("songjiang_outline.geojson")["songjiang-district"]["properties"]
    assert props["adcode"] == 310117 and "GCJ-02" in props["datum_note"] and "Apache" in props["attribution"]
    assert outline.contains(Point(121.223, 31.034))  # district centre (WGS84, zh-Wikipedia)
    src = SHARED / "data/shanghai/DERIVED_songjiang_310117_decoded_gcj02.geojson"
    if not src.exists():
        pytest.skip(f"shared data absent: {src}")
    gcj = shape(json.loads(src.read_text(encoding="utf-8"))["features"][0]["geometry"])
    d_lon = outline.centroid.x - gcj.centroid.x
    d_lat = outline.centroid.y - gcj.centroid.y
    assert d_lat == pytest.approx(0.0021, abs=0.0005) and d_lon == pytest.approx(-0.0044, abs=0.0006)


def test_heritage_sites_cover_table_a_and_osm_without_duplicates():
    feats = by_id("heritage_sites.geojson")
    for sid in ("dacang_bridge", "xilin_pagoda", "du_mansion", "xu_pawnshop", "guanding_temple",
                "zuibaichi", "square_pagoda", "tang_sutra_pillar", "yunjian_first_tower"):
        p = feats[sid]["properties"]
        assert p["name_zh"] and p["name_en"] and p["confidence"] in ("H", "M", "L") and p["source"]
    assert feats["xilin_pagoda"]["properties"]["height_m"] == 46.5
    osm = [f for f in feats.values() if f["properties"]["source"].startswith("© OpenStreetMap")]
    assert osm, "expected OSM features inside the old town"
    names = [f["properties"]["name_zh"].split("（")[0] for f in feats.values()]
    assert len(names) == len(set(names))
    old_town = geom("districts.geojson", "old-town")
    assert all(old_town.contains(shape(f["geometry"])) for f in osm)


def test_transport_kinds():
    kinds = [f["properties"]["kind"] for f in load("transport.geojson")["features"]]
    assert kinds.count("metro_station") == 5
    assert {"metro_line", "rail_station", "expressway"} <= set(kinds)
    assert all("approximate" in f["properties"] for f in load("transport.geojson")["features"])


def test_huayang_lake_size():
    lake = by_id("water.geojson")["huayang-lake"]["properties"]
    assert lake["area_ha"] == pytest.approx(30, abs=1) and lake["shoreline_km"] == pytest.approx(3, abs=0.3)


def test_dem_is_plain_with_sheshan_hills():
    with rasterio.open(assets.path("dem.tif")) as ds:
        assert ds.crs.to_epsg() == 4549 and ds.dtypes[0] == "float32" and ds.nodata == -9999
        assert ds.res == (30.0, 30.0) and "Synthetic" in ds.tags()["TIFFTAG_IMAGEDESCRIPTION"]
        z = ds.read(1)
        assert 2 <= float(np.median(z)) <= 6
        x, y = TO_GK.transform(121.1885, 31.0963)
        row, col = ds.index(x, y)
        window = z[row - 10:row + 11, col - 10:col + 11]  # ±300 m around West Sheshan
        assert 90 <= float(window.max()) <= 110
        assert float(z.max()) == float(window.max())


def test_basemap_is_rgb_on_the_dem_extent():
    with rasterio.open(assets.path("basemap.tif")) as img, rasterio.open(assets.path("dem.tif")) as dem:
        assert img.count == 3 and set(img.dtypes) == {"uint8"} and img.crs == dem.crs
        assert tuple(img.bounds) == pytest.approx(tuple(dem.bounds))
        assert "generated cartographic basemap" in img.tags()["TIFFTAG_IMAGEDESCRIPTION"].lower()


@pytest.mark.parametrize("name", GEOJSON + TIFS)
def test_gdal_reads_it(name):
    tool = "gdalinfo" if name.endswith(".tif") else "ogrinfo"
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed (gdal-bin)")
    args = [tool, str(assets.path(name))] if tool == "gdalinfo" else [tool, "-so", "-al", str(assets.path(name))]
    run = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert ("EPSG\",4549" in run.stdout) if tool == "gdalinfo" else ("Feature Count" in run.stdout)


def test_generator_is_deterministic(tmp_path):
    if not SHARED.is_dir():
        pytest.skip(f"shared material absent: {SHARED}")
    run = subprocess.run([sys.executable, str(REPO / "tools/build_assets.py"), "--shared", str(SHARED),
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    for name in GEOJSON:
        assert (tmp_path / name).read_bytes() == assets.path(name).read_bytes(), name
    for name in TIFS:
        with rasterio.open(tmp_path / name) as a, rasterio.open(assets.path(name)) as b:
            assert np.array_equal(a.read(), b.read()), name
