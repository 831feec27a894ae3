"""The sync dialog: a field package into the operations-centre store, off the GUI thread.

The worker thread (a background job, widgets/background.py) opens its own store connection
(one connection per thread, as SQLite and psycopg want) and runs offline/store/sync.py; its
progress and result are delivered on the GUI thread. A failure is told in one line; the package is unchanged by then, and
syncing again resumes where it stopped.

The store's password has its own field, masked; the store field never shows one. A password
typed into the store's URL moves into that field on Sync. ``opener(url, password)`` opens the
store: the window's (console/panels/field.py) reads and keeps the password in the OS keyring.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
    QPushButton, QVBoxLayout,
)

from layers.i18n import tr
from layers.messages import localize
from offline.store import conninfo
from widgets.background import run

log = logging.getLogger(__name__)


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
        self.job = None
        self.resize(640, 200)

    def accept(self):  # the Sync button starts; it does not close the dialog
        pass

    def _browse(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("field.sync.package"), self.package.text(),
                                              tr("field.sync.filter"))
        if path:
            self.package.setText(path)

    def start(self):
        if self.busy():
            return
        self.start_button.setEnabled(False)
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.result.clear()
        self._password_out_of_url()
        self.job = run(_sync, self.opener, self.package.text().strip(), self.store.text().strip(),
                       self.password.text(), name="field-sync", owner=self, on_progress=self._progress,
                       on_done=self._finished, on_error=self._failed)

    def busy(self) -> bool:
        return self.job is not None and self.job.running()

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

    def _failed(self, exc):  # told in the dialog; nothing in the package changed
        self._finished(" ".join(str(exc).split()))

    def _progress(self, done: int, total: int):
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.result.setText(tr("field.sync.running", done=done, total=total))

    def _finished(self, outcome):
        self.start_button.setEnabled(True)
        self.bar.setVisible(False)
        if isinstance(outcome, dict):
            self.result.setText(done_text(outcome))
            self.synced.emit(outcome)
        else:
            self.result.setText(tr("field.sync.failed", error=localize(outcome)))


def done_text(report: dict) -> str:
    """A sync's counts in words: what was sent, then what came back from the centre (offline/store/pull.py)."""
    text = tr("field.sync.done", **report)
    received = report.get("received")
    return f"{text}\n{tr('field.sync.received', **received)}" if received else text


def _sync(job, opener, package: str, url: str, password: str) -> dict:
    """Worker thread: its own store connection, closed whatever happens."""
    from offline.store.sync import sync
    store = opener(url, password)
    try:
        return sync(package, store, progress=job.progress).to_dict()
    finally:
        store.close()


def _open(url: str, password: str):
    from offline.store import open_store
    return open_store(url or None, password or None)
