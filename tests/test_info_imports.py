"""Issue 25: `info` imports only what the file's format needs; no Qt or VTK on that path.

`songjiang-console info FILE` is a one-shot command a user (or a script over a folder of files)
runs like gdalinfo/ogrinfo: every library it imports is start-up paid per file. Each case runs
the CLI entry point in a fresh interpreter, as `python -m console info FILE` does, and lists
the heavy libraries left in ``sys.modules`` afterwards: a GeoJSON loads none of them, a GeoTIFF
only rasterio (GDAL), an IFC file never the window's toolkits or GDAL. Nor do they load the
stores `info` does not open: the HBIM record store (sqlite_utils), the
field-package writer (before issue 25 the package check on every file imported both, ~110 ms).
A module list, not a timing (bench/bench_info.py measures the time against gdalinfo/ogrinfo).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO

HEAVY = ("PySide6", "shiboken6", "vtkmodules", "pyvista", "pyqtgraph", "rasterio", "ifcopenshell", "paho",
         "psycopg", "console.app", "console.scene", "widgets", "sqlite_utils", "offline.hbim",
         "offline.package.create")

PROBE = """
import contextlib, io, json, sys
from console.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["info", sys.argv[1], "--json"])
heavy = [top for top in json.loads(sys.argv[2]) if any(n == top or n.startswith(top + ".") for n in sys.modules)]
print(json.dumps({"code": code, "heavy": heavy, "report": json.loads(out.getvalue())}))
"""


def _info_loads(path) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(path), json.dumps(HEAVY)], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_info_on_a_geojson_loads_no_toolkit_gdal_or_ifc_engine(tmp_path):
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "松江"}, "geometry": {"type": "Point", "coordinates": [121.22, 31.03]}},
        {"type": "Feature", "properties": {"name": "泗泾"}, "geometry": {"type": "Point", "coordinates": [121.26, 31.12]}},
    ]}), encoding="utf-8")
    seen = _info_loads(path)
    assert seen["code"] == 0 and seen["report"]["layers"][0]["feature_count"] == 2  # it did read the file
    assert seen["heavy"] == []


def test_info_on_a_geotiff_loads_gdal_and_nothing_of_the_window(copy_shared):
    seen = _info_loads(copy_shared("raster/rasterio_cogeo.tif"))
    assert seen["code"] == 0 and seen["report"]["format"] == "GeoTIFF"
    assert seen["heavy"] == ["rasterio"]


@pytest.mark.parametrize("name", ["bsi_IFC4_geographic-referencing.ifc"])
def test_info_on_an_ifc_file_loads_neither_the_window_nor_gdal(copy_shared, name):
    seen = _info_loads(copy_shared(f"ifc/{name}"))
    assert seen["code"] == 0 and seen["report"]["format"] == "IFC"
    assert set(seen["heavy"]) <= {"ifcopenshell"}
