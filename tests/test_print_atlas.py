"""Issue 24 items 1–2: the atlas of the key districts, and a page's grid, inset and scale as text.

``snapshot --atlas districts`` is written once for the module (A3, 72 dpi: the layout is in
millimetres) and read back with poppler as a reviewer reads it: the contents page lists every
page with its district and scale, each district page is at its best scale of the ladder for
its district on that paper, says its number, and (through the single page's layout) carries a
coordinate grid labelled in the margin at the positions its georeference gives, and an
overview inset of the new city with the page's frame marked in red in the page's shape.
"""
from __future__ import annotations

import re

import pytest

from tests.print_pages import flat, needs_poppler, page_text, pages_provenance, raster, snapshot, words

DPI = 72
MM = 72.0 / 25.4    # points a millimetre


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    needs_poppler()
    tmp = tmp_path_factory.mktemp("atlas")
    pdf = tmp / "atlas.pdf"
    result = snapshot("--atlas", "districts", "--out", pdf, "--paper", "A3", "--dpi", DPI)
    assert result.returncode == 0, result.stderr[-3000:]
    return pdf, pages_provenance(pdf, tmp), tmp


def _district_boxes() -> dict:
    """Each district part's ground box, from the embedded districts layer (no render)."""
    from layers.bookmarks import view_extents
    from layers.crs import ProjectCRS
    from layers.loading import embedded_specs, load_spec
    spec = next(s for s in embedded_specs() if s.source == "asset:districts.geojson")
    return view_extents(load_spec(spec, ProjectCRS()))


def test_the_atlas_is_a_contents_page_then_a_page_per_district_at_its_best_scale(atlas):
    from console.export.print_scale import fit_scale
    from layers.districts import KEY_DISTRICTS
    pdf, pages, _tmp = atlas
    sheets = [(d, part) for d in KEY_DISTRICTS for part in d.parts]
    assert len(pages) == 1 + len(sheets) and pages[0]["style"] == "contents"
    contents = page_text(pdf, 1)
    assert "松江新城重点区域图集" in contents and "目录" in contents and "图幅索引" in contents
    for d in KEY_DISTRICTS:
        assert flat(d.name[0]) in flat(contents), f"{d.name[0]} is not in the contents"
    boxes = _district_boxes()
    lines = [flat(line) for line in contents.splitlines()]
    for n, ((district, part), page) in enumerate(zip(sheets, pages[1:]), start=2):
        scale = page["scale"]
        w_mm, h_mm = page["map_mm"][2:]
        assert scale == fit_scale(boxes[part.view], w_mm, h_mm), f"{part.view}: not its best scale on A3"
        assert page["view"] == part.view
        entry = next((i for i, line in enumerate(lines) if flat(part.name[0]) in line), None)
        assert entry is not None, f"{part.name[0]} is not listed in the contents"
        assert str(n) in lines[entry - 3:entry + 4] and f"1:{scale:,}" in lines[entry:entry + 40], \
            f"page {n} and its scale 1:{scale:,} are not listed beside {part.name[0]}"
        text = flat(page_text(pdf, n))
        assert flat(part.name[0]) in text and flat(f"比例尺 1:{scale:,}") in text
        assert f"第{n}页/共{len(pages)}页" in text, f"page {n} does not say its number"


def test_a_page_has_its_scale_grid_labels_and_overview_inset(atlas):
    """Atlas page 2 (the hub), laid out by the single page's code: its words where they belong."""
    import numpy as np
    from console.export.grid import spacing
    pdf, pages, tmp = atlas
    page = pages[1]
    found, _pw, _ph = words(pdf, 2)
    text = " ".join(w[4] for w in found)
    assert f"1:{page['scale']:,}" in text and "比例尺" in text
    assert "坐标格网" in text, "the footer says what the grid is"

    left, top, w, h = (v * MM for v in page["map_mm"])  # the map frame on the paper, in pdftotext's points
    x0, dx, _, y0, _, dy = page["transform"]
    step = spacing(page["scale"] / 1000.0)
    east_top, east_bottom, north_left, north_right = [], [], [], []
    for a, b, c, d, word in found:
        if not re.fullmatch(r"\d{6,7}", word):
            continue
        value, cx, cy = int(word), (a + c) / 2, (b + d) / 2
        assert value % step == 0, f"grid label {value} is not on a {step} m line"
        if d <= top:
            east_top.append((value, cx))
        elif b >= top + h:
            east_bottom.append((value, cx))
        elif c <= left:
            north_left.append((value, cy))
        elif a >= left + w:
            north_right.append((value, cy))
        else:
            raise AssertionError(f"grid label {value} inside the map frame")
    for side in (east_top, east_bottom, north_left, north_right):
        assert len(side) >= 2, f"fewer than two grid labels on a side: {side}"
    to_pt = 25.4 / DPI * MM     # points a pixel of the map image
    for value, cx in east_top + east_bottom:
        assert abs(left + (value - x0) / dx * to_pt - cx) < 1 * MM, f"easting {value} is not at its line"
    for value, cy in north_left + north_right:
        assert abs(top + (value - y0) / dy * to_pt - cy) < 1 * MM, f"northing {value} is not at its line"

    caption = next((wd for wd in found if wd[4].startswith("区位图")), None)
    assert caption is not None, "no overview inset"
    assert left < caption[0] < left + w and top < caption[1] < top + h, "the inset is on the map"
    look = 150
    rgb = raster(pdf, tmp, look, page=2)
    k = look / 72.0
    r0, c0 = int(caption[3] * k), int(caption[0] * k) - 5
    inset = rgb[r0:r0 + int(75 * MM * k), c0:c0 + int(75 * MM * k)]
    mark = (inset[..., 0] > 200) & (inset[..., 1] < 30) & (inset[..., 2] > 25) & (inset[..., 2] < 80)
    ys, xs = np.nonzero(mark)
    assert len(xs) > 50, "the page's frame is not marked in the inset"
    aspect = (xs.max() - xs.min()) / (ys.max() - ys.min())
    assert abs(aspect / (w / h) - 1) < 0.1, f"the marked frame is {aspect:.2f} wide a height; the page {w / h:.2f}"


def test_an_atlas_with_a_view_or_not_a_pdf_is_a_usage_error(tmp_path):
    out = tmp_path / "atlas.pdf"
    bad = snapshot("--atlas", "districts", "--view", "hub", "--out", out, "--lang", "en")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--atlas" in bad.stderr, bad.stderr
    assert not out.exists()
    png = tmp_path / "atlas.png"
    bad = snapshot("--atlas", "districts", "--out", png, "--lang", "zh")
    assert bad.returncode == 2 and "图集为 PDF" in bad.stderr and "Traceback" not in bad.stderr, bad.stderr
    assert not png.exists()


@pytest.mark.slow
def test_an_atlas_at_a_common_scale_has_every_page_at_it(tmp_path):
    needs_poppler()
    pdf = tmp_path / "atlas.pdf"
    result = snapshot("--atlas", "districts", "--out", pdf, "--paper", "A4", "--dpi", DPI, "--scale", "1:25000")
    assert result.returncode == 0, result.stderr[-3000:]
    pages = pages_provenance(pdf, tmp_path)
    assert {p["scale"] for p in pages[1:]} == {25_000}
    assert "1:25,000" in page_text(pdf, 1) and "统一" in page_text(pdf, 1)
