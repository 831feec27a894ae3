"""The coordinate grid of a print page (issue 24 item 1): projected metres, labelled in the margin.

Why a grid of the map's own projected metres (EPSG:4549, CGCS2000 / 3-degree Gauss–Krüger
CM 120°E by default) rather than a longitude/latitude graticule: the planning bureau's
drawings, control lines and surveys are CGCS2000 Gauss–Krüger coordinates in metres (the
national planning and surveying standard since 2018; the city's own local system is derived
from it), so a coordinate read off the page is one they can type into their CAD, QGIS or this
console; the lines are straight and evenly spaced, so distances are counted off in squares;
and the map is drawn in that CRS, grid north up, so a graticule would be a set of slightly
skewed lines at uneven intervals of degrees nobody plans in. The CRS and the spacing are
said in the footer (``note``); northings (X, the surveyor's first axis) are labelled on the left
and right, eastings (Y) on the top and bottom, in full metres, as a bureau copies them.

The lines are drawn thin across the map, the map's neat line round it, and a tick and a label
for each line in a band outside the frame (``BAND_MM``): nothing of the map is hidden by them.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPen

BAND_MM = 5.0                 # the margin band round the map for the ticks and labels
SPACINGS = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000)
MIN_MM = 30.0                 # lines at least this far apart on paper
TICK_MM = 1.2
LABEL_PT = 6.0
LINE = QColor(30, 50, 90, 120)


def spacing(metres_per_mm: float) -> int:
    """The grid interval in metres: the first round one at least MIN_MM apart on paper."""
    return next((s for s in SPACINGS if s / metres_per_mm >= MIN_MM), SPACINGS[-1])


def note(step: int, lang: str) -> str:
    """The footer's words for the grid: its interval and which axis is labelled where."""
    if lang == "zh":
        return f"坐标格网 间距{step:,}米 · 左右标注 X（北坐标），上下标注 Y（东坐标），单位 米"
    return f"Grid every {step:,} metres · northings (X) left and right, eastings (Y) top and bottom, in metres"


def lines(lo: float, hi: float, step: int) -> list[int]:
    """The multiples of ``step`` inside [lo, hi]."""
    return [k * step for k in range(math.ceil(lo / step), math.floor(hi / step) + 1)]


def draw(page, rect: QRectF, transform, image_size) -> int:
    """Grid lines over the map in ``rect``, its neat line, and the ticks and labels in the band
    outside; ``transform`` is the map image's GDAL geotransform. Returns the interval (metres)."""
    x0, dx, _, y0, _, dy = transform
    sx, sy = rect.width() / image_size[0], rect.height() / image_size[1]
    metres_per_mm = dx / sx * page.dpi / 25.4
    step = spacing(metres_per_mm)
    east = lines(x0, x0 + dx * image_size[0], step)
    north = lines(y0 + dy * image_size[1], y0, step)
    at_x = [(e, rect.left() + (e - x0) / dx * sx) for e in east]
    at_y = [(n, rect.top() + (n - y0) / dy * sy) for n in north]
    p = page.p
    p.save()
    p.setPen(QPen(LINE, page.mm(0.12)))
    for _e, x in at_x:
        p.drawLine(QLineF(x, rect.top(), x, rect.bottom()))
    for _n, y in at_y:
        p.drawLine(QLineF(rect.left(), y, rect.right(), y))
    p.setPen(QPen(QColor(20, 24, 32), page.mm(0.3)))
    p.setBrush(Qt.NoBrush)
    p.drawRect(rect)
    tick = page.mm(TICK_MM)
    p.setPen(QPen(QColor(20, 24, 32), page.mm(0.2)))
    for _e, x in at_x:
        p.drawLine(QLineF(x, rect.top() - tick, x, rect.top()))
        p.drawLine(QLineF(x, rect.bottom(), x, rect.bottom() + tick))
    for _n, y in at_y:
        p.drawLine(QLineF(rect.left() - tick, y, rect.left(), y))
        p.drawLine(QLineF(rect.right(), y, rect.right() + tick, y))
    _labels(page, rect, at_x, at_y, tick)
    p.restore()
    return step


def _labels(page, rect: QRectF, at_x: list, at_y: list, tick: float):
    """Each line's coordinate beside its tick: eastings upright above and below the frame,
    northings reading upwards left and right of it (as QGIS's "vertical ascending"); a label
    that would run past the frame's corner is left out, its line is labelled on the other side."""
    p = page.p
    p.setFont(page.font(LABEL_PT))
    metrics = p.fontMetrics()
    h = metrics.height()
    gap = page.mm(0.4)
    p.setPen(QColor(20, 24, 32))
    for value, x in at_x:
        text = f"{value:d}"
        w = metrics.horizontalAdvance(text) + 2
        if x - w / 2 < rect.left() or x + w / 2 > rect.right():
            continue
        p.drawText(QRectF(x - w / 2, rect.top() - tick - gap - h, w, h), Qt.AlignCenter, text)
        p.drawText(QRectF(x - w / 2, rect.bottom() + tick + gap, w, h), Qt.AlignCenter, text)
    for value, y in at_y:
        text = f"{value:d}"
        w = metrics.horizontalAdvance(text) + 2
        if y - w / 2 < rect.top() or y + w / 2 > rect.bottom():
            continue
        for cx in (rect.left() - tick - gap - h / 2, rect.right() + tick + gap + h / 2):
            p.save()
            p.translate(cx, y)
            p.rotate(-90.0)
            p.drawText(QRectF(-w / 2, -h / 2, w, h), Qt.AlignCenter, text)
            p.restore()
