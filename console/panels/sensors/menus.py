"""The "Sensors" menu: colour mode, kind and district filters, dock toggles.

Rebuilt after every language switch (``window.retranslate_hooks``); the checked
states come from the sensor layer's style, so rebuilding loses nothing.
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup

from layers.sensors.strings import district_label, kind_label, tr
from layers.sensors import kinds as K
from layers.sensors.registry import DISTRICTS


def _check(menu, text, checked, slot, group=None) -> QAction:
    act = QAction(text, menu, checkable=True)
    act.setChecked(checked)
    act.triggered.connect(lambda on, s=slot: s(on))
    if group is not None:
        group.addAction(act)
    menu.addAction(act)
    return act


def _open_history(window, panel):
    from PySide6.QtWidgets import QFileDialog
    path, _ = QFileDialog.getOpenFileName(window, tr("sensors.open_history"), "", tr("sensors.history_filter"))
    if path:
        panel.open_history(path)


def build_menu(window, panel):
    mb = window.menuBar()
    help_action = mb.actions()[-1] if mb.actions() else None
    menu = window.menuBar().addMenu(tr("sensors.menu"))
    if help_action is not None:  # keep Help last
        mb.insertMenu(help_action, menu)
    menu.setObjectName("sensors-menu")
    style = panel.style()
    connect = menu.addAction(tr("sensors.connect"), panel.connect_dialog)
    connect.setObjectName("sensors-connect")
    menu.addAction(tr("sensors.use_demo"), panel.use_demo)
    menu.addAction(tr("sensors.open_history"), lambda: _open_history(window, panel))
    menu.addSeparator()

    colour = menu.addMenu(tr("sensors.colour_by"))
    group = QActionGroup(colour)
    mode, vkind = style.get("colour_by", "state"), style.get("value_kind")
    _check(colour, tr("sensors.by_state"), mode == "state", lambda on: panel.set_style(colour_by="state"), group)
    colour.addSeparator()
    for k in K.KINDS:
        _check(colour, tr("sensors.by_value", kind=kind_label(k.name)), mode == "value" and vkind == k.name,
               lambda on, n=k.name: panel.set_style(colour_by="value", value_kind=n), group)

    kinds = menu.addMenu(tr("sensors.filter_kind"))
    chosen = set(style.get("kinds") or ())
    _check(kinds, tr("sensors.all"), not chosen, lambda on: panel.set_style(kinds=None))
    kinds.addSeparator()
    for k in K.KINDS:
        _check(kinds, kind_label(k.name), k.name in chosen, lambda on, n=k.name: panel.toggle_filter("kinds", n, on))

    districts = menu.addMenu(tr("sensors.filter_district"))
    chosen = set(style.get("districts") or ())
    _check(districts, tr("sensors.all"), not chosen, lambda on: panel.set_style(districts=None))
    districts.addSeparator()
    for d in DISTRICTS:
        _check(districts, district_label(d), d in chosen, lambda on, n=d: panel.toggle_filter("districts", n, on))

    menu.addSeparator()
    for dock in (panel.alarm_dock, panel.chart_dock, panel.vitals_dock, panel.time_dock):
        menu.addAction(dock.toggleViewAction())
    return menu
