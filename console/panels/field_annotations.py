"""Annotations in field mode: kept in the field package and journalled for sync, like record edits.

The annotations panel (console/panels/annotations.py) asks here where an annotation change
goes. When the window's records are a field package (the one opener, offline/records.py,
decided it by the file), each change is written into the package with its outbox row
(offline/field/annotations.py) before the map shows it; the package's annotations layer
("annotations:package", console/field.py) shows what the package holds, so a project saved
in field mode and reopened later shows the package's annotations, not the project's copy.
"""
from __future__ import annotations

from layers.annotations import PACKAGE_SOURCE, Annotation


def _package(ctx):
    hbim = ctx.panels.hbim
    return hbim.package_records() if hbim is not None else None


def sink(ctx):
    """Where an annotation change is kept besides the project: the package's journal, or None (workstation)."""
    store = _package(ctx)
    if store is None:
        return None
    from offline.field.annotations import write_annotation
    return lambda before, after: write_annotation(store, before, after)


def refresh_from_package(ctx, layer):
    """Field mode: the package's annotations layer shows what the package holds.

    Read without opening the records (this runs while the loaders' GDAL reads the same file).
    """
    if layer.source != PACKAGE_SOURCE:
        return
    from offline.field.annotations import read_annotations
    from offline.field.package import is_package
    path = ctx.workspace.hbim_path  # the records the workspace opened (a package's own in field mode)
    if is_package(path):
        layer.data.reset(Annotation.from_dict(d) for d in read_annotations(path))
