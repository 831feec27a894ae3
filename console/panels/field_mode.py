""""Field mode" in the window's title and status bar while its workspace is on a field package.

The workspace (offline/workspace.py) decides the mode; this view only shows it, and follows
``Workspace.changed`` (a saved field project opened in a workstation window enters field mode).
Installed with the HBIM and field panels (console/panels/hbim.py).
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from layers.i18n import tr
from layers.sensors.strings import fmt_time


def created(meta: dict) -> str:
    """When the package (and so its sensor snapshot) was made, as the sensor panel writes times."""
    try:
        return fmt_time(datetime.fromisoformat(meta.get("created_at", "")).timestamp())
    except ValueError:
        return ""


class FieldMode(QObject):
    def __init__(self, ctx):
        super().__init__(ctx.host)
        self.ctx, self.label = ctx, None
        ctx.workspace.changed.connect(self.show_mode)
        ctx.retranslate_hooks.append(self.retitle)
        self.show_mode()

    def show_mode(self, *_):
        if self.ctx.workspace.is_field and self.label is None:
            self.label = QLabel()
            self.label.setObjectName("field_mode")
            self.ctx.status.add_permanent(self.label)
        self.retitle()

    def retitle(self):
        ws = self.ctx.workspace
        if not ws.is_field:
            return
        mode, name, made = tr("field.mode"), ws.package.name, created(ws.package_meta)
        self.ctx.set_title(tr("field.title", app=tr("app.title"), mode=mode, name=name))
        self.label.setText(f"<b>{mode}</b> · {name}" + (f" · {tr('field.snapshot', time=made)}" if made else ""))
