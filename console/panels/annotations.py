"""Annotations in the window: the dock, placing by clicking in the 3D view, select, edit, move, delete.

Placing: choose a tool, then click on the map (on the ground, or on an HBIM component, whose
GlobalId the annotation keeps). A pin or text takes one click, a callout or arrow two, a
polyline or polygon as many as wanted, ended with a double-click or Enter; Esc cancels.
While a tool is active the left button places instead of orbiting (the middle button pans,
the wheel zooms). Every change is one step on the project's undo stack; in field mode it is
also kept in the package and journalled for sync (console/panels/field_annotations.py).
"""
from __future__ import annotations

import copy
import dataclasses

from PySide6.QtCore import QEvent, QObject, Qt

from console.panels import field_annotations
from layers.annotations import POINTS_NEEDED, Annotation, AnnotationCommand, new_layer
from layers.i18n import tr
from widgets.annotations import AnnotationDock
from layers.layer_kinds import is_kind

OPEN_ENDED = ("polyline", "polygon")


def install(ctx) -> dict:
    return {"annotations": AnnotationPanel(ctx)}


class AnnotationPanel(QObject):
    def __init__(self, ctx):
        super().__init__(ctx.host)
        self.ctx = ctx
        self.widget = AnnotationDock()
        self.dock = ctx.dock("annotations", self.widget, tab_with=ctx.inspector_dock)
        ctx.inspector_dock.raise_()
        self.tool, self.points, self.anchor, self.moving = "", [], "", False
        self.widget.tool_chosen.connect(self.choose_tool)
        self.widget.selection_changed.connect(self.select)
        self.widget.edit_requested.connect(self.edit_selected)
        self.widget.delete_requested.connect(self.delete_selected)
        self.widget.move_requested.connect(self._move_mode)
        ctx.view.hit.connect(self._hit)
        ctx.view.installEventFilter(self)
        ctx.project.layers.events.inserted.connect(lambda *_: self._bind())
        ctx.retranslate_hooks.append(self.retranslate)
        self._bound = None
        self.retranslate()

    def retranslate(self):
        self.dock.setWindowTitle(tr("annotation.dock"))
        self.widget.retranslate()
        self.refresh()

    # the layer -----------------------------------------------------------------------------
    def layer(self, create: bool = False):
        found = next((lyr for lyr in self.ctx.project.layers if is_kind(lyr, "annotations")), None)
        if found is None and create:
            found = new_layer()
            self.ctx.project.layers.append(found)
        self._bind()
        return found

    def _bind(self):
        layer = next((lyr for lyr in self.ctx.project.layers if is_kind(lyr, "annotations")), None)
        if layer is None or layer is self._bound:
            return
        self._bound = layer
        field_annotations.refresh_from_package(self.ctx, layer)
        layer.data.changed.connect(self.refresh)
        layer.view.events.selected.connect(lambda *_: self.refresh())
        self.refresh()

    def reread(self):
        """Field mode: the package's annotations changed behind the layer (a sync brought the centre's)."""
        if self._bound is not None:
            field_annotations.refresh_from_package(self.ctx, self._bound)
            self.refresh()

    def refresh(self):
        layer = self._bound
        if layer is not None:
            self.widget.show_annotations(layer.data, layer.view.selected)

    # placing -----------------------------------------------------------------------------------
    def choose_tool(self, kind: str):
        self.tool, self.points, self.anchor = kind, [], ""
        self.moving = False
        if kind:
            self.dock.raise_()
            self.ctx.status.show(tr("annotation.placing", kind=tr(f"annotation.{kind}")))

    def _move_mode(self, on: bool):
        self.moving = on and bool(self._selected())
        self.tool, self.points = "", []

    def eventFilter(self, obj, ev):
        if not (self.tool or self.moving):
            return False
        t = ev.type()
        if t == QEvent.KeyPress:
            if ev.key() == Qt.Key_Escape:
                self.cancel()
                return True
            if ev.key() in (Qt.Key_Return, Qt.Key_Enter) and self.tool in OPEN_ENDED:
                self.finish()
                return True
        if t in (QEvent.MouseButtonPress, QEvent.MouseButtonRelease, QEvent.MouseButtonDblClick) \
                and ev.button() == Qt.LeftButton:
            if t == QEvent.MouseButtonRelease:
                self.click(ev.position().x(), ev.position().y())
            elif t == QEvent.MouseButtonDblClick and self.tool in OPEN_ENDED:
                self.finish()
            return True  # the left button places: it does not orbit the camera meanwhile
        return False

    def click(self, x: float, y: float):
        """A click at widget position (x, y) while placing or moving."""
        at = self.world_at(x, y)
        if at is None:
            self.ctx.status.show(tr("annotation.off_map"), 4000)
            return
        xyz, anchor = at
        if self.moving:
            self._move_to(xyz)
            return
        self.points.append(list(xyz))
        self.anchor = self.anchor or anchor
        if self.tool not in OPEN_ENDED and len(self.points) >= POINTS_NEEDED[self.tool]:
            self.finish()

    def world_at(self, x: float, y: float):
        """(project-CRS point, HBIM GlobalId or "") under a widget position: a component if one is there."""
        from console.scene.picking import pick
        view = self.ctx.view
        ratio = view.devicePixelRatioF()
        hit = pick(self.ctx.scene, x * ratio, (view.height() - y) * ratio)
        if hit is not None and is_kind(hit.layer, "bim") and all(v == v for v in hit.position):
            return tuple(hit.position), str(hit.attributes.get("guid") or hit.attributes.get("GlobalId") or "")
        ground = view.ground_at(x, y)
        return (ground, "") if ground is not None else None

    def finish(self):
        kind, points = self.tool, self.points
        if not kind or len(points) < POINTS_NEEDED[kind]:
            return self.cancel()
        from console import settings
        style = self.widget.style()
        text = style.pop("text") or (tr("annotation.default_text") if kind in ("text", "callout") else "")
        a = Annotation(kind, points, text=text, anchor=self.anchor, author=settings.operator_name(), **style)
        self.add(a)
        self.points, self.anchor = [], ""
        if kind in OPEN_ENDED:
            self.cancel()

    def add(self, a: Annotation):
        layer = self.layer(create=True)
        if not self._push(layer, "annotation.undo_add", None, a):
            return
        layer.view.select([a.id])
        self.ctx.status.show(tr("annotation.added", kind=tr(f"annotation.{a.kind}")), 4000)

    def _push(self, layer, key: str, before, after) -> bool:
        """One undoable change; in field mode kept in the package first (field_annotations), or told and not made."""
        from offline.guard import StoreRefused
        try:
            self.ctx.undo.push(AnnotationCommand(layer.data, tr(key), before, after,
                                                sink=field_annotations.sink(self.ctx)))
        except StoreRefused as exc:
            self.ctx.report_error(str(exc))
            return False
        return True

    def cancel(self):
        self.tool, self.points, self.anchor, self.moving = "", [], "", False
        self.widget.end_tool()

    # selecting and editing -----------------------------------------------------------------------
    def _hit(self, hit):
        if self.tool or self.moving or hit is None or not is_kind(hit.layer, "annotations"):
            return
        items = list(hit.layer.data)
        if 0 <= hit.feature < len(items):
            self.select([items[hit.feature].id])
            self.dock.raise_()

    def select(self, ids):
        layer = self.layer()
        if layer is not None:
            layer.view.select(ids)

    def _selected(self) -> list[Annotation]:
        layer = self.layer()
        if layer is None:
            return []
        return [layer.data.get(i) for i in layer.view.selected if i in layer.data.items]

    def edit_selected(self, changes: dict):
        layer = self.layer()
        for a in self._selected():
            after = dataclasses.replace(copy.deepcopy(a), **changes)
            if after != a:
                self._push(layer, "annotation.undo_edit", a, after)

    def delete_selected(self):
        layer = self.layer()
        for a in self._selected():
            self._push(layer, "annotation.undo_delete", a, None)
        if layer is not None:
            layer.view.select([])

    def _move_to(self, xyz):
        layer = self.layer()
        for a in self._selected():
            dx, dy, dz = (xyz[k] - a.points[0][k] for k in range(3))
            moved = [[p[0] + dx, p[1] + dy, p[2] + dz] for p in a.points]
            self._push(layer, "annotation.undo_move", a, dataclasses.replace(copy.deepcopy(a), points=moved))
        self.cancel()
