"""A vital sign's last 24 hours on a report page: vector lines, drawn with the page's QPainter.

The time axis is the whole day (a recording that began at noon starts mid-cell); a gap in the
recording is a gap in the line, as in the vital-signs dock. Nothing is drawn from fewer than
two samples.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPen, QPolygonF

MAX_POINTS = 144    # one per 10 minutes of a day: finer than the cell can show
GAP_S = 300.0       # samples are a minute apart; more than five minutes without one is a gap


def draw_sparkline(page, rect: QRectF, trend, span: tuple):
    if trend is None:
        return
    times, values = (np.asarray(a, float) for a in trend)
    ok = np.isfinite(values)
    if ok.sum() < 2:
        return
    segment = np.cumsum(np.r_[0, np.diff(times) > GAP_S])  # a new segment after each gap
    if len(times) > MAX_POINTS:
        keep = np.linspace(0, len(times) - 1, MAX_POINTS).round().astype(int)
        ends = np.flatnonzero(np.diff(segment))  # keep both ends of every gap
        keep = np.unique(np.r_[keep, ends, ends + 1])
        times, values, ok, segment = times[keep], values[keep], ok[keep], segment[keep]
    t0, t1 = span
    lo, hi = float(values[ok].min()), float(values[ok].max())
    r = rect.adjusted(page.mm(0.8), rect.height() * 0.18, -page.mm(0.8), -rect.height() * 0.18)
    x = r.left() + (times - t0) / max(t1 - t0, 1.0) * r.width()
    y = (r.bottom() - (values - lo) / (hi - lo) * r.height()) if hi > lo else np.full(len(values), r.center().y())
    p = page.p
    p.save()
    p.setPen(QPen(QColor(40, 110, 200), page.mm(0.25)))
    breaks = np.flatnonzero(~ok | np.r_[False, np.diff(segment) > 0])
    for seg in np.split(np.arange(len(times)), breaks):
        seg = seg[ok[seg]]
        if len(seg) >= 2:
            p.drawPolyline(QPolygonF([QPointF(float(x[i]), float(y[i])) for i in seg]))
    p.setPen(QPen(QColor(40, 110, 200), page.mm(0.25)))  # the last sample, marked: where "now" is
    p.setBrush(QColor(40, 110, 200))
    last = int(np.flatnonzero(ok)[-1])
    p.drawEllipse(QPointF(float(x[last]), float(y[last])), page.mm(0.35), page.mm(0.35))
    p.restore()
