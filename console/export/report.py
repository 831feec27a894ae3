"""The daily report: one PDF page per key district — the map, its vital signs, its open alarms.

``songjiang-console report --out daily.pdf`` (a cron job or systemd timer runs it; see
docs/reports.md). The sensor layer is shown as recorded at ``--time`` (default: the latest
in the history), so the figures, the alarms and the map agree with each other.
"""
from __future__ import annotations

from pathlib import Path

from console.export import PAPER_MM, ExportRequest, data_time, ensure_gui, provenance, provenance_json
from layers.files import atomic_write

PAGES = (("new-city", ("all",)), ("hub", ("hub",)), ("film-city", ("film-city",)), ("old-town", ("old-town",)),
         ("industry", ("industry-east", "industry-west")))
ALARM_ROWS = 14


def _sensor_model(project):
    return next((lyr.data for lyr in project.layers if lyr.kind == "sensors"), None)


def _alarms(model, districts) -> list:
    from layers.sensors.alarms import replayed_alarms
    if model is None:
        return []
    alarms = replayed_alarms(model.replay.alarms) if model.replay is not None else model.alarms.open_alarms()
    reg = model.registry
    if districts != ("all",):
        alarms = [a for a in alarms if reg.district_of(a.sensor) in districts]
    return sorted(alarms, key=lambda a: (-a.severity, -a.raised_at))


def write_daily_report(project, req: ExportRequest) -> Path:
    from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter
    from console.export.page import draw
    from console.export.render import render_map
    from console.export.writers import page_text
    from layers.sensors.vitals import vital_signs
    ensure_gui()
    paper_w, paper_h = PAPER_MM[req.paper]
    if req.landscape:
        paper_w, paper_h = paper_h, paper_w
    margin = 10.0
    px = lambda mm: int(round(mm * req.dpi / 25.4))  # noqa: E731
    page_w, page_h = px(paper_w - 2 * margin), px(paper_h - 2 * margin)
    map_h = int(page_h * 0.6)
    model = _sensor_model(project)
    shown_at = data_time(project)
    vitals = vital_signs(model, shown_at) if model is not None else {}
    pages = []
    for view, districts in PAGES:
        if view not in project.bookmarks:
            continue
        image = render_map(project, view, page_w, map_h, print_scale=req.dpi / 96.0 * 0.75)
        one = ExportRequest(**{**req.__dict__, "views": [view], "title": ""})
        pages.append((view, districts, image, page_text(project, view, image, one)))

    def write(tmp: Path):
        pdf = QPdfWriter(str(tmp))
        pdf.setResolution(req.dpi)
        pdf.setPageLayout(QPageLayout(QPageSize(QSizeF(paper_w, paper_h), QPageSize.Unit.Millimeter),
                                      QPageLayout.Orientation.Portrait, QMarginsF(margin, margin, margin, margin),
                                      QPageLayout.Unit.Millimeter))
        pdf.setTitle(req.title or ("松江新城每日运行报告" if req.lang == "zh" else "Songjiang New City daily report"))
        pdf.setAuthor(req.author)
        pdf.setCreator("songjiang-console")
        prov = [provenance(project, v, img.camera, req) for v, _d, img, _t in pages]
        pdf.addFileAttachment("provenance.json", QByteArray(provenance_json({"pages": prov}).encode()),
                              "application/json")
        painter = QPainter()
        if not painter.begin(pdf):
            raise OSError("cannot start the PDF")
        try:
            for i, (_view, districts, image, text) in enumerate(pages):
                if i:
                    pdf.newPage()
                from console.export.writers import _qimage
                draw(painter, QRectF(0, 0, page_w, map_h), req.dpi, _qimage(image.rgb), text)
                below = QRectF(0, map_h + px(4), page_w, page_h - map_h - px(4))
                from console.export.tables import draw_alarms, draw_vitals
                draw_vitals(painter, QRectF(below.left(), below.top(), below.width() * 0.48, below.height()),
                            req.dpi, vitals, districts, req.lang)
                draw_alarms(painter, QRectF(below.left() + below.width() * 0.52, below.top(), below.width() * 0.48,
                                            below.height()), req.dpi, model, _alarms(model, districts)[:ALARM_ROWS],
                            len(_alarms(model, districts)), req.lang)
        finally:
            painter.end()
    return atomic_write(req.out, write)
