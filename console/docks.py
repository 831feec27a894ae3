"""The window's own docks: the layer tree over the legend on the left, the attribute inspector on the right.

Built here and handed to the window (console/app.py), which keeps them; the feature panels add
theirs through their context (console/panels/context.py). ``legend_sections`` is what the legend
shows: a section from each visible layer's adapter, and the BIM condition colours when drawn.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QSplitter

from widgets.inspector import Inspector
from widgets.layer_tree import LayerTree
from widgets.legend import LegendPanel


@dataclass(eq=False)
class Docks:
    tree: LayerTree
    inspector: Inspector
    legend: LegendPanel
    layers_dock: QDockWidget
    inspector_dock: QDockWidget

    def retranslate(self, tr):
        self.layers_dock.setWindowTitle(tr("dock.layers"))
        self.inspector_dock.setWindowTitle(tr("dock.inspector"))
        self.tree.retranslate()
        self.inspector.retranslate()


def build(window: QMainWindow, project) -> Docks:
    tree, inspector, legend = LayerTree(project.layers, project.undo), Inspector(), LegendPanel()
    column = QSplitter(Qt.Vertical)
    column.addWidget(tree)
    column.addWidget(_scrolled(legend))
    column.setStretchFactor(0, 1)  # the layer list absorbs a resize (it scrolls); the legend keeps its rows
    column.setStretchFactor(1, 0)
    column.setChildrenCollapsible(False)
    # once laid out (the new rows' labels are measured at the next turn of the event loop)
    legend.reshaped.connect(lambda: QTimer.singleShot(0, column, lambda: _legend_room(column, legend)))
    layers_dock = _dock(window, "layers", column)
    inspector_dock = _dock(window, "inspector", inspector)
    window.addDockWidget(Qt.LeftDockWidgetArea, layers_dock)
    window.addDockWidget(Qt.RightDockWidgetArea, inspector_dock)
    window.resizeDocks([layers_dock, inspector_dock], [300, 340], Qt.Horizontal)
    return Docks(tree, inspector, legend, layers_dock, inspector_dock)


def _legend_room(column: QSplitter, legend: LegendPanel):
    """Room for the whole legend, up to half the column: the layer list above it is short and the
    legend was left one row high. Only when its rows change, so a user's drag of the split stays."""
    total = sum(column.sizes())
    if total <= 0:
        return
    wrapped = legend.heightForWidth(max(1, column.width()))  # the titles wrap in a narrow column
    want = min(max(wrapped, legend.sizeHint().height()) + 4, total // 2)
    if column.sizes()[1] < want:
        column.setSizes([total - want, want])


def _scrolled(legend) -> QScrollArea:
    """The legend scrolls when its part of the column is short: its sections arrive after the
    splitter has sized the column, and a splitter does not grow a pane to a new minimum, so the
    rows were drawn over each other."""
    area = QScrollArea()
    area.setObjectName("legend-scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # titles wrap; the column never widens
    area.setWidget(legend)
    area.setVisible(legend.isVisibleTo(area))
    legend.installEventFilter(_FollowVisibility(area))  # no legend, no empty pane under the layer list
    return area


class _FollowVisibility(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() in (QEvent.ShowToParent, QEvent.HideToParent):
            self.parent().setVisible(ev.type() == QEvent.ShowToParent)
        return False


def _dock(window, name, widget) -> QDockWidget:
    dock = QDockWidget(window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    return dock


def legend_sections(scene) -> list:
    """What the scene draws now, as legend sections (sensor states, BIM condition colours)."""
    sections = [getattr(a, "legend_section", None) for a in scene.adapters.values() if a.layer.visible]
    bim = scene.shared.get("bim-legend")
    sections.append(getattr(bim, "legend_section", None))
    return [s for s in sections if s]
