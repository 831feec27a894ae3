"""Map exports for reports: PNG, PDF and GeoTIFF, from the window or headless.

- PNG: rendered offscreen at its own size (up to 7680×4320), furnished (title, legend, scale
  bar, north arrow, footer), provenance in text chunks.
- PDF: A4/A3, portrait/landscape, one page per view, vector text with the CJK font embedded,
  provenance in the document info and an attached provenance.json.
- GeoTIFF: a top-down orthographic view in the project CRS, georeferenced so it overlays in
  QGIS; provenance in the TIFF tags. No furniture: it is data.
Every file is written to a temporary file and renamed (layers/files.atomic_write).
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = {".png": "png", ".pdf": "pdf", ".tif": "tif", ".tiff": "tif"}
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MAX_PX = 7680 * 4320
APP = "songjiang-console 0.1.0"


@dataclass
class ExportRequest:
    out: Path
    views: list = field(default_factory=lambda: [None])   # bookmark ids; None: the saved camera
    size: tuple[int, int] = (1600, 900)                    # PNG / GeoTIFF pixels
    paper: str = "A4"
    landscape: bool = True
    dpi: int = 300                                         # PDF
    title: str = ""
    subtitle: str = ""
    author: str = ""
    lang: str = "zh"
    scale: int | None = None                               # PDF map at 1:scale (None: fitted, print_scale.py)
    style: str = "map"                                     # PDF: "map" at a true scale, "view" the 3D perspective
    atlas: str | None = None                               # PDF: "districts", a page per key district (atlas.py)

    @property
    def format(self) -> str:
        fmt = FORMATS.get(Path(self.out).suffix.lower())
        if fmt is None:
            raise ValueError(f"{self.out}: export as .png, .pdf or .tif")
        return fmt


def ensure_gui():
    """QPainter text needs a QGuiApplication; headless, Qt's offscreen platform does (no OpenGL used)."""
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # whatever was asked for, no display means no xcb
        app = QGuiApplication(sys.argv[:1])
    return app


def export(project, req: ExportRequest) -> Path:
    fmt = req.format
    if req.atlas and fmt != "pdf":
        raise ValueError(f"{req.out}: an atlas is a PDF (give --out FILE.pdf)")
    if fmt in ("png", "tif") and req.size[0] * req.size[1] > MAX_PX:
        raise ValueError(f"{req.size[0]}×{req.size[1]} is more than 7680×4320 pixels")
    if fmt == "pdf":
        from console.export.writers import write_pdf
        return write_pdf(project, req)
    if len(req.views) != 1:
        raise ValueError(f"{req.out}: one view per {fmt.upper()} (use --out-dir for several)")
    if fmt == "tif":
        from console.export.writers import write_geotiff
        return write_geotiff(project, req, req.views[0])
    from console.export.writers import export_png
    return export_png(project, req, req.views[0])


def export_views(project, views: list, out_dir: Path, fmt: str, **kw) -> list[Path]:
    """Batch export: one file per bookmark into ``out_dir`` (a daily report's pictures)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [export(project, ExportRequest(out=out_dir / f"{v}.{fmt}", views=[v], **kw)) for v in views]


def data_time(project) -> float | None:
    """The moment the page's data are of (None: a sensor layer with no data); see export/sensor_data.py."""
    from console.export.sensor_data import data_time as of_project
    return of_project(project)


def provenance(project, view, camera, req: ExportRequest, page: dict | None = None) -> dict:
    """What a file was made of; ``page``: a print page's scale and map frame (its georeference)."""
    from layers.spec import LayerSpec
    return {**(page or {}), "software": APP, "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "view": view,
            "data_time": data_time(project), "crs": project.crs.crs, "camera": camera, "author": req.author,
            "layers": [{"name": s.name, "source": s.source, "visible": s.visible}
                       for s in map(LayerSpec.of_layer, project.layers)]}


def provenance_json(prov: dict) -> str:
    return json.dumps(prov, ensure_ascii=False, sort_keys=True)
