"""The sync dialog: a field package into the operations-centre store, off the GUI thread.

The worker thread opens its own store connection (one connection per thread, as SQLite
and psycopg want) and runs offline/store/sync.py; progress and the result come back as
Qt signals. A failure is told in one line; the package is unchanged by then, and
syncing again resumes where it stopped.

The store's password has its own field, masked; the store field never shows one. A password
typed into the store's URL moves into that field on Sync. ``opener(url, password)`` opens the
store: the window's (console/panels/field.py) reads and keeps the password in the OS keyring.
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
    QPushButton, QVBoxLayout,
)

from layers.i18n import tr
from layers.messages import localize
from offline.store import conninfo
from widgets.field import strings  # noqa: F401  (registers the strings)

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)  # a SyncReport dict, or the error text


class SyncDialog(QDialog):
    synced = Signal(dict)

    def __init__(self, store_url: str, package: str = "", parent=None, opener=None):
        super().__init__(parent)
        self.setWindowTitle(tr("field.sync.title"))
        self.opener = opener or _open
        self.package = QLineEdit(package)
        self.store = QLineEdit(conninfo.redact(store_url))
        self.store.setPlaceholderText(tr("field.sync.store_hint"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(tr("field.sync.password_hint"))
        browse = QPushButton(tr("field.sync.browse"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.package, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("field.sync.package"), row)
        form.addRow(tr("field.sync.store"), self.store)
        form.addRow(tr("field.sync.password"), self.password)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.start_button = self.buttons.addButton(tr("field.sync.start"), QDialogButtonBox.AcceptRole)
        self.start_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.bar)
        box.addWidget(self.result)
        box.addWidget(self.buttons)
        self.signals = _Signals()
        self.signals.progress.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.thread: threading.Thread | None = None
        self.resize(640, 200)

    def accept(self):  # the Sync button starts; it does not close the dialog
        pass

    def _browse(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("field.sync.package"), self.package.text(),
                                              tr("field.sync.filter"))
        if path:
            self.package.setText(path)

    def start(self):
        if self.thread is not None and self.thread.is_alive():
            return
        self.start_button.setEnabled(False)
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.result.clear()
        self._password_out_of_url()
        self.thread = threading.Thread(target=self._run, name="field-sync", daemon=True,
                                       args=(self.package.text().strip(), self.store.text().strip(),
                                             self.password.text()))
        self.thread.start()

    def _password_out_of_url(self):
        """A password typed into the store's URL goes to the masked field; the URL shows without it."""
        url = self.store.text().strip()
        if not conninfo.is_postgres(url):
            return
        try:
            shown, secrets = conninfo.split(url)
        except conninfo.BadConninfo:
            self.store.setText(conninfo.redact(url))  # the store refuses it, in words without the secret
            return
        if secrets.get("password"):
            self.password.setText(secrets["password"])
        self.store.setText(shown)

    def _run(self, package: str, url: str, password: str):
        from offline.store.sync import sync
        try:
            store = self.opener(url, password)
            try:
                report = sync(package, store, progress=self.signals.progress.emit)
            finally:
                store.close()
            self.signals.finished.emit(report.to_dict())
        except Exception as exc:  # noqa: BLE001 — told in the dialog; nothing in the package changed
            log.warning("sync of %s failed: %s", package, exc)
            self.signals.finished.emit(" ".join(str(exc).split()))

    def _progress(self, done: int, total: int):
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.result.setText(tr("field.sync.running", done=done, total=total))

    def _finished(self, outcome):
        self.start_button.setEnabled(True)
        self.bar.setVisible(False)
        if isinstance(outcome, dict):
            self.result.setText(tr("field.sync.done", **outcome))
            self.synced.emit(outcome)
        else:
            self.result.setText(tr("field.sync.failed", error=localize(outcome)))


def _open(url: str, password: str):
    from offline.store import open_store
    return open_store(url or None, password or None)
