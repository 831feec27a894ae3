"""The BIM browser: building → storey → element tree of every BIM layer, search, "show level 12",
class and discipline filters.

It only reads models (layers/bim/browse.py) and asks its panel to act: ``select(layer, index)``
picks an element (the HBIM inspector shows its IFC properties), ``show(layer, default,
exceptions, text)`` sets a model's visibility as one undoable step.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from layers.bim import browse
from layers.bim.glossary import term
from layers.bim.browser_strings import class_label, in_language, storey_label
from layers.bim.view import SOLID
from layers.i18n import layer_name, tr

ROLE = Qt.UserRole + 1   # (layer id, element index) or (layer id, storey name)


class BimBrowser(QWidget):
    def __init__(self, layers_getter, select, show, parent=None):
        super().__init__(parent)
        self.layers_getter, self._select, self._show = layers_getter, select, show
        self.search_box = QLineEdit()
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        self.status = QLabel()
        self.class_box, self.discipline_box = QComboBox(), QComboBox()
        self.class_box.activated.connect(lambda *_: self.apply_filter())
        self.discipline_box.activated.connect(lambda *_: self.apply_filter())
        self.storey_button, self.all_button = QPushButton(), QPushButton()
        self.storey_button.clicked.connect(lambda: self.show_storey_of(self.tree.currentItem()))
        self.all_button.clicked.connect(self.show_all)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(1)
        self.tree.setHeaderHidden(True)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemDoubleClicked.connect(lambda item, _c: self.show_storey_of(item))
        filters = QHBoxLayout()
        self.class_label, self.discipline_label = QLabel(), QLabel()
        for w in (self.class_label, self.class_box, self.discipline_label, self.discipline_box):
            filters.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addWidget(self.storey_button)
        buttons.addWidget(self.all_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.search_box)
        box.addLayout(filters)
        box.addLayout(buttons)
        box.addWidget(self.status)
        box.addWidget(self.tree, 1)
        self.retranslate()

    def layers(self):
        return list(self.layers_getter())

    def _layer(self, layer_id):
        return next((lyr for lyr in self.layers() if lyr.id == layer_id), None)

    # the tree --------------------------------------------------------------------------------
    def refresh(self):
        self.tree.clear()
        classes, disciplines = set(), set()
        for layer in self.layers():
            model = layer.data
            top = QTreeWidgetItem(self.tree, [layer_name(layer)])
            for building, storeys in browse.tree(model).items():
                b_item = QTreeWidgetItem(top, [in_language(building) or "—"])
                for storey, members in storeys.items():
                    s_item = QTreeWidgetItem(b_item, [storey_label(storey) or tr("bim.no_storey")])
                    s_item.setData(0, ROLE, (layer.id, storey))
                    for i in members:
                        e = model.elements[i]
                        item = QTreeWidgetItem(s_item, [f"{class_label(e['ifc_class']).split(' (')[0]} · {term(e.get('name')) or e['guid']}"])
                        item.setData(0, ROLE, (layer.id, i))
            classes |= set(browse.classes(model))
            disciplines |= set(browse.disciplines(model))
        self._fill_box(self.class_box, sorted(classes), class_label)
        self._fill_box(self.discipline_box, sorted(disciplines), lambda d: tr(f"bim.discipline.{d}"))

    def _fill_box(self, box, values, label):
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(tr("bim.all"), None)
        for v in values:
            box.addItem(label(v), v)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)

    def _clicked(self, item, _column=0):
        data = item.data(0, ROLE)
        if data and isinstance(data[1], int):
            layer = self._layer(data[0])
            if layer is not None:
                self._select(layer, data[1])

    def item_of(self, layer, index: int):
        for item in self._walk():
            if item.data(0, ROLE) == (layer.id, index):
                return item
        return None

    def _walk(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            yield item
            stack += [item.child(i) for i in range(item.childCount())]

    # finding and showing -----------------------------------------------------------------------
    def search(self, text: str) -> list:
        """Name or GlobalId → the first hit selected; "level 12" / "T3 L12" → that storey shown."""
        if browse.names_a_storey(text):
            for layer in self.layers():
                storey = browse.find_storey(layer.data, text)
                if storey:
                    self.show_storey(layer, storey)
                    return []
        hits = [(layer, i) for layer in self.layers() for i in browse.search(layer.data, text)]
        if hits:
            layer, i = hits[0]
            self._select(layer, i)
            item = self.item_of(layer, i)
            if item is not None:
                self.tree.setCurrentItem(item)
            self._say("bim.found", n=len(hits))
            return hits
        self._say("bim.found", n=0)
        return []

    def show_storey_of(self, item):
        data = item.data(0, ROLE) if item is not None else None
        layer = self._layer(data[0]) if data else None
        if layer is None:
            return
        storey = data[1] if isinstance(data[1], str) else layer.data.elements[data[1]].get("storey")
        if storey:
            self.show_storey(layer, storey)

    def show_storey(self, layer, storey: str):
        default, exceptions = browse.storey_states(layer.data, storey)
        self._show(layer, default, exceptions, tr("bim.storey_shown", storey=in_language(storey)))
        self._say("bim.storey_shown", storey=storey)

    def apply_filter(self):
        ifc_class, disc = self.class_box.currentData(), self.discipline_box.currentData()
        for layer in self.layers():
            if ifc_class is None and disc is None:
                self._show(layer, SOLID, {}, tr("bim.show_all"))
            else:
                default, exceptions = browse.filter_states(layer.data, ifc_class, disc)
                self._show(layer, default, exceptions, f"{tr('bim.class')}/{tr('bim.discipline')}")

    def show_all(self):
        self.class_box.setCurrentIndex(0)
        self.discipline_box.setCurrentIndex(0)
        for layer in self.layers():
            self._show(layer, SOLID, {}, tr("bim.show_all"))
        self._said = None
        self.status.setText("")

    def _say(self, key: str, **fields):
        """The status line, kept as a key so a language switch re-words it."""
        self._said = (key, fields)
        shown = {k: storey_label(v) if isinstance(v, str) else v for k, v in fields.items()}
        self.status.setText(tr(key, **shown))

    def retranslate(self):
        self.search_box.setPlaceholderText(tr("bim.search"))
        self.class_label.setText(tr("bim.class"))
        self.discipline_label.setText(tr("bim.discipline"))
        self.storey_button.setText(tr("bim.show_storey"))
        self.all_button.setText(tr("bim.show_all"))
        if getattr(self, "_said", None):
            self._say(self._said[0], **self._said[1])
        self.refresh()
