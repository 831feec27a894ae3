"""`songjiang-console info FILE`: what the console reads in a file, like ogrinfo/gdalinfo."""
from __future__ import annotations

import warnings
from pathlib import Path

from layers import layer_kinds
from layers.crs import ProjectCRS
from layers.extent import area_of_use, describe_area, inside, wgs84_bounds
from layers.readers import ReadError, ReadOptions, read_path, sniff


def _bounds(layer, project: ProjectCRS) -> tuple[dict, list[str]]:
    """WGS84 bounds from the layer's own CRS; project bounds only where the project CRS is valid."""
    box = layer.meta.get("wgs84_bounds")
    if box is None and layer.meta.get("source_bounds"):
        box = wgs84_bounds(layer.meta["source_bounds"], layer.source_crs)
    if not layer.has_bounds():  # nothing left in the project CRS (e.g. all of it clipped away)
        return ({"wgs84": [round(float(v), 7) for v in box]} if box else {}), []
    b = layer.bounds
    if box is None:  # placed models (IFC): their footprint in the project CRS is what they have
        box = wgs84_bounds((b[0], b[1], b[3], b[4]), project.crs)
    out = {"wgs84": [round(float(v), 7) for v in box]} if box else {}
    area = area_of_use(project.crs)
    if box and area and not inside(box, area):
        return out, [f"data lies outside the area of use of {project.crs} ({describe_area(area)}); "
                     "project coordinates not reported (they would be distorted)"]
    out["project"] = [round(v, 3) for v in (b[0], b[1], b[3], b[4])]
    return out, []


def _layer_report(layer, project) -> dict:
    bounds, notes = _bounds(layer, project)
    entry = {"name": layer.name, "kind": layer.kind, "crs": layer.source_crs, "bounds": bounds,
             "warnings": list(layer.meta.get("warnings", [])) + notes}
    if layer.meta.get("datum"):
        entry["datum_transformation"] = layer.meta["datum"]
    entry.update(layer_kinds.of(layer).describe_layer(layer))  # the kind's hook (layers/describe.py)
    return entry


def describe_project(path) -> dict:
    """A saved project as the window would open it: its CRS, every layer read, and what could not be."""
    from layers.loading import load_project
    errors: list[str] = []
    project = load_project(path, on_error=errors.append)
    shift = project.crs.datum_shift
    return {"file": str(path), "format": "Songjiang console project", "project_crs": project.crs.crs,
            "datum_shift": shift.to_dict() if shift else None,
            "layers": [_layer_report(lyr, project.crs) for lyr in project.layers],
            "bookmarks": list(project.bookmarks), "errors": errors}


PACKAGE_FIELDS = ("package_id", "district", "base_version", "created_at", "created_by", "project_crs", "restricted")


def describe(path, assume_crs: str | None = None, project: ProjectCRS | None = None, workspace=None) -> dict:
    """What the console reads in a file; Python warnings raised while reading become report warnings.

    ``workspace`` (offline/workspace.py) is what the window would open on the file: a field package is
    opened as one (checked with `package verify`'s checks first, so a damaged one is refused as the
    window refuses it) and described with its mode and package facts."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            report = _describe(Path(path), assume_crs, project or ProjectCRS())
            if workspace is not None and workspace.is_field:
                report.update(format="Songjiang field package", workspace=workspace.describe(),
                              package={k: workspace.package_meta.get(k) for k in PACKAGE_FIELDS})
        except (ReadError, ValueError, OSError):
            raise
        except Exception as exc:  # a library's surprise is one line naming the file, not a traceback
            first = (str(exc).strip().splitlines() or [""])[0]
            raise ReadError(path, f"cannot be read ({type(exc).__name__}: {first})") from exc
    notes = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    if notes:
        report.setdefault("warnings", []).extend(notes)
    return report


def _describe(path: Path, assume_crs: str | None, project: ProjectCRS) -> dict:
    from layers.loading import is_project
    if is_project(path):
        return describe_project(path)
    kind = sniff(path)
    if kind in ("ifc", "ifczip"):
        from layers.ifc.info import ifc_info
        inner = path
        if kind == "ifczip":
            from layers.ifc.ifczip import extract
            inner = extract(path)
        return {**ifc_info(inner, project), "file": str(path), "format": "IFC", "size_bytes": path.stat().st_size}
    layers = read_path(path, project, ReadOptions(assume_crs=assume_crs, pixels=False))  # imagery: its grid only
    formats = {"raster": "GeoTIFF", "gpkg": "GeoPackage", "json": "GeoJSON"}
    if kind == "json" and any(lyr.meta.get("cityjson_version") for lyr in layers):
        formats["json"] = "CityJSON"
    return {"file": str(path), "format": formats[kind], "project_crs": project.crs,
            "layers": [_layer_report(lyr, project) for lyr in layers]}


def format_text(report: dict) -> str:
    lines = [f"{report['file']}: {report['format']}"]
    if "layers" not in report:
        lines += [f"  {k}: {v}" for k, v in report.items() if k not in ("file", "format")]
        return "\n".join(lines)
    lines.append(f"project CRS: {report['project_crs']}")
    if report.get("package"):
        p = report["package"]
        lines.append(f"field package {p['package_id']}: district {p['district']}, base version {p['base_version']}, "
                     f"made {p['created_at']} by {p['created_by']} (opens in field mode)")
    for lyr in report["layers"]:
        count = (f"{lyr['feature_count']} features" if "feature_count" in lyr
                 else f"{lyr['element_count']} elements" if "element_count" in lyr
                 else f"{lyr['terminal_count']} terminals" if "terminal_count" in lyr
                 else f"{lyr['building_count']} buildings" if "building_count" in lyr
                 else f"{lyr['segment_count']} segments" if "segment_count" in lyr
                 else f"{lyr.get('size')} px")
        lines.append(f"- {lyr['name']} ({lyr['kind']}, {count}, CRS {lyr['crs']})")
        if lyr.get("geometry_types"):
            lines.append(f"    geometry: {', '.join(lyr['geometry_types'])}")
        if lyr["bounds"].get("wgs84"):
            lines.append(f"    WGS84 bounds: {lyr['bounds']['wgs84']}")
        if lyr["bounds"].get("project"):
            lines.append(f"    project bounds: {lyr['bounds']['project']}")
        if lyr.get("datum_transformation"):
            d = lyr["datum_transformation"]
            accuracy = "unknown" if d["accuracy_m"] is None else f"{d['accuracy_m']:g} m"
            lines.append(f"    to {report['project_crs']}: {d['operation']} (accuracy {accuracy})")
        lines += [f"    warning: {w}" for w in lyr["warnings"]]
    lines += [f"warning: {w}" for w in report.get("warnings", [])]
    lines += [f"error: {e}" for e in report.get("errors", [])]
    return "\n".join(lines)
