"""The picked heritage component: IFC identity and property sets, HBIM records, history, edits.

Edits go through the HbimStore (one undoable step each); the panel listens to
the store's ``changed`` signal and calls ``refresh``.
"""
from __future__ import annotations

import datetime
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel, QListWidget, QScrollArea, QSizePolicy, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from layers.bim.glossary import Name, seed_text, term
from layers.i18n import tr
from offline.hbim import Damage, Inspection
from widgets.field.photo_adder import PhotoAdder
from widgets.hbim.forms import RecordForms
from widgets.inspector import _text

log = logging.getLogger(__name__)
RECORD_FIELDS = {
    "component": ("classification", "period", "phase", "material", "structural_role"),
    "inspections": ("condition_grade", "surveyor", "notes"),
    "damage": ("type", "severity", "extent", "location", "photos"),
    "interventions": ("materials", "contractor", "documents"),
}


VOCABULARY = {"type", "classification", "material", "structural_role", "materials", "name"}  # glossary.term()


def _item(parent, key, value="", vocabulary: bool = False, seed: bool = False) -> QTreeWidgetItem:
    if vocabulary:
        value = term(value)
    if seed:  # an illustrative seed record's text, in the interface language
        value = seed_text(value)
    item = QTreeWidgetItem(parent, [str(key), _text(value)])
    item.setToolTip(1, _text(value))
    return item


def timeline(records: dict) -> list[tuple[str, str]]:
    """(date, text) of every dated record, oldest first."""
    rows = []
    for rec in records.get("inspections", []):
        rows.append((rec.date, f"{tr('hbim.inspections')} · {tr('hbim.field.condition_grade')} "
                               f"{rec.condition_grade}"))
    for rec in records.get("damage", []):
        rows.append((rec.date, f"{tr('hbim.damage')} · {term(rec.type)} ({tr('hbim.field.severity')} {rec.severity})"))
    for rec in records.get("interventions", []):
        span = f"{rec.start} – {rec.end}" if rec.end else rec.start
        rows.append((rec.start, f"{tr('hbim.interventions')} · {term(rec.type)} ({span})"))
    return sorted(rows, key=lambda r: r[0] or "")


def _scrolled(forms) -> QScrollArea:
    """The edit forms scroll in a short dock rather than squeezing the record tree to a few rows
    (issue 26): they take at most their own height and give way first."""
    area = QScrollArea()
    area.setWidget(forms)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Ignored)
    area.setMinimumHeight(forms.fontMetrics().height() * 4)
    area.setMaximumHeight(forms.sizeHint().height() + 4)
    return area


class HbimInspector(QWidget):
    message = Signal(str)  # a line for the status bar (photos added)

    def __init__(self, store_getter, report_error, parent=None):
        super().__init__(parent)
        self.store_getter, self.report_error = store_getter, report_error
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.tabs = QTabWidget()
        self.records = QTreeWidget()
        self.properties = QTreeWidget()
        self.history = QListWidget()
        for tree in (self.records, self.properties):
            tree.setColumnCount(2)
            tree.setColumnWidth(0, 150)
        self.tabs.addTab(self.records, "")
        self.tabs.addTab(self.properties, "")
        self.tabs.addTab(self.history, "")
        self.forms = RecordForms()
        self.forms.grade_set.connect(self.set_grade)
        self.forms.damage_added.connect(self.add_damage)
        self.forms.photo_requested.connect(self.ask_photos)
        self.photo_adder = PhotoAdder(store_getter, report_error)
        self.photo_adder.message.connect(self.message)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.title)
        box.addWidget(self.tabs, 3)
        self.forms_area = _scrolled(self.forms)
        box.addWidget(self.forms_area, 2)
        self.layer = self.index = None
        self.retranslate()

    @property
    def guid(self) -> str | None:
        return self.element["guid"] if self.element else None

    @property
    def element(self) -> dict | None:
        return None if self.layer is None else self.layer.data.elements[self.index]

    def retranslate(self):
        for tree in (self.records, self.properties):
            tree.setHeaderLabels([tr("inspector.field"), tr("inspector.value")])
        for i, key in enumerate(("hbim.records", "hbim.properties", "hbim.timeline")):
            self.tabs.setTabText(i, tr(key))
        self.forms.retranslate()
        self.refresh()

    def show_element(self, layer, index):
        self.layer, self.index = layer, index
        self.refresh()

    def clear(self):
        self.show_element(None, None)

    def refresh(self):
        for w in (self.records, self.properties, self.history):
            w.clear()
        e = self.element
        self.forms.setEnabled(e is not None)
        if e is None:
            self.title.setText(tr("hbim.empty"))
            return
        self.title.setText(f"<b>{term(e.get('name')) or e['ifc_class']}</b> · {e['ifc_class']}<br>{e['guid']}")
        self._fill_properties(e)
        try:
            store = self.store_getter()
            recs = store.for_component(e["guid"])
        except Exception as exc:  # noqa: BLE001 — a broken store must not take the inspector down
            log.exception("reading HBIM records")
            _item(self.records, tr("hbim.no_store", error=exc))
            return
        self.forms.photo_box.setVisible(getattr(store, "journal", None) is not None)
        self.forms_area.setMaximumHeight(self.forms.sizeHint().height() + 4)
        self._fill_records(recs)
        for date, text in timeline(recs):
            self.history.addItem(f"{date}  {text}")
        latest = recs["inspections"][-1].condition_grade if recs["inspections"] else 1
        self.forms.grade.setValue(int(latest))

    def _fill_properties(self, e):
        for key in ("guid", "class", "name", "type_name", "storey", "materials"):
            value = e.get("ifc_class" if key == "class" else key)
            _item(self.properties, tr(f"hbim.{key}"), value, vocabulary=key in VOCABULARY)
        psets = _item(self.properties, tr("hbim.psets"))
        for name, props in sorted((e.get("psets") or {}).items()):
            node = _item(psets, name)
            for k, v in props.items():
                if k != "id":
                    _item(node, k, v, vocabulary=k in ("HeritageClassification", "Material", "StructuralRole",
                                                       "DamageType", "InterventionType"))
        self.properties.expandItem(psets)

    def _fill_records(self, recs):
        comp = recs.get("component")
        if comp is not None:
            node = _item(self.records, tr("hbim.component"), tr("hbim.illustrative") if comp.illustrative else "")
            for f in RECORD_FIELDS["component"]:
                _item(node, tr(f"hbim.field.{f}"), getattr(comp, f), vocabulary=f in VOCABULARY, seed=comp.illustrative)
        for table in ("inspections", "damage", "interventions"):
            group = _item(self.records, tr(f"hbim.{table}"), len(recs.get(table, [])))
            for rec in recs.get(table, []):
                when = rec.start if table == "interventions" else rec.date
                head = term(rec.type) if table != "inspections" else \
                    f"{tr('hbim.field.condition_grade')} {rec.condition_grade}"
                node = _item(group, when or "—", head)
                node.setData(0, Qt.UserRole, (table, rec.id))
                for f in RECORD_FIELDS[table]:
                    _item(node, tr(f"hbim.field.{f}"), getattr(rec, f), vocabulary=f in VOCABULARY,
                          seed=rec.illustrative)
        self.records.expandAll()

    # edits -------------------------------------------------------------------------
    def set_grade(self, grade: int):
        """A new inspection dated today (the history keeps the earlier ones); undo removes it."""
        from offline.field.profile import load
        self._put(Inspection(self.guid, datetime.date.today().isoformat(), surveyor=load().surveyor,
                             condition_grade=int(grade)))

    def add_damage(self, fields: dict):
        self._put(Damage(self.guid, date=datetime.date.today().isoformat(), **fields))

    def selected_damage(self) -> str:
        """The id of the damage record selected in the records tree (or under the selected line), else ""."""
        item = self.records.currentItem()
        while item is not None:
            data = item.data(0, Qt.UserRole)
            if data and data[0] == "damage":
                return data[1]
            item = item.parent()
        return ""

    def ask_photos(self, folder: bool):
        from PySide6.QtWidgets import QFileDialog
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, tr("field.photo.folder"))
            paths = [chosen] if chosen else []
        else:
            paths, _ = QFileDialog.getOpenFileNames(self, tr("field.photo.add"), "", tr("field.photo.filter"))
        if paths:
            self.add_photos(paths)

    def add_photos(self, paths):
        """Photo files or camera folders for this component (and the selected damage record); see PhotoAdder."""
        if self.guid is not None:
            self.photo_adder.add(paths, self.guid, self.selected_damage())

    def _put(self, rec):
        if self.guid is None:
            return
        try:
            e = self.element
            self.store_getter().put(rec, label=Name(e.get("name") or e["guid"]) if e else None)
        except Exception as exc:  # noqa: BLE001 — bad input is reported, never fatal
            log.warning("HBIM edit failed: %s", exc)
            self.report_error(tr("hbim.edit_failed", error=exc))
