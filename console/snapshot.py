"""Headless rendering: the same scene as the window, offscreen, no Qt.

Every layer kind the window shows is drawn here too (the kind registry gives the
adapters): the embedded data, the HBIM models with their view state, the sensor
layer in its last known state (or as recorded at ``--time``), and saved projects.
"""
from __future__ import annotations

import logging
import os
import time as _time
from pathlib import Path

from layers.bookmarks import default_bookmarks
from layers.districts import WHOLE
from layers.loading import default_specs, file_spec, is_project, load_project, load_spec
from layers.progress import NULL_PROGRESS
from layers.project import Project
from layers.layer_kinds import is_kind

log = logging.getLogger(__name__)


def build_project(files=(), assume_crs=None, embedded=True, progress=None, project_crs=None,
                  at_time: float | None = None, workspace=None) -> Project:
    """A saved project (the first .sjproj given) or the default scene, then the other files on top.

    ``workspace`` (offline/workspace.py, default: the workstation's): a field package's scene instead of the
    embedded one, with its records and no sensor history, as the window opens it (``--offline``).

    ReadError propagates: a headless command fails with one line rather than drawing less than asked.
    """
    from layers.crs import ProjectCRS
    progress = progress or NULL_PROGRESS
    files = list(files)
    projects = [f for f in files if is_project(f)]
    if len(projects) > 1:
        raise ValueError("give at most one .sjproj project file")
    from offline.workspace import Workspace
    workspace = workspace or Workspace.open(at_time=at_time)
    if workspace.is_field:  # the package's scene instead of the embedded one (console/field.py)
        from console.field import package_project
        project = package_project(workspace, ProjectCRS(project_crs) if project_crs else None)
    elif projects:
        project = load_project(projects[0], progress)
        files.remove(projects[0])
    else:
        project = Project(crs=ProjectCRS(project_crs)) if project_crs else Project()
        for spec in (default_specs() if embedded else []):
            project.layers.extend(load_spec(spec, project.crs, progress))
    for f in files:
        project.layers.extend(load_spec(file_spec(f, assume_crs), project.crs, progress))
    found = default_bookmarks(project.layers)
    project.bookmarks = {**found, **project.bookmarks}
    prepare_views(project, at_time, workspace)
    return project


def prepare_views(project: Project, at_time: float | None = None, workspace=None):
    """What the window's panels supply before a frame: HBIM grades for colour-by, sensor readings.

    The records and the sensor history are the workspace's (a field package's own records; no history).
    """
    from offline.workspace import Workspace
    workspace = workspace or Workspace.open(at_time=at_time)
    bim = [lyr for lyr in project.layers if is_kind(lyr, "bim") and lyr.view.colour_by in ("condition", "damage")]
    if bim:
        from offline.hbim_seed import grades
        store = workspace.open_records()
        try:
            table = grades(store)
        finally:
            store.close()
        for layer in bim:
            layer.view.set_grades(table)
    for layer in project.layers:
        if is_kind(layer, "sensors"):
            layer.data.history_path = workspace.sensor_history
            replay_history(layer.data, at_time)
    from layers.hub.bindings import apply
    apply(project.layers, at_time)  # the hub's building systems in their terminals' states


def replay_history(model, at_time: float | None):
    """The sensor layer as recorded at ``at_time`` (default: its last observation), when there is a history.

    Without a history file (or an empty one) the layer has no data: exports say so
    (console/export/sensor_data.py) instead of showing every terminal offline as of now.
    """
    path = model.history_path
    if path is None or not Path(path).is_file() or not Path(path).stat().st_size:
        if at_time is not None:
            raise ValueError(f"--time needs a sensor history, and {path or 'none'} does not exist")
        return
    from offline.history import HistoryReader
    # read-only, one read transaction: a window or `record` may be writing this file right now
    with HistoryReader(path) as history, history.moment() as store:
        t = store.latest() if at_time is None else at_time
        if t is None:
            return
        sensors, times, values = store.at(t)
        if not len(sensors):
            if at_time is not None:
                raise ValueError(f"{path}: no sensor readings at or before the time asked for")
            return
        model.set_replay(t, sensors, times, values, store.alarms_at(t))
        model.feed_label = store.meta("feed") or ""


def offscreen_window(width: int, height: int):
    """The one offscreen render window: snapshot, exports, the daily report, benches and tests."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        # Without a display, VTK's X window fails first; go straight to EGL.
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    from console.vtk_imports import vtkRenderWindow
    window = vtkRenderWindow()
    window.SetOffScreenRendering(1)
    window.SetMultiSamples(0)
    window.SetSize(width, height)
    return window


def frame_rgb(window, rerender: bool = True):
    """The last rendered frame as an (H, W, 3) uint8 array, row 0 at the top (``rerender=False``:
    the frame as drawn, read inside a frame's EndEvent)."""
    from console.vtk_imports import vtk_to_numpy, vtkWindowToImageFilter
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.SetShouldRerender(rerender)
    grab.ReadFrontBufferOff()
    grab.Update()
    img = grab.GetOutput()
    w, h, _ = img.GetDimensions()
    return vtk_to_numpy(img.GetPointData().GetScalars()).reshape(h, w, -1)[::-1, :, :3].copy()


def check_view(project, view: str | None) -> str | None:
    """The bookmark to render: ``view``, else the project's saved camera (None), else new-city."""
    if view is None and not project.camera:
        view = WHOLE
    if view is not None and view not in project.bookmarks:
        raise KeyError(f"unknown view {view!r}; choose from {', '.join(project.bookmarks)}")
    return view


def render_view(project: Project, view: str | None, width: int, height: int):
    """Render a bookmark (or the project's saved camera when ``view`` is None) offscreen.

    Returns (window, scene) for callers that probe pixels.
    """
    from console.scene.camera import apply_bookmark, restore_camera
    from console.scene.scene import Scene
    from console.vtk_imports import quiet_vtk_logging
    quiet_vtk_logging()
    view = check_view(project, view)
    window = offscreen_window(width, height)
    scene = Scene(project.crs, project.layers)
    scene.set_theme(project.theme)
    scene.attach(window)
    if view is not None:
        apply_bookmark(scene.renderer, project.bookmarks[view], project.crs)
    else:
        restore_camera(scene.renderer, project.camera, project.crs)
    window.Render()
    return window, scene


def snapshot(view: str | None, size: tuple[int, int], out, files=(), assume_crs=None, project_crs=None,
             at_time: float | None = None, theme: str | None = None, workspace=None) -> Path:
    project = build_project(files, assume_crs, project_crs=project_crs, at_time=at_time, workspace=workspace)
    project.theme = theme or project.theme
    window, _ = render_view(project, view, *size)
    from console.png import write_png
    path = write_png(frame_rgb(window, rerender=False), out)  # the frame render_view drew: not a second render
    window.Finalize()
    return path
