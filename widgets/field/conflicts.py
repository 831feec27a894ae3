"""The conflict dialog: what both sides changed, side by side; choose one value or edit it.

Each row is one queued conflict from the operations-centre store (offline/store/): the
record, the field, its base value and the field's and the centre's values, who and when.
Resolving writes the chosen value into the store as a journalled change (``Store.resolve``)
signed with this machine's profile, and the row leaves the queue. A quarantined edit (a
damaged outbox row sync stopped, offline/store/quarantine.py) is listed with its reason: take
its record if it still reads as one, or keep the centre's.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import Signal

from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout,
)

from layers.i18n import tr
from layers.messages import localize
from offline.field import profile as profiles
from offline.store.describe import VALUES, describe
from offline.store.quarantine import QUARANTINED
from widgets.background import run
from widgets.field.thumbnails import THUMB, PhotoStrip

log = logging.getLogger(__name__)
COLUMNS = ("record", "field", "base", "field_value", "store_value", "who")


MAX_COLUMN = 260  # px: long notes are elided, the whole text is in the tooltip
WHOLE = ("*", QUARANTINED)  # conflicts about a whole record


class ConflictDialog(QDialog):
    changed_elsewhere = Signal()  # another workstation or a sync changed the store: the queue is re-read

    def __init__(self, store, parent=None, follow: bool = True):
        super().__init__(parent)
        self.store = store
        self.rows: list[dict] = []
        self.setWindowTitle(tr("field.conflicts.title"))
        self.help = QLabel(tr("field.conflicts.help"))
        self.help.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(tr("field.edit_hint"))
        self.take_field = QPushButton(tr("field.keep_field"))
        self.take_store = QPushButton(tr("field.keep_store"))
        self.take_edit = QPushButton(tr("field.use_edit"))
        self.take_field.clicked.connect(lambda: self.resolve("field"))
        self.take_store.clicked.connect(lambda: self.resolve("store"))
        self.take_edit.clicked.connect(lambda: self.resolve("edit"))
        self.status = QLabel()
        actions = QHBoxLayout()
        actions.addWidget(self.edit, 1)
        for b in (self.take_edit, self.take_field, self.take_store):
            actions.addWidget(b)
        box = QVBoxLayout(self)
        box.addWidget(self.help)
        box.addWidget(self.table, 1)
        box.addLayout(actions)
        box.addWidget(self.status)
        self.resize(980, 420)
        self.refresh()
        self.changed_elsewhere.connect(self.refresh)
        if follow:  # a background job: each change it sees re-reads the queue here, on the GUI thread
            job = run(self._follow, name="conflicts-follow", owner=self, on_item=self.changed_elsewhere.emit)
            self.finished.connect(lambda *_: job.cancel())

    def _follow(self, job):
        """Its own connection waits for others' commits (NOTIFY on PostgreSQL, polling on SQLite)."""
        try:
            other = self.store.reopen()
        except Exception as exc:  # noqa: BLE001 — without it the dialog still works, just not live
            log.warning("cannot follow the store: %s", exc)
            return
        try:
            while not job.cancelled.is_set():
                changed = other.wait(0.5)
                if changed or other.version() != self._shown:  # anything since the queue was last read
                    job.post()
        except Exception as exc:  # noqa: BLE001 — the store went away: stop following, say why in the log
            log.warning("stopped following the store: %s", exc)
        finally:
            other.close()

    def refresh(self):
        selected = self.current()
        self._shown = self.store.version()  # read first: a commit after it is seen by _follow
        self.rows = self.store.conflicts()
        self.table.setHorizontalHeaderLabels([tr(f"field.col.{c}") for c in COLUMNS])
        self.table.setRowCount(len(self.rows))
        self.described = [describe(self.store, c) for c in self.rows]
        for r, (c, d) in enumerate(zip(self.rows, self.described)):
            cells = (d["record"], d["field"], *(d[k] for k in VALUES),
                     f"{c['author']} · {(c['edited_at'] or '')[:16].replace('T', ' ')}")
            for col, text in enumerate(cells):
                self.table.removeCellWidget(r, col)  # a photo strip of the conflict shown here before
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, col, item)
            for k, shas in d["photos"].items():  # the photos themselves, beside their names
                self.table.setCellWidget(r, COLUMNS.index(k), PhotoStrip(self.store, shas, d[k]))
            if d["photos"]:
                self.table.setRowHeight(r, THUMB + 8)
        self.table.resizeColumnsToContents()
        for col in range(len(COLUMNS) - 1):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), MAX_COLUMN))
        if not self.rows:
            self.status.setText(tr("field.conflicts.none"))
        else:  # the same conflict stays selected when the queue is re-read
            ids = [c["id"] for c in self.rows]
            self.table.selectRow(ids.index(selected["id"]) if selected and selected["id"] in ids else 0)
        self._selected()

    def _selected(self):
        row = self.current()
        for b in (self.take_field, self.take_store, self.take_edit, self.edit):
            b.setEnabled(row is not None)
        if row is not None:
            value = row["field_value"]
            self.edit.setText("" if value is None or row["field"] in WHOLE else str(value))
            self.edit.setEnabled(row["field"] not in WHOLE)
            self.take_edit.setEnabled(row["field"] not in WHOLE)
            # a damaged row's value is taken only when it still reads as a record
            self.take_field.setEnabled(row["field"] != QUARANTINED or isinstance(value, dict))

    def current(self) -> dict | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def resolve(self, choice: str):
        row = self.current()
        if row is None:
            return
        value = {"field": row["field_value"], "store": row["store_value"], "edit": self.edit.text()}[choice]
        try:
            self.store.resolve(row["id"], value, profiles.load().author)
        except Exception as exc:  # noqa: BLE001 — a store error is told, the dialog stays
            log.warning("resolving conflict %s failed: %s", row["id"], exc)
            self.status.setText(localize(str(exc)))
            return
        self.status.setText(tr("field.resolved"))
        self.refresh()
        if self.rows:
            self.status.setText(tr("field.resolved"))

