"""The window's own menus and actions, registered by id in its ``Actions`` (console/actions.py).

Menu orders leave room for the panels' menus between View and Help (City 40, HBIM 50, Sensors 60).
"""
from __future__ import annotations

from PySide6.QtGui import QActionGroup, QKeySequence

from console import dialogs
from layers import i18n

MENUS = (("file", "menu.file", 10), ("edit", "menu.edit", 20), ("view", "menu.view", 30), ("help", "menu.help", 100))
LANGUAGES = (("zh", "中文"), ("en", "English"))
THEMES = ("light", "wall")


def register(window, actions):
    """File, Edit, View (docks, language, theme, layout) and Help; their handlers are the window's verbs."""
    for menu_id, key, order in MENUS:
        actions.add_menu(menu_id, key, order)
    add = actions.add
    add("action.add_layer", lambda: dialogs.add_layer(window), menu="file", order=10, shortcuts=QKeySequence.Open)
    add("action.add_layer_gcj", lambda: dialogs.add_layer(window, "GCJ-02"), menu="file", order=11)
    actions.add_separator("file", 19)
    add("action.open_project", lambda: dialogs.open_project(window), menu="file", order=20)
    add("action.save_project", lambda: dialogs.save_project(window), menu="file", order=21,
        shortcuts=QKeySequence.Save)
    add("action.save_image", lambda: dialogs.save_image(window), menu="file", order=22)
    add("action.export_map", lambda: window.exporter.dialog(), menu="file", order=23, shortcuts="Ctrl+E")
    add("action.datum", lambda: dialogs.datum(window), menu="file", order=24)
    actions.add_separator("file", 29)
    add("action.create_package", window.package_dialog, menu="file", order=30)
    actions.add_separator("file", 89)
    add("action.quit", window.close, menu="file", order=90, shortcuts=QKeySequence.Quit)
    undo = window.project.undo
    add("action.undo", undo.undo, menu="edit", order=10, shortcuts=QKeySequence.Undo)
    add("action.redo", undo.redo, menu="edit", order=11, shortcuts=(QKeySequence.Redo, "Ctrl+Y"))
    add("dock.layers", action=window.docks.layers_dock.toggleViewAction(), menu="view", order=10)
    add("dock.inspector", action=window.docks.inspector_dock.toggleViewAction(), menu="view", order=11)
    actions.add_menu("view/language", "menu.language", 20, parent="view")
    languages = QActionGroup(window)
    for lang, label in LANGUAGES:  # each language named in itself, in every language
        act = add(f"language.{lang}", menu="view/language", order=len(languages.actions()), checkable=True,
                  label=label)
        act.setData(lang)
        act.setChecked(i18n.language() == lang)
        languages.addAction(act)
    languages.triggered.connect(lambda act: window.set_language(act.data()))
    actions.add_menu("view/theme", "menu.theme", 30, parent="view")
    themes = QActionGroup(window)
    for name in THEMES:
        act = add(f"theme.{name}", menu="view/theme", order=len(themes.actions()), checkable=True)
        act.setData(name)
        themes.addAction(act)
    themes.triggered.connect(lambda act: window.set_theme(act.data()))
    add("action.reset_layout", window.reset_layout, menu="view", order=40)
    add("action.about", lambda: dialogs.about(window), menu="help", order=10)
    return languages, themes
