"""rasterio imported whole, once, by one thread, before any reader uses it.

The window reads layers on two worker threads (console/loader.py). Python's import lock
is per module: while one worker executes ``rasterio/__init__.py``, the other's
``from rasterio.io import MemoryFile`` (a GeoPackage's tiles) does not wait for it and
imports submodules of the half-made package (issue 20 measured a layer dropped about once
in 27 field-mode opens, where the DEM and the basemap tiles load side by side). Every reader that needs GDAL goes through ``import_rasterio``
first: the first caller imports the package and the submodules the readers use under a
lock, and everyone else waits for it to finish.
"""
from __future__ import annotations

import importlib
import threading

SUBMODULES = ("rasterio", "rasterio.errors", "rasterio._err", "rasterio.enums", "rasterio.crs",
              "rasterio.io", "rasterio.transform", "rasterio.windows", "rasterio.vrt", "rasterio.warp")
_lock = threading.Lock()
_done = False


def import_rasterio():
    """The rasterio package, imported with every submodule the readers use (thread-safe)."""
    global _done
    if not _done:
        with _lock:
            if not _done:
                for name in SUBMODULES:
                    importlib.import_module(name)
                _done = True
    import rasterio
    return rasterio
