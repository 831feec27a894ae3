"""Field packages: `package create` writes a GeoPackage GDAL reads and validates; `verify` holds it to it."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

import assets
from offline.package import PackageRequest, create_package, open_package, verify
from offline.package.areas import district_area

VALIDATOR = "osgeo_utils.samples.validate_gpkg"  # GDAL's GeoPackage validator (Debian python3-gdal)
# GeoPackage 1.2 Req 119 asks attribute tables for an INTEGER key: the record tables have one since format 2
# (offline/package/capture.py: QGIS could not edit them before, issue 23), and the console's bookkeeping
# (package_meta's TEXT key) is no attribute table (offline/package/listing.py). No known deviation is left.
CONTRACT_TEXT_KEYS: set = set()


def make(out: Path, district: str, tmp: Path, **kw) -> PackageRequest:
    req = PackageRequest(out=out, area=district_area(district), district=district, hbim_store=tmp / "hbim.sqlite",
                         history=tmp / "no-history.sqlite", **kw)
    create_package(req)
    return req


@pytest.fixture(scope="module")
def old_town(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pkg")
    req = make(tmp / "old-town.gpkg", "old-town", tmp)
    return req


def _ogrinfo_counts(path: Path) -> dict:
    out = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
    names = re.findall(r"^Layer name: (\S+)", out, re.M)
    counts = [int(c) for c in re.findall(r"^Feature Count: (\d+)", out, re.M)]
    assert len(names) == len(counts)
    return dict(zip(names, counts))


def expected_vector_counts(area) -> dict:
    """Features of each embedded vector layer touching the area (WGS84), the city buildings included."""
    from offline.package.content import area_in
    out = {}
    for file in [d["file"] for d in assets.DEFAULT_LAYERS if d["kind"] == "vector"] + ["buildings.gpkg"]:
        meta, _, geom, _ = pyogrio.raw.read(assets.path(file))
        local = area if meta["crs"] == "EPSG:4326" else area_in(area, meta["crs"])  # buildings: EPSG:4549
        out[Path(file).stem] = int(shapely.intersects(shapely.from_wkb(geom), local).sum())
    return out


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs GDAL's ogrinfo (Debian gdal-bin)")
def test_ogrinfo_lists_every_layer_with_its_feature_count(old_town):
    counts = _ogrinfo_counts(old_town.out)
    expected = expected_vector_counts(old_town.area)
    assert expected["heritage_sites"] > 5 and expected["districts"] >= 1
    for table, n in expected.items():  # a layer of several geometry kinds is one table per kind
        parts = [t for t in counts if t == table or t in (f"{table}_points", f"{table}_lines", f"{table}_polygons")]
        assert sum(counts[t] for t in parts) == n, table
    from layers.sensors.model import default_registry
    from offline.package.content import area_in
    reg = default_registry()
    inside = shapely.contains_xy(area_in(old_town.area, reg.crs), reg.xyz[:, 0], reg.xyz[:, 1])
    cameras = reg.kind_names() == "camera_status"
    assert counts["sensor_snapshot"] == int((inside & ~cameras).sum()) > 1000
    assert old_town.counts["package_files"] == 5  # the five old-town HBIM models
    assert counts["hbim_components"] > 100 and counts["hbim_inspections"] > 0
    for table in ("hbim_damage", "hbim_interventions"):
        assert table in counts
    # bookkeeping is no layer; the photos are (QGIS and QField add photos to them)
    assert not [t for t in counts if t.startswith(("package_", "ifc_", "field_")) and t != "field_photos"]
    assert counts["field_photos"] == 0
    sql = subprocess.run(["ogrinfo", "-ro", "-sql", "SELECT count(*) AS n FROM sensor_snapshot WHERE "
                          "kind = 'camera_status'", str(old_town.out)], capture_output=True, text=True).stdout
    assert re.search(r"n \(Integer\) = 0", sql), sql  # camera positions are restricted: never exported
    raster = subprocess.run(["gdalinfo", str(old_town.out)], capture_output=True, text=True).stdout
    assert "GPKG:" in raster and ":BASEMAP" in raster and ":DEM" in raster


def _gdal_validation_problems(path: Path) -> list[str]:
    """What GDAL's validate_gpkg.py reports against the GeoPackage requirements (skips without it)."""
    probe = subprocess.run(["/usr/bin/python3", "-c", f"import {VALIDATOR}"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("GDAL's validate_gpkg.py is absent (Debian python3-gdal)")
    run = subprocess.run(["/usr/bin/python3", "-m", VALIDATOR, "-k", "--extra", str(path)],
                         capture_output=True, text=True)
    errors = [line for line in run.stdout.splitlines() if line.startswith("Req")]
    unexpected = [e for e in errors if not (e.startswith("Req 119:") and
                                            any(f"table {t} " in e for t in CONTRACT_TEXT_KEYS))]
    return unexpected + [line for line in run.stderr.splitlines() if "Traceback" in line]


def test_gdal_validator_passes(old_town):
    assert _gdal_validation_problems(old_town.out) == []


def test_package_passes_its_own_checks_and_says_what_it_is(old_town):
    assert verify(old_town.out) == []
    meta = open_package(old_town.out)
    assert meta["district"] == "old-town" and meta["base_version"] == "0" and meta["format_version"] == "2"
    assert re.fullmatch(r"[0-9a-f-]{36}", meta["package_id"]) and len(meta["content_sha256"]) == 64
    assert meta["project_crs"] == "EPSG:4549"


@pytest.mark.parametrize("district", ["hub", "film-city", "industry", "new-city"])
def test_every_district_and_the_whole_new_city(tmp_path, district):
    req = make(tmp_path / f"{district}.gpkg", district, tmp_path)
    assert verify(req.out) == []
    assert _gdal_validation_problems(req.out) == [], district  # every package kind, not only the old town's
    assert req.counts["sensor_snapshot"] > 1000 and req.counts["districts"] >= 1
    if district == "new-city":  # the five heritage buildings and the hub's two models stand inside the new city
        assert req.counts["package_files"] == 7
    if district == "hub":  # the station and the towers
        assert req.counts["package_files"] == 2


def test_restricted_layers_are_never_exported(tmp_path):
    req = make(tmp_path / "r.gpkg", "old-town", tmp_path,
               restricted=("sensors:camera_status", "heritage_sites", "sensors:parking"))
    tables = {name for name, _ in pyogrio.list_layers(req.out)}
    assert "heritage_sites" not in tables and "districts" in tables
    _, _, _, fields = pyogrio.raw.read(req.out, layer="sensor_snapshot", columns=["kind"])
    assert not np.isin(fields[0], ["camera_status", "parking"]).any() and len(fields[0]) > 100


def test_cli_create_and_verify(tmp_path):
    out = tmp_path / "cli.gpkg"
    poly = tmp_path / "area.wkt"
    poly.write_text("POLYGON((121.200 31.004, 121.212 31.004, 121.212 31.012, 121.200 31.012, 121.200 31.004))")
    run = subprocess.run([sys.executable, "-m", "console", "package", "create", "--polygon", str(poly),
                          "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.is_file() and "sensor_snapshot" in run.stdout
    ok = subprocess.run([sys.executable, "-m", "console", "package", "verify", str(out)],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith(f"{out}: ok (signed by this centre)")
    data = bytearray(out.read_bytes())
    data[68:72] = b"\x00\x00\x00\x00"  # application_id no longer 'GPKG'
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(bytes(data))
    run = subprocess.run([sys.executable, "-m", "console", "package", "verify", str(bad), "--lang", "en"],
                         capture_output=True, text=True)
    assert run.returncode != 0 and len(run.stderr.strip().splitlines()) == 1
    assert str(bad) in run.stderr and "application_id" in run.stderr
    zh = subprocess.run([sys.executable, "-m", "console", "package", "verify", str(bad), "--lang", "zh"],
                        capture_output=True, text=True)
    assert "外业数据包未通过 application_id 检查" in zh.stderr and str(bad) in zh.stderr


def test_bad_polygon_is_one_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "console", "package", "create", "--polygon", "POINT (1 2)",
                          "--out", str(tmp_path / "x.gpkg")], capture_output=True, text=True)
    assert run.returncode == 2 and "not a polygon" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.gpkg").exists()


def test_snapshot_renders_the_package_headless(old_town, tmp_path):
    out = tmp_path / "field.png"
    before = old_town.out.read_bytes()
    run = subprocess.run([sys.executable, "-m", "console", "snapshot", "--offline", str(old_town.out), "--bare",
                          "--out", str(out), "--size", "640x360"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    from tests.test_snapshot_cli import read_png
    pixels = read_png(out)[..., :3].reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 50  # the package's map drawn, not an empty frame
    assert old_town.out.read_bytes() == before  # rendering never writes to the package


def test_a_project_restricts_layers_on_the_command_line(tmp_path):
    import json
    project = tmp_path / "ops.sjproj"
    project.write_text(json.dumps({"format": "songjiang-console-project", "version": 2, "layers": [],
                                   "restricted": ["heritage_sites", "sensors:parking"]}), encoding="utf-8")
    out = tmp_path / "r.gpkg"
    run = subprocess.run([sys.executable, "-m", "console", "package", "create", "--district", "hub",
                          "--project", str(project), "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    tables = {name for name, _ in pyogrio.list_layers(out)}
    assert "heritage_sites" not in tables and "transport_lines" in tables
    _, _, _, fields = pyogrio.raw.read(out, layer="sensor_snapshot", columns=["kind"])
    assert not np.isin(fields[0], ["camera_status", "parking"]).any()
    meta = open_package(out)
    assert meta["restricted"] == "sensors:camera_status,heritage_sites,sensors:parking"


def test_tessellations_travel_with_the_package(tmp_path, monkeypatch):
    """A model the console has tessellated opens in the field from the package's copy, without the engine."""
    from layers.bim.heritage import models_dir
    from layers.ifc.reader import read_ifc
    from offline.package.extract import extract_models, import_tessellations
    read_ifc(models_dir() / "dacang_bridge.ifc")  # fills the operations centre's IFC cache
    req = make(tmp_path / "t.gpkg", "old-town", tmp_path)
    con = sqlite3.connect(req.out)
    assert "dacang_bridge.ifc" in {r[0] for r in con.execute("SELECT file FROM ifc_tessellation")}
    con.close()
    monkeypatch.setenv("SONGJIANG_CACHE_DIR", str(tmp_path / "laptop-cache"))  # a surveyor's empty cache
    assert import_tessellations(req.out) >= 1
    bridge = next(p for p in extract_models(req.out, open_package(req.out)["package_id"])
                  if p.name == "dacang_bridge.ifc")
    assert read_ifc(bridge).from_cache


def test_the_ground_continues_from_a_packages_base_map_not_from_its_tile_padding(old_town):
    """A field package's base map is a GeoPackage tile pyramid: whole 256-pixel tiles, the data in one
    corner and transparent padding beyond it. The ground beyond the map (console/scene/backdrop.py)
    took its colour from the padding's black pixels and began at the padding's far edge: in field mode
    a black band lay north of the map and bare sky south of it. It continues from the data's edge now."""
    from console.scene.backdrop import border_colour, valid_extent
    from layers.crs import ProjectCRS
    from layers.readers import read_path
    base = next(lyr for lyr in read_path(old_town.out, ProjectCRS()) if lyr.meta.get("table") == "BASEMAP")
    assert not base.data.mask.all(), "the mosaic holds padding (else this test proves nothing)"
    con = sqlite3.connect(old_town.out)
    data_box = con.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name='BASEMAP'").fetchone()
    con.close()
    got = valid_extent(base.data)
    pixel = base.data.transform[1]
    assert got is not None and all(abs(a - b) <= 2 * pixel for a, b in zip(got, data_box)), (got, data_box)
    edge = border_colour(base.data.array, base.data.mask).astype(int)
    assert edge.min() > 150, f"the map's edge is light ground, not the padding's black: {edge}"
