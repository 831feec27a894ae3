from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReadOptions:
    """What the user told us about a file that the file itself does not say.

    ``assume_crs`` overrides the file's CRS; "GCJ-02" is the usual reason, since
    files holding Chinese web-map coordinates almost always claim WGS84.
    ``role`` forces a raster to be read as "terrain" or "imagery", or footprints as "buildings".
    """

    assume_crs: str | None = None
    role: str | None = None
    max_raster_size: int = 2048
    placement: dict | None = None  # where to put an IFC model that has no georeference
    table: str | None = None       # read only this table of a GeoPackage
