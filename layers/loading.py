"""Turning layer specs (embedded assets, project entries, files) into loaded layers.

Used by the window's workers and by the headless commands alike, so both show
the same scene: ``default_specs`` is the start-up scene of every path, and
``load_project`` opens a saved project without a window.
"""
from __future__ import annotations

import logging

from layers import layer_kinds
from layers.layer import Layer
from layers.progress import NULL_PROGRESS, Progress
from layers.readers import ReadOptions, read_path
from layers.spec import ASSET_PREFIX, LayerSpec

log = logging.getLogger(__name__)


def embedded_specs() -> list[LayerSpec]:
    """The embedded Songjiang layers (terrain, imagery, vectors)."""
    import assets
    return [LayerSpec(source=ASSET_PREFIX + d["file"], name=d.get("name_zh") or d["file"],
                      name_en=d.get("name_en"), role=d.get("role"), style=dict(d.get("style", {})),
                      visible=d.get("visible", True), opacity=d.get("opacity", 1.0), group=d.get("group", ""))
            for d in assets.DEFAULT_LAYERS]


def default_specs() -> list[LayerSpec]:
    """The scene the console opens on: the embedded data, then what each layer kind adds (HBIM, sensors)."""
    return embedded_specs() + layer_kinds.default_specs()


def prepare(layer: Layer, project_crs=None) -> Layer:
    """Work done off the GUI thread so adding the layer to the scene is quick."""
    layer_kinds.check(layer)
    far = project_crs.outside_area(layer.bounds) if project_crs is not None else None
    if far:  # the window badges it and the clipping planes never follow it (console/scene/clipping.py)
        layer.outside_area = True
        warnings = layer.meta.setdefault("warnings", [])
        if not any("area of use" in w for w in warnings):  # an IFC origin already says so
            warnings.append(far)
    layer_kinds.of(layer).prepare_layer(layer)
    return layer


def tessellate(layer) -> None:
    """A vector layer's ``prepare`` hook: its triangles, made on the loader's thread."""
    layer.data.tessellation()


def load_spec(spec: LayerSpec, project_crs, progress: Progress = NULL_PROGRESS) -> list[Layer]:
    """Read one spec; may return several layers (GeoPackage tables)."""
    kind = layer_kinds.source_for(spec.source)
    if kind is not None:
        layers = layer_kinds.resolve(kind.source)(spec, project_crs, progress)
    else:
        role = spec.role if spec.role in ("terrain", "imagery", "buildings") else None
        options = ReadOptions(assume_crs=spec.assume_crs, role=role, placement=spec.placement, table=spec.table)
        layers = read_path(spec.resolve(), project_crs, options, progress)
    return [prepare(lyr, project_crs) for lyr in spec.apply(layers)]


def file_spec(path, assume_crs: str | None = None, role: str | None = None) -> LayerSpec:
    return LayerSpec.for_file(path, assume_crs, role)


def is_project(path) -> bool:
    return str(path).lower().endswith(".sjproj")


def load_project(path, progress: Progress = NULL_PROGRESS, on_error=None):
    """A saved project with every layer read (headless: snapshot, info).

    A layer that cannot be read is reported through ``on_error(message)`` and
    left out, as the window does; without ``on_error`` the first ReadError propagates.
    """
    from layers.project import open_project
    project, specs = open_project(path)
    for spec in specs:
        try:
            project.layers.extend(load_spec(spec, project.crs, progress))
        except Exception as exc:
            if on_error is None:
                raise
            on_error(str(exc))
    from layers.bookmarks import default_bookmarks
    project.bookmarks = {**default_bookmarks(project.layers), **project.bookmarks}
    return project
