"""The window's own docks: the layer tree over the legend on the left, the attribute inspector on the right.

Built here and handed to the window (console/app.py), which keeps them; the feature panels add
theirs through their context (console/panels/context.py). ``legend_sections`` is what the legend
shows: a section from each visible layer's adapter, and the BIM condition colours when drawn.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter

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
    column.addWidget(legend)
    column.setStretchFactor(0, 3)
    column.setStretchFactor(1, 1)
    column.setChildrenCollapsible(False)
    layers_dock = _dock(window, "layers", column)
    inspector_dock = _dock(window, "inspector", inspector)
    window.addDockWidget(Qt.LeftDockWidgetArea, layers_dock)
    window.addDockWidget(Qt.RightDockWidgetArea, inspector_dock)
    window.resizeDocks([layers_dock, inspector_dock], [300, 340], Qt.Horizontal)
    return Docks(tree, inspector, legend, layers_dock, inspector_dock)


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
