"""Print pages at a stated scale (issue 24 item 1): a PDF page is a top-down map at 1:N on paper.

An oblique perspective has no single scale, so a print page is orthographic, grid north up,
its ground resolution set by the scale and the PDF's dpi: one device pixel is
``N × 25.4 mm / dpi`` of ground. N is given (``--scale 1:N``) or the first of the ladder at
which the district (its box in layers/bookmarks.py, else what its view frames) fits the map
area. The oblique view stays available as a picture (``--style view``), said to be a
perspective, not to scale, with no scale bar.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

log = logging.getLogger(__name__)

LADDER = (2_000, 5_000, 10_000, 25_000, 50_000)
FIT_MARGIN = 1.08       # the district and a little ground around it
FOOTER_MM = 16.0        # the footer band at the bottom of the map is not where the district is fitted
MAX_SCALE = 10_000_000
STYLES = ("map", "view")
PERSPECTIVE = ("透视图 — 不按比例", "perspective — not to scale")


@dataclass(frozen=True)
class PrintPlan:
    scale: int                       # the N of 1:N
    centre: tuple[float, float]      # project CRS, the map's centre
    half_height: float               # metres of ground from the centre to the map's top edge


def parse_scale(text: str) -> int:
    """"1:10000", "1:10,000" or "10000" → 10000; ValueError for anything else."""
    raw = str(text).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    raw = raw[2:] if raw.startswith("1:") else raw
    if not raw.isdigit() or not 100 <= int(raw) <= MAX_SCALE:
        raise ValueError(f"scale must look like 1:10000, not {text!r}")
    return int(raw)


def scale_text(scale: int, lang: str) -> str:
    return ("比例尺 " if lang == "zh" else "Scale ") + f"1:{scale:,}"


def perspective_text(lang: str) -> str:
    return PERSPECTIVE[0] if lang == "zh" else PERSPECTIVE[1]


def metres_per_px(scale: int, dpi: float) -> float:
    return scale * 0.0254 / dpi


def view_box(project, view) -> tuple[float, float, float, float]:
    """The ground a view is about: the district's box, else the ground its perspective frames."""
    from console.export.render import _camera_bookmark, ortho_half_height
    from layers.bookmarks import VIEW_ASPECT, view_extents
    box = view_extents(project.layers).get(view) if view is not None else None
    if box is not None:
        return box
    bm = project.bookmarks[view] if view is not None else _camera_bookmark(project.camera)
    half = ortho_half_height(bm)
    x, y = bm.focal[0], bm.focal[1]
    return (x - half * VIEW_ASPECT, y - half, x + half * VIEW_ASPECT, y + half)


def fit_scale(box, map_w_mm: float, map_h_mm: float) -> int:
    """The first scale of the ladder at which ``box`` fits the map (above its footer band)."""
    w, h = (box[2] - box[0]) * FIT_MARGIN, (box[3] - box[1]) * FIT_MARGIN
    usable_h = max(map_h_mm - FOOTER_MM, map_h_mm / 2)
    for scale in LADDER:
        if w <= map_w_mm / 1000.0 * scale and h <= usable_h / 1000.0 * scale:
            return scale
    log.info("the view is wider than 1:%d shows on this paper; printing at that scale", LADDER[-1])
    return LADDER[-1]


def plan(project, view, map_px: tuple[int, int], dpi: float, scale: int | None = None) -> PrintPlan:
    """Scale and framing of one page's map of ``map_px`` device pixels at ``dpi``."""
    from console.snapshot import check_view
    box = view_box(project, check_view(project, view))
    w_mm, h_mm = (v * 25.4 / dpi for v in map_px)
    scale = scale or fit_scale(box, w_mm, h_mm)
    res = metres_per_px(scale, dpi)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    # the district sits in the map above the footer band: lift the centre by half the band
    cy -= FOOTER_MM / 2 / 1000.0 * scale
    if not math.isfinite(cx + cy):
        raise ValueError(f"view {view!r} has no ground to print")
    return PrintPlan(scale, (cx, cy), map_px[1] * res / 2)
