"""Field work in the window: the field profile, syncing a package, reviewing conflicts.

Installed with the HBIM panel (its menu carries these actions). The store the dialogs use is
the window's Workspace's (offline/workspace.py: ``--store`` / $SONGJIANG_STORE, else
ops-store.sqlite in the user data folder; its password found by console/store_login.py); the
dialogs show it redacted, and a password typed in the sync dialog is kept in the OS keyring
once the store accepted it.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from console import store_login
from layers.messages import localize
from widgets.field.conflicts import ConflictDialog
from widgets.field.profile_dialog import ProfileDialog
from widgets.field.sync_dialog import SyncDialog, done_text

log = logging.getLogger(__name__)
KEYS = ("field.profile", "field.sync", "field.conflicts")


class FieldPanel(QObject):
    def __init__(self, ctx):
        super().__init__(ctx.host)
        self.ctx = ctx
        self.dialog = None
        ctx.actions.add_separator("hbim", 89)
        for order, (key, slot) in enumerate(zip(KEYS, (self.edit_profile, self.sync_dialog, self.conflict_dialog))):
            ctx.actions.add(key, lambda s=slot: s(), menu="hbim", order=90 + order)  # under the HBIM menu's own

    def edit_profile(self) -> ProfileDialog:
        self.dialog = ProfileDialog(self.ctx.host)
        self.dialog.show()
        return self.dialog

    def sync_dialog(self, package: str = "") -> SyncDialog:
        dlg = self.dialog = SyncDialog(self.ctx.workspace.store_target(), package, self.ctx.host,
                                       opener=self.open_store)
        dlg.synced.connect(lambda report: self._synced(report, dlg.store.text().strip(), dlg.password.text()))
        dlg.show()
        return dlg

    def open_store(self, url: str, password: str = ""):
        """The store the dialogs name by ``url`` (as shown: redacted); a typed password then goes to the keyring."""
        from offline.store.conninfo import is_postgres, redact
        chosen = self.ctx.workspace.store_target()
        if not url or url == redact(chosen):
            url = chosen  # the process's own store, with the password $SONGJIANG_STORE may hold
        store = store_login.open_store(url, password or None)
        if password and is_postgres(store.url):
            try:
                store_login.save_password(store.url, password)
            except ValueError as exc:
                log.warning("%s", exc)
        return store

    def _synced(self, report: dict, url: str, password: str = ""):
        """The result in the status bar; conflicts open for review at once."""
        self.ctx.status.show(done_text(report).replace("\n", " · "), 8000)
        received = report.get("received") or {}
        if any(received.get(k) for k in ("records", "photos", "annotations", "conflicts")):
            self._reread()
        if report.get("conflict") or report.get("partial") or report.get("quarantined"):
            self.conflict_dialog(url or None, password)

    def _reread(self):
        """The sync brought the centre's changes into the package on its own connection: what the window
        shows of the records (inspector, condition colours) and of the package's annotations is read again,
        not at the next selection or reopen."""
        panels = self.ctx.panels
        if panels.hbim is not None:
            panels.hbim.reread()
        if panels.annotations is not None:
            panels.annotations.reread()

    def conflict_dialog(self, url: str | None = None, password: str = "") -> ConflictDialog | None:
        try:
            store = self.open_store(url or "", password)
        except Exception as exc:  # noqa: BLE001 — an unreachable store is told, the window carries on
            self.ctx.report_error(localize(str(exc)))
            return None
        self.dialog = ConflictDialog(store, self.ctx.host)
        self.dialog.finished.connect(lambda *_: store.close())
        self.dialog.show()
        return self.dialog
