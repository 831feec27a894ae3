"""read_ifc: an IFC file → IfcModel (records + one merged mesh in the project CRS).

Cheap checks (exists, STEP header, schema, not truncated) run here; parsing and
tessellation run in worker processes (see worker.py); results are cached by
file hash (cache.py). Georeferencing is applied here, per vertex, via georef.py.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from layers.crs import ProjectCRS
from layers.ifc import worker
from layers.ifc.cache import TessellationCache, cache_key
from layers.ifc.errors import IfcReadError
from layers.ifc.georef import Georef, Placement, resolve
from layers.progress import NULL_PROGRESS, Progress

SUPPORTED = ("IFC2X3", "IFC4", "IFC4X3")
_SCHEMA_RE = re.compile(rb"FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'", re.I)


def precheck(path: Path) -> str:
    """Return the declared schema or raise IfcReadError with one clear line."""
    if not path.is_file():
        raise IfcReadError(path, "file not found" if not path.exists() else "is not a file")
    size = path.stat().st_size
    if size == 0:
        raise IfcReadError(path, "file is empty (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(65536)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"ISO-10303-21"):
        raise IfcReadError(path, "not an IFC file (no ISO-10303-21 STEP header)")
    m = _SCHEMA_RE.search(head)
    if not m:
        raise IfcReadError(path, "IFC header has no FILE_SCHEMA")
    schema = m.group(1).decode("ascii", "replace").strip().upper()
    base = "IFC4X3" if schema.startswith("IFC4X3") else schema.split("_")[0]
    if base not in SUPPORTED:
        raise IfcReadError(path, f"unsupported IFC schema {schema} (supported: IFC2X3, IFC4, IFC4X3)")
    if b"END-ISO-10303-21" not in tail.upper():
        raise IfcReadError(path, "file is truncated (no END-ISO-10303-21; at the end)")
    return schema


class _Scaled(Progress):
    """Forward a sub-range of progress to the caller's Progress (shares its cancel)."""

    def __init__(self, parent: Progress, lo: float, hi: float):
        super().__init__()
        self.parent, self.lo, self.hi = parent, lo, hi

    def update(self, fraction: float, message: str = ""):
        self.parent.update(self.lo + (self.hi - self.lo) * fraction, message)


def merge_results(results: list[dict]) -> dict:
    """Worker shard results → one raw dict with mesh arrays in model metres."""
    raw = {k: v for k, v in results[0].items() if k != "meshes"}
    raw["warnings"] = [w for r in results for w in r.get("warnings", [])]
    guids, kernels, colours, verts, faces, owners = [], [], [], [], [], []
    offset = 0
    for r in results:
        for guid, (v, f, rgb, kernel) in r.get("meshes", {}).items():
            owners.append(np.full(len(f), len(guids), dtype=np.int32))
            guids.append(guid)
            kernels.append(kernel)
            colours.append(rgb)
            verts.append(v)
            faces.append(f + offset)
            offset += len(v)
    raw["mesh"] = {
        "guids": guids, "kernels": kernels,
        "verts": np.concatenate(verts) if verts else np.zeros((0, 3)),
        "faces": np.concatenate(faces).astype(np.int32) if faces else np.zeros((0, 3), np.int32),
        "face_owner": np.concatenate(owners) if owners else np.zeros(0, np.int32),
        "colours": np.asarray(colours, dtype=np.float32).reshape(-1, 3),
    }
    return raw


@dataclass
class IfcModel:
    path: Path
    schema: str
    elements: list  # dicts: guid, ifc_class, name, type_name, storey, materials, psets, ...
    types: list
    templates: list
    points: np.ndarray  # (N,3) float64, project CRS
    triangles: np.ndarray  # (M,3) int64 into points
    triangle_element: np.ndarray  # (M,) int32 into elements
    element_colours: np.ndarray  # (len(elements),3) float32 RGB 0..1
    georef: dict
    transform: Georef
    warnings: list = field(default_factory=list)
    needs_placement: bool = False
    kernels: dict = field(default_factory=dict)  # kernel name → element count
    from_cache: bool = False

    def index_of(self, guid: str) -> int:
        return self._index()[guid]

    def element(self, guid: str) -> dict:
        return self.elements[self.index_of(guid)]

    def attributes(self, index: int) -> dict:
        """An element's identity as the generic attribute inspector shows it."""
        e = self.elements[index]
        return {k: e.get(k) for k in ("guid", "ifc_class", "name", "type_name", "storey", "materials")}

    def _index(self) -> dict:
        if not hasattr(self, "_by_guid"):
            self._by_guid = {e["guid"]: i for i, e in enumerate(self.elements)}
        return self._by_guid

    def counts_by_class(self) -> dict:
        return dict(sorted(Counter(e["ifc_class"] for e in self.elements).items()))

    @property
    def bounds(self) -> tuple:
        if not len(self.points):
            return (float("nan"),) * 6
        return (*map(float, self.points.min(axis=0)), *map(float, self.points.max(axis=0)))

    def to_layer(self, name: str | None = None, placement: Placement | None = None):
        from layers.layer import Layer
        meta = {"georef": self.georef}
        if placement is not None:
            meta["placement"] = placement.to_dict()
        return Layer(name=name or self.path.stem, kind="bim", data=self, bounds=self.bounds,
                     source=str(self.path), source_crs=self.georef["crs"], meta=meta)


def _build(path, raw: dict, project: ProjectCRS, placement, from_cache: bool) -> IfcModel:
    geo = resolve(raw["params"], project.crs, placement, fallback_origin=project.origin)
    mesh = raw["mesh"]
    elements = raw.get("elements", [])
    index = {e["guid"]: i for i, e in enumerate(elements)}
    owner_elem = np.array([index.get(g, -1) for g in mesh["guids"]], dtype=np.int32)
    colours = np.full((len(elements), 3), 0.8, dtype=np.float32)
    if len(owner_elem):
        colours[owner_elem[owner_elem >= 0]] = mesh["colours"][owner_elem >= 0]
    return IfcModel(
        path=Path(path), schema=raw["schema"], elements=elements, types=raw.get("types", []),
        templates=raw.get("templates", []), points=geo.to_project(mesh["verts"]),
        triangles=mesh["faces"].astype(np.int64),
        triangle_element=owner_elem[mesh["face_owner"]] if len(owner_elem) else np.zeros(0, np.int32),
        element_colours=colours, georef=geo.describe(), transform=geo,
        warnings=raw.get("warnings", []) + geo.warnings, needs_placement=geo.method == "none",
        kernels=dict(Counter(mesh["kernels"])), from_cache=from_cache)


def default_processes(path: Path, kernel: str) -> int:
    # Measured (bench/bench_ifc.py): with the hybrid kernel a second process costs more
    # (start-up + second parse) than it saves; with OpenCASCADE on MB-sized files it pays.
    if kernel == "opencascade" and path.stat().st_size > 1_000_000:
        return min(2, os.cpu_count() or 1)
    return 1


def read_ifc(path, project_crs: ProjectCRS | None = None, progress: Progress = NULL_PROGRESS,
             placement: Placement | None = None, *, kernel: str = "auto", cache_dir=None,
             use_cache: bool = True, processes: int | None = None,
             timeout: float = worker.DEFAULT_TIMEOUT_S, memory_mb: int | None = worker.DEFAULT_MEMORY_MB) -> IfcModel:
    """Read an IFC file into the project CRS; raise IfcReadError (one line) or Cancelled."""
    path = Path(path)
    project = project_crs or ProjectCRS()
    precheck(path)
    cache = TessellationCache(cache_dir) if use_cache else None
    key = cache_key(path, kernel) if cache else None
    raw = cache.get(key) if cache else None
    hit = raw is not None
    if raw is None:
        results = worker.run_job(path, {"kernel": kernel}, processes=processes or default_processes(path, kernel),
                                 timeout=timeout, memory_mb=memory_mb, progress=_Scaled(progress, 0.0, 0.9))
        raw = merge_results(results)
        if cache:
            cache.put(key, raw)
    progress.update(0.95, "placing model")
    model = _build(path, raw, project, placement, hit)
    progress.update(1.0, "done")
    return model
