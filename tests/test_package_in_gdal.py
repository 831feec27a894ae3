"""What GDAL (and so QGIS, which opens GeoPackages with it) offers as layers in a field package.

Issue 23: QGIS listed 38 sub-layers of a package, 20 of them full-text-search tables that fail to
open, beside the console's own bookkeeping (package_meta, package_files, IFC tessellation arrays);
and a ``transport`` layer mixing the metro line and the stations lost the line, because QGIS gives
a layer the geometry type of its first feature. Here a fresh package (and the same package after
a field edit, when the journal adds its tables) is opened by Debian's GDAL in its own Python, as a
surveyor's QGIS would: every listed layer opens and reads without a GDAL error, nothing internal is
listed, each feature layer has one geometry type that all its features have, the feature counts
add up to what the console wrote (split layers included), and each layer's identifier is its name in
the interface language followed by the table name. The console itself reads the split layers back.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
import shapely

from offline.package import PackageRequest, create_package, verify
from offline.package.areas import district_area
from offline.package.listing import PHOTOS, internal_tables
from tests.test_package import expected_vector_counts

PYTHON = "/usr/bin/python3"  # Debian's python3-gdal: the GDAL a surveyor's QGIS uses
LIST = r"""
import json, sys
from osgeo import gdal, ogr
messages = []
gdal.PushErrorHandler(lambda cls, no, msg: messages.append(msg) if cls >= gdal.CE_Warning else None)
ds = ogr.Open(sys.argv[1])
layers = {}
for i in range(ds.GetLayerCount()):
    lyr = ds.GetLayer(i)
    types, n = set(), 0
    for feature in lyr:
        n += 1
        g = feature.GetGeometryRef()
        if g is not None:
            types.add(ogr.GeometryTypeToName(g.GetGeometryType()))
    layers[lyr.GetName()] = {"declared": ogr.GeometryTypeToName(lyr.GetGeomType()), "read": n,
                             "count": lyr.GetFeatureCount(), "types": sorted(types),
                             "identifier": lyr.GetMetadataItem("IDENTIFIER")}
print(json.dumps({"layers": layers, "messages": messages}))
"""


def _gdal_has_ogr() -> bool:
    try:
        return subprocess.run([PYTHON, "-c", "from osgeo import ogr"], capture_output=True).returncode == 0
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _gdal_has_ogr(), reason="needs Debian's python3-gdal (/usr/bin/python3 with osgeo)")


def _gdal_view(path: Path) -> dict:
    run = subprocess.run([PYTHON, "-c", LIST, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> PackageRequest:
    tmp = tmp_path_factory.mktemp("gdal-view")
    req = PackageRequest(out=tmp / "old-town.gpkg", area=district_area("old-town"), district="old-town",
                         hbim_store=tmp / "hbim.sqlite", history=tmp / "no-history.sqlite", language="zh")
    create_package(req)
    return req


def _listed_in_gpkg_contents(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type IN "
                                          "('features', 'attributes')")}
    finally:
        con.close()


def _check_listing(path: Path) -> dict:
    view = _gdal_view(path)
    layers = view["layers"]
    assert view["messages"] == []  # every listed layer opened and read without a GDAL error or warning
    con = sqlite3.connect(path)
    try:
        internal = set(internal_tables(con))
    finally:
        con.close()
    assert any("_fts" in t for t in internal) and "package_files" in internal  # the file holds them…
    assert not internal & set(layers)  # …and GDAL does not offer them
    # the photos are a layer (QGIS and QField add photos to it: an integer key, captured like a record edit)
    assert not [t for t in layers if t.startswith(("package_", "ifc_", "field_")) and t != PHOTOS or "_fts" in t], \
        sorted(layers)
    assert set(layers) == _listed_in_gpkg_contents(path)
    for name, lyr in layers.items():
        assert lyr["read"] == lyr["count"], name
        if lyr["declared"] != "None":  # a feature layer: one geometry type, the one every feature has
            assert lyr["declared"] != "Unknown (any)" and lyr["types"] in ([], [lyr["declared"]]), (name, lyr)
    return layers


def test_gdal_lists_only_the_layers_each_of_one_geometry_type(package):
    layers = _check_listing(package.out)
    assert {"transport_lines", "transport_points", "water_lines"} <= set(layers)
    assert "transport" not in layers and "water" not in layers
    assert layers["transport_lines"]["declared"] in ("Line String", "Multi Line String")
    assert layers["transport_lines"]["count"] >= 1 and layers["transport_points"]["count"] >= 1
    assert {"hbim_components", "hbim_inspections", "hbim_damage", "hbim_interventions", PHOTOS} <= set(layers)
    for stem, n in expected_vector_counts(package.area).items():  # every feature the console wrote, split or not
        parts = [t for t in layers if t == stem or (t.startswith(stem + "_") and t[len(stem) + 1:] in
                                                     ("points", "lines", "polygons"))]
        assert sum(layers[t]["count"] for t in parts) == n == sum(package.counts[t] for t in parts), stem
    assert layers["sensor_snapshot"]["count"] == package.counts["sensor_snapshot"]


def test_layer_identifiers_are_names_in_the_interface_language_with_the_table_name(package, tmp_path):
    layers = _gdal_view(package.out)["layers"]
    assert layers["transport_lines"]["identifier"] == "交通（线） (transport_lines)"
    assert layers["heritage_sites"]["identifier"] == "历史文化遗产 (heritage_sites)"
    assert layers["hbim_damage"]["identifier"] == "病害记录 (hbim_damage)"
    english = PackageRequest(out=tmp_path / "en.gpkg", area=shapely.box(121.200, 31.004, 121.212, 31.012),
                             hbim_store=tmp_path / "hbim.sqlite", history=tmp_path / "none.sqlite", language="en")
    create_package(english)
    layers = _gdal_view(english.out)["layers"]
    assert layers["sensor_snapshot"]["identifier"] == "Sensor snapshot (sensor_snapshot)"
    assert layers["heritage_sites"]["identifier"] == "Heritage sites (heritage_sites)"
    assert layers["hbim_components"]["identifier"] == "HBIM components (hbim_components)"


def test_after_a_field_edit_the_journal_tables_stay_unlisted(package, tmp_path):
    from offline.hbim import Inspection
    from offline.records import open_records
    from offline.field.profile import FieldProfile
    from tests.field_package import copy_sqlite
    path = tmp_path / "edited.gpkg"
    copy_sqlite(package.out, path)
    store = open_records(path, profile=FieldProfile("Li Wei", "old-town team", "laptop-1"))
    guid = store.records("components")[0].guid
    store.put(Inspection(guid, "2026-12-01", "Surveyor Li", 2, "moss on the north face"))
    store.close()
    assert verify(path) == []
    layers = _check_listing(path)
    assert layers["hbim_inspections"]["count"] == _gdal_view(package.out)["layers"]["hbim_inspections"]["count"] + 1


def test_the_console_reads_the_split_layers_back(package):
    from offline.package.extract import layer_entries
    entries = {e["table"]: e for e in layer_entries(package.out)}
    assert entries["transport_lines"]["name_en"] == "Transport (lines)"
    assert entries["transport_points"]["name_zh"] == "交通（点）"
    assert entries["transport_lines"]["style"] == entries["transport_points"]["style"]
    from layers.loading import load_spec
    from layers.project import Project
    from layers.spec import LayerSpec
    crs = Project().crs
    for table in ("transport_lines", "transport_points"):
        [layer] = load_spec(LayerSpec(source=str(package.out), table=table, name=table), crs)
        assert len(layer.data.geometries) == package.counts[table] >= 1, table
