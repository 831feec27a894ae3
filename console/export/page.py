"""What an exported map says around the picture: title, legend, scale bar, north arrow, footer.

One layout for PNG and PDF, drawn with QPainter in points and millimetres converted with the
output's dpi, so an A3 page at 300 dpi reads like the screen and a 7680×4320 PNG is not
furnished with specks. Text stays text in a PDF (Qt embeds the CJK font's subset).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QImage, QPainter, QPen, QPolygonF

from console.scene.overlays import format_length

PREFERRED_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
                   "PingFang SC")


@dataclass
class PageText:
    title: str
    subtitle: str = ""
    legend: list = field(default_factory=list)   # (label, "#rrggbb" or None)
    footer: list = field(default_factory=list)   # lines: data time, CRS, author, sources
    north_angle: float = 0.0
    metres_per_px: float = float("nan")          # of the map image
    scale_bar: bool = True                       # orthographic or near top-down views only
    labels: list = field(default_factory=list)   # (x, y px of the map image, text, priority)
    keep_clear: list = field(default_factory=list)  # (x, y px of the map image): annotation pins
    image_size: tuple = (0, 0)                   # the map image's pixels (labels are placed in them)
    scale_text: str = ""                         # "比例尺 1:10,000" on a true-scale page; "透视图 — 不按比例"
    grid: tuple | None = None                    # the map image's geotransform: a coordinate grid (grid.py)
    overview: object = None                      # an inset of the whole city, the page marked (inset.py)


def cjk_family() -> str:
    """A font family with Simplified Chinese glyphs (Qt finds installed fonts through fontconfig)."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    for name in PREFERRED_FONTS:
        if name in families:
            return name
    return families[0] if families else QFont().family()


class Page:
    def __init__(self, painter: QPainter, dpi: float):
        self.p, self.dpi = painter, dpi
        self.family = cjk_family()

    def mm(self, v: float) -> float:
        return v * self.dpi / 25.4

    def font(self, pt: float, bold: bool = False) -> QFont:
        f = QFont(self.family)
        f.setPixelSize(max(1, int(round(pt * self.dpi / 72.0))))
        f.setBold(bold)
        return f

    def panel(self, rect: QRectF):
        self.p.setPen(Qt.NoPen)
        self.p.setBrush(QColor(255, 255, 255, 225))
        self.p.drawRoundedRect(rect, self.mm(1.2), self.mm(1.2))

    def text_size(self, font: QFont, text: str) -> tuple[float, float]:
        self.p.setFont(font)
        r = self.p.fontMetrics().boundingRect(text)
        return r.width(), self.p.fontMetrics().height()


def draw(painter: QPainter, rect: QRectF, dpi: float, image: QImage | None, text: PageText):
    """The map image filling ``rect`` (None: already there, e.g. a PNG), with its furniture on top;
    returns where the place names went (a LabelLayout: its ``dropped`` go into the provenance)."""
    page = Page(painter, dpi)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    image_w = rect.width()
    if image is not None:
        painter.drawImage(rect, image)
        image_w = image.width()
    if text.grid is not None:  # under the panels; its labels in the band outside ``rect``
        from console.export import grid
        grid.draw(page, rect, text.grid, text.image_size)
    footer_h = _footer(page, rect, text.footer)
    above = rect.bottom() - footer_h - page.mm(3)  # panels stand clear of the footer
    furniture = [QRectF(rect.left(), rect.bottom() - footer_h, rect.width(), footer_h),
                 _title(page, rect, text), _legend(page, rect, text, above), _north(page, rect, text.north_angle)]
    if text.scale_bar and math.isfinite(text.metres_per_px):
        furniture.append(_scale_bar(page, rect, text.metres_per_px * image_w / rect.width(), above, text.scale_text))
    elif text.scale_text:
        furniture.append(_scale_note(page, rect, above, text.scale_text))
    if text.overview is not None:
        furniture.append(_overview(page, rect, text, [box for box in furniture if box is not None]))
    # names last, placed clear of every panel (console/export/labels.py): none hidden under one
    from console.export.labels import draw_labels, layout
    laid = layout(page, rect, text, [box for box in furniture if box is not None and not box.isEmpty()])
    draw_labels(page, laid)
    return laid


def _overview(page: Page, rect: QRectF, text: PageText, furniture: list) -> QRectF | None:
    """The inset in the corner clear of the panels that hides the fewest named points."""
    from console.export import inset
    if not text.image_size[0]:
        return None
    sx, sy = rect.width() / text.image_size[0], rect.height() / text.image_size[1]
    anchors = [QPointF(rect.left() + x * sx, rect.top() + y * sy) for x, y, _t, _p in text.labels]
    box = inset.place(page, rect, text.overview, furniture, anchors)
    if box is not None:
        inset.draw(page, box, text.overview)
    return box


def _title(page: Page, rect: QRectF, text: PageText):
    title_font, sub_font = page.font(16, True), page.font(9)
    tw, th = page.text_size(title_font, text.title)
    sw, sh = page.text_size(sub_font, text.subtitle) if text.subtitle else (0, 0)
    pad = page.mm(3)
    box = QRectF(rect.left() + pad, rect.top() + pad, max(tw, sw) + 2 * pad, th + sh + 2 * pad)
    page.panel(box)
    p = page.p
    p.setPen(QColor(20, 24, 32))
    p.setFont(title_font)
    p.drawText(QRectF(box.left() + pad, box.top() + pad, tw + 2, th), Qt.AlignLeft | Qt.AlignVCenter, text.title)
    if text.subtitle:
        p.setFont(sub_font)
        p.setPen(QColor(60, 66, 78))
        p.drawText(QRectF(box.left() + pad, box.top() + pad + th, sw + 2, sh), Qt.AlignLeft | Qt.AlignVCenter,
                   text.subtitle)
    return box


def _legend(page: Page, rect: QRectF, text: PageText, above: float) -> QRectF | None:
    if not text.legend:
        return None
    font = page.font(8)
    rows = [(label, colour) for label, colour in text.legend]
    widths = [page.text_size(font, label)[0] for label, _ in rows]
    line_h = page.text_size(font, "国")[1] * 1.25
    swatch, pad = page.mm(3.2), page.mm(2.5)
    w = max(widths) + swatch + 3 * pad
    h = line_h * len(rows) + 2 * pad
    box = QRectF(rect.right() - w - page.mm(3), above - h, w, h)
    page.panel(box)
    p = page.p
    p.setFont(font)
    for i, (label, colour) in enumerate(rows):
        y = box.top() + pad + i * line_h
        if colour:
            p.setPen(QPen(QColor(40, 40, 40), max(1.0, page.mm(0.15))))
            p.setBrush(QColor(colour))
            p.drawRect(QRectF(box.left() + pad, y + (line_h - swatch) / 2, swatch, swatch))
        p.setPen(QColor(20, 24, 32))
        p.drawText(QRectF(box.left() + 2 * pad + swatch, y, w, line_h), Qt.AlignLeft | Qt.AlignVCenter, label)
    return box


def _north(page: Page, rect: QRectF, angle: float):
    size = page.mm(7)
    cx, cy = rect.right() - page.mm(10), rect.top() + page.mm(13)
    c, s = math.cos(angle), math.sin(angle)
    shape = [(0, -1.0), (-0.42, 0.55), (0, 0.25), (0.42, 0.55)]
    pts = [QPointF(cx + (x * c - y * s) * size, cy + (x * s + y * c) * size) for x, y in shape]
    p = page.p
    p.setPen(QPen(QColor(255, 255, 255), page.mm(0.4)))
    p.setBrush(QColor(200, 50, 40))
    p.drawPolygon(QPolygonF(pts))
    p.setFont(page.font(9, True))
    p.setPen(QColor(20, 24, 32))
    tip = QPointF(cx + s * size * 1.55, cy - c * size * 1.55)
    p.drawText(QRectF(tip.x() - size, tip.y() - size / 2, 2 * size, size), Qt.AlignCenter, "N")
    return QRectF(cx - 1.8 * size, cy - 2.2 * size, 3.6 * size, 3.6 * size)


def _scale_bar(page: Page, rect: QRectF, metres_per_page_px: float, above: float, said: str = ""):
    """A bar of a round length in four quarters, its length above it and ``said`` (the scale) below,
    in a panel whose bottom is at ``above`` (clear of the footer)."""
    from console.scene.overlays import nice_length
    length = nice_length(metres_per_page_px, target_px=page.mm(35))
    px = length / metres_per_page_px
    font = page.font(7)
    note_w, note_h = page.text_size(font, said) if said else (0.0, 0.0)
    x0, y0 = rect.left() + page.mm(6), above - page.mm(3) - note_h
    box = QRectF(x0 - page.mm(2), y0 - page.mm(6), max(px, note_w) + page.mm(4), page.mm(9) + note_h)
    page.panel(box)
    p = page.p
    h = page.mm(1.4)
    for i in range(4):  # alternating quarters, as on printed maps
        p.setPen(QPen(QColor(20, 24, 32), page.mm(0.2)))
        p.setBrush(QBrush(QColor(20, 24, 32) if i % 2 == 0 else QColor(255, 255, 255)))
        p.drawRect(QRectF(x0 + i * px / 4, y0, px / 4, h))
    p.setFont(font)
    p.setPen(QColor(20, 24, 32))
    p.drawText(QRectF(x0, y0 - page.mm(5), px, page.mm(4.5)), Qt.AlignCenter, format_length(length))
    if said:
        p.drawText(QRectF(x0, y0 + h + page.mm(0.8), note_w + 2, note_h), Qt.AlignLeft | Qt.AlignVCenter, said)
    return box


def _scale_note(page: Page, rect: QRectF, above: float, said: str):
    """Where a scale bar would be, what the picture is instead ("perspective — not to scale")."""
    font = page.font(7)
    w, h = page.text_size(font, said)
    box = QRectF(rect.left() + page.mm(4), above - h - page.mm(2), w + page.mm(4), h + page.mm(2))
    page.panel(box)
    page.p.setFont(font)
    page.p.setPen(QColor(20, 24, 32))
    page.p.drawText(box, Qt.AlignCenter, said)
    return box


def _footer(page: Page, rect: QRectF, lines: list) -> float:
    """The footer band at the bottom of ``rect``; returns its height."""
    if not lines:
        return 0.0
    font = page.font(6.5)
    line_h = page.text_size(font, "国")[1]
    h = line_h * len(lines) + page.mm(1.5)
    box = QRectF(rect.left(), rect.bottom() - h, rect.width(), h)
    page.p.setPen(Qt.NoPen)
    page.p.setBrush(QColor(255, 255, 255, 200))
    page.p.drawRect(box)
    page.p.setFont(font)
    page.p.setPen(QColor(40, 44, 52))
    for i, line in enumerate(lines):
        page.p.drawText(QRectF(box.left() + page.mm(3), box.top() + page.mm(0.75) + i * line_h,
                               box.width() - page.mm(6), line_h), Qt.AlignLeft | Qt.AlignVCenter, line)
    return h
