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


def page_text(project, view, image, req: ExportRequest, scale: int | None = None, printed: bool = False):
    """The furniture of a page; ``scale``: the N of a true-scale map (its text beside the scale bar,
    a coordinate grid round it); ``printed``: a PDF page (an overview inset of the city)."""
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
    footer = footer_lines(project, req, data_time(project))
    gridded = bool(scale) and image.transform is not None
    if gridded:
        from console.export import grid
        footer.insert(1, grid.note(grid.spacing(scale / 1000.0), req.lang))
    from console.export.inset import overview
    return PageText(title=title, subtitle=req.subtitle, legend=legend_rows(project, req.lang, image.extent),
                    footer=footer, north_angle=image.north_angle,
                    metres_per_px=image.metres_per_px, scale_bar=near_top_down, labels=image.labels or [],
                    keep_clear=image.keep_clear or [], scale_text=said,
                    image_size=(image.rgb.shape[1], image.rgb.shape[0]),
                    grid=image.transform if gridded else None,
                    overview=overview(project, image.extent, req.lang) if printed else None)


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


def map_frame(req: ExportRequest) -> tuple[int, int, int, int]:
    """Where the map goes in the printable area (x, y, width, height device pixels): a map at a
    scale leaves a band round it for its grid's ticks and labels (console/export/grid.py)."""
    from console.export.grid import BAND_MM
    w, h = page_pixels(req)
    band = int(round(BAND_MM * req.dpi / 25.4)) if req.style == "map" else 0
    return band, band, w - 2 * band, h - 2 * band


def print_page(project, view, req: ExportRequest, frame: tuple) -> tuple:
    """One page of a PDF (the one way a page is laid out: single pages and the atlas's):
    (view, map image, furniture, provenance of the page)."""
    from console.export.print_scale import plan as print_plan
    left, top, map_w, map_h = frame
    k = req.dpi * PDF_PRINT_SCALE
    if req.style == "view":
        image, page = render_map(project, view, map_w, map_h, print_scale=k), {"style": "view"}
    else:
        at = print_plan(project, view, (map_w, map_h), req.dpi, req.scale)
        image = render_map(project, view, map_w, map_h, print_scale=k, ortho=True, centre=at.centre,
                           half_height=at.half_height)
        page = {"style": "map", "scale": at.scale, "transform": list(image.transform),
                "map_mm": [MARGIN_MM + v * 25.4 / req.dpi for v in (left, top)] +
                          [v * 25.4 / req.dpi for v in (map_w, map_h)]}
    return view, image, page_text(project, view, image, req, page.get("scale"), printed=True), page


def write_pdf(project, req: ExportRequest) -> Path:
    """One page per view, in the paper size and orientation asked: a top-down map at a true
    scale (console/export/print_scale.py), or with ``style="view"`` the 3D perspective; an atlas
    (``req.atlas``, console/export/atlas.py) puts a contents page before its districts' pages."""
    from PySide6.QtCore import QRectF
    from console.export.page import draw
    ensure_gui()
    frame = map_frame(req)
    contents = None
    if req.atlas:
        from console.export.atlas import Contents
        contents = Contents(project, req)
        req = contents.request
    pages = [print_page(project, view, req, frame) for view in req.views]
    if contents is not None:
        contents.number(pages)

    def write(tmp: Path):
        prov = [provenance(project, v, img.camera, req, page) for v, img, _, page in pages]
        prov = ([contents.provenance()] if contents is not None else []) + prov
        drawn = len(prov) - len(pages)
        with pdf_document(tmp, req, contents.title if contents else pages[0][2].title, prov) as (pdf, painter):
            if contents is not None:
                contents.draw(painter, QRectF(0, 0, *page_pixels(req)), pages)
            for i, (_view, image, text, _page) in enumerate(pages):
                if i or contents is not None:
                    pdf.newPage()
                laid = draw(painter, QRectF(*frame), req.dpi, qimage(image.rgb), text)
                prov[drawn + i]["labels_dropped"] = laid.dropped  # names the page had no room for, said
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
