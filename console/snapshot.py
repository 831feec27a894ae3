"""Headless rendering: the same scene as the window, offscreen, no Qt."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from layers.bookmarks import default_bookmarks
from layers.loading import embedded_specs, file_spec, load_spec
from layers.project import Project


def build_project(files=(), assume_crs=None, embedded=True, progress=None, project_crs=None) -> Project:
    """Embedded Songjiang layers, then the user's files on top (ReadError propagates)."""
    from layers.crs import ProjectCRS
    from layers.progress import NULL_PROGRESS
    project = Project(crs=ProjectCRS(project_crs)) if project_crs else Project()
    specs = (embedded_specs() if embedded else []) + [file_spec(f, assume_crs) for f in files]
    for spec in specs:
        project.layers.extend(load_spec(spec, project.crs, progress or NULL_PROGRESS))
    project.bookmarks = default_bookmarks(project.layers)
    return project


def offscreen_window(width: int, height: int):
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        # Without a display, VTK's X window fails first; go straight to EGL.
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    from console.vtk_imports import vtkRenderWindow
    window = vtkRenderWindow()
    window.SetOffScreenRendering(1)
    window.SetMultiSamples(0)
    window.SetSize(width, height)
    return window


def write_png(window, out: Path) -> Path:
    """Write through a temp file and rename, so a crash never leaves half a PNG."""
    from console.vtk_imports import vtkPNGWriter, vtkWindowToImageFilter
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.ReadFrontBufferOff()
    grab.Update()
    out = Path(out)
    fd, tmp = tempfile.mkstemp(suffix=".png", prefix=f".{out.stem}.", dir=out.parent or ".")
    os.close(fd)
    try:
        writer = vtkPNGWriter()
        writer.SetInputConnection(grab.GetOutputPort())
        writer.SetFileName(tmp)
        writer.Write()
        if writer.GetErrorCode():
            raise OSError(f"{out}: cannot write PNG (VTK error {writer.GetErrorCode()})")
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


def render_view(project: Project, view: str, width: int, height: int):
    """Render a bookmark offscreen; returns (window, scene) for callers that probe pixels."""
    from console.scene.camera import apply_bookmark
    from console.scene.scene import Scene
    from console.vtk_imports import quiet_vtk_logging
    quiet_vtk_logging()
    if view not in project.bookmarks:
        raise KeyError(f"unknown view {view!r}; choose from {', '.join(project.bookmarks)}")
    window = offscreen_window(width, height)
    scene = Scene(project.crs, project.layers)
    window.AddRenderer(scene.renderer)
    apply_bookmark(scene.renderer, project.bookmarks[view], project.crs)
    window.Render()
    return window, scene


def snapshot(view: str, size: tuple[int, int], out, files=(), assume_crs=None, project_crs=None) -> Path:
    project = build_project(files, assume_crs, project_crs=project_crs)
    window, _ = render_view(project, view, *size)
    path = write_png(window, out)
    window.Finalize()
    return path
