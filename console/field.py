"""Field mode: the console on one field package, with no network at all.

``songjiang-console --offline FILE.gpkg`` and ``snapshot --offline FILE.gpkg`` both open a
``Workspace`` on the package (offline/workspace.py: checked with every check of ``package
verify``, so a damaged one is refused before any window opens; no feed, no sensor history;
the HBIM records are the package's own, through offline/records.open_records, which journals
every edit for ``package sync``). This module turns such a workspace into the layers to load:
the package's map tables, its HBIM models (IFC files extracted to the cache folder), its sensor
snapshot and its annotations, and its area as the start bookmark. The window's "field mode"
title and status are console/panels/field_mode.py.
"""
from __future__ import annotations

import logging
from pathlib import Path

import shapely

from layers.annotations import PACKAGE_SOURCE as ANNOTATIONS
from layers.package_strings import STRINGS
from layers.bookmarks import bookmark_for_extent
from layers.districts import DISTRICT_IDS, district
from layers.crs import WGS84, transform_xy
from layers.spec import LayerSpec
from offline.workspace import PACKAGE_BOOKMARK as BOOKMARK  # where field mode starts

log = logging.getLogger(__name__)


def field_specs(path: Path, meta: dict) -> list[LayerSpec]:
    from layers.sensors.snapshot import PACKAGE_PREFIX
    from offline.package.extract import extract_models, import_tessellations, layer_entries, model_styles
    path = Path(path).resolve()
    specs = [LayerSpec(source=str(path), table=e["table"], name=e.get("name_zh") or e["table"],
                       name_en=e.get("name_en"), role=e.get("role") or None, style=dict(e.get("style") or {}),
                       visible=e.get("visible", True), opacity=e.get("opacity", 1.0), group=e.get("group", ""))
             for e in layer_entries(path)]
    import_tessellations(path)
    names = model_styles(path)
    for ifc in extract_models(path, meta["package_id"]):
        zh, en, group = names.get(ifc.name, (ifc.stem, ifc.stem, "HBIM"))
        specs.append(LayerSpec(source=str(ifc), name=zh, name_en=en, group=group))
    specs.append(LayerSpec(source=PACKAGE_PREFIX + str(path), name="", style={"colour_by": "state"}))
    specs.append(LayerSpec(source=ANNOTATIONS, name="标注", name_en="Annotations", data=package_annotations(path)))
    return specs


def package_annotations(path) -> list[dict]:
    """The annotations placed in the package (offline/field/annotations.py), read without writing to it."""
    from offline.field.annotations import read_annotations
    return read_annotations(path)


def _area_bookmark(meta: dict, crs: str):
    area = shapely.from_wkt(meta.get("area_wkt", "")) if meta.get("area_wkt") else None
    if area is None or area.is_empty:
        return None
    minx, miny, maxx, maxy = area.bounds
    xs, ys = transform_xy([minx, maxx], [miny, maxy], WGS84, crs)
    name = meta.get("district", "")
    zh, en = district(name).name if name in DISTRICT_IDS else STRINGS["field.package"]
    return bookmark_for_extent(BOOKMARK, zh, en, min(xs), min(ys), max(xs), max(ys))


def workspace_specs(workspace, project) -> list[LayerSpec]:
    """The layers a workspace opens with: a field package's (its area the start bookmark), else the base map."""
    if not workspace.is_field:
        from layers.loading import embedded_specs
        return embedded_specs()
    bm = _area_bookmark(workspace.package_meta, project.crs.crs)
    if bm is not None:
        project.bookmarks[BOOKMARK] = bm
    return field_specs(workspace.package, workspace.package_meta)


def package_project(workspace, project_crs=None):
    """Headless field mode (`snapshot --offline`): the workspace's package as a loaded Project, framed on its area."""
    from layers.loading import load_spec
    from layers.project import Project
    project = Project(crs=project_crs) if project_crs is not None else Project()
    for spec in workspace_specs(workspace, project):
        project.layers.extend(load_spec(spec, project.crs))
    return project


def package_of(specs) -> Path | None:
    """The field package a saved project was made on (its sensor layer is the package's snapshot)."""
    from layers.sensors.snapshot import PACKAGE_PREFIX
    return next((Path(s.source[len(PACKAGE_PREFIX):]) for s in specs if s.source.startswith(PACKAGE_PREFIX)), None)
