"""The window's actions and menus by id: what a menu holds is registered, never placed by position.

An action is registered once (``add``: id, text key, handler, shortcut, menu id, order) and a
menu once (``add_menu``: id, text key, order, parent menu id). Panels add theirs through their
``PanelContext.actions`` into a menu by its id ("file", "edit", "view", "view/language",
"view/theme", "help", or a menu of their own), so no one counts the menu bar's entries.
``retranslate()`` walks the registry: every action and menu is re-worded from its key (in the
translation function it was registered with) and the menu bar is rebuilt in order. A menu
whose items depend on state (the Sensors menu's checked filters) registers a ``fill`` that
adds them after its registered actions; ``refill(menu_id)`` redoes only that menu. A fill
parents what it makes to the ``owner`` it is given, deleted later (not at once), so an item
may refill the very menu it is in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from layers.i18n import tr as default_tr

TOP = ""  # the parent of the menu bar's own menus


@dataclass
class Entry:
    """One action: where it goes and how it is worded."""
    action: QAction | None        # None: a separator
    menu: str | None              # menu id; None: not in a menu (a shortcut, a toolbar's)
    order: float
    text: str | None = None       # text key; None: the action keeps the text it has (dock toggles…)
    tr: Callable[..., str] = default_tr


@dataclass
class Menu:
    qmenu: QMenu
    text: str
    order: float
    parent: str = TOP
    tr: Callable[..., str] = default_tr
    fills: list = field(default_factory=list)
    owner: QObject | None = None  # what the fills made last time


class Actions:
    """Actions and menus of one window, by id (console/app.py makes it; panels get it in their context)."""

    def __init__(self, window: QMainWindow):
        self._window = window  # the actions' parent and the owner of the menu bar
        self._entries: dict[str, Entry] = {}
        self._menus: dict[str, Menu] = {}
        self._separators = 0

    # registering ----------------------------------------------------------------------
    def add(self, action_id: str, handler: Callable | None = None, *, text: str | None = None,
            menu: str | None = None, order: float = 0, shortcuts=(), action: QAction | None = None,
            checkable: bool = False, label: str | None = None, tr: Callable[..., str] = default_tr) -> QAction:
        """Register an action (made here unless an existing one, a dock's toggle, is given); return it.

        ``text`` is the text key (default: the id, when no action is given); ``label`` a text never
        translated (a language's own name). A shortcut also works
        while the menu bar is closed or hidden (the action is added to the window).
        """
        if action_id in self._entries:
            raise ValueError(f"action {action_id!r} is registered twice")
        if action is None:
            action = QAction(self._window, checkable=checkable)
            text = action_id if text is None and label is None else text
        if label is not None:
            action.setText(label)
        if handler is not None:
            action.triggered.connect(lambda *args, h=handler: h(*args[:1]) if checkable else h())
        if isinstance(shortcuts, (str, QKeySequence, QKeySequence.StandardKey)):
            shortcuts = (shortcuts,)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            self._window.addAction(action)
        action.setObjectName(action.objectName() or action_id)
        self._entries[action_id] = Entry(action, menu, order, text, tr)
        return action

    def add_separator(self, menu: str, order: float):
        self._separators += 1
        self._entries[f"--{self._separators}"] = Entry(None, menu, order)

    def add_menu(self, menu_id: str, text: str, order: float, parent: str = TOP,
                 tr: Callable[..., str] = default_tr, fill: Callable[[QMenu, QObject], None] | None = None) -> QMenu:
        """Register a menu (in the menu bar, or inside ``parent``); ``fill`` adds its state-dependent items."""
        if menu_id in self._menus:
            raise ValueError(f"menu {menu_id!r} is registered twice")
        qmenu = QMenu(self._window)
        qmenu.setObjectName(f"{menu_id.replace('/', '-')}-menu")
        self._menus[menu_id] = Menu(qmenu, text, order, parent, tr, [fill] if fill else [])
        return qmenu

    def __getitem__(self, action_id: str) -> QAction:
        return self._entries[action_id].action

    def __contains__(self, action_id: str) -> bool:
        return action_id in self._entries

    def menu(self, menu_id: str) -> QMenu:
        return self._menus[menu_id].qmenu

    # wording and building -----------------------------------------------------------------------
    def retranslate(self):
        """Every action and menu re-worded from its key; the menu bar rebuilt in the registered order."""
        for entry in self._entries.values():
            if entry.action is not None and entry.text is not None:
                entry.action.setText(entry.tr(entry.text))
        for menu in self._menus.values():
            menu.qmenu.setTitle(menu.tr(menu.text))
        bar = self._window.menuBar()
        _empty(bar)  # the QMenus stay (children of the window); only their places are cleared
        for menu_id in self._children(TOP):
            self.refill(menu_id)
            bar.addMenu(self._menus[menu_id].qmenu)

    def refill(self, menu_id: str):
        """One menu's items again: its actions and sub-menus in order, then what its fills add."""
        menu = self._menus[menu_id]
        _empty(menu.qmenu)  # only places: registered actions stay, separators and a fill's go with the owner
        if menu.owner is not None:
            menu.owner.deleteLater()  # later: the item being triggered may be among them
        menu.owner = QObject(menu.qmenu)
        items = [(e.order, 0, e.action) for e in self._entries.values() if e.menu == menu_id]
        items += [(self._menus[m].order, 1, m) for m in self._children(menu_id)]
        for _, is_menu, item in sorted(items, key=lambda t: t[:2]):
            if is_menu:
                self.refill(item)
                menu.qmenu.addMenu(self._menus[item].qmenu)
            elif item is None:
                separator = QAction(menu.owner)
                separator.setSeparator(True)
                menu.qmenu.addAction(separator)
            else:
                menu.qmenu.addAction(item)
        for fill in menu.fills:
            fill(menu.qmenu, menu.owner)

    def _children(self, parent: str) -> list[str]:
        return sorted((m for m, menu in self._menus.items() if menu.parent == parent),
                      key=lambda m: self._menus[m].order)


def _empty(widget):
    """Take every action out of a menu or the menu bar. Not ``clear()``: PySide's invalidates the Python
    side of every action it held (a dock's toggle action then reads as deleted), and Qt's deletes the
    menu's own (a fill's action that is being triggered)."""
    for action in widget.actions():
        widget.removeAction(action)
