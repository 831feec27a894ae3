"""``songjiang-console info FILE.ifc --json``: what is in an IFC file and where it sits.

``ifc_info`` parses in the worker (no tessellation) and returns a JSON-able
dict; ``info_command`` is the CLI body (returns the exit code, writes to the
streams it is given so the console's CLI can delegate to it).
"""
from __future__ import annotations

import json
from pathlib import Path

from layers.crs import ProjectCRS
from layers.ifc import worker
from layers.ifc.errors import IfcReadError
from layers.ifc.georef import resolve
from layers.ifc.reader import precheck


def ifc_info(path, project_crs: ProjectCRS | None = None, *, timeout: float = 120.0) -> dict:
    path = Path(path)
    project = project_crs or ProjectCRS()
    declared = precheck(path)
    res = worker.run_job(path, {"records": "counts", "geometry": False}, timeout=timeout)[0]
    geo = resolve(res["params"], project.crs)
    desc = geo.describe()
    counts = dict(sorted(res["counts"].items()))
    return {
        "file": str(path), "size_bytes": path.stat().st_size, "schema": res["schema"],
        "declared_schema": declared, "elements": sum(counts.values()), "element_counts": counts,
        "types": res["n_types"], "property_set_templates": res["n_templates"],
        "georeferencing": {k: v for k, v in desc.items() if k != "warnings"},
        "needs_placement": geo.method == "none",
        "warnings": res.get("warnings", []) + desc["warnings"],
    }


def _text(info: dict) -> str:
    g = info["georeferencing"]
    lines = [f"{info['file']}: {info['schema']}, {info['elements']} elements",
             *(f"  {cls}: {n}" for cls, n in info["element_counts"].items()),
             f"georeferencing: {g['method']} ({g['crs']})",
             f"  origin WGS84 lon/lat/h: {g['origin_wgs84']}",
             f"  origin {g['project_crs']}: {g['origin_project']}",
             f"  rotation {g['rotation_deg']:.6f}°, unit scale {g['unit_scale']} m",
             *(f"warning: {w}" for w in info["warnings"])]
    return "\n".join(lines) + "\n"


def info_command(path, as_json: bool, stdout, stderr, project_crs: ProjectCRS | None = None) -> int:
    """CLI body: 0 on success, 2 with one line on stderr when the file cannot be read."""
    try:
        info = ifc_info(path, project_crs)
    except IfcReadError as exc:
        stderr.write(f"error: {exc}\n")
        return 2
    stdout.write(json.dumps(info, ensure_ascii=False, indent=2) + "\n" if as_json else _text(info))
    return 0
