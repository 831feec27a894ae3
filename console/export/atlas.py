"""The atlas of the key districts (issue 24 item 2): ``snapshot --atlas districts --out atlas.pdf``.

One page per district, as QGIS's atlas makes one per feature of its coverage layer, each at
its own best scale (the ladder fit, console/export/print_scale.py) or at the common ``--scale``,
laid out by the same code as a single page (writers.print_page), after a contents page: the
pages listed by district with their scales, beside an index map of the new city on which each
page's frame is drawn and numbered.

The industry–city zone is two wings at opposite ends of the city (layers/districts.py): one
page framing both would be the whole city at 1:50,000 with the zone a tenth of it, so the zone
has a page per wing, listed together under its name in the contents.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPen

from layers.districts import KEY_DISTRICTS

ATLASES = ("districts",)
TITLE = ("松江新城重点区域图集", "Songjiang New City key districts atlas")
WORDS = {"zh": {"page": "页", "sheet": "图幅", "scale": "比例尺", "contents": "目录", "index": "图幅索引",
                "of": "第 {n} 页 / 共 {total} 页", "perspective": "透视图"},
         "en": {"page": "Page", "sheet": "Sheet", "scale": "Scale", "contents": "Contents", "index": "Index of pages",
                "of": "page {n} of {total}", "perspective": "perspective"}}


def atlas_sheets(project) -> list:
    """(district, part) of each page: the key districts in the plan's order, a page per part."""
    return [(d, p) for d in KEY_DISTRICTS for p in d.parts if p.view in project.bookmarks]


class Contents:
    """The atlas's first page and what it knows of the others."""

    def __init__(self, project, req):
        if req.atlas not in ATLASES:
            raise ValueError(f"unknown atlas {req.atlas!r}; choose from {', '.join(ATLASES)}")
        self.project, self.lang, self.dpi = project, req.lang, req.dpi
        self.sheets = atlas_sheets(project)
        if not self.sheets:
            raise ValueError("the project has no key district to make an atlas of")
        self.words = WORDS["zh" if req.lang == "zh" else "en"]
        self.title = req.title or (TITLE[0] if req.lang == "zh" else TITLE[1])
        self.subtitle = req.subtitle
        self.request = replace(req, views=[part.view for _, part in self.sheets], title="", subtitle="")
        self.pages: list = []

    def number(self, pages: list):
        """Each district page's subtitle: the atlas and the page's number (the contents is page 1)."""
        self.pages = pages
        total = len(pages) + 1
        for n, (_view, _image, text, _page) in enumerate(pages, start=2):
            text.subtitle = f"{self.title} · {self.words['of'].format(n=n, total=total)}"

    def provenance(self) -> dict:
        return {"style": "contents", "title": self.title,
                "contents": [{"page": n, "district": d.id, "view": part.view, "scale": page.get("scale")}
                             for n, ((d, part), (_v, _i, _t, page)) in enumerate(zip(self.sheets, self.pages), start=2)]}

    def rows(self) -> list[tuple[str, str, str, bool]]:
        """(page number, name, scale) rows, a district of several parts as a heading row first."""
        zh = self.lang == "zh"
        out = []
        for n, ((district, part), (_v, _i, _t, page)) in enumerate(zip(self.sheets, self.pages), start=2):
            if len(district.parts) > 1 and part is district.parts[0]:
                out.append(("", district.name[0 if zh else 1], "", True))
            scale = f"1:{page['scale']:,}" if page.get("scale") else self.words["perspective"]
            name = part.name[0 if zh else 1]
            out.append((str(n), ("    " if len(district.parts) > 1 else "") + name, scale, False))
        return out

    def draw(self, painter, rect: QRectF, pages: list):
        """The contents page on the printable ``rect``: title, the list of pages, the index map, footer."""
        from console.export import data_time
        from console.export.inset import overview
        from console.export.inset import draw as draw_index
        from console.export.legend import footer_lines
        from console.export.page import Page, _footer
        page = Page(painter, self.dpi)
        p = page.p
        p.setPen(QColor(20, 24, 32))
        p.setFont(page.font(20, True))
        title_h = p.fontMetrics().height()
        p.drawText(QRectF(rect.left(), rect.top(), rect.width(), title_h), Qt.AlignLeft | Qt.AlignVCenter, self.title)
        sub = self.subtitle or self.words["of"].format(n=1, total=len(pages) + 1)
        p.setFont(page.font(10))
        sub_h = p.fontMetrics().height() * 1.3
        p.drawText(QRectF(rect.left(), rect.top() + title_h, rect.width(), sub_h), Qt.AlignLeft | Qt.AlignVCenter, sub)
        footer_h = _footer(page, rect, footer_lines(self.project, self.request, data_time(self.project)))
        top = rect.top() + title_h + sub_h + page.mm(6)
        body = QRectF(rect.left(), top, rect.width(), rect.bottom() - footer_h - page.mm(4) - top)
        portrait = rect.height() > rect.width()
        table_w = body.width() if portrait else body.width() * 0.32
        used = self._table(page, QRectF(body.left(), body.top(), table_w, body.height()))
        used = self._key(page, QRectF(body.left(), used + page.mm(6), table_w, body.bottom() - used))
        index = overview(self.project, None, self.lang)
        if index is None:
            return
        import shapely
        index.caption = self.words["index"]
        index.frames = [(str(n), img.extent) for n, (_v, img, _t, _p) in enumerate(pages, start=2)]
        x0, y0, x1, y1 = shapely.union_all([*index.city, *(f for _, f in index.frames)]).bounds
        pad = 0.05 * max(x1 - x0, y1 - y0)
        index.bounds = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        area = (QRectF(body.left(), used + page.mm(6), body.width(), body.bottom() - used - page.mm(6)) if portrait
                else QRectF(body.left() + table_w + page.mm(8), body.top(), body.width() - table_w - page.mm(8),
                            body.height()))
        aspect = (index.bounds[2] - index.bounds[0]) / (index.bounds[3] - index.bounds[1])
        w = min(area.width(), area.height() * aspect)
        draw_index(page, QRectF(area.left(), area.top(), w, w / aspect + page.mm(6)), index)

    def _key(self, page, rect: QRectF) -> float:
        """Under the list: the districts' colours on the index map, and how the scales were chosen."""
        p = page.p
        zh = self.lang == "zh"
        p.setFont(page.font(8))
        line = p.fontMetrics().height() * 1.5
        y, sw = rect.top(), page.mm(3.2)
        for district, _part in self.sheets:
            for part in ([] if _part is not district.parts[0] else district.parts):
                p.setPen(QPen(QColor(40, 40, 40), page.mm(0.15)))
                p.setBrush(QColor(part.colour))
                p.drawRect(QRectF(rect.left(), y + (line - sw) / 2, sw, sw))
                p.setPen(QColor(20, 24, 32))
                p.drawText(QRectF(rect.left() + sw + page.mm(2), y, rect.width(), line), Qt.AlignLeft | Qt.AlignVCenter,
                           part.name[0 if zh else 1])
                y += line
        if self.request.scale:
            said = (f"各页比例尺统一为 1:{self.request.scale:,}" if zh else
                    f"Every page at 1:{self.request.scale:,}")
        else:
            said = ("各页比例尺：能容纳该区域的最大标准比例尺（1:2,000 至 1:50,000）" if zh else
                    "Each page at the largest standard scale (1:2,000 to 1:50,000) that holds its district")
        p.drawText(QRectF(rect.left(), y + line * 0.5, rect.width(), line * 2), Qt.AlignLeft | Qt.TextWordWrap, said)
        return y + line * 2.5

    def _table(self, page, rect: QRectF) -> float:
        """The list of pages in ``rect``; returns the bottom of what it drew."""
        p = page.p
        p.setFont(page.font(12, True))
        p.drawText(QRectF(rect.left(), rect.top(), rect.width(), p.fontMetrics().height() * 1.4),
                   Qt.AlignLeft | Qt.AlignVCenter, self.words["contents"])
        y = rect.top() + p.fontMetrics().height() * 1.6
        p.setFont(page.font(9))
        line = p.fontMetrics().height() * 1.6
        cols = (0.0, 0.12, 0.74)  # page, sheet, scale: shares of the width
        heads = (self.words["page"], self.words["sheet"], self.words["scale"])
        p.setFont(page.font(9, True))
        for share, head in zip(cols, heads):
            p.drawText(QRectF(rect.left() + rect.width() * share, y, rect.width() * 0.6, line),
                       Qt.AlignLeft | Qt.AlignVCenter, head)
        y += line
        p.setPen(QPen(QColor(20, 24, 32), page.mm(0.25)))
        p.drawLine(rect.left(), y, rect.right(), y)
        for number, name, scale, heading in self.rows():
            p.setFont(page.font(9, heading))
            for share, cell in zip(cols, (number, name, scale)):
                p.drawText(QRectF(rect.left() + rect.width() * share, y, rect.width() * 0.62, line),
                           Qt.AlignLeft | Qt.AlignVCenter, cell)
            y += line
        p.setPen(QPen(QColor(160, 166, 176), page.mm(0.15)))
        p.drawLine(rect.left(), y, rect.right(), y)
        return y
