"""The conflict dialog: what both sides changed, side by side; choose one value or edit it.

Each row is one queued conflict from the operations-centre store (offline/store/): the
record, the field, its base value and the field's and the centre's values, who and when.
Resolving writes the chosen value into the store as a journalled change (``Store.resolve``)
signed with this machine's profile, and the row leaves the queue. A quarantined edit (a
damaged outbox row sync stopped, offline/store/quarantine.py) is listed with its reason: take
its record if it still reads as one, or keep the centre's.
"""
from __future__ import annotations

import json
import logging

from PySide6.QtCore import Signal

from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout,
)

from layers.bim.glossary import term
from layers.bim import strings as hbim_strings  # noqa: F401  (the record fields' names)
from layers.i18n import STRINGS, tr
from layers.messages import localize
from offline.field import profile as profiles
from offline.store.quarantine import QUARANTINED
from widgets.background import run
from widgets.field import strings  # noqa: F401  (registers the strings)

log = logging.getLogger(__name__)
COLUMNS = ("record", "field", "base", "field_value", "store_value", "who")


MAX_COLUMN = 260  # px: long notes are elided, the whole text is in the tooltip


WHOLE = ("*", QUARANTINED)  # conflicts about a whole record


def _show(value, field: str, differing=()) -> str:
    """A cell: a field's value, or for a whole-record conflict the fields the sides disagree on."""
    if field in WHOLE and isinstance(value, dict):
        return "；".join(f"{_label('hbim.field.' + k, k)} {_show(value.get(k), k)}" for k in differing) or "—"
    if field in WHOLE and value is None:
        return "—" if field == QUARANTINED else tr("field.record_deleted")
    return "—" if value in (None, "") else term(str(value))  # a damaged row's text is shown as read


def _field(c: dict) -> str:
    if c["field"] == QUARANTINED:
        return f"{tr('field.quarantined')}：{localize(c.get('reason') or '')}"
    return tr("field.whole_record") if c["field"] == "*" else _label(f"hbim.field.{c['field']}", c["field"])


def _differing(c: dict) -> list[str]:
    rows = [r for r in (c["base"], c["field_value"], c["store_value"]) if isinstance(r, dict)]
    keys = sorted({k for r in rows for k in r})
    return [k for k in keys if len({json.dumps(r.get(k)) for r in rows}) > 1]


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
        for r, c in enumerate(self.rows):
            record = f"{_label('field.table.' + c['tbl'], c['tbl'])} {c['key'][:8]}"
            diff = _differing(c) if c["field"] in WHOLE else ()
            values = (_show(c[k], c["field"], diff) for k in ("base", "field_value", "store_value"))
            cells = (record, _field(c), *values,
                     f"{c['author']} · {(c['edited_at'] or '')[:16].replace('T', ' ')}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, col, item)
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


def _label(key: str, fallback: str) -> str:
    return tr(key) if key in STRINGS else fallback
