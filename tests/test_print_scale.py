"""Issue 24 item 1: a PDF page is a map at a stated scale, measured as a reviewer measures it.

The page is rasterized by poppler (pdftoppm) at the PDF's own dpi; the scale bar's quarters and
two heritage markers are found in its pixels, their ground distance computed from the embedded
data's coordinates; the bar's length label and the scale text are read by pdftotext. Nothing
is taken from the page's own claims except where to look (its attached provenance.json).
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

DPI = 100


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "console", "snapshot", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def _needs_poppler():
    for tool in ("pdftoppm", "pdftotext", "pdfdetach"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (the test command installs poppler-utils)")


def _heritage_sites() -> list[np.ndarray]:
    """The heritage sites of the embedded data, in the project CRS, but those with a BIM model
    (whose own red symbol may stand a few metres off the site's point)."""
    import assets
    from layers.bim.heritage import MODELS
    from pyproj import Transformer
    sites = json.loads(assets.path("heritage_sites.geojson").read_text(encoding="utf-8"))["features"]
    to = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    return [np.array(to.transform(*f["geometry"]["coordinates"][:2])) for f in sites
            if not any(f["properties"]["name_zh"].startswith(zh) for zh, _en in MODELS.values())]


def _raster(pdf, tmp_path, dpi: int) -> np.ndarray:
    from PySide6.QtGui import QImage
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", pdf, tmp_path / "page"], check=True)
    image = QImage(str(next(tmp_path.glob("page*.png")))).convertToFormat(QImage.Format_RGB888)
    w, h = image.width(), image.height()
    a = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h).copy()
    return a.reshape(h, image.bytesPerLine())[:, :w * 3].reshape(h, w, 3).astype(np.int16)


def _markers(rgb, where: list[tuple[float, float]], reach: int) -> list:
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


def _bar_label(pdf, dpi: int) -> tuple[float, float, float]:
    """(metres, centre x px, bottom y px) of the scale bar's length label, e.g. "500 m", bottom-left."""
    words = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"], capture_output=True, text=True,
                           check=True).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', words)
    pw, ph = float(page.group(1)), float(page.group(2))
    found = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', words)]
    for (x0, y0, _x1, y1, number), (_a, b0, x1, _d, unit) in zip(found, found[1:]):
        if re.fullmatch(r"\d+(\.\d+)?", number) and unit in ("m", "km") and abs(b0 - y0) < 1 \
                and x0 < pw / 3 and y0 > ph / 2:
            k = dpi / 72.0
            return float(number) * (1000 if unit == "km" else 1), (x0 + x1) / 2 * k, y1 * k
    raise AssertionError("no scale bar length label on the page")


def _rising(d: np.ndarray, i: int) -> float:
    """Sub-pixel position of the light-to-dark edge between pixels i-1 and i (darkness crosses 0.5)."""
    return (i - 1) + (0.5 - d[i - 1]) / max(d[i] - d[i - 1], 1e-6) + 0.5


def _bar_px(rgb, centre: float, label_bottom: float, dpi: int) -> float:
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


def test_a_pdf_page_is_a_map_at_its_stated_scale_with_a_true_scale_bar(tmp_path):
    _needs_poppler()
    pdf = tmp_path / "old-town.pdf"
    result = _cli("--view", "old-town", "--out", pdf, "--paper", "A4", "--dpi", DPI, "--lang", "en")
    assert result.returncode == 0, result.stderr[-3000:]
    subprocess.run(["pdfdetach", "-saveall", "-o", tmp_path, pdf], check=True, capture_output=True)
    page = json.loads((tmp_path / "provenance.json").read_text(encoding="utf-8"))["pages"][0]
    from console.export.print_scale import LADDER
    scale = page["scale"]
    assert scale in LADDER, "fitted from the ladder"
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert f"Scale 1:{scale:,}" in text

    look = 300                                            # poppler's dpi: the bar's edges to a tenth of a pixel
    rgb, k = _raster(pdf, tmp_path, look), look / DPI
    x0, dx, _, y0, _, dy = page["transform"]              # of the map image, rendered at the PDF's DPI
    left, top = (v / 25.4 * look for v in page["map_mm"][:2])
    sites = _heritage_sites()
    where = [(left + (x - x0) / dx * k, top + (y - y0) / dy * k) for x, y in sites]
    found = _markers(rgb, where, reach=int(10 * k))
    assert len(found) >= 2, f"heritage markers found whole on the page: {len(found)}"
    (a, at_a), (b, at_b) = max(((p, q) for p in found for q in found),
                               key=lambda pq: np.linalg.norm(pq[0][1] - pq[1][1]))  # the farthest pair
    ground, at = [sites[a], sites[b]], [at_a, at_b]
    metres = float(np.linalg.norm(ground[0] - ground[1]))
    px = float(np.linalg.norm(at[0] - at[1]))
    on_paper_mm = px / look * 25.4
    assert abs(on_paper_mm * scale / 1000.0 / metres - 1) < 0.01, \
        f"{metres:.0f} m is {on_paper_mm:.1f} mm on paper at 1:{scale:,}"

    length_m, centre, label_bottom = _bar_label(pdf, look)
    bar = _bar_px(rgb, centre, label_bottom, look)
    assert abs((length_m / bar) / (metres / px) - 1) < 0.01, \
        f"the bar says {length_m:.0f} m in {bar:.1f} px; the ground says {metres / px:.3f} m/px"


def test_the_3d_view_is_still_printable_as_a_perspective_said_not_to_scale(tmp_path):
    _needs_poppler()
    pdf = tmp_path / "view.pdf"
    result = _cli("--view", "old-town", "--out", pdf, "--dpi", 72, "--style", "view", "--lang", "en")
    assert result.returncode == 0, result.stderr[-3000:]
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "perspective — not to scale" in text and "Scale 1:" not in text


def test_a_given_scale_is_the_page_scale_and_a_malformed_one_is_a_usage_error(tmp_path):
    _needs_poppler()
    pdf = tmp_path / "hub.pdf"
    result = _cli("--view", "hub", "--out", pdf, "--dpi", 72, "--scale", "1:10,000")
    assert result.returncode == 0, result.stderr[-3000:]
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "比例尺 1:10,000" in text
    bad = _cli("--view", "hub", "--out", tmp_path / "bad.pdf", "--scale", "1:ten")
    assert bad.returncode == 2 and "1:ten" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad.pdf").exists()
