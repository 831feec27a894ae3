"""Reading a printed page back as a reviewer does (issue 24): poppler, the page's pixels and words.

Shared by the print tests (test_print_districts.py, test_print_atlas.py, test_print_scale.py).
A PDF page is rasterized by pdftoppm, its words and their boxes read by pdftotext -bbox; the
heritage sites' ground coordinates come from the embedded data, not from the page. The page's
attached provenance.json only says where to look (its map frame on the paper and its
geotransform). No side effects on import.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import REPO


def snapshot(*args):
    return subprocess.run([sys.executable, "-m", "console", "snapshot", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def needs_poppler():
    for tool in ("pdftoppm", "pdftotext", "pdfdetach"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (the test command installs poppler-utils)")


def pages_provenance(pdf, tmp_path) -> list[dict]:
    """The provenance of each page of ``pdf``, as attached to it (one dict per PDF page)."""
    subprocess.run(["pdfdetach", "-saveall", "-o", tmp_path, pdf], check=True, capture_output=True)
    return json.loads((tmp_path / "provenance.json").read_text(encoding="utf-8"))["pages"]


def page_text(pdf, page: int = 1) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"], capture_output=True,
                          text=True, check=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words(pdf, page: int = 1) -> tuple[list, float, float]:
    """([(x0, y0, x1, y1, word) in points], page width, page height) of one page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-"], capture_output=True,
                         text=True, check=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    found = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]
    return found, float(size.group(1)), float(size.group(2))


def heritage_sites(with_models: bool = True) -> list[tuple[str, np.ndarray]]:
    """(name_zh, project CRS x, y) of every heritage site of the embedded data; ``with_models=False``
    leaves out those with a BIM model (whose own red symbol may stand a few metres off the point)."""
    import assets
    from layers.bim.heritage import MODELS
    from pyproj import Transformer
    sites = json.loads(assets.path("heritage_sites.geojson").read_text(encoding="utf-8"))["features"]
    to = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    return [(f["properties"]["name_zh"], np.array(to.transform(*f["geometry"]["coordinates"][:2]))) for f in sites
            if with_models or not any(f["properties"]["name_zh"].startswith(zh) for zh, _en in MODELS.values())]


def on_map(page: dict, xy, dpi: float) -> bool:
    """Whether a ground point is inside the page's map frame (its provenance, rendered at ``dpi``)."""
    x0, dx, _, y0, _, dy = page["transform"]
    w, h = (mm / 25.4 * dpi for mm in page["map_mm"][2:])
    return 0 <= (xy[0] - x0) / dx < w and 0 <= (xy[1] - y0) / dy < h


def raster(pdf, tmp_path, dpi: int, page: int = 1) -> np.ndarray:
    from PySide6.QtGui import QImage
    stem = tmp_path / f"page{page}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", pdf, stem],
                   check=True)
    image = QImage(f"{stem}.png").convertToFormat(QImage.Format_RGB888)
    w, h = image.width(), image.height()
    a = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h).copy()
    return a.reshape(h, image.bytesPerLine())[:, :w * 3].reshape(h, w, 3).astype(np.int16)


def markers(rgb, where: list[tuple[float, float]], reach: int) -> list:
    """(index, centre) of each whole red heritage marker found near where it should be; a site with
    another within reach, or whose marker a place name's box covers in part, is left out."""
    found = []
    for i, (col, row) in enumerate(where):
        if any(0 < np.hypot(col - c, row - r) < 2 * reach for c, r in where):
            continue
        r0, c0 = int(row) - reach, int(col) - reach
        if r0 < 0 or c0 < 0 or r0 + 2 * reach >= rgb.shape[0] or c0 + 2 * reach >= rgb.shape[1]:
            continue
        window = rgb[r0:r0 + 2 * reach + 1, c0:c0 + 2 * reach + 1]
        red = (window[..., 0] > 110) & (window[..., 1] < 70) & (window[..., 2] < 70)
        if red.sum() >= 6:
            ys, xs = np.nonzero(red)
            found.append((i, red.sum(), np.array([c0 + xs.mean(), r0 + ys.mean()])))
    whole = max((n for _, n, _ in found), default=0) * 0.6
    return [(i, at) for i, n, at in found if n >= whole]


def bar_label(pdf, dpi: int, page: int = 1) -> tuple[float, float, float]:
    """(metres, centre x px, bottom y px) of the scale bar's length label ("500 m"): the number and
    unit nearest above the scale text ("比例尺 1:N" / "Scale 1:N") at the page's bottom left."""
    found, _pw, _ph = words(pdf, page)
    said = next((w for w in found if w[4] in ("比例尺", "Scale")), None)
    assert said is not None, "no scale text on the page"
    best = None
    for (x0, y0, _x1, y1, number), (_a, b0, x1, _d, unit) in zip(found, found[1:]):
        if re.fullmatch(r"\d+(\.\d+)?", number) and unit in ("m", "km") and abs(b0 - y0) < 1 and y1 <= said[1] + 1:
            gap = said[1] - y1 + abs(x0 - said[0])
            if best is None or gap < best[0]:
                k = dpi / 72.0
                best = (gap, float(number) * (1000 if unit == "km" else 1), (x0 + x1) / 2 * k, y1 * k)
    assert best is not None, "no scale bar length label on the page"
    return best[1:]


def _rising(d: np.ndarray, i: int) -> float:
    """Sub-pixel position of the light-to-dark edge between pixels i-1 and i (darkness crosses 0.5)."""
    return (i - 1) + (0.5 - d[i - 1]) / max(d[i] - d[i - 1], 1e-6) + 0.5


def bar_px(rgb, centre: float, label_bottom: float, dpi: int) -> float:
    """The bar's length in pixels: twice the distance from the first quarter's start to the third's
    (the same edge of the same pen twice, so the outline's width cancels)."""
    grey = rgb.mean(axis=2)
    col = int(round(centre)) + dpi // 50                  # inside the third quarter (dark)
    top = next(y for y in range(int(label_bottom), int(label_bottom) + dpi // 2) if grey[y, col] < 100)
    d = np.clip((255.0 - grey[top + int(0.7 / 25.4 * dpi)]) / 230.0, 0.0, 1.0)  # across the bar's middle
    x = col
    while d[x - 1] >= 0.5:
        x -= 1
    third = _rising(d, x)                                 # where the third quarter starts
    while d[x - 1] < 0.5:
        x -= 1                                            # across the second (white) quarter
    while d[x - 1] >= 0.5:
        x -= 1
    return 2.0 * (third - _rising(d, x))


def marker_pair(rgb, page: dict, pdf_dpi: int, look: int):
    """(ground metres, page pixels) between the two farthest heritage markers found whole on the page
    rasterized at ``look`` dpi, or None when fewer than two are."""
    k = look / pdf_dpi
    x0, dx, _, y0, _, dy = page["transform"]              # of the map image, rendered at the PDF's dpi
    left, top = (v / 25.4 * look for v in page["map_mm"][:2])
    sites = [xy for _name, xy in heritage_sites(with_models=False)]
    where = [(left + (x - x0) / dx * k, top + (y - y0) / dy * k) for x, y in sites]
    found = markers(rgb, where, reach=int(10 * k))
    if len(found) < 2:
        return None
    (a, at_a), (b, at_b) = max(((p, q) for p in found for q in found),
                               key=lambda pq: np.linalg.norm(pq[0][1] - pq[1][1]))  # the farthest pair
    return float(np.linalg.norm(sites[a] - sites[b])), float(np.linalg.norm(at_a - at_b))


def _ncc(search: np.ndarray, patch: np.ndarray) -> np.ndarray:
    """Normalized cross-correlation of ``patch`` at every offset inside ``search`` (valid part only)."""
    ph, pw = patch.shape
    p = patch - patch.mean()
    p /= np.sqrt((p * p).sum()) or 1.0
    sh, sw = search.shape
    shape = (sh + ph, sw + pw)
    num = np.fft.irfft2(np.fft.rfft2(search, shape) * np.conj(np.fft.rfft2(p, shape)), shape)[:sh - ph + 1, :sw - pw + 1]
    c1 = np.pad(search, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    c2 = np.pad(search * search, ((1, 0), (1, 0))).cumsum(0).cumsum(1)

    def window(c):
        return c[ph:, pw:] - c[:-ph, pw:] - c[ph:, :-pw] + c[:-ph, :-pw]
    s1, s2 = window(c1), window(c2)
    var = np.maximum(s2 - s1 * s1 / (ph * pw), 1e-9)
    return num / np.sqrt(var)


def _peak(ncc: np.ndarray) -> tuple[float, float, float]:
    """(row, col, value) of the NCC's maximum, refined to a fraction of a pixel by a parabola."""
    r, c = np.unravel_index(int(np.argmax(ncc)), ncc.shape)
    out = []
    for axis, i in ((0, r), (1, c)):
        line = ncc[:, c] if axis == 0 else ncc[r, :]
        if 0 < i < len(line) - 1:
            a, b, d = line[i - 1], line[i], line[i + 1]
            out.append(i + 0.5 * (a - d) / ((a - 2 * b + d) or 1e-9))
        else:
            out.append(float(i))
    return out[0], out[1], float(ncc[r, c])


def measure_against_geotiff(rgb, page: dict, pdf_dpi: int, look: int, tif) -> dict:
    """The page's metres per pixel of ``rgb`` (the page rasterized at ``look`` dpi) as measured on the
    GeoTIFF ``tif`` of the same ground: patches of the page's map found in the GeoTIFF (normalized
    cross-correlation), their ground distances over their distances on the page. The page's own
    claim only says where to start looking. Returns the measured and the claimed metres per pixel."""
    import rasterio
    with rasterio.open(tif) as src:
        ground = src.read().astype(float).mean(axis=0)
        gt = src.transform
    k = look / pdf_dpi
    x0, dx, _, y0, _, dy = page["transform"]
    left, top = (v / 25.4 * look for v in page["map_mm"][:2])
    w, h = (int(v / 25.4 * look) for v in page["map_mm"][2:])
    claimed = dx / k                                       # metres per pixel of rgb

    def to_ground(col, row):                               # rgb pixel → ground, as the page claims
        return x0 + (col - left) * claimed, y0 - (row - top) * claimed
    grey = rgb.mean(axis=2)
    box = int(round(claimed / gt.a))                       # GeoTIFF pixels a page pixel: averaged, not picked
    if box > 1:
        c = np.pad(ground, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
        ground = (c[box:, box:] - c[:-box, box:] - c[box:, :-box] + c[:-box, :-box]) / (box * box)
        gt = gt * gt.translation(box / 2 - 0.5, box / 2 - 0.5)
    cols, rows = np.meshgrid(np.arange(int(left), int(left) + w), np.arange(int(top), int(top) + h))
    gx, gy = to_ground(cols + 0.5, rows + 0.5)
    tc, tr = (gx - gt.c) / gt.a, (gy - gt.f) / gt.e        # GeoTIFF pixel under each page pixel
    inside = (tc >= 0) & (tc < ground.shape[1] - 1) & (tr >= 0) & (tr < ground.shape[0] - 1)
    resampled = np.where(inside, ground[np.clip(tr.astype(int), 0, ground.shape[0] - 1),
                                        np.clip(tc.astype(int), 0, ground.shape[1] - 1)], np.nan)
    patch, reach = int(10 / 25.4 * look), int(4 / 25.4 * look)  # 10 mm patches, searched 4 mm around
    ys, xs = np.nonzero(inside)                            # where the page and the GeoTIFF overlap
    found = []
    for r0 in np.linspace(ys.min() + reach, ys.max() - reach - patch, 8).astype(int):
        for c0 in np.linspace(xs.min() + reach, xs.max() - reach - patch, 8).astype(int):
            rs, cs = r0 - reach, c0 - reach
            if rs < 0 or cs < 0 or rs + patch + 2 * reach > h or cs + patch + 2 * reach > w:
                continue
            search = resampled[rs:rs + patch + 2 * reach, cs:cs + patch + 2 * reach]
            if np.isnan(search).any():
                continue
            tile = grey[int(top) + r0:int(top) + r0 + patch, int(left) + c0:int(left) + c0 + patch]
            if tile.std() < 8:
                continue                                   # no texture to match (open ground)
            dr, dc, score = _peak(_ncc(search, tile))
            if score > 0.6:
                page_at = np.array([left + c0 + patch / 2, top + r0 + patch / 2])
                found.append((page_at, np.array(to_ground(left + cs + dc + patch / 2, top + rs + dr + patch / 2))))
    assert len(found) >= 4, f"page patches found on the GeoTIFF: {len(found)}"
    ratios = [np.linalg.norm(a[1] - b[1]) / np.linalg.norm(a[0] - b[0])
              for i, a in enumerate(found) for b in found[i + 1:] if np.linalg.norm(a[0] - b[0]) > 30 / 25.4 * look]
    assert ratios, "no two page patches far enough apart on the GeoTIFF"
    return {"measured": float(np.median(ratios)), "claimed": claimed, "patches": len(found)}
