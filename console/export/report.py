"""The daily report: one PDF page per key district — the map, its vital signs, its open alarms.

``songjiang-console report --out daily.pdf`` (a cron job or systemd timer runs it; see
docs/reports.md). The sensor layer is shown as recorded at ``--time`` (default: the last
observation in the history), so the figures, the alarms and the map agree with each other.
With no sensor history for the period the pages say so instead of showing figures.
"""
from __future__ import annotations

from pathlib import Path

from console.export import ExportRequest, data_time, ensure_gui, provenance
from layers.districts import KEY_DISTRICTS, WHOLE
from layers.files import atomic_write
from layers.layer_kinds import is_kind

# one page per key district (its bookmark, the sensor districts it holds); the whole city first
PAGES = ((WHOLE, ("all",)),) + tuple((d.parts[0].view, d.part_ids) for d in KEY_DISTRICTS)
ALARM_ROWS = 14


def _sensor_model(project):
    return next((lyr.data for lyr in project.layers if is_kind(lyr, "sensors")), None)


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
    from PySide6.QtCore import QRectF
    from console.export.page import draw
    from console.export.render import render_map
    from console.png import qimage
    from console.export.tables import draw_alarms, draw_no_history, draw_vitals
    from console.export.writers import PDF_PRINT_SCALE, page_pixels, page_text, pdf_document
    from layers.sensors.vitals import vital_signs
    ensure_gui()
    page_w, page_h = page_pixels(req)
    map_h = int(page_h * 0.6)
    gap = int(round(4 * req.dpi / 25.4))
    from console.export.sensor_data import has_sensor_data
    model = _sensor_model(project)
    known = has_sensor_data(project)  # without, no figures: "0 / 200,000 online" would read as an outage
    vitals = vital_signs(model, data_time(project)) if known else {}
    pages = []
    for view, districts in PAGES:
        if view not in project.bookmarks:
            continue
        image = render_map(project, view, page_w, map_h, print_scale=req.dpi * PDF_PRINT_SCALE)
        one = ExportRequest(**{**req.__dict__, "views": [view], "title": ""})
        pages.append((view, districts, image, page_text(project, view, image, one)))
    title = req.title or ("松江新城每日运行报告" if req.lang == "zh" else "Songjiang New City daily report")

    def write(tmp: Path):
        prov = [provenance(project, v, img.camera, req) for v, _d, img, _t in pages]
        with pdf_document(tmp, req, title, prov) as (pdf, painter):
            for i, (_view, districts, image, text) in enumerate(pages):
                if i:
                    pdf.newPage()
                draw(painter, QRectF(0, 0, page_w, map_h), req.dpi, qimage(image.rgb), text)
                below = QRectF(0, map_h + gap, page_w, page_h - map_h - gap)
                half = below.width() * 0.48
                if not known:
                    draw_no_history(painter, below, req.dpi, req.lang)
                    continue
                alarms = _alarms(model, districts)
                draw_vitals(painter, QRectF(below.left(), below.top(), half, below.height()), req.dpi, vitals,
                            districts, req.lang)
                draw_alarms(painter, QRectF(below.right() - half, below.top(), half, below.height()), req.dpi,
                            model, alarms[:ALARM_ROWS], len(alarms), req.lang)
    return atomic_write(req.out, write)
