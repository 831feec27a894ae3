"""The layer tree: check to show, drag to reorder, opacity slider, zoom to layer.

Top of the tree is the layer drawn last (the end of the LayerList).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QMenu, QSlider, QStyle, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from layers.i18n import layer_name, tr
from layers.undo import set_layer_property

ID_ROLE = Qt.UserRole + 1


class _Tree(QTreeWidget):
    reordered = Signal()

    def dropEvent(self, event):
        super().dropEvent(event)
        self.reordered.emit()


class LayerTree(QWidget):
    zoom_requested = Signal(str)   # layer id
    remove_requested = Signal(str)

    def __init__(self, layers, undo=None, parent=None):
        super().__init__(parent)
        self.layers = layers
        self.undo = undo  # layers/undo.py UndoStack: check boxes and opacity are undoable steps
        self._opacity_before = None
        self.tree = _Tree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragDropMode(QAbstractItemView.InternalMove)
        self.tree.setContextMenuPolicy(Qt.CustomContextMenu)
        self.opacity_label = QLabel()
        self.opacity = QSlider(Qt.Horizontal)
        self.opacity.setRange(0, 100)
        row = QHBoxLayout()
        row.addWidget(self.opacity_label)
        row.addWidget(self.opacity)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.tree)
        box.addLayout(row)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._sync_slider())
        self.tree.itemDoubleClicked.connect(lambda item, _: self.zoom_requested.emit(item.data(0, ID_ROLE)))
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.reordered.connect(self._apply_order)
        self.opacity.valueChanged.connect(self._opacity_changed)
        self.opacity.sliderPressed.connect(self._opacity_pressed)
        self.opacity.sliderReleased.connect(self._opacity_released)
        for signal in (layers.events.inserted, layers.events.removed, layers.events.moved):
            signal.connect(lambda *_: self.refresh())
        self._watched: list = []
        self.refresh()
        self.retranslate()

    def retranslate(self):
        self.opacity_label.setText(tr("layers.opacity"))
        self.refresh()

    def _watch(self):
        """Tick boxes follow visibility changed elsewhere (code, projects, panels)."""
        for layer, fn in self._watched:
            layer.events.visible.disconnect(fn)
        self._watched = []
        for layer in self.layers:
            fn = (lambda v, *_, lid=layer.id: self._sync_check(lid, v))
            layer.events.visible.connect(fn)
            self._watched.append((layer, fn))

    def _sync_check(self, layer_id, visible):
        item = self.item_for(layer_id)
        if item is not None and (item.checkState(0) == Qt.Checked) != bool(visible):
            self.tree.blockSignals(True)
            item.setCheckState(0, Qt.Checked if visible else Qt.Unchecked)
            self.tree.blockSignals(False)

    def refresh(self):
        self._watch()
        current = self.current_id()
        self.tree.blockSignals(True)
        self.tree.clear()
        for layer in reversed(list(self.layers)):
            item = QTreeWidgetItem([layer_name(layer)])
            item.setData(0, ID_ROLE, layer.id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsDragEnabled)
            item.setFlags(item.flags() & ~Qt.ItemIsDropEnabled)
            item.setCheckState(0, Qt.Checked if layer.visible else Qt.Unchecked)
            item.setToolTip(0, "\n".join([_tooltip(layer), *layer.meta.get("warnings", [])]))
            if layer.outside_area:  # the badge: far from the project area, maybe off screen
                item.setIcon(0, self.style().standardIcon(QStyle.SP_MessageBoxWarning))
            self.tree.addTopLevelItem(item)
            if layer.id == current:
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self._sync_slider()

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item else None

    def item_for(self, layer_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, ID_ROLE) == layer_id:
                return item
        return None

    def _item_changed(self, item, _column):
        layer = self.layers.by_id(item.data(0, ID_ROLE))
        if layer is None:
            return
        visible = item.checkState(0) == Qt.Checked
        if self.undo is not None:
            set_layer_property(self.undo, layer, "visible", visible, f"{layer_name(layer)}: {tr('layers.visible')}")
        else:
            layer.visible = visible

    def _sync_slider(self):
        layer = self.layers.by_id(self.current_id() or "")
        self.opacity.setEnabled(layer is not None)
        if layer is not None:
            self.opacity.blockSignals(True)
            self.opacity.setValue(round(layer.opacity * 100))
            self.opacity.blockSignals(False)

    def _opacity_changed(self, value):
        layer = self.layers.by_id(self.current_id() or "")
        if layer is None:
            return
        if self.undo is None or self.opacity.isSliderDown():
            layer.opacity = value / 100.0  # a drag is one step, filed on release
        else:
            set_layer_property(self.undo, layer, "opacity", value / 100.0,
                               f"{layer_name(layer)}: {tr('layers.opacity')}")

    def _opacity_pressed(self):
        layer = self.layers.by_id(self.current_id() or "")
        self._opacity_before = (layer, layer.opacity) if layer is not None else None

    def _opacity_released(self):
        if self._opacity_before is None or self.undo is None:
            return
        layer, before = self._opacity_before
        self._opacity_before = None
        after = layer.opacity
        if after != before:
            self.undo.record(f"{layer_name(layer)}: {tr('layers.opacity')}",
                             lambda: setattr(layer, "opacity", before), lambda: setattr(layer, "opacity", after))

    def _apply_order(self):
        """Make the LayerList follow the order the user dragged the items into."""
        wanted = [self.tree.topLevelItem(i).data(0, ID_ROLE)
                  for i in range(self.tree.topLevelItemCount())][::-1]
        for target, layer_id in enumerate(wanted):
            src = next(i for i, lyr in enumerate(self.layers) if lyr.id == layer_id)
            if src != target:
                self.layers.move(src, target)
        self.refresh()

    def _menu(self, pos):
        item = self.tree.itemAt(pos)
        if item is None:
            return
        layer_id = item.data(0, ID_ROLE)
        menu = QMenu(self)
        menu.addAction(tr("layers.zoom_to"), lambda: self.zoom_requested.emit(layer_id))
        menu.addAction(tr("layers.remove"), lambda: self.remove_requested.emit(layer_id))
        menu.exec(self.tree.viewport().mapToGlobal(pos))


def _tooltip(layer) -> str:
    """Source, CRS and the datum route the layer took (an unknown-accuracy route says so)."""
    lines = [layer.source, layer.source_crs]
    route = layer.meta.get("datum")
    if route:
        accuracy = "accuracy unknown" if route.get("accuracy_m") is None else f"accuracy {route['accuracy_m']:g} m"
        lines.append(f"→ {route['operation']} ({accuracy})")
        if route.get("ballpark"):
            lines.append("ballpark: datum shift ignored, may be off by 100 m or more")
    return "\n".join(str(v) for v in lines)
