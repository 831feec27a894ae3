"""The overview inset of a print page (issue 24 item 1): the whole new city, the page's extent marked.

A small map in a corner of the page, drawn as vectors from the project's own layers (the new
city's extent, the district parts in their basemap colours, the rivers) rather than a second
render: crisp at any dpi, cheap, and its caption is text a reader (and pdftotext) finds. The
page's ground (console/export/extent.py: a rectangle for a map at scale, a trapezoid for a
perspective) is outlined in red; where it is smaller than a couple of millimetres in the inset a
red cross marks it. The inset goes to the corner, clear of the page's other panels, where it
hides the fewest named points. The atlas's contents page draws the same map larger, with
every page's frame numbered (``frames``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen, QPolygonF

from layers.bookmarks import CITY_EXTENT, DISTRICT_PARTS, embedded
from layers.districts import PARTS, WHOLE_NAME

CAPTION = ("区位图", "Location")
MARK = "#e4002b"
WIDTH_SHARE, MIN_MM, MAX_MM = 0.2, 42.0, 72.0   # the inset's width: a fifth of the map's, within these


@dataclass
class Overview:
    bounds: tuple                                  # (xmin, ymin, xmax, ymax) project CRS the inset shows
    city: list                                     # shapely polygons: the new city's extent
    districts: list                                # (geometry, "#rrggbb")
    water: list                                    # shapely geometries
    caption: str
    page: object = None                            # the page's ground (shapely polygon), outlined in red
    frames: list = field(default_factory=list)     # (label, polygon): the atlas's pages, numbered


def overview(project, extent, lang: str) -> Overview | None:
    """The inset of a page whose ground is ``extent`` (None when the project has no new city layer)."""
    city_layer = embedded(project.layers, CITY_EXTENT)
    if city_layer is None or not city_layer.has_bounds():
        return None
    city = [g for g in city_layer.data.geometries if g is not None]
    colours = {p.id: p.colour for p in PARTS}
    districts = []
    parts = embedded(project.layers, DISTRICT_PARTS)
    if parts is not None:
        ids = [str(v) for v in parts.data.columns.get("id", [])]
        districts = [(g, colours.get(i, "#888888")) for g, i in zip(parts.data.geometries, ids) if g is not None]
    water_layer = embedded(project.layers, "water.geojson")
    water = [g for g in water_layer.data.geometries if g is not None] if water_layer is not None else []
    shown = shapely.union_all(city + ([extent] if extent is not None else []))
    xmin, ymin, xmax, ymax = shown.bounds
    pad = 0.04 * max(xmax - xmin, ymax - ymin)
    place = WHOLE_NAME[0] if lang == "zh" else WHOLE_NAME[1]
    caption = f"{CAPTION[0]} · {place}" if lang == "zh" else f"{CAPTION[1]} · {place}"
    return Overview((xmin - pad, ymin - pad, xmax + pad, ymax + pad), city, districts, water, caption, extent)


def size(page, rect: QRectF, view: Overview) -> tuple[float, float]:
    """The inset's panel (width, height) on a map of ``rect``."""
    w = min(max(rect.width() * WIDTH_SHARE, page.mm(MIN_MM)), page.mm(MAX_MM))
    x0, y0, x1, y1 = view.bounds
    return w, w * (y1 - y0) / (x1 - x0) + _caption_h(page)


def place(page, rect: QRectF, view: Overview, furniture: list, anchors: list) -> QRectF | None:
    """The corner for the inset clear of ``furniture``, hiding the fewest ``anchors`` (named points),
    the top right first; None when no corner has room (the page keeps its names, not the inset)."""
    w, h = size(page, rect, view)
    inset, step = page.mm(3), page.mm(2)
    best = None
    for x in (rect.right() - w - inset, rect.left() + inset):
        for down in (True, False):
            y = rect.top() + inset if down else rect.bottom() - h - inset
            while rect.top() <= y and y + h <= rect.bottom():
                box = QRectF(x, y, w, h)
                if not any(box.intersects(f) for f in furniture):
                    hidden = sum(box.contains(a) for a in anchors)
                    if best is None or hidden < best[0]:
                        best = (hidden, box)
                    break
                y += step if down else -step
    return best[1] if best else None


def _caption_h(page) -> float:
    page.p.setFont(page.font(7, True))
    return page.p.fontMetrics().height() + page.mm(1.5)


def draw(page, box: QRectF, view: Overview):
    """The inset in ``box``: a panel, its caption, the city, and the page's extent (or frames) marked."""
    p = page.p
    p.save()
    p.setPen(QPen(QColor(90, 96, 108), page.mm(0.2)))
    p.setBrush(QColor(255, 255, 255))  # opaque: the map under an inset is not part of it
    p.drawRect(box)
    cap = _caption_h(page)
    p.setFont(page.font(7, True))
    p.setPen(QColor(20, 24, 32))
    p.drawText(QRectF(box.left() + page.mm(1.5), box.top() + page.mm(0.5), box.width(), cap - page.mm(0.5)),
               Qt.AlignLeft | Qt.AlignVCenter, view.caption)
    area = QRectF(box.left() + page.mm(1), box.top() + cap, box.width() - page.mm(2), box.height() - cap - page.mm(1))
    x0, y0, x1, y1 = view.bounds
    k = min(area.width() / (x1 - x0), area.height() / (y1 - y0))

    def to_page(x, y) -> QPointF:
        return QPointF(area.left() + (x - x0) * k, area.top() + (y1 - y) * k)

    p.setClipRect(area)
    for g in view.city:
        _shape(p, g, to_page, QPen(QColor(120, 110, 95), page.mm(0.25)), QColor(236, 230, 215))
    for g in view.water:
        _shape(p, g, to_page, QPen(QColor(90, 150, 210), page.mm(0.25)), QColor(150, 195, 235))
    for g, colour in view.districts:
        fill = QColor(colour)
        fill.setAlpha(150)
        _shape(p, g, to_page, QPen(QColor(colour), page.mm(0.2)), fill)
    if view.page is not None:
        _mark(page, view.page, to_page)
    p.setClipping(False)
    for label, frame in view.frames:
        _mark(page, frame, to_page, label)
    if view.frames:  # the index map of the contents page is a map too: its scale and north
        _bar(page, area, 1.0 / k)
    p.restore()


def _bar(page, area: QRectF, metres_per_px: float):
    """A plain scale bar in the bottom-left corner of ``area`` (a round length, its words above it) and a
    north arrow in the top-right one."""
    from console.scene.overlays import format_length, nice_length
    length = nice_length(metres_per_px, target_px=page.mm(30))
    px = length / metres_per_px
    x0, y0 = area.left() + page.mm(4), area.bottom() - page.mm(4)
    p = page.p
    p.setPen(QPen(QColor(20, 24, 32), page.mm(0.35)))
    p.drawLine(QPointF(x0, y0), QPointF(x0 + px, y0))
    for x in (x0, x0 + px / 2, x0 + px):
        p.drawLine(QPointF(x, y0), QPointF(x, y0 - page.mm(1.2)))
    p.setFont(page.font(7))
    p.drawText(QRectF(x0, y0 - page.mm(5.5), px, page.mm(4)), Qt.AlignCenter, format_length(length))
    tip = QPointF(area.right() - page.mm(6), area.top() + page.mm(4))  # grid north, up
    p.setBrush(QColor(20, 24, 32))
    p.drawPolygon(QPolygonF([tip, tip + QPointF(-page.mm(1.6), page.mm(4.5)), tip + QPointF(page.mm(1.6), page.mm(4.5))]))
    p.setFont(page.font(8, True))
    p.drawText(QRectF(tip.x() - page.mm(3), tip.y() + page.mm(4.8), page.mm(6), page.mm(4)), Qt.AlignCenter, "N")


def _mark(page, ground, to_page, label: str = ""):
    """The page's ground in red; a cross where it is too small to see; ``label`` (a page number) beside it."""
    p = page.p
    x0, y0, x1, y1 = ground.bounds
    a, b = to_page(x0, y1), to_page(x1, y0)
    if b.x() - a.x() < page.mm(2) and b.y() - a.y() < page.mm(2):
        c, r = (a + b) / 2, page.mm(1.6)
        p.setPen(QPen(QColor(MARK), page.mm(0.5)))
        p.drawLine(c - QPointF(r, 0), c + QPointF(r, 0))
        p.drawLine(c - QPointF(0, r), c + QPointF(0, r))
    else:
        _shape(p, ground, to_page, QPen(QColor(MARK), page.mm(0.45)), None)
    if label:  # inside the frame's top-left corner, on white: legible over the other frames' lines
        p.setFont(page.font(8, True))
        w = p.fontMetrics().horizontalAdvance(label) + page.mm(1.6)
        h = p.fontMetrics().height()
        tag = QRectF(a.x() + page.mm(0.6), a.y() + page.mm(0.6), w, h)
        p.setPen(QPen(QColor(MARK), page.mm(0.3)))
        p.setBrush(QColor(255, 255, 255))
        p.drawRect(tag)
        p.setPen(QColor(MARK))
        p.drawText(tag, Qt.AlignCenter, label)


def _shape(p, geom, to_page, pen: QPen, fill: QColor | None):
    """A shapely geometry (polygons filled with their holes, lines stroked) through ``to_page``."""
    p.setPen(pen)
    p.setBrush(fill if fill is not None else Qt.NoBrush)
    for part in getattr(geom, "geoms", [geom]):
        if isinstance(part, shapely.Polygon):
            path = QPainterPath()
            path.setFillRule(Qt.OddEvenFill)
            for ring in [part.exterior, *part.interiors]:
                path.addPolygon(QPolygonF([to_page(x, y) for x, y, *_ in ring.coords]))
                path.closeSubpath()
            p.drawPath(path)
        elif isinstance(part, shapely.LineString):
            p.drawPolyline(QPolygonF([to_page(x, y) for x, y, *_ in part.coords]))
