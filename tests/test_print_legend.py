"""Issue 24, items 4 and 6: a page's legend says what is on that page, as drawn, and its
provenance names built-in data as ``asset:…`` (an install path leaks the user's name).

The legend is read back with poppler from a real PDF (the way a reviewer reads it); the
district rows through the legend hook on the embedded districts layer (no render needed).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from tests.helpers import REPO


def _snapshot(*args):
    out = subprocess.run([sys.executable, "-m", "console", "snapshot", *map(str, args)], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]


def test_a_saved_install_path_of_a_built_in_model_is_read_as_its_asset_name():
    from layers.bim.heritage import models_dir
    from layers.spec import LayerSpec
    spec = LayerSpec.from_dict({"source": str(models_dir() / "dacang_bridge.ifc")})  # a project saved before
    assert spec.source == "asset:hbim/dacang_bridge.ifc"
    assert spec.resolve().resolve() == (models_dir() / "dacang_bridge.ifc").resolve()
    for hostile in ("asset:hbim/../songjiang/dem.tif", "asset:hbim/", "asset:etc/passwd", "asset:/etc/passwd"):
        with pytest.raises(ValueError):
            LayerSpec(source=hostile).resolve()


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"], capture_output=True,
                          text=True, check=True).stdout


def test_a_page_without_bim_in_its_extent_lists_no_bim_model_and_provenance_names_assets(tmp_path):
    """(The provenance is the one ``console.export.provenance`` a PNG, a PDF and a GeoTIFF all carry.)"""
    for tool in ("pdftotext", "pdfdetach"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (the test command installs poppler-utils)")
    from layers import i18n
    from layers.bim.heritage import MODELS as HERITAGE
    from layers.hub.source import MODELS as HUB
    pdf = tmp_path / "pages.pdf"
    _snapshot("--views", "industry,old-town", "--out", pdf, "--dpi", 72)  # the zone's east wing: no model near
    industry, old_town = _page_text(pdf, 1), _page_text(pdf, 2)
    with i18n.using("zh"):
        models = i18n.tr("hbim.legend.models")
    for zh, _en in [*HERITAGE.values(), *HUB.values()]:
        assert zh not in industry, f"{zh} is listed on a page that does not show it"
    assert models not in industry
    assert models in old_town, "the old town's models are one row, in the colour drawn"
    assert "四大重点区域" not in industry, "districts by their drawn colours, not one swatch for the layer"

    subprocess.run(["pdfdetach", "-saveall", "-o", tmp_path, pdf], check=True, capture_output=True)
    prov = json.loads((tmp_path / "provenance.json").read_text(encoding="utf-8"))
    sources = [lyr["source"] for page in prov["pages"] for lyr in page["layers"]]
    assert not [s for s in sources if Path(s).is_absolute()], sources
    assert str(Path(REPO).resolve()) not in json.dumps(prov, ensure_ascii=False)
    for stem in HERITAGE:
        assert f"asset:hbim/{stem}.ifc" in sources


def test_district_rows_are_the_districts_on_the_page_in_their_drawn_colours():
    from console.export.kind_legend import styled
    from layers.crs import ProjectCRS
    from layers.districts import HUB, OLD_TOWN
    from layers.loading import embedded_specs, load_spec
    spec = next(s for s in embedded_specs() if s.source == "asset:districts.geojson")
    layer = load_spec(spec, ProjectCRS())[0]
    ids = list(layer.data.columns["id"])
    old_town = layer.data.geometries[ids.index(OLD_TOWN.id)]
    page = shapely.box(*old_town.bounds).buffer(-50.0)  # a page well inside the old town
    rows = styled(layer, "zh", page)
    assert rows == [(OLD_TOWN.name[0], OLD_TOWN.colour)], rows
    everything = dict(styled(layer, "en", None))
    assert everything[HUB.name[1]] == HUB.colour and len(everything) == len(ids)
