"""Issue 25: `info` reads what it reports and no more, and says the same as a full read.

`info` is run over folders of files like gdalinfo/ogrinfo, so it must not pay for what it does not
print: a GeoPackage tile pyramid is placed from its tile matrix without decoding one tile (the
rivers.gpkg of the corpus took 8 s to mosaic and warp), imagery is placed on its project grid
without reading a pixel, and the datum route PROJ chose for a pair of CRSs (a TransformerGroup,
0.1–0.5 s) is taken from the cache folder by the next run. Each test checks state (what was
called, what the report says), never time; bench/bench_info.py measures the time.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from console.info import _layer_report, describe
from layers.crs import ProjectCRS
from layers.readers import ReadError, read_path
from tests.helpers import REPO


def _corrupt_tiles(src, dst):
    shutil.copy(src, dst)
    con = sqlite3.connect(dst)
    table = con.execute("SELECT table_name FROM gpkg_contents WHERE data_type='tiles'").fetchone()[0]
    con.execute(f'UPDATE "{table}" SET tile_data = x\'89504e470d0a1a0a00\'')
    con.commit()
    con.close()
    return dst


def test_info_places_a_tile_pyramid_without_decoding_a_tile(shared_data, tmp_path):
    intact = shared_data / "gpkg" / "ngageoint_denver_tile.gpkg"
    drawn = read_path(intact, ProjectCRS())[0]  # what the window reads: tiles decoded and warped
    broken = _corrupt_tiles(intact, tmp_path / intact.name)
    # No tile is decoded, so tiles that are not images go unnoticed, as gdalinfo leaves them
    # (the window's read still refuses them: test_info_world.py::test_a_broken_tile_names_the_file).
    layer = describe(broken)["layers"][0]
    assert layer == _layer_report(drawn, ProjectCRS())  # what info said when it mosaicked every tile


def test_info_places_imagery_without_reading_a_pixel(shared_data, monkeypatch):
    from rasterio.io import DatasetReader
    from rasterio.vrt import WarpedVRT
    path = shared_data / "raster" / "rasterio_cogeo.tif"
    full = describe(path)  # first with pixels read (nothing patched): the reference

    def no_pixels(*args, **kwargs):
        raise AssertionError("info read pixels")
    for cls in (DatasetReader, WarpedVRT):
        monkeypatch.setattr(cls, "read", no_pixels, raising=False)
        monkeypatch.setattr(cls, "dataset_mask", no_pixels, raising=False)
    with pytest.raises(ReadError, match="info read pixels"):  # the patch bites: a full read needs pixels
        read_path(path, ProjectCRS())
    report = describe(path)
    assert report["layers"][0]["role"] == "imagery"
    assert report == full


PROBE = """
import contextlib, io, json, sys
from pyproj import transformer
if sys.argv[2] == "no-proj-search":
    class Refused:
        def __init__(self, *a, **k):
            raise AssertionError("TransformerGroup searched again")
    transformer.TransformerGroup = Refused
    import layers.datum
    layers.datum.TransformerGroup = Refused
from console.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["info", sys.argv[1], "--json"])
print(json.dumps({"code": code, "report": json.loads(out.getvalue())}))
"""


def _info(path, cache, mode="") -> dict:
    env = {**os.environ, "SONGJIANG_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", PROBE, str(path), mode], cwd=REPO, capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _osgb_points(tmp_path):
    """British National Grid: PROJ's best route needs a grid most machines lack, and warns so."""
    path = tmp_path / "london.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
                                "features": [{"type": "Feature", "properties": {"n": 1},
                                              "geometry": {"type": "Point", "coordinates": [530000, 180000]}}]}))
    return path


def test_a_second_info_takes_the_datum_route_from_the_cache_and_says_the_same(tmp_path):
    path, cache = _osgb_points(tmp_path), tmp_path / "cache"
    first = _info(path, cache)
    assert (cache / "proj-routes.json").is_file()
    second = _info(path, cache, "no-proj-search")  # PROJ's operations are not listed again
    assert second == first  # route, accuracy and PROJ's own warnings (a missing grid) alike


def test_a_damaged_or_foreign_route_cache_is_worked_out_again(tmp_path):
    path, cache = _osgb_points(tmp_path), tmp_path / "cache"
    first = _info(path, cache)
    doc = json.loads((cache / "proj-routes.json").read_text())
    damaged = ["{not json", json.dumps({**doc, "stamp": {**doc["stamp"], "proj": "0.0.0"}}),  # another PROJ
               json.dumps({**doc, "routes": {k: {"route": {"pipeline": 1}} for k in doc["routes"]}})]
    for text in damaged:
        (cache / "proj-routes.json").write_text(text)
        refused = subprocess.run([sys.executable, "-c", PROBE, str(path), "no-proj-search"], cwd=REPO,
                                 capture_output=True, text=True, timeout=120,
                                 env={**os.environ, "SONGJIANG_CACHE_DIR": str(cache)})
        assert refused.returncode != 0  # not trusted: the route must be searched for again
        (cache / "proj-routes.json").write_text(text)
        assert _info(path, cache) == first  # and it is, with the same result
