"""Two loader threads reading GDAL layers at once never import rasterio side by side.

The window reads layers on two worker threads. In field mode the DEM (``import rasterio``)
and the basemap tiles (``from rasterio.io import MemoryFile``) start together; Python's
per-module import lock does not make the second wait for the first, so the tiles thread
imported submodules of a half-initialised rasterio and a layer was dropped now and then.
The race is made certain here, in a fresh interpreter: an import hook holds thread A
inside ``rasterio/__init__.py`` until thread B touches any rasterio module (or, when B
rightly waits, for two seconds), and records what B imported meanwhile. Nothing may be.
"""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from tests.helpers import REPO

SCRIPT = r'''
import importlib.abc, importlib.machinery, json, sys, threading

inside = threading.Event()   # thread A is executing rasterio/__init__.py
touched = threading.Event()  # thread B began executing a rasterio module meanwhile
during = []                  # what B executed while A was inside
A = "reader-A"


class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] != "rasterio":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            return None
        real = spec.loader

        class Loader(importlib.abc.Loader):
            def create_module(self, s):
                return real.create_module(s)

            def exec_module(self, module):
                me = threading.current_thread().name
                if name == "rasterio" and me == A:
                    inside.set()
                    touched.wait(2)  # B either imports now (the race) or waits for us
                    try:
                        return real.exec_module(module)
                    finally:
                        inside.clear()
                if inside.is_set() and me != A:
                    during.append(name)
                    touched.set()
                return real.exec_module(module)
        spec.loader = Loader()
        return spec


sys.meta_path.insert(0, Hook())
from layers.crs import ProjectCRS
from layers.readers import read_path

crs, errors = ProjectCRS(), []


def read(path, wait=None):
    if wait is not None:
        wait.wait(10)
    try:
        read_path(path, crs)
    except Exception as exc:
        errors.append(f"{path}: {exc}")


a = threading.Thread(target=read, args=(sys.argv[1],), name=A)
b = threading.Thread(target=read, args=(sys.argv[2], inside), name="reader-B")
a.start(); b.start(); a.join(); b.join()
print(json.dumps({"during": during, "errors": errors}))
'''


def _dem_and_tiles(tmp_path):
    import rasterio
    from rasterio.transform import from_origin
    dem, tiles = tmp_path / "dem.tif", tmp_path / "basemap.gpkg"
    grid = dict(width=256, height=256, crs="EPSG:4549", transform=from_origin(500000, 3430000, 10, 10))
    with rasterio.open(dem, "w", driver="GTiff", count=1, dtype="float32", **grid) as ds:
        ds.write(np.full((1, 256, 256), 4.5, "float32"))
    with rasterio.open(tiles, "w", driver="GPKG", count=3, dtype="uint8", TILE_FORMAT="PNG", **grid) as ds:
        ds.write(np.full((3, 256, 256), 120, "uint8"))
    return dem, tiles


def test_a_second_reader_waits_for_rasterio_to_be_imported_whole(tmp_path):
    dem, tiles = _dem_and_tiles(tmp_path)
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(dem), str(tiles)], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["errors"] == [], result
    assert result["during"] == [], f"thread B imported {result['during']} while rasterio was half-made"
