"""What a feature panel gets from the window: a typed context, never the window itself.

A panel (console/panels/*) builds its docks, menus and tools from this: the workspace and
project it shows, the scene and the 3D view, the undo stack, the window's actions by id
(console/actions.py), the status bar, the one error line (``report_error``) and the few verbs
of the window a panel may ask for (fly to, load). ``host`` is the widget docks, toolbars and
dialogs are parented to: it is passed on, never reached into (tests/test_architecture.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QToolBar, QWidget


@dataclass(eq=False)
class PanelContext:
    workspace: Any                 # offline/workspace.py Workspace: mode, stores, feed, clock
    project: Any                   # layers/project.py Project (its layers, bookmarks, undo stack)
    scene: Any                     # console/scene/scene.py Scene
    view: Any                      # console/view3d.py View3D: hit/picked signals, frame time
    loader: Any                    # console/loader.py Loader: ``finished`` once all loads are done
    actions: Any                   # console/actions.py Actions: menus and actions by id
    status: Any                    # console/status.py Status: ``show(text, ms)``, ``add_permanent(widget)``
    panels: Any                    # console/panels Panels: the other panels, by name
    inspector: Any                 # widgets/inspector.py Inspector (the attribute tab)
    inspector_dock: QDockWidget
    tree: Any                      # widgets/layer_tree.py LayerTree
    host: QWidget                  # parent of docks, toolbars, dialogs; passed on, never reached into
    report_error: Callable[..., None]
    fly_to: Callable[..., None]    # a bookmark id or a Bookmark; ``animate=False`` jumps
    load_specs: Callable[[list], list]
    add_dock: Callable[..., None]  # (area, dock): the window's addDockWidget
    tabify: Callable[[QDockWidget, QDockWidget], None]
    add_toolbar: Callable[[QToolBar], None]
    set_title: Callable[[str], None]
    retranslate_hooks: list = field(default_factory=list)  # called after a language switch
    close_hooks: list = field(default_factory=list)        # called first when the window closes

    @property
    def undo(self):
        return self.project.undo

    def dock(self, name: str, widget: QWidget, area=Qt.RightDockWidgetArea, tab_with: QDockWidget | None = None):
        """A dock named ``name`` (console/layout.py places it by that name) holding ``widget``."""
        dock = QDockWidget(self.host)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.add_dock(area, dock)
        if tab_with is not None:
            self.tabify(tab_with, dock)
        return dock

    def docks_in(self, area) -> list[QDockWidget]:
        return [d for d in self.host.findChildren(QDockWidget) if self.host.dockWidgetArea(d) == area]


def context_of(window) -> PanelContext:
    """The window's context for its panels (console/app.py makes it once)."""
    return PanelContext(
        workspace=window.workspace, project=window.project, scene=window.scene, view=window.view,
        loader=window.loader, actions=window.actions, status=window.status, panels=window.panels,
        inspector=window.inspector, inspector_dock=window.inspector_dock, tree=window.tree, host=window,
        report_error=window.report_error, fly_to=window.fly_to, load_specs=window.load_specs,
        add_dock=window.addDockWidget, tabify=window.tabifyDockWidget,
        add_toolbar=lambda bar: window.addToolBar(Qt.TopToolBarArea, bar), set_title=window.setWindowTitle,
        retranslate_hooks=window.retranslate_hooks, close_hooks=window.close_hooks)
