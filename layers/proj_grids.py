"""PROJ's datum grids: pyproj also searches the ones the system's PROJ has (Debian's proj-data).

pyproj's wheel carries PROJ's database but no grids, so without them PROJ falls back, for
DHDN, NAD27, OSGB 36, Amersfoort, MGI and many more, to a published 7-parameter set: 0.3 to
5 m from where GDAL, QGIS and gdalinfo — which use the system's PROJ and its grids — put the
same data (the corpus's GeoTIFF with a TOWGS84 override on DHDN was 1.5 m off). So the system's
PROJ data folders, where they exist, are searched after pyproj's own: its database still comes
first, and a grid found there makes the grid-based operation available to ``TransformerGroup``
and ``Transformer.from_crs`` (layers/datum.py picks the most accurate one for the data's area).
Nothing is downloaded (PROJ's network access stays off) and no environment variable is set.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import pyproj.datadir

log = logging.getLogger(__name__)
SYSTEM_PROJ_DIRS = (Path("/usr/share/proj"), Path("/usr/local/share/proj"))
_done = False


def search_system_grids() -> list[str]:
    """Add the system's PROJ data folders (those holding a proj.db) to pyproj's search path, once."""
    global _done
    if _done:
        return []
    _done = True
    current = pyproj.datadir.get_data_dir().split(os.pathsep)
    added = [str(d) for d in SYSTEM_PROJ_DIRS if (d / "proj.db").is_file() and str(d) not in current]
    for d in added:
        pyproj.datadir.append_data_dir(d)
    if added:
        log.debug("PROJ grids also searched in %s", ", ".join(added))
    return added
