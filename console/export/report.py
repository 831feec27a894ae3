"""The daily report: one PDF page per key district — the map, its vital signs, its open alarms.

``songjiang-console report --out daily.pdf`` (a cron job or systemd timer runs it; see
docs/reports.md). The sensor layer is shown as recorded at ``--time`` (default: the last
observation in the history), so the figures, the alarms and the map agree with each other.
With no sensor history for the period the pages say so instead of showing figures.

Issue 24 item 5: the city's page is titled with the report (it read "松江新城 · 松江新城"), a
district's page lists only the vital signs it has terminals for (the station headcount is the
hub's), and the map takes the height the tables leave, so a page is filled to its foot. Each
vital sign is shown with its change against the same moment a day earlier and a sparkline of the
last 24 h (day_change.py), the open alarms under a line counting them by severity and by
acknowledgement.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from console.export import ExportRequest, data_time, ensure_gui, provenance
from layers.districts import KEY_DISTRICTS, WHOLE
from layers.files import atomic_write
from layers.layer_kinds import is_kind

# one page per key district (its bookmark, the sensor districts it holds); the whole city first
PAGES = ((WHOLE, ("all",)),) + tuple((d.parts[0].view, d.part_ids) for d in KEY_DISTRICTS)
ALARM_ROWS = 14
MAP_SHARE = (0.55, 0.8)   # of the page's height: the map takes what the tables leave, within these
VITALS_SHARE = (0.5, 0.6)  # of the width below the map: one district's columns, two districts'
TITLE = ("松江新城每日运行报告", "Songjiang New City daily report")


def _sensor_model(project):
    return next((lyr.data for lyr in project.layers if is_kind(lyr, "sensors")), None)


def _alarms(model, districts) -> list:
    """Open alarms, critical first; within a severity the unacknowledged first, the oldest first
    (what has waited longest for an operator)."""
    from layers.sensors.alarms import replayed_alarms
    if model is None:
        return []
    alarms = replayed_alarms(model.replay.alarms) if model.replay is not None else model.alarms.open_alarms()
    reg = model.registry
    if districts != ("all",):
        alarms = [a for a in alarms if reg.district_of(a.sensor) in districts]
    return sorted(alarms, key=lambda a: (-a.severity, a.acked_at is not None, a.raised_at))


def indicators_of(model, districts) -> list:
    """The vital signs a page's districts have terminals for: the station's headcount is the
    hub's (and the whole city's) row, not a row of dashes on every district page."""
    from layers.sensors import kinds as K
    from layers.sensors.vitals import INDICATORS
    reg = model.registry
    inside = (np.ones(len(reg), bool) if districts == ("all",) else
              np.isin(reg.district, [reg.district_names.index(d) for d in districts if d in reg.district_names]))
    return [ind for ind in INDICATORS
            if ind.kind is None or bool((inside & (reg.kind == K.BY_NAME[ind.kind].code)).any())]


def write_daily_report(project, req: ExportRequest) -> Path:
    from PySide6.QtCore import QRectF
    from console.export.page import draw
    from console.export.render import render_map
    from console.png import qimage
    from console.export.tables import draw_alarms, draw_no_history, draw_vitals, rows_fitting, table_height
    from console.export.writers import PDF_PRINT_SCALE, page_pixels, page_text, pdf_document
    from layers.sensors.vitals import vital_signs
    ensure_gui()
    page_w, page_h = page_pixels(req)
    gap = int(round(4 * req.dpi / 25.4))
    from console.export.sensor_data import has_sensor_data
    model = _sensor_model(project)
    known = has_sensor_data(project)  # without, no figures: "0 / 200,000 online" would read as an outage
    vitals = vital_signs(model, data_time(project)) if known else {}
    from console.export.day_change import LookBack, look_back
    back = look_back(model, data_time(project)) if known else LookBack()
    title = req.title or (TITLE[0] if req.lang == "zh" else TITLE[1])
    pages = []
    for view, districts in PAGES:
        if view not in project.bookmarks:
            continue
        indicators = indicators_of(model, districts) if known else []
        alarms = _alarms(model, districts) if known else []
        # the tables' rows (+1: the vitals' second header, the alarms' summary line) decide the map's height: the page is filled to its foot
        need = table_height(req.dpi, max(len(indicators), min(len(alarms), ALARM_ROWS)) + 1) if known else 0
        map_h = int(min(max(page_h - gap - need, page_h * MAP_SHARE[0]), page_h * MAP_SHARE[1]))
        image = render_map(project, view, page_w, map_h, print_scale=req.dpi * PDF_PRINT_SCALE)
        # the city's page carries the report's title (not "松江新城 · 松江新城"); a district's, the place's
        one = ExportRequest(**{**req.__dict__, "views": [view], "title": title if view == WHOLE else "",
                               "subtitle": "" if view == WHOLE else title})
        pages.append((view, districts, indicators, alarms, map_h, image, page_text(project, view, image, one)))

    def write(tmp: Path):
        prov = [provenance(project, v, img.camera, req) for v, *_rest, img, _t in pages]
        with pdf_document(tmp, req, title, prov) as (pdf, painter):
            for i, (_view, districts, indicators, alarms, map_h, image, text) in enumerate(pages):
                if i:
                    pdf.newPage()
                prov[i]["labels_dropped"] = draw(painter, QRectF(0, 0, page_w, map_h), req.dpi, qimage(image.rgb),
                                                 text).dropped
                below = QRectF(0, map_h + gap, page_w, page_h - map_h - gap)
                # the vital signs' share: each district's figure, change and sparkline shown whole
                left = below.width() * (VITALS_SHARE[0] if len(districts) == 1 else VITALS_SHARE[1])
                right = below.width() - left - gap
                if not known:
                    draw_no_history(painter, below, req.dpi, req.lang)
                    continue
                draw_vitals(painter, QRectF(below.left(), below.top(), left, below.height()), req.dpi, vitals,
                            districts, req.lang, indicators, back)
                listed = alarms[:rows_fitting(req.dpi, below.height()) - 1]  # as many as the page holds
                draw_alarms(painter, QRectF(below.right() - right, below.top(), right, below.height()), req.dpi,
                            model, listed, alarms, req.lang)
    return atomic_write(req.out, write)
