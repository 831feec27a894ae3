"""GeoTIFF/COG (and GeoPackage tiles) → terrain or imagery in the project CRS.

The raster is warped with GDAL (rasterio's WarpedVRT) onto a north-up grid in
the project CRS, capped at ``max_raster_size`` pixels a side so a huge file
reads from its overviews instead of at full resolution.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from layers.crs import CRSNotUnderstood, normalise_crs
from layers.data import RasterData
from layers.layer import Layer
from layers.errors import ReadError


def guess_role(count: int, dtype: str, colorinterp: list[str]) -> str:
    """Single-band float/int rasters are elevation; anything with colour is imagery."""
    if count >= 3 or any(c in ("red", "palette") for c in colorinterp):
        return "imagery"
    if dtype in ("uint8",):
        return "imagery"  # greyscale imagery such as a hillshade
    return "terrain"


def _open(path: Path, subdataset: str | None):
    import rasterio
    from rasterio.errors import RasterioIOError
    try:
        return rasterio.open(subdataset or path)
    except RasterioIOError as exc:
        msg = str(exc).split("\n")[0]
        if "not recognized as" in msg or "not a supported" in msg.lower():
            msg = "not a readable raster (GDAL does not recognise the format)"
        raise ReadError(path, msg) from exc


def read_raster(path: Path, project, options, progress, subdataset: str | None = None) -> Layer:
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT

    warnings: list[str] = []
    with _open(path, subdataset) as src:
        crs = options.assume_crs or (src.crs.to_string() if src.crs else None)
        if not crs:
            raise ReadError(path, "raster has no CRS (not georeferenced); pass the CRS explicitly")
        try:
            src_crs = normalise_crs(crs)
        except CRSNotUnderstood as exc:
            raise ReadError(path, str(exc)) from exc
        role = options.role or guess_role(src.count, src.dtypes[0], [c.name for c in src.colorinterp])
        progress.update(0.1, f"{path.name}: warping to {project.crs}")
        resampling = Resampling.bilinear if role == "terrain" else Resampling.average
        try:
            if src_crs == project.crs and src.transform.b == 0 and src.transform.d == 0:
                # Already a north-up grid in the project CRS: a decimated read, no warp.
                array, mask, t, full = _read_grid(src, role, options, resampling)
            else:
                with WarpedVRT(src, crs=project.crs, resampling=resampling, src_crs=src_crs) as vrt:
                    array, mask, t, full = _read_grid(vrt, role, options, resampling)
        except (rasterio.errors.RasterioError, ValueError) as exc:
            raise ReadError(path, f"cannot be read or warped: {str(exc).splitlines()[0]}") from exc
        out_h, out_w = mask.shape
        if full != (out_w, out_h):
            warnings.append(f"shown at {out_w}×{out_h} (reduced from {full[0]}×{full[1]})")
        nodata = src.nodata
    progress.update(0.8, f"{path.name}: building")
    if role == "terrain":
        array = array.astype(np.float32)
        if nodata is not None:
            mask &= array[0] != nodata
        if not mask.any():
            raise ReadError(path, "raster has no valid pixels")
    data = RasterData(array=array, transform=(t.c, t.a, t.b, t.f, t.d, t.e), mask=mask,
                      band_names=[f"band {b}" for b in _bands(array.shape[0], role)])
    name = path.stem if subdataset is None else subdataset.rsplit(":", 1)[-1]
    layer = Layer(name=name, kind=role, data=data, bounds=data.bounds(), source=str(path),
                  source_crs=src_crs, meta={"warnings": warnings, "role": role,
                                            "size": [out_w, out_h], "nodata": nodata})
    progress.update(1.0, path.name)
    return layer


def _read_grid(ds, role, options, resampling):
    """Read a dataset (or warped VRT) at most max_raster_size a side, using overviews."""
    from rasterio.enums import Resampling
    scale = max(1.0, max(ds.width, ds.height) / options.max_raster_size)
    out_w = max(1, math.ceil(ds.width / scale))
    out_h = max(1, math.ceil(ds.height / scale))
    bands = _bands(ds.count, role)
    array = ds.read(bands, out_shape=(len(bands), out_h, out_w), resampling=resampling)
    mask = ds.dataset_mask(out_shape=(out_h, out_w), resampling=Resampling.nearest) > 0
    t = ds.transform @ ds.transform.scale(ds.width / out_w, ds.height / out_h)
    return array, mask, t, (ds.width, ds.height)


def _bands(count: int, role: str) -> list[int]:
    if role == "terrain":
        return [1]
    return [1, 2, 3] if count >= 3 else [1]
