"""What each dock shows of its content, measured on the widgets as laid out (issue 26, item 7).

Rows that fit in a list's viewport, columns wholly inside it, vital-sign cells whose text fits
its cell and whose cell is inside the table's viewport. Measured by Qt's own geometry and font
metrics of the real window, no console code involved: what a user can read without scrolling.
"""
from __future__ import annotations


def _raise(window, name: str):
    from PySide6.QtWidgets import QApplication, QDockWidget
    dock = window.findChild(QDockWidget, name)
    dock.show()
    dock.raise_()
    QApplication.processEvents()
    return dock


def rows_visible(view, row_height: int | None = None) -> float:
    """Rows of ``view`` (a QTableView/QTreeView) that fit in its viewport, by its row height."""
    if row_height is None:
        if hasattr(view, "verticalHeader"):
            row_height = view.verticalHeader().defaultSectionSize()
        else:
            row_height = view.fontMetrics().height() + 4
    return view.viewport().height() / max(1, row_height)


def columns_visible(table) -> int:
    header = table.horizontalHeader()
    width = table.viewport().width()
    return sum(1 for c in range(header.count()) if not header.isSectionHidden(c)
               and header.sectionViewportPosition(c) >= 0
               and header.sectionViewportPosition(c) + header.sectionSize(c) <= width + 1)


def alarm_fit(window) -> dict:
    _raise(window, "sensor-alarms")
    dock = window.panels.sensor_panel.alarms
    dock.tabs.setCurrentIndex(0)
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()
    table = dock.table
    return {"rows": rows_visible(table), "columns": columns_visible(table),
            "of": table.horizontalHeader().count() - sum(table.isColumnHidden(c)
                                                          for c in range(table.horizontalHeader().count()))}


def _fits(fm, text: str, rect, wrap: bool) -> bool:
    """Whether ``text`` is drawn whole in a cell ``rect`` (a few pixels of padding), wrapped or not."""
    from PySide6.QtCore import QRect, Qt
    if not wrap:
        return fm.horizontalAdvance(text) + 6 <= rect.width()
    box = fm.boundingRect(QRect(0, 0, rect.width() - 6, 10000), int(Qt.TextWordWrap), text)
    return box.width() <= rect.width() - 6 and box.height() <= rect.height()


def vitals_clipped(window) -> list[str]:
    """Vital-sign cells (and row heads) a user cannot read whole: text wider than its cell, or a
    cell outside the viewport."""
    _raise(window, "sensor-vitals")
    table = window.panels.sensor_panel.vitals.table
    fm = table.fontMetrics()
    out = []
    vw, vh = table.viewport().width(), table.viewport().height()
    head = table.verticalHeader()
    for r in range(table.rowCount()):
        label = table.verticalHeaderItem(r).text() if table.verticalHeaderItem(r) else ""
        if head.isVisible() and fm.horizontalAdvance(label) > head.width():
            out.append(f"row head {label!r} ({fm.horizontalAdvance(label)} px in {head.width()})")
        for c in range(table.columnCount()):
            item = table.item(r, c)
            text = item.text() if item is not None else ""
            rect = table.visualRect(table.model().index(r, c))
            if rect.left() < 0 or rect.right() > vw + 1 or rect.top() < 0 or rect.bottom() > vh + 1:
                out.append(f"cell {r},{c} {text!r} outside the view")
            elif not _fits(fm, text, rect, table.wordWrap()):
                out.append(f"cell {r},{c} {text!r} ({fm.horizontalAdvance(text)} px in {rect.width()})")
    for c in range(table.columnCount()):
        text = table.horizontalHeaderItem(c).text() if table.horizontalHeaderItem(c) else ""
        if fm.horizontalAdvance(text) + 6 > table.horizontalHeader().sectionSize(c):
            out.append(f"column head {text!r}")
    return out


def record_rows(window) -> float:
    _raise(window, "hbim")
    tree = window.panels.hbim.inspector.records
    return rows_visible(tree, tree.sizeHintForRow(0) if tree.topLevelItemCount() else None)
