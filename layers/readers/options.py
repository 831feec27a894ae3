from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReadOptions:
    """What the user told us about a file that the file itself does not say.

    ``assume_crs`` overrides the file's CRS; "GCJ-02" is the usual reason, since
    files holding Chinese web-map coordinates almost always claim WGS84.
    ``role`` forces a raster to be read as "terrain" or "imagery", or footprints as "buildings".
    ``pixels=False`` (`info`, issue 25): imagery is placed and sized on its project grid but its pixels
    are neither decoded nor warped (the layer's array is a read-only stand-in of zeros); terrain is
    still read, since its elevation range is what `info` reports. Never for a layer that is drawn.
    """

    assume_crs: str | None = None
    role: str | None = None
    max_raster_size: int = 2048
    placement: dict | None = None  # where to put an IFC model that has no georeference
    table: str | None = None       # read only this table of a GeoPackage
    pixels: bool = True            # False: imagery's grid only, no pixels read (`info`)
