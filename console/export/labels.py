"""Place names on an exported page (issue 24 item 3): every name kept, or said to be dropped.

The page placed each name above, below, right or left of its point, or not at all: in the old
town's two clusters of heritage sites (six within 500 m at 1:25,000) a name had nowhere free
and vanished without a word (大仓桥 on every PDF, 跨塘桥 on A4), and the title, legend and
footer panels were drawn over the names that were placed. Now, highest priority first:
1. next to its point, in one of eight places, clear of the page's panels, the other names and
   the other named points;
2. else moved out on a ring around the point, with a leader line back to it;
3. else a number at the point and the name in a numbered key on the page (a QGIS-style
   "callout key"), in the corner where the key hides fewest named points;
4. only when the key is full too, dropped: ``LabelLayout.dropped`` names it and the provenance
   lists it (console/export/__init__.py ``provenance``).
A name said twice near itself (a river in several features) is said once; that is no drop.
A count of alarms on the city's hexagons is no place name: beside its point or dropped (listed).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen

RINGS_MM = (5.0, 9.0, 14.0, 20.0)   # how far a name may move from its point (a longer leader reads worse than a key)
DIRECTIONS = 16
MARK_MM = 1.4        # half the size of a named point's marker on paper: no other name covers it
GAP_MM = 1.6         # between a point and its own name (the marker stays visible)
KEY_MAX = 0.6        # the key's height at most this share of the map's
PASSES = 3           # the key is placed, then the names again around it
GIVE_WAY = 0         # a label of this priority or less is no place name (a count of alarms): beside its
                     # point or not at all (console/scene/sensors.py LABEL_PRIORITY)


@dataclass
class Placed:
    text: str
    box: QRectF
    anchor: QPointF
    leader: bool = False


@dataclass
class Keyed:
    number: int
    text: str
    anchor: QPointF
    tag: QRectF


@dataclass
class LabelLayout:
    placed: list = field(default_factory=list)
    keyed: list = field(default_factory=list)
    key_box: QRectF | None = None
    dropped: list = field(default_factory=list)   # names that are not on the page
    overflow: list = field(default_factory=list)  # of those, the names the key had no room for
    centre_x: float = 0.0                         # of the map: a key on its right grows leftwards


def layout(page, rect: QRectF, text, furniture: list) -> LabelLayout:
    """Where each of ``text.labels`` (PageText) goes on ``rect``, clear of the ``furniture`` boxes."""
    if not text.labels or not text.image_size[0]:
        return LabelLayout()
    sx, sy = rect.width() / text.image_size[0], rect.height() / text.image_size[1]
    items, said, near = [], {}, rect.width() * 0.12
    for x, y, label, _prio in sorted(text.labels, key=lambda lab: (-lab[3], lab[1])):
        at = QPointF(rect.left() + x * sx, rect.top() + y * sy)
        if any(abs(at.x() - q.x()) + abs(at.y() - q.y()) < near for q in said.get(label, [])):
            continue  # the same name said once nearby (not a drop)
        said.setdefault(label, []).append(at)
        items.append((at, label, _prio > GIVE_WAY))
    pin = page.mm(2.5)  # a surveyor's pin is never under a place name
    pins = [QRectF(rect.left() + x * sx - pin, rect.top() + y * sy - pin, 2 * pin, 2 * pin) for x, y in text.keep_clear]
    key_rows, out, names = 0, None, []
    for _ in range(PASSES):
        key_box = _key_box(page, rect, furniture, items, key_rows, names) if key_rows else None
        out = _place(page, rect, items, furniture + pins + ([key_box] if key_box else []), key_box)
        names = [k.text for k in out.keyed] + out.overflow
        if len(names) <= key_rows or (key_box is not None and not out.overflow):
            break
        key_rows = len(names) + 2  # a little room: names pushed into the key by the key itself
    return out


def _place(page, rect: QRectF, items: list, blocked: list, key_box: QRectF | None) -> LabelLayout:
    font = page.font(9, True)
    page.p.setFont(font)
    metrics = page.p.fontMetrics()
    pad, mark, gap = page.mm(0.8), page.mm(MARK_MM), page.mm(GAP_MM)
    marks = [QRectF(at.x() - mark, at.y() - mark, 2 * mark, 2 * mark) for at, _, _ in items]
    capacity = _key_capacity(page, key_box)
    placed: list[QRectF] = []
    leaders: list[QLineF] = []
    out = LabelLayout(key_box=key_box, centre_x=rect.center().x())
    for at, label, name in items:
        w, h = metrics.horizontalAdvance(label) + 2 * pad, metrics.height() + pad
        others = [m for m in marks if not m.contains(at)]

        def free(b: QRectF) -> bool:
            return rect.contains(b) and not any(b.intersects(o) for o in placed + blocked + others)

        box = next((b for b in _beside(at, w, h, gap) if free(b)), None)
        leader = False
        if box is None and not name:
            out.dropped.append(label)  # a count, not a place name: it gives way
            continue
        if box is None:
            box = next((b for b in _around(page, at, w, h)
                        if free(b) and _clear_line(at, b, placed + blocked, leaders)), None)
            leader = box is not None
        if box is not None:
            placed.append(box)
            if leader:
                leaders.append(QLineF(at, _end(at, box)))
            out.placed.append(Placed(label, box, at, leader))
            continue
        if len(out.keyed) >= capacity and key_box is not None:
            out.dropped.append(label)
            out.overflow.append(label)
            continue
        number = len(out.keyed) + 1
        page.p.setFont(page.font(7, True))
        tw = page.p.fontMetrics().horizontalAdvance(str(number)) + 2 * pad
        th = page.p.fontMetrics().height()
        page.p.setFont(font)
        tags = list(_beside(at, tw, th, page.mm(0.6)))
        # a number is never drawn over a panel (it sat on the scale text where the panel hid its point):
        # beside the point, else the nearest free place around it (by the panel's edge)
        tag = next((t for t in tags if free(t)), None) or next((t for t in _around(page, at, tw, th) if free(t)), None) \
            or next((t for t in tags if rect.contains(t) and not any(t.intersects(b) for b in blocked)), tags[0])
        placed.append(tag)
        out.keyed.append(Keyed(number, label, at, tag))
    return out


def _beside(at: QPointF, w: float, h: float, gap: float):
    """Next to the point: above, below, right, left, then the four corners."""
    x, y = at.x(), at.y()
    yield QRectF(x - w / 2, y - h - gap, w, h)
    yield QRectF(x - w / 2, y + gap, w, h)
    yield QRectF(x + gap, y - h / 2, w, h)
    yield QRectF(x - w - gap, y - h / 2, w, h)
    yield QRectF(x + gap * 0.7, y - h - gap * 0.7, w, h)
    yield QRectF(x - w - gap * 0.7, y - h - gap * 0.7, w, h)
    yield QRectF(x + gap * 0.7, y + gap * 0.7, w, h)
    yield QRectF(x - w - gap * 0.7, y + gap * 0.7, w, h)


def _around(page, at: QPointF, w: float, h: float):
    """Moved out on rings around the point, nearest first, from straight up clockwise."""
    for r in RINGS_MM:
        for i in range(DIRECTIONS):
            a = 2 * math.pi * i / DIRECTIONS
            dx, dy = math.sin(a) * page.mm(r), -math.cos(a) * page.mm(r)
            cx = at.x() + dx + math.copysign(w / 2, dx) * (abs(dx) > 1e-6)
            cy = at.y() + dy + math.copysign(h / 2, dy) * (abs(dy) > 1e-6)
            yield QRectF(cx - w / 2, cy - h / 2, w, h)


def _end(at: QPointF, box: QRectF) -> QPointF:
    """Where a leader line from the point meets the name's box (its nearest point)."""
    return QPointF(min(max(at.x(), box.left()), box.right()), min(max(at.y(), box.top()), box.bottom()))


def _clear_line(at: QPointF, box: QRectF, boxes: list, leaders: list) -> bool:
    """A leader line to ``box`` crosses no other name and no other leader."""
    end = _end(at, box)
    line = QLineF(at, end)
    if any(line.intersects(other)[0] == QLineF.IntersectionType.BoundedIntersection for other in leaders):
        return False
    for k in range(1, 10):
        p = at + (end - at) * (k / 10.0)
        if any(b.contains(p) for b in boxes):
            return False
    return True


def _key_capacity(page, key_box: QRectF | None) -> int:
    if key_box is None:
        return 0
    return max(0, int((key_box.height() - page.mm(3)) / _key_line(page) + 1e-6))


def _key_line(page) -> float:
    page.p.setFont(page.font(7))
    return page.p.fontMetrics().height() * 1.15


def _key_width(page, names: list, rows: int) -> float:
    page.p.setFont(page.font(7))
    metrics = page.p.fontMetrics()
    return max((metrics.horizontalAdvance(f"{rows}  {name}") for name in names), default=0) + page.mm(4)


def _key_box(page, rect: QRectF, furniture: list, items: list, rows: int, names: list) -> QRectF:
    """The key's panel for ``names`` and a few more: at a side of the map, slid clear of the panels,
    where it hides fewest named points."""
    w, h = _key_width(page, names, rows), min(rows * _key_line(page) + page.mm(3), rect.height() * KEY_MAX)
    step, inset = page.mm(2), page.mm(3)
    best = None
    for x in (rect.left() + inset, rect.right() - w - inset):
        for down in (True, False):
            y = rect.top() + inset if down else rect.bottom() - h - inset
            while rect.top() <= y and y + h <= rect.bottom():
                box = QRectF(x, y, w, h)
                if not any(box.intersects(f) for f in furniture):
                    hidden = sum(box.contains(at) for at, _, _ in items)
                    if best is None or hidden < best[0]:
                        best = (hidden, box)
                    break
                y += step if down else -step
    return best[1] if best else QRectF(rect.left() + inset, rect.top() + inset, w, h)


def draw_labels(page, laid: LabelLayout):
    p = page.p
    p.setFont(page.font(9, True))
    for item in laid.placed:
        if item.leader:
            _leader(page, item.anchor, _end(item.anchor, item.box))
    for item in laid.placed:
        _name_box(page, item.box, item.text, page.font(9, True))
    for item in laid.keyed:
        _name_box(page, item.tag, str(item.number), page.font(7, True))
    if laid.keyed and laid.key_box is not None:
        _key(page, laid)


def _leader(page, a: QPointF, b: QPointF):
    p = page.p
    p.setPen(QPen(QColor(255, 255, 255, 220), page.mm(0.6)))
    p.drawLine(QLineF(a, b))
    p.setPen(QPen(QColor(26, 26, 31), page.mm(0.25)))
    p.drawLine(QLineF(a, b))


def _name_box(page, box: QRectF, label: str, font):
    p = page.p
    p.setPen(Qt.NoPen)
    p.setBrush(QColor(26, 26, 31, 170))
    p.drawRoundedRect(box, page.mm(0.8), page.mm(0.8))
    p.setFont(font)
    p.setPen(QColor(255, 255, 255))
    p.drawText(box, Qt.AlignCenter, label)


def _key(page, laid: LabelLayout):
    """The numbered names, in a panel: "3  大仓桥（永丰桥、西仓桥）"."""
    box, line = laid.key_box, _key_line(page)
    rows = len(laid.keyed)
    wide = _key_width(page, [k.text for k in laid.keyed], rows) - box.width()  # a name pushed in late
    left = box.left() - max(wide, 0.0) if box.center().x() > laid.centre_x else box.left()
    box = QRectF(left, box.top(), box.width() + max(wide, 0.0), min(box.height(), rows * line + page.mm(3)))
    page.panel(box)
    p = page.p
    p.setFont(page.font(7))
    p.setPen(QColor(20, 24, 32))
    for i, item in enumerate(laid.keyed):
        p.drawText(QRectF(box.left() + page.mm(2), box.top() + page.mm(1.5) + i * line, box.width(), line),
                   Qt.AlignLeft | Qt.AlignVCenter, f"{item.number}  {item.text}")
