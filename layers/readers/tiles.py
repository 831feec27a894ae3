"""GeoPackage tile pyramids → one imagery layer.

The tile matrix set is the authority for tile placement (OGC 12-128 §2.2.7);
gpkg_contents' srs can disagree with it, and GDAL then shows a 1×1 raster.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from layers.crs import normalise_crs
from layers.extent import wgs84_bounds
from layers.data import RasterData
from layers.layer import Layer
from layers.errors import ReadError
from layers.readers.gpkg_db import connect_readonly, srs_definition
from layers.readers.libraries import import_rasterio


def _decode(blob: bytes) -> np.ndarray:
    """A PNG/JPEG/WebP tile → RGBA (4, h, w): grey, grey+alpha, palette, RGB and RGBA alike."""
    import warnings

    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.io import MemoryFile
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # a tile has no georeference by design
        with MemoryFile(blob) as mem, mem.open() as ds:
            arr = ds.read()
            palette = _palette(ds) if ds.count == 1 else None
    if palette is not None:
        arr = np.moveaxis(palette[arr[0]], -1, 0)  # (4, h, w) from the colour table
    bands = arr.shape[0]
    colour = arr[:3] if bands >= 3 else np.repeat(arr[:1], 3, axis=0)
    if palette is not None or bands in (2, 4):
        alpha = arr[-1] > 0
    else:
        alpha = np.ones(arr.shape[1:], bool)
    return np.concatenate([colour.astype(np.uint8), alpha[None].astype(np.uint8) * 255])


def _palette(ds):
    try:
        cmap = ds.colormap(1)
    except ValueError:  # no colour table
        return None
    table = np.zeros((256, 4), np.uint8)
    for i, rgba in cmap.items():
        if 0 <= i < 256:
            table[i] = rgba
    return table


def pick_zoom(levels: list[tuple], max_px: int) -> tuple:
    """The finest zoom whose occupied tile range fits in max_px a side."""
    fitting = [lv for lv in levels if max(lv[1], lv[2]) * lv[3] <= max_px]
    return max(fitting) if fitting else min(levels)


def mosaic_tiles(path: Path, table: dict, project, options, progress) -> Layer:
    import_rasterio()  # tiles decode through GDAL; another loader thread may be importing it too
    name = table["name"]
    con = connect_readonly(path)
    try:
        tms = con.execute("SELECT srs_id, min_x, min_y, max_x, max_y FROM gpkg_tile_matrix_set "
                          "WHERE table_name=?", (name,)).fetchone()
        if tms is None:
            raise ReadError(path, f"tile table {name!r} has no tile matrix set")
        srs_id, minx, _, _, maxy = tms
        crs = normalise_crs(srs_definition(con, srs_id) or "EPSG:4326")
        levels = []
        for z, w, h, px in con.execute(
                f'SELECT m.zoom_level, max(t.tile_column)-min(t.tile_column)+1, '
                f'max(t.tile_row)-min(t.tile_row)+1, m.tile_width FROM "{name}" t '
                f'JOIN gpkg_tile_matrix m ON m.table_name=? AND m.zoom_level=t.zoom_level '
                f'GROUP BY m.zoom_level', (name,)):
            levels.append((z, w, h, px))
        if not levels:
            raise ReadError(path, f"tile table {name!r} holds no tiles")
        zoom = pick_zoom(levels, options.max_raster_size)[0]
        tw, th, psx, psy = con.execute("SELECT tile_width, tile_height, pixel_x_size, pixel_y_size "
                                       "FROM gpkg_tile_matrix WHERE table_name=? AND zoom_level=?",
                                       (name, zoom)).fetchone()
        c0, r0, c1, r1 = con.execute(f'SELECT min(tile_column), min(tile_row), max(tile_column), max(tile_row) '
                                     f'FROM "{name}" WHERE zoom_level=?', (zoom,)).fetchone()
        # `info` (ReadOptions.pixels=False): the level's tile range places it; no tile is read or decoded
        rows = con.execute(f'SELECT tile_column, tile_row, tile_data FROM "{name}" WHERE zoom_level=?',
                           (zoom,)).fetchall() if options.pixels else []
    finally:
        con.close()
    width = (c1 - c0 + 1) * tw
    height = (r1 - r0 + 1) * th
    src_transform = (minx + c0 * tw * psx, psx, 0.0, maxy - r0 * th * psy, 0.0, -psy)
    if not options.pixels:
        return _warp(path, name, None, (height, width), src_transform, crs, project, table, zoom)
    rgba = np.zeros((4, height, width), np.uint8)
    for i, (col, row, blob) in enumerate(rows):
        progress.update(0.1 + 0.6 * i / len(rows), f"{path.name}: tile {i + 1}/{len(rows)}")
        try:
            tile = _decode(bytes(blob))
        except Exception as exc:  # a corrupt tile names itself and the file, not a traceback
            raise ReadError(path, f"table {name!r}: tile z{zoom}/{col}/{row} cannot be decoded ({exc})") from exc
        y, x = (row - r0) * th, (col - c0) * tw
        tile = tile[:, :th, :tw]
        rgba[:, y:y + tile.shape[1], x:x + tile.shape[2]] = tile
    return _warp(path, name, rgba, (height, width), src_transform, crs, project, table, zoom)


def _warp(path, name, rgba, size, src_t, crs, project, table, zoom) -> Layer:
    """The mosaic warped onto the project grid; ``rgba`` None: the grid only (``ReadOptions.pixels=False``)."""
    from affine import Affine
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    from layers.readers.raster import unread

    h, w = size
    src_aff = Affine(src_t[1], 0, src_t[0], 0, src_t[5], src_t[3])
    left, top = src_t[0], src_t[3]
    right, bottom = left + w * src_t[1], top + h * src_t[5]
    dst_aff, dw, dh = calculate_default_transform(crs, project.crs, w, h, left, bottom, right, top)
    if rgba is None:
        colour, valid = unread((3, dh, dw), np.uint8)
    else:
        out = np.zeros((4, dh, dw), np.uint8)
        for b in range(4):
            reproject(rgba[b], out[b], src_transform=src_aff, src_crs=crs, dst_transform=dst_aff,
                      dst_crs=project.crs, resampling=Resampling.bilinear)
        colour, valid = out[:3], out[3] > 0
    warnings = []
    if table.get("crs") and normalise_crs(table["crs"]) != crs:
        warnings.append(f"gpkg_contents says {table['crs']} but the tile matrix set uses {crs}; "
                        "tiles placed by the tile matrix set")
    data = RasterData(array=colour, transform=(dst_aff.c, dst_aff.a, 0.0, dst_aff.f, 0.0, dst_aff.e),
                      mask=valid, band_names=["red", "green", "blue"])
    source_bounds = [left, bottom, right, top]
    return Layer(name=f"{path.stem}:{name}", kind="imagery", data=data, bounds=data.bounds(),
                 source=str(path), source_crs=crs,
                 meta={"warnings": warnings, "role": "imagery", "table": name, "zoom": zoom,
                       "size": [w, h], "band_count": 4, "source_bounds": source_bounds,
                       "wgs84_bounds": wgs84_bounds(source_bounds, crs)})
