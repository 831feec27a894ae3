"""Tables on a report page, as text: vital signs of the district(s), its open alarms."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPen

from console.export.page import Page

TITLE_PT, CELL_PT, TITLE_LINE, CELL_LINE = 10, 7.5, 1.3, 1.35


def _line_heights(page: Page) -> tuple[float, float]:
    """(title, row) heights of a table at the page's dpi (what _table draws them at)."""
    return (QFontMetrics(page.font(TITLE_PT, True)).height() * TITLE_LINE,
            QFontMetrics(page.font(CELL_PT)).height() * CELL_LINE)


def table_height(dpi: float, rows: int) -> float:
    """Device pixels a table of ``rows`` rows (and its title and header) needs."""
    title_h, line_h = _line_heights(Page(None, dpi))
    return title_h + line_h * (rows + 1) + 2


def rows_fitting(dpi: float, height: float) -> int:
    """How many rows (under a title and a header) a table ``height`` pixels tall has room for."""
    title_h, line_h = _line_heights(Page(None, dpi))
    return max(1, int((height - title_h - 2) // line_h) - 1)


def _table(page: Page, rect: QRectF, title: str, header: list[str], rows: list[list[str]], widths: list[float],
           colours: list | None = None):
    p = page.p
    p.setPen(QColor(20, 24, 32))
    p.setFont(page.font(TITLE_PT, True))
    title_h = page.p.fontMetrics().height() * TITLE_LINE
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), title_h), Qt.AlignLeft | Qt.AlignVCenter, title)
    font, bold = page.font(CELL_PT), page.font(CELL_PT, True)
    p.setFont(font)
    line_h = p.fontMetrics().height() * CELL_LINE
    y = rect.top() + title_h
    total = sum(widths)
    xs = [rect.left()]
    for w in widths:
        xs.append(xs[-1] + rect.width() * w / total)
    for r, cells in enumerate([header] + rows):
        if y + line_h > rect.bottom():
            break
        if r == 0:
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(230, 234, 240))
            p.drawRect(QRectF(rect.left(), y, rect.width(), line_h))
        colour = colours[r - 1] if colours and r else None
        for c, cell in enumerate(cells):
            cell_rect = QRectF(xs[c] + page.mm(1), y, xs[c + 1] - xs[c] - page.mm(2), line_h)
            if c == 0 and colour:
                p.setPen(Qt.NoPen)
                p.setBrush(QColor(colour))
                p.drawRect(QRectF(xs[0], y + line_h * 0.15, page.mm(1.2), line_h * 0.7))
            p.setFont(bold if r == 0 else font)
            p.setPen(QColor(20, 24, 32))
            p.drawText(cell_rect, (Qt.AlignLeft if c == 0 else Qt.AlignRight) | Qt.AlignVCenter,
                       p.fontMetrics().elidedText(cell, Qt.ElideRight, int(cell_rect.width())))
        p.setPen(QPen(QColor(200, 204, 210), page.mm(0.15)))
        p.drawLine(rect.left(), y + line_h, rect.right(), y + line_h)
        y += line_h


def draw_vitals(painter, rect: QRectF, dpi: float, vitals: dict, districts: tuple, lang: str, indicators: list):
    """``indicators``: the rows the district has terminals for (report.py ``indicators_of``)."""
    from layers import i18n
    from layers.sensors.strings import district_label
    from widgets.sensors.vitals import cell_text
    page = Page(painter, dpi)
    with i18n.using(lang):
        shown = [d for d in districts if d in vitals]
        header = [i18n.tr("sensors.vitals_indicator")] + [  # the table's title says 城市体征, once
            i18n.tr("sensors.vitals_all") if d == "all" else district_label(d) for d in shown]
        rows = [[i18n.tr(f"sensors.vital.{ind.key}")] + [cell_text(ind.key, vitals[d].get(ind.key)) for d in shown]
                for ind in indicators]
        _table(page, rect, i18n.tr("sensors.dock_vitals"), header, rows, [2.2] + [1.0] * len(shown))


def draw_alarms(painter, rect: QRectF, dpi: float, model, alarms: list, total: int, lang: str):
    from layers import i18n
    from layers.sensors import kinds as K
    from layers.sensors.strings import district_label, fmt_time, kind_label, state_label
    page = Page(painter, dpi)
    with i18n.using(lang):
        title = (f"未关闭告警 {total} 条（列出前 {len(alarms)} 条）" if lang == "zh"
                 else f"{total} open alarms (first {len(alarms)} listed)")
        header = [i18n.tr(f"sensors.col_{c}") for c in ("sensor", "severity", "kind", "district", "raised")]
        rows, colours = [], []
        reg = model.registry if model is not None else None
        for a in alarms:
            k = K.KINDS[int(reg.kind[a.sensor])]
            rows.append([str(reg.ids[a.sensor]), state_label(a.severity), kind_label(k.name),
                         district_label(reg.district_of(a.sensor)), fmt_time(a.raised_at, seconds=False)])
            colours.append("#f52929" if a.severity == 2 else "#ffc208")
        if not rows:
            rows = [["—", "", "", "", ""]]
        _table(page, rect, title, header, rows, [2.0, 0.7, 1.3, 1.3, 1.7], colours or None)


def draw_no_history(painter, rect: QRectF, dpi: float, lang: str):
    """In place of the figures when there are none: said, not shown as zeros."""
    from console.export.sensor_data import no_history_text
    page = Page(painter, dpi)
    painter.setPen(QColor(170, 30, 30))
    painter.setFont(page.font(12, True))
    painter.drawText(rect, Qt.AlignCenter, no_history_text(lang))
