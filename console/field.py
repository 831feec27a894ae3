"""Field mode: the window on one field package, with no network at all.

``songjiang-console --offline FILE.gpkg`` checks the package (offline.package.open_package,
read-only: a damaged one is refused before any window opens), then loads its map tables,
its HBIM models (IFC files extracted to the cache folder) and its sensor snapshot instead
of the embedded scene; the HBIM panel reads and writes the package's own hbim_* tables, and
annotations placed meanwhile are kept in the package too (console/panels/field_annotations.py),
all through offline/records.open_records, which journals every edit for ``package sync``.
No feed starts and no sensor history is recorded. The title and status bar say "field mode".
``snapshot --offline FILE.gpkg`` renders the same scene headless (``package_project``).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import shapely

from layers.annotations import PACKAGE_SOURCE as ANNOTATIONS
from layers.package_strings import STRINGS
from layers.bookmarks import bookmark_for_extent
from layers.districts import DISTRICT_IDS, district
from layers.crs import WGS84, transform_xy
from layers.i18n import tr
from layers.spec import LayerSpec
from offline.package import open_package  # every check of `package verify`; StoreRefused names file and check

log = logging.getLogger(__name__)
BOOKMARK = "package"


def prepare_environment():
    """No live feed and no recording: set before the window builds its sensor panel."""
    os.environ["SONGJIANG_NO_FEED"] = "1"
    os.environ["SONGJIANG_SENSOR_HISTORY"] = ""


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
        zh, en = names.get(ifc.name, (ifc.stem, ifc.stem))
        specs.append(LayerSpec(source=str(ifc), name=zh, name_en=en, group="HBIM"))
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


def package_project(path, project_crs=None):
    """Headless field mode (`snapshot --offline`): the checked package as a loaded Project, framed on its area."""
    from layers.loading import load_spec
    from layers.project import Project
    meta = open_package(path)
    project = Project(crs=project_crs) if project_crs is not None else Project()
    for spec in field_specs(Path(path), meta):
        project.layers.extend(load_spec(spec, project.crs))
    bm = _area_bookmark(meta, project.crs.crs)
    if bm is not None:
        project.bookmarks[BOOKMARK] = bm
    return project


def _created(meta: dict) -> str:
    """When the package (and so its sensor snapshot) was made, as the sensor panel writes times."""
    from datetime import datetime

    from layers.sensors.strings import fmt_time
    try:
        return fmt_time(datetime.fromisoformat(meta.get("created_at", "")).timestamp())
    except ValueError:
        return ""


def package_of(specs) -> Path | None:
    """The field package a saved project was made on (its sensor layer is the package's snapshot)."""
    from layers.sensors.snapshot import PACKAGE_PREFIX
    return next((Path(s.source[len(PACKAGE_PREFIX):]) for s in specs if s.source.startswith(PACKAGE_PREFIX)), None)


def enter_field_mode(window, path, meta: dict) -> list[LayerSpec]:
    """Bind the window to the package (records, title, start view); returns the layers to load."""
    bind(window, path, meta)
    bm = _area_bookmark(meta, window.project.crs.crs)
    if bm is not None:
        window.project.bookmarks[BOOKMARK] = bm
        window.start_view = BOOKMARK
    return field_specs(Path(path).resolve(), meta)


def bind(window, path, meta: dict):
    """Records into the package, "field mode" in the title and status bar (also for a saved field project)."""
    from PySide6.QtWidgets import QLabel
    path = Path(path).resolve()
    first = window.field_package is None
    window.field_package = path
    window.hbim_store_path = path  # the HBIM panel opens the package's hbim_* tables
    panel = getattr(window, "hbim", None)
    if panel is not None:
        panel.use_store(path)
    if not first:
        window.field_meta = meta
        window.retranslate()
        return
    label = QLabel()
    label.setObjectName("field_mode")
    window.statusBar().addPermanentWidget(label)

    window.field_meta = meta

    def retitle():
        mode, name, made = tr("field.mode"), window.field_package.name, _created(window.field_meta)
        window.setWindowTitle(tr("field.title", app=tr("app.title"), mode=mode, name=name))
        label.setText(f"<b>{mode}</b> · {name}" + (f" · {tr('field.snapshot', time=made)}" if made else ""))
    window.retranslate_hooks.append(retitle)
    retitle()
