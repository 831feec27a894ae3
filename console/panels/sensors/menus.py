"""The "Sensors" menu: source, colour mode, kind and district filters, dock toggles — registered by id.

The fixed actions are registered once in the window's ``Actions`` (console/actions.py); the
colour and filter sub-menus are filled from the sensor layer's style each time the menu is
refilled (after a language switch or a style change), so their checked states follow it.
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup

from layers.sensors.strings import district_label, kind_label, tr
from layers.sensors import kinds as K
from layers.sensors.registry import DISTRICTS


def _check(menu, owner, text, checked, slot, group=None) -> QAction:
    act = QAction(text, owner, checkable=True)  # the fill's owner's: deleted after the menu is refilled
    act.setChecked(checked)
    act.triggered.connect(lambda on, s=slot: s(on))
    if group is not None:
        group.addAction(act)
    menu.addAction(act)
    return act


def _separator(menu, owner):
    sep = QAction(owner)
    sep.setSeparator(True)
    menu.addAction(sep)


def _open_history(parent, panel):
    from PySide6.QtWidgets import QFileDialog
    path, _ = QFileDialog.getOpenFileName(parent, tr("sensors.open_history"), "", tr("sensors.history_filter"))
    if path:
        panel.open_history(path)


def register_menu(actions, panel):
    """The Sensors menu (between HBIM and Help) and its entries; returns the menu."""
    menu = actions.add_menu("sensors", "sensors.menu", 60, tr=tr)
    add = actions.add
    connect = add("sensors.connect", panel.connect_dialog, menu="sensors", order=10, tr=tr)
    connect.setObjectName("sensors-connect")
    demo = add("sensors.use_demo", panel.use_demo, menu="sensors", order=11, tr=tr)
    if panel.ctx.workspace.follow_store:  # the recorders hold the feed; the window shows the store (workspace.py)
        for act in (connect, demo):
            act.setEnabled(False)
    add("sensors.open_history", lambda: _open_history(panel.ctx.host, panel), menu="sensors", order=12, tr=tr)
    from console.panels.sensors.span import fill_span_menu
    actions.add_menu("sensors/span", "sensors.history_span", 13, parent="sensors", tr=tr,
                     fill=lambda m, owner: fill_span_menu(m, owner, panel))
    actions.add_separator("sensors", 19)
    actions.add_menu("sensors/colour", "sensors.colour_by", 20, parent="sensors", tr=tr,
                     fill=lambda m, owner: _fill_colour(m, owner, panel))
    actions.add_menu("sensors/kinds", "sensors.filter_kind", 21, parent="sensors", tr=tr,
                     fill=lambda m, owner: _fill_kinds(m, owner, panel))
    actions.add_menu("sensors/districts", "sensors.filter_district", 22, parent="sensors", tr=tr,
                     fill=lambda m, owner: _fill_districts(m, owner, panel))
    actions.add_separator("sensors", 29)
    for order, dock in enumerate((panel.alarm_dock, panel.chart_dock, panel.vitals_dock, panel.time_dock)):
        add(f"sensors.{dock.objectName()}", action=dock.toggleViewAction(), menu="sensors", order=30 + order)
    return menu


def _fill_colour(menu, owner, panel):
    style = panel.style()
    group = QActionGroup(owner)
    mode, vkind = style.get("colour_by", "state"), style.get("value_kind")
    _check(menu, owner, tr("sensors.by_state"), mode == "state", lambda on: panel.set_style(colour_by="state"), group)
    _separator(menu, owner)
    for k in K.KINDS:
        _check(menu, owner, tr("sensors.by_value", kind=kind_label(k.name)), mode == "value" and vkind == k.name,
               lambda on, n=k.name: panel.set_style(colour_by="value", value_kind=n), group)


def _fill_kinds(menu, owner, panel):
    chosen = set(panel.style().get("kinds") or ())
    _check(menu, owner, tr("sensors.all"), not chosen, lambda on: panel.set_style(kinds=None))
    _separator(menu, owner)
    for k in K.KINDS:
        _check(menu, owner, kind_label(k.name), k.name in chosen, lambda on, n=k.name: panel.toggle_filter("kinds", n, on))


def _fill_districts(menu, owner, panel):
    chosen = set(panel.style().get("districts") or ())
    _check(menu, owner, tr("sensors.all"), not chosen, lambda on: panel.set_style(districts=None))
    _separator(menu, owner)
    for d in DISTRICTS:
        _check(menu, owner, district_label(d), d in chosen, lambda on, n=d: panel.toggle_filter("districts", n, on))
