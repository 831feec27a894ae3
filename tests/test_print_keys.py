"""A numbered key's number is never drawn over a page's panel (issue 24, read on a district page).

On the industry zone's A4 portrait page the point of a name lay under the scale bar's panel: the
name went to the key and its number "1" was drawn on the scale text, which pdftotext then read as
"比例尺1 1:25,000". The layout (console/export/labels.py) is run here on a blank page with one
panel over a named point, as the page runs it (no render needed).
"""
from __future__ import annotations

from PySide6.QtCore import QRectF


def test_a_keyed_name_whose_point_is_under_a_panel_has_its_number_beside_the_panel_not_on_it(qapp):
    """(``qapp``: the suite's one QApplication; a QGuiApplication made here would be the worker's for good.)"""
    from PySide6.QtGui import QImage, QPainter
    from console.export.labels import layout
    from console.export.page import Page, PageText
    image = QImage(600, 400, QImage.Format_RGB32)
    painter = QPainter(image)
    try:
        page = Page(painter, 72.0)
        rect = QRectF(0, 0, 600, 400)
        panel = QRectF(40, 320, 120, 60)          # a scale bar's panel, the named point under it
        text = PageText(title="", labels=[(100.0, 350.0, "上海科技影都核心区", 30)], image_size=(600, 400))
        laid = layout(page, rect, text, [panel])
    finally:
        painter.end()
    assert not laid.placed and [k.text for k in laid.keyed] == ["上海科技影都核心区"], "keyed, as on the page"
    tag = laid.keyed[0].tag
    assert not tag.intersects(panel), f"the number {tag} is drawn on the panel {panel}"
    assert rect.contains(tag)
