"""Issue 24 acceptance: every district page, A4 and A3, landscape and portrait, is a map at its scale.

Measured as a reviewer measures a printed map (tests/print_pages.py), on the page rasterized
by poppler: where two heritage markers are on the page, their distance on paper against their
ground distance from the embedded data; where not (the hub at 1:10,000 has none), patches of
the page found on a GeoTIFF of the same district, their ground distances against their
distances on paper. Either way within 1 % of the stated scale, and the scale bar's length
against the same ground within 1 %. pdftotext finds the name of every heritage site whose
point lies inside the page's map frame (listed from the data, not by hand). Twenty pages take
minutes: two run by default (one measured each way), the rest in the slow set.
"""
from __future__ import annotations

import pytest

from tests.print_pages import (bar_label, bar_px, flat, heritage_sites, marker_pair, measure_against_geotiff,
                               needs_poppler, on_map, page_text, pages_provenance, raster, snapshot)

DPI = 100      # the PDF's; the layout is in millimetres, the measurement holds at 300 dpi too
LOOK = 200     # poppler's: the bar's edges to a fraction of a pixel

DISTRICT_VIEWS = ("hub", "film-city", "old-town", "industry", "industry-west")  # a page per part (the atlas's)
DEFAULT = {("old-town", "A4", False), ("hub", "A3", True)}
CASES = [pytest.param(v, paper, portrait, id=f"{v}-{paper}-{'portrait' if portrait else 'landscape'}",
                      marks=() if (v, paper, portrait) in DEFAULT else pytest.mark.slow)
         for v in DISTRICT_VIEWS for paper in ("A4", "A3") for portrait in (False, True)]


def test_the_cases_are_the_atlas_pages():
    """The districts measured here are the atlas's pages: a page per part of each key district."""
    from types import SimpleNamespace
    from console.export.atlas import atlas_sheets
    from layers.districts import KEY_DISTRICTS, VIEWS
    sheets = atlas_sheets(SimpleNamespace(bookmarks=dict.fromkeys(VIEWS)))
    assert tuple(part.view for _d, part in sheets) == DISTRICT_VIEWS
    assert len({d.id for d, _p in sheets}) == len(KEY_DISTRICTS) == 4


@pytest.mark.parametrize("view,paper,portrait", CASES)
def test_a_district_page_is_at_its_scale_and_names_every_heritage_site_on_it(tmp_path, view, paper, portrait):
    needs_poppler()
    pdf = tmp_path / f"{view}.pdf"
    result = snapshot("--view", view, "--out", pdf, "--paper", paper, "--dpi", DPI, *(["--portrait"] if portrait else []))
    assert result.returncode == 0, result.stderr[-3000:]
    page = pages_provenance(pdf, tmp_path)[0]
    from console.export.print_scale import LADDER
    scale = page["scale"]
    assert scale in LADDER
    text = page_text(pdf)
    assert f"比例尺 1:{scale:,}" in text

    rgb = raster(pdf, tmp_path, LOOK)
    stated = scale * 0.0254 / LOOK                         # metres of ground per pixel of rgb at 1:scale
    pair = marker_pair(rgb, page, DPI, LOOK)
    if pair is not None:
        metres, px = pair
        on = "heritage markers"
    else:                                                  # no two heritage sites here: the GeoTIFF of the district
        tif = tmp_path / f"{view}.tif"
        made = snapshot("--view", view, "--out", tif, "--size", "2400x1200")
        assert made.returncode == 0, made.stderr[-3000:]
        metres, px = measure_against_geotiff(rgb, page, DPI, LOOK, tif)["measured"], 1.0
        on = "the GeoTIFF"
    assert abs(metres / px / stated - 1) < 0.01, \
        f"measured on {on}: {metres / px:.4f} m a pixel where 1:{scale:,} is {stated:.4f}"
    length_m, centre, label_bottom = bar_label(pdf, LOOK)
    bar = bar_px(rgb, centre, label_bottom, LOOK)
    assert abs((length_m / bar) / (metres / px) - 1) < 0.01, \
        f"the bar says {length_m:.0f} m in {bar:.1f} px; {on} say {metres / px:.4f} m a pixel"

    inside = [name for name, xy in heritage_sites() if on_map(page, xy, DPI)]
    missing = [name for name in inside if flat(name) not in flat(text)]
    assert not missing, f"heritage sites on the {view} {paper} page not named on it: {missing} " \
                        f"(dropped: {page.get('labels_dropped')})"
