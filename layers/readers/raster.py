"""GeoTIFF/COG (and GeoPackage tiles) → terrain or imagery in the project CRS.

The raster is warped with GDAL (rasterio's WarpedVRT) onto a north-up grid in
the project CRS, capped at ``max_raster_size`` pixels a side so a huge file
reads from its overviews instead of at full resolution.
"""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from layers.crs import CRSNotUnderstood, label, normalise_crs
from layers.datum import best_route
from layers.readers.libraries import import_rasterio
from layers.readers.raster_extent import NoArea, beyond_warning, clip_grid, source_extent
from layers.data import RasterData
from layers.layer import Layer
from layers.errors import ReadError, library_text


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
        detail = library_text(exc, path)
        if "not recognized as" in detail or "not a supported" in detail.lower():
            raise ReadError(path, "not a readable raster (GDAL does not recognise the format)") from exc
        raise ReadError(path, f"cannot read the raster ({detail})") from exc  # libtiff's words, our frame


def _georeference(path: Path, src, options) -> tuple[str, dict, list]:
    """The source CRS and how GDAL should place the pixels: geotransform, or ground control points."""
    gcps, gcp_crs = src.gcps if not src.crs else ([], None)
    crs = options.assume_crs or (src.crs.to_string() if src.crs else None)
    place: dict = {}
    if gcps and (gcp_crs or options.assume_crs):
        crs = options.assume_crs or gcp_crs.to_string()
        place = {"src_gcps": gcps}
    elif src.transform.is_identity and not gcps:
        # A CRS alone cannot help: without a geotransform or GCPs the pixels have no position.
        raise ReadError(path, "raster has no CRS and no georeferencing (no geotransform, no ground control "
                              "points): it cannot be placed on the map")
    if not crs:
        raise ReadError(path, "raster has no CRS (not georeferenced); pass the CRS explicitly")
    try:
        notes = [f"placed by GCPs ({len(gcps)} ground control points, as GDAL's warper places them)"] if place else []
        return normalise_crs(crs), place, notes
    except CRSNotUnderstood as exc:
        raise ReadError(path, f"CRS not understood ({exc})") from exc


def read_raster(path: Path, project, options, progress, subdataset: str | None = None) -> Layer:
    rasterio = import_rasterio()  # another loader thread may be reading at the same time
    from rasterio._err import CPLE_BaseError
    from rasterio.enums import Resampling

    warnings: list[str] = []
    with _open(path, subdataset) as src:
        src_crs, place, notes = _georeference(path, src, options)
        warnings += notes
        role = options.role or guess_role(src.count, src.dtypes[0], [c.name for c in src.colorinterp])
        try:
            source_bounds, box = source_extent(src, src_crs, place.get("src_gcps"))
        except (rasterio.errors.RasterioError, ValueError) as exc:
            raise ReadError(path, f"PROJ cannot convert {label(src_crs)} to WGS84 ({str(exc).splitlines()[0]})") from exc
        route = best_route(src_crs, project.crs, box, project.datum_shift)
        if route is None:
            raise ReadError(path, f"PROJ cannot convert {label(src_crs)} to {project.crs}")
        if route.warning():
            warnings.append(route.warning())
        progress.update(0.1, f"{path.name}: warping to {project.crs}")
        resampling = Resampling.bilinear if role == "terrain" else Resampling.average
        grid = clip_grid(src, src_crs, box, project.crs, warnings, place.get("src_gcps"))
        if grid == "outside" and not options.pixels:  # only reading tells whether the maths holds out there
            options = replace(options, pixels=True)
        try:
            if src_crs == project.crs and not place and src.transform.b == 0 and src.transform.d == 0:
                # Already a north-up grid in the project CRS: a decimated read, no warp.
                array, mask, t, full = _read_grid(src, role, options, resampling)
            else:
                array, mask, t, full = _warped(src, src_crs, route, project, role, options, resampling,
                                               None if grid == "outside" else grid)
        except NoArea:
            warnings.append(f"has no area once placed in {project.crs} (a point or a line); nothing drawn")
            array, mask, t, full = _nothing(src, role)
        except (rasterio.errors.RasterioError, CPLE_BaseError, ValueError) as exc:
            if grid != "outside":
                raise ReadError(path, f"cannot be read or warped into {project.crs}: "
                                      f"{library_text(exc, path)}") from exc
            warnings.append(beyond_warning(project.crs))  # the projection fails out there
            array, mask, t, full = _nothing(src, role)
        out_h, out_w = mask.shape
        if full != (out_w, out_h):
            warnings.append(f"shown at {out_w}×{out_h} (reduced from {full[0]}×{full[1]})")
        nodata = src.nodata
        size, count = [src.width, src.height], src.count
    progress.update(0.8, f"{path.name}: building")
    if role == "terrain":
        array = array.astype(np.float32)
        if nodata is not None:
            mask &= array[0] != nodata
        if not mask.any() and not np.isnan(t.c):
            raise ReadError(path, "raster has no valid pixels")
    data = RasterData(array=array, transform=(t.c, t.a, t.b, t.f, t.d, t.e), mask=mask,
                      band_names=[f"band {b}" for b in _bands(array.shape[0], role)])
    name = path.stem if subdataset is None else subdataset.rsplit(":", 1)[-1]
    layer = Layer(name=name, kind=role, data=data, bounds=data.bounds(), source=str(path),
                  source_crs=src_crs, meta={"warnings": warnings, "role": role, "size": size,
                                            "band_count": count, "shown_size": [out_w, out_h],
                                            "nodata": nodata, "source_bounds": source_bounds,
                                            "wgs84_bounds": box, "datum": route.describe()})
    progress.update(1.0, path.name)
    return layer


def _nothing(src, role):
    """An empty grid for a raster wholly beyond the project CRS (its bounds are NaN: nothing to draw)."""
    from affine import Affine
    bands = len(_bands(src.count, role))
    nan = float("nan")
    return (np.zeros((bands, 1, 1), src.dtypes[0]), np.zeros((1, 1), bool), Affine(nan, 0, nan, 0, nan, nan),
            (src.width, src.height))


def _warped(src, src_crs, route, project, role, options, resampling, grid):
    """Warp onto the project grid along the route the vectors take (GDAL would take the ballpark)."""
    from contextlib import ExitStack

    from rasterio.crs import CRS as RioCRS
    from rasterio.vrt import WarpedVRT
    crs, extra = src_crs, {}  # GDAL warps a GCP-placed raster through its GCPs by itself
    if route.towgs84:
        crs = RioCRS.from_proj4(_proj4(src_crs) + " +towgs84=" + ",".join(repr(v) for v in route.towgs84))
    if route.plane:
        extra["src_transform"] = _plane_affine(route.plane) * src.transform
        crs = route.via or project.crs
    with ExitStack() as stack:
        ds = src
        if route.via and not route.plane:
            ds = stack.enter_context(WarpedVRT(ds, crs=route.via, resampling=resampling, src_crs=crs, **extra))
            crs, extra = route.via, {}
        vrt = stack.enter_context(WarpedVRT(ds, crs=project.crs, resampling=resampling, src_crs=crs,
                                            **extra, **(grid or {})))
        return _read_grid(vrt, role, options, resampling)


def _proj4(crs: str) -> str:
    from pyproj import CRS
    return " ".join(w for w in CRS.from_user_input(crs).to_proj4().split() if not w.startswith("+towgs84"))


def _plane_affine(plane):
    from affine import Affine
    dx, dy, theta, scale = plane
    c, s = scale * math.cos(theta), scale * math.sin(theta)
    return Affine(c, s, dx, -s, c, dy)  # PROJ's 2D Helmert: x' = dx + s(x cos θ + y sin θ)


def _read_grid(ds, role, options, resampling):
    """Read a dataset (or warped VRT) at most max_raster_size a side, using overviews."""
    from rasterio.enums import Resampling
    if not ds.width or not ds.height:  # GDAL's suggested grid for it is empty (a 1-pixel geocentric file)
        raise NoArea()
    scale = max(1.0, max(ds.width, ds.height) / options.max_raster_size)
    out_w = max(1, math.ceil(ds.width / scale))
    out_h = max(1, math.ceil(ds.height / scale))
    bands = _bands(ds.count, role)
    t = ds.transform @ ds.transform.scale(ds.width / out_w, ds.height / out_h)
    if not options.pixels and role != "terrain":  # `info`: the grid is what it reports of imagery
        array, mask = unread((len(bands), out_h, out_w), ds.dtypes[0])
        return array, mask, t, (ds.width, ds.height)
    array = ds.read(bands, out_shape=(len(bands), out_h, out_w), resampling=resampling)
    mask = ds.dataset_mask(out_shape=(out_h, out_w), resampling=Resampling.nearest) > 0
    return array, mask, t, (ds.width, ds.height)


def unread(shape: tuple, dtype) -> tuple[np.ndarray, np.ndarray]:
    """A stand-in for pixels not read (``ReadOptions.pixels=False``): zeros of the grid's shape, no memory."""
    return (np.broadcast_to(np.zeros((1, 1, 1), dtype), shape),
            np.broadcast_to(np.zeros((1, 1), bool), shape[1:]))


def _bands(count: int, role: str) -> list[int]:
    if role == "terrain":
        return [1]
    return [1, 2, 3] if count >= 3 else [1]
