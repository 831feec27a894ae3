"""Projects and loaded layers in the window: open and save a project, put loaded layers in their place.

The window (console/app.py) calls these and keeps the results; the dialogs that ask for a
path are in console/dialogs.py.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from console.scene.camera import camera_state
from layers import i18n
from layers.bookmarks import default_bookmarks
from layers.i18n import tr
from layers.project import Project, ProjectFileError, open_project

log = logging.getLogger(__name__)
BOOKMARK_SOURCES = ("districts.geojson", "new_city_extent.geojson")  # layers whose areas become bookmarks


@dataclass
class Opened:
    project: Project   # the project file's settings (its layers are the specs, read again)
    specs: list


def read_project(path, workspace, report_error) -> Opened | None:
    """The project file, or None (told as one line). A project saved in field mode re-enters it, checked first."""
    try:
        opened, specs = open_project(path)
    except (ProjectFileError, OSError) as exc:
        report_error(str(exc))
        return None
    from console.field import package_of
    package = package_of(specs)
    if package is not None:
        from offline.guard import StoreRefused
        from offline.package.extract import extract_models
        try:
            workspace.enter_package(package)
            extract_models(package, workspace.package_meta["package_id"])  # the cache may be emptied
        except StoreRefused as exc:
            report_error(str(exc))
            return None
    return Opened(opened, specs)


def adopt(project: Project, scene, opened: Project):
    """The window's project takes the opened one's settings; its layers go (the specs are loaded next)."""
    for layer in list(project.layers):
        project.layers.remove(layer)
    project.bookmarks = opened.bookmarks
    project.camera = opened.camera
    project.crs = scene.project = opened.crs  # layers are re-read into it
    project.path = opened.path
    project.undo.clear()


def save_project(project: Project, scene, path) -> Path:
    project.camera = camera_state(scene.renderer, project.crs)
    saved = project.save(path)
    project.camera = None
    return saved


def save_reporting(project: Project, scene, path, status, report_error) -> Path | None:
    """File › Save project: a failure (read-only folder, full disk) is told, not swallowed."""
    try:
        saved = save_project(project, scene, path)
    except OSError as exc:
        report_error(tr("error.save", msg=str(exc)), "error.save_title")
        return None
    status.show(tr("status.saved", name=str(saved)), 5000)
    return saved


def insert_loaded(project: Project, layers, report_error) -> bool:
    """Insert in the order asked for (not the order loads finish); True when the bookmarks changed."""
    for layer in layers:
        order = layer.order
        at = next((i for i, other in enumerate(project.layers) if other.order > order),
                  len(project.layers))
        try:
            project.layers.insert(at, layer)
        except Exception as exc:  # noqa: BLE001 — e.g. a kind whose adapter cannot load
            cause = getattr(exc, "__cause__", None) or exc
            report_error(f"{layer.source}: cannot show layer {layer.name!r} ({cause})")
            if layer in project.layers:
                project.layers.remove(layer)
    if not any(lyr.source.endswith(BOOKMARK_SOURCES) for lyr in layers):
        return False
    found = default_bookmarks(project.layers)
    rest = {k: v for k, v in project.bookmarks.items() if k not in found}
    project.bookmarks = {**found, **rest}
    return True


def loaded_messages(project: Project, layers) -> list[tuple[str, int]]:
    """The status-bar lines after a load: what loaded, and what lies outside the project area."""
    messages = [(tr("status.loaded", name=", ".join(i18n.layer_name(x) for x in layers)), 4000)]
    far = [i18n.layer_name(x) for x in layers if x.outside_area]
    if far:  # loaded and listed, but the camera stays on the project area (console/scene/clipping.py)
        message = tr("status.outside_area", name=", ".join(far), crs=project.crs.crs)
        log.warning("%s", message)
        messages.append((message, 15000))
    return messages
