"""Readers: files → layers in the project CRS, failing with one clear ReadError.

``read_path`` picks a reader by content (magic bytes) and suffix. Each reader
returns a list of layers because one file may hold many tables.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

from layers.crs import ProjectCRS
from layers.progress import NULL_PROGRESS, Cancelled, Progress
from layers.errors import ReadError, library_text
from layers.readers.options import ReadOptions

__all__ = ["ReadError", "ReadOptions", "read_path", "sniff"]

log = logging.getLogger(__name__)
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def sniff(path: Path) -> str:
    """Return 'raster', 'gpkg', 'json', 'ifc', 'ifczip' or raise ReadError."""
    if not path.exists():
        raise ReadError(path, "file not found")
    if path.is_dir():
        raise ReadError(path, "is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(path, "file is empty (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(64)
    if head[:4] in _TIFF_MAGIC:
        return "raster"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PK\x03\x04") and path.suffix.lower() == ".ifczip":
        return "ifczip"
    if head.lstrip().upper().startswith(b"ISO-10303-21"):
        return "ifc"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    suffix = path.suffix.lower()
    known = {".tif": "GeoTIFF", ".tiff": "GeoTIFF", ".gpkg": "GeoPackage", ".geojson": "GeoJSON",
             ".json": "GeoJSON", ".ifc": "IFC", ".ifczip": "IFC (zip)"}
    if suffix in known:
        raise ReadError(path, f"does not look like a {known[suffix]} file (unexpected content at start)")
    raise ReadError(path, "unsupported file type (expected GeoJSON, GeoPackage, GeoTIFF or IFC)")


def read_path(path, project: ProjectCRS, options: ReadOptions | None = None,
              progress: Progress = NULL_PROGRESS) -> list:
    """Every failure is a ReadError naming the file: a reader's own, or anything a library raised."""
    path = Path(path)
    try:
        with quiet_gdal(path) as gdal_notes:
            layers = _read(path, project, options or ReadOptions(), progress)
            layers = _as_buildings(path, layers, options or ReadOptions())
    except (ReadError, Cancelled):
        raise
    except Exception as exc:  # a library's surprise must not become a traceback
        log.debug("reading %s failed", path, exc_info=True)
        raise ReadError(path, f"cannot be read ({type(exc).__name__}: {library_text(exc, path)})") from exc
    for lyr in layers:
        lyr.meta.setdefault("warnings", []).extend(n for n in gdal_notes if n not in lyr.meta["warnings"])
    return layers


def _as_buildings(path: Path, layers: list, options: ReadOptions) -> list:
    """Footprint tables with a height become buildings (layers/buildings/convert.py)."""
    from layers.buildings.convert import looks_like_buildings, to_buildings
    from layers.layer_kinds import is_kind
    if options.role == "buildings":
        return [lyr if is_kind(lyr, "buildings") else to_buildings(lyr, path) for lyr in layers]
    return [to_buildings(lyr, path) if looks_like_buildings(lyr) else lyr for lyr in layers]


@contextmanager
def quiet_gdal(path: Path):
    """GDAL's warnings (via rasterio's loggers) become the file's warnings instead of stderr lines."""
    notes: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            notes.append(f"GDAL: {record.getMessage()}")

    logger = logging.getLogger("rasterio")
    handler, propagate = Collect(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield notes
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _read(path: Path, project: ProjectCRS, options: ReadOptions, progress: Progress) -> list:
    kind = sniff(path)
    if kind == "raster":
        from layers.readers.raster import read_raster
        return [read_raster(path, project, options, progress)]
    if kind == "gpkg":
        from layers.readers.gpkg import read_gpkg
        return read_gpkg(path, project, options, progress)
    if kind == "json":
        from layers.readers.geojson import read_geojson
        return read_geojson(path, project, options, progress)
    from layers.readers.ifc import read_ifc_layer
    if kind == "ifczip":
        from layers.ifc.ifczip import extract
        layer = read_ifc_layer(extract(path), project, options, progress)
        layer.source = str(path)  # a saved project reopens the archive, not the cache
        return [layer]
    return [read_ifc_layer(path, project, options, progress)]
