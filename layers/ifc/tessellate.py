"""Tessellation with ifcopenshell.geom (runs in the worker process).

Kernel choice: the hybrid CGAL kernel is ~5× faster than OpenCASCADE on simple
extrusions here, but does not handle everything; ``auto`` runs it first and
re-runs OpenCASCADE only for the elements it yielded nothing for (or the whole
file if it fails to start). Coordinates come out in model metres, world
placement applied; georeferencing happens later in the caller.
"""
from __future__ import annotations

import logging

import numpy as np
import ifcopenshell.geom

log = logging.getLogger(__name__)

HYBRID = "hybrid-cgal-simple-opencascade"
OCC = "opencascade"
KERNELS = ("auto", HYBRID, OCC)
# Not physical or 2D only: never tessellated, never reported as missing.
_SKIP = ("IfcOpeningElement", "IfcVirtualElement", "IfcAnnotation", "IfcGrid")


def _settings():
    s = ifcopenshell.geom.settings()
    s.set("use-world-coords", True)
    return s


def _colour(geometry):
    mats = geometry.materials
    if not mats:
        return (0.8, 0.8, 0.8)
    try:
        return tuple(float(c) for c in mats[0].diffuse.components)
    except Exception:  # no diffuse colour on the style
        return (0.8, 0.8, 0.8)


def _run(f, library: str, include, wanted: set, out: dict, progress, span=(0.0, 1.0)):
    """Iterate one kernel over ``include`` (entity list or None = all); fill ``out`` by GlobalId."""
    kwargs = {"geometry_library": library}
    if include is not None:
        kwargs["include"] = include
    it = ifcopenshell.geom.iterator(_settings(), f, 1, **kwargs)
    if not it.initialize():
        return
    count = 0
    while True:
        shape = it.get()
        geom = shape.geometry
        verts = np.asarray(geom.verts, dtype=np.float64).reshape(-1, 3)
        faces = np.asarray(geom.faces, dtype=np.int32).reshape(-1, 3)
        if len(faces) and shape.guid in wanted:
            out[shape.guid] = (verts, faces, _colour(geom), library)
        count += 1
        if progress is not None and count % 25 == 0:
            progress(span[0] + (span[1] - span[0]) * it.progress() / 100.0, f"tessellating ({library})")
        if not it.next():
            break


def candidates(f, shard: tuple[int, int] = (0, 1)) -> list:
    """Products that may have a body, split round-robin over ``shard`` = (index, count)."""
    items = [p for p in f.by_type("IfcProduct")
             if p.Representation is not None and not any(p.is_a(c) for c in _SKIP)]
    index, count = shard
    return items[index::count] if count > 1 else items


def tessellate(f, kernel: str = "auto", shard=(0, 1), progress=None) -> tuple[dict, list]:
    """Return ({guid: (verts, faces, rgb, kernel)}, warnings) for one shard of a file."""
    if kernel not in KERNELS:
        raise ValueError(f"unknown geometry kernel {kernel!r}")
    todo = candidates(f, shard)
    out: dict = {}
    warnings: list = []
    if not todo:
        return out, warnings
    include = todo if shard[1] > 1 else None
    wanted = {p.GlobalId for p in todo}
    first = OCC if kernel == OCC else HYBRID
    try:
        _run(f, first, include, wanted, out, progress, (0.0, 0.8 if kernel == "auto" else 1.0))
    except Exception as exc:  # kernel refused the file: let OpenCASCADE try everything
        if kernel != "auto":
            raise
        warnings.append(f"{first} failed ({exc}); using {OCC}")
        log.info("hybrid kernel failed on file: %s", exc)
    if kernel == "auto":
        missing = [p for p in todo if p.GlobalId not in out]
        if missing:
            _run(f, OCC, missing, wanted, out, progress, (0.8, 1.0))
    empty = sum(1 for p in todo if p.GlobalId not in out)
    if empty:
        warnings.append(f"{empty} element(s) with a representation gave no triangles "
                        "(e.g. CSG-only, axis or footprint geometry)")
    return out, warnings
