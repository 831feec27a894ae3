"""Tables on a report page, as text: vital signs of the district(s) (each with its change against
a day earlier and a sparkline of the last 24 h, console/export/day_change.py), its open alarms
(counted by severity and acknowledgement above the list)."""
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
           colours: list | None = None, under_title: float = 0.0) -> list:
    """Draws the table (``under_title``: pixels left free between its title and its header, for a
    line the caller draws there); returns the cells' rectangles (rows under the header, as drawn)."""
    p = page.p
    p.setPen(QColor(20, 24, 32))
    p.setFont(page.font(TITLE_PT, True))
    title_h = page.p.fontMetrics().height() * TITLE_LINE
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), title_h), Qt.AlignLeft | Qt.AlignVCenter, title)
    font, bold = page.font(CELL_PT), page.font(CELL_PT, True)
    p.setFont(font)
    line_h = p.fontMetrics().height() * CELL_LINE
    y = rect.top() + title_h + under_title
    total = sum(widths)
    xs = [rect.left()]
    for w in widths:
        xs.append(xs[-1] + rect.width() * w / total)
    heads = header if header and isinstance(header[0], list) else [header]  # one header row or several
    cells_drawn = []
    for r, cells in enumerate(heads + rows):
        if y + line_h > rect.bottom():
            break
        head = r < len(heads)
        if not head:
            cells_drawn.append([QRectF(xs[c], y, xs[c + 1] - xs[c], line_h) for c in range(len(widths))])
        if head:
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(230, 234, 240))
            p.drawRect(QRectF(rect.left(), y, rect.width(), line_h))
        colour = colours[r - len(heads)] if colours and not head else None
        for c, cell in enumerate(cells):
            if cell is None:  # the cell before spans this column
                continue
            span = next((e for e in range(c + 1, len(cells)) if cells[e] is not None), len(cells))
            cell_rect = QRectF(xs[c] + page.mm(1), y, xs[span] - xs[c] - page.mm(2), line_h)
            if c == 0 and colour:
                p.setPen(Qt.NoPen)
                p.setBrush(QColor(colour))
                p.drawRect(QRectF(xs[0], y + line_h * 0.15, page.mm(1.2), line_h * 0.7))
            p.setFont(bold if head else font)
            p.setPen(QColor(20, 24, 32))
            align = Qt.AlignLeft if c == 0 else Qt.AlignHCenter if span > c + 1 else Qt.AlignRight
            p.drawText(cell_rect, align | Qt.AlignVCenter,
                       p.fontMetrics().elidedText(cell, Qt.ElideRight, int(cell_rect.width())))
        p.setPen(QPen(QColor(200, 204, 210), page.mm(0.15)))
        p.drawLine(rect.left(), y + line_h, rect.right(), y + line_h)
        y += line_h
    return cells_drawn


def draw_vitals(painter, rect: QRectF, dpi: float, vitals: dict, districts: tuple, lang: str, indicators: list,
                back):
    """``indicators``: the rows the district has terminals for (report.py ``indicators_of``); ``back``:
    the figures a day earlier and the last day's samples (day_change.look_back). Per district: the
    figure, its change against a day earlier, its sparkline."""
    from console.export.day_change import change_text
    from console.export.sparkline import draw_sparkline
    from layers import i18n
    from layers.sensors.strings import district_label
    from widgets.sensors.vitals import cell_text
    page = Page(painter, dpi)
    with i18n.using(lang):
        shown = [d for d in districts if d in vitals]
        # two header rows: each district's name over its figure, change and sparkline (named whole)
        header = [[i18n.tr("sensors.vitals_indicator")], [""]]  # the table's title says 城市体征, once
        for d in shown:
            header[0] += [i18n.tr("sensors.vitals_all") if d == "all" else district_label(d), None, None]
            header[1] += [i18n.tr("sensors.report_value"), i18n.tr("sensors.report_change"),
                          i18n.tr("sensors.report_trend")]
        rows = []
        for ind in indicators:
            row = [i18n.tr(f"sensors.vital.{ind.key}")]
            for d in shown:
                then = None if back.before is None else back.before.get(d, {}).get(ind.key)
                row += [cell_text(ind.key, vitals[d].get(ind.key)),
                        change_text(ind.key, vitals[d].get(ind.key), then), ""]
            rows.append(row)
        cells = _table(page, rect, i18n.tr("sensors.dock_vitals"), header, rows, [2.0] + [1.5, 0.7, 1.0] * len(shown))
    for ind, row_cells in zip(indicators, cells):
        for i, d in enumerate(shown):
            draw_sparkline(page, row_cells[3 + 3 * i], back.trends.get((d, ind.key)), back.span)


def draw_alarms(painter, rect: QRectF, dpi: float, model, alarms: list, everything: list, lang: str):
    """``alarms``: the rows listed (as many as fit); ``everything``: the page's open alarms, counted
    above the list (critical n · warning n, unacknowledged n · acknowledged n)."""
    from layers import i18n
    from layers.sensors import kinds as K
    from layers.sensors.strings import district_label, fmt_time, kind_label, state_label
    page = Page(painter, dpi)
    with i18n.using(lang):
        total = len(everything)
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
        summary = i18n.tr("sensors.report_alarm_summary").format(**alarm_counts(everything))
        title_h, line_h = _line_heights(page)
        painter.setFont(page.font(CELL_PT, True))
        painter.setPen(QColor(20, 24, 32))
        painter.drawText(QRectF(rect.left(), rect.top() + title_h, rect.width(), line_h),
                         Qt.AlignLeft | Qt.AlignVCenter, summary)
        _table(page, rect, title, header, rows, [2.0, 0.7, 1.3, 1.3, 1.7], colours or None, under_title=line_h)


def alarm_counts(alarms: list) -> dict:
    """The summary line's figures: open alarms by severity and by acknowledgement."""
    from layers.sensors.state import CRITICAL, WARNING
    acked = sum(a.acked_at is not None for a in alarms)
    return {"critical": sum(a.severity == CRITICAL for a in alarms),
            "warning": sum(a.severity == WARNING for a in alarms), "acked": acked, "unacked": len(alarms) - acked}


def draw_no_history(painter, rect: QRectF, dpi: float, lang: str):
    """In place of the figures when there are none: said, not shown as zeros."""
    from console.export.sensor_data import no_history_text
    page = Page(painter, dpi)
    painter.setPen(QColor(170, 30, 30))
    painter.setFont(page.font(12, True))
    painter.drawText(rect, Qt.AlignCenter, no_history_text(lang))
