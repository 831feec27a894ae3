"""The three writers: PNG and PDF (furnished pages), GeoTIFF (georeferenced data)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np

from console.export import PAPER_MM, ExportRequest, data_time, ensure_gui, provenance, provenance_json
from console.export.render import render_map
from console.png import qimage, write_png
from layers.files import atomic_write

SCREEN_DPI = 96.0
SCREEN_SIZE = (1600, 900)   # what the window's view is about: furniture sizes are set for it


def _scale_for(width: int, height: int) -> float:
    return max(1.0, min(width / SCREEN_SIZE[0], height / SCREEN_SIZE[1]))


def page_text(project, view, image, req: ExportRequest, scale: int | None = None):
    """The furniture of a page; ``scale``: the N of a true-scale map (its text beside the scale bar)."""
    from console.export.legend import footer_lines, legend_rows
    from console.export.page import PageText
    from layers.districts import WHOLE_NAME
    bm = project.bookmarks.get(view) if view else None
    place = bm.name(req.lang) if bm else ("当前视图" if req.lang == "zh" else "Current view")
    city = WHOLE_NAME[0] if req.lang == "zh" else WHOLE_NAME[1]
    title = req.title or (place if place == city else f"{city} · {place}")  # the city's page: not said twice
    near_top_down = image.transform is not None or (bm is not None and bm.pitch >= 60)
    from console.export.print_scale import perspective_text, scale_text
    said = scale_text(scale, req.lang) if scale else "" if near_top_down else perspective_text(req.lang)
    return PageText(title=title, subtitle=req.subtitle, legend=legend_rows(project, req.lang, image.extent),
                    footer=footer_lines(project, req, data_time(project)), north_angle=image.north_angle,
                    metres_per_px=image.metres_per_px, scale_bar=near_top_down, labels=image.labels or [],
                    keep_clear=image.keep_clear or [], scale_text=said,
                    image_size=(image.rgb.shape[1], image.rgb.shape[0]))


def export_png(project, req: ExportRequest, view) -> Path:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter
    ensure_gui()
    w, h = req.size
    k = _scale_for(w, h)
    image = render_map(project, view, w, h, print_scale=k)
    qimg = qimage(image.rgb)
    text = page_text(project, view, image, req)
    painter = QPainter(qimg)
    from console.export.page import draw
    laid = draw(painter, QRectF(0, 0, w, h), SCREEN_DPI * k, None, text)  # the map is already the image
    painter.end()
    prov = provenance(project, view, image.camera, req, {"labels_dropped": laid.dropped})
    return write_png(qimg, req.out, {"Title": text.title, "Author": req.author, "Software": prov["software"],
                                     "Source": "; ".join(text.footer), "songjiang:provenance": provenance_json(prov)})


MARGIN_MM = 10.0
PDF_PRINT_SCALE = 0.75 / SCREEN_DPI  # × dpi: labels on paper a little smaller than on screen


def page_pixels(req: ExportRequest) -> tuple[int, int]:
    """The printable area of the page in device pixels at the PDF's dpi."""
    w, h = PAPER_MM[req.paper]
    if req.landscape:
        w, h = h, w
    return tuple(int(round((mm - 2 * MARGIN_MM) * req.dpi / 25.4)) for mm in (w, h))


@contextmanager
def pdf_document(tmp: Path, req: ExportRequest, title: str, provenance_pages: list):
    """A QPdfWriter on ``tmp`` with the paper and metadata; yields (pdf, painter). ``provenance_pages``
    is attached when the pages are drawn: a page's dict may say what drawing it found (labels dropped)."""
    from PySide6.QtCore import QByteArray, QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter
    w, h = PAPER_MM[req.paper]
    if req.landscape:
        w, h = h, w
    pdf = QPdfWriter(str(tmp))
    pdf.setResolution(req.dpi)
    pdf.setPageLayout(QPageLayout(QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter), QPageLayout.Orientation.Portrait,
                                  QMarginsF(*[MARGIN_MM] * 4), QPageLayout.Unit.Millimeter))
    pdf.setTitle(title)
    pdf.setAuthor(req.author)
    pdf.setCreator("songjiang-console")
    painter = QPainter()
    if not painter.begin(pdf):
        raise OSError("cannot start the PDF")
    try:
        yield pdf, painter
        pdf.addFileAttachment("provenance.json",  # written with the document's tail, when the painter ends
                              QByteArray(provenance_json({"pages": provenance_pages}).encode()), "application/json")
    finally:
        painter.end()


def write_pdf(project, req: ExportRequest) -> Path:
    """One page per view, in the paper size and orientation asked: a top-down map at a true
    scale (console/export/print_scale.py), or with ``style="view"`` the 3D perspective."""
    from PySide6.QtCore import QRectF
    from console.export.page import draw
    from console.export.print_scale import plan as print_plan
    ensure_gui()
    map_w, map_h = page_pixels(req)
    pages = []
    for view in req.views:
        k = req.dpi * PDF_PRINT_SCALE
        if req.style == "view":
            image, page = render_map(project, view, map_w, map_h, print_scale=k), {"style": "view"}
        else:
            at = print_plan(project, view, (map_w, map_h), req.dpi, req.scale)
            image = render_map(project, view, map_w, map_h, print_scale=k, ortho=True, centre=at.centre,
                               half_height=at.half_height)
            page = {"style": "map", "scale": at.scale, "transform": list(image.transform),
                    "map_mm": [MARGIN_MM, MARGIN_MM, map_w * 25.4 / req.dpi, map_h * 25.4 / req.dpi]}
        pages.append((view, image, page_text(project, view, image, req, page.get("scale")), page))

    def write(tmp: Path):
        prov = [provenance(project, v, img.camera, req, page) for v, img, _, page in pages]
        with pdf_document(tmp, req, pages[0][2].title, prov) as (pdf, painter):
            for i, (_view, image, text, _page) in enumerate(pages):
                if i:
                    pdf.newPage()
                laid = draw(painter, QRectF(0, 0, map_w, map_h), req.dpi, qimage(image.rgb), text)
                prov[i]["labels_dropped"] = laid.dropped  # names the page had no room for, said
    return atomic_write(req.out, write)


def write_geotiff(project, req: ExportRequest, view) -> Path:
    """Top-down, orthographic, grid north up, in the project CRS: overlays exactly in QGIS."""
    from layers.readers.libraries import import_rasterio
    rasterio = import_rasterio()  # the window's loader threads may be importing it at the same time
    from rasterio.transform import Affine
    w, h = req.size
    image = render_map(project, view, w, h, print_scale=_scale_for(w, h), ortho=True)
    x0, dx, _, y0, _, dy = image.transform
    prov = provenance(project, view, image.camera, req)

    def write(tmp: Path):
        profile = {"driver": "GTiff", "width": w, "height": h, "count": 3, "dtype": "uint8",
                   "crs": project.crs.crs, "transform": Affine(dx, 0.0, x0, 0.0, dy, y0),
                   "photometric": "RGB", "compress": "deflate", "tiled": True}
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(np.moveaxis(image.rgb, 2, 0))
            dst.update_tags(TIFFTAG_SOFTWARE=prov["software"], TIFFTAG_ARTIST=req.author,
                            TIFFTAG_DOCUMENTNAME=req.title or (view or ""),
                            SONGJIANG_PROVENANCE=provenance_json(prov))
    return atomic_write(req.out, write)
