"""CityJSON import (issue 11): Zurich LoD2 in the right place with its buildings, parts and attributes;
1.1 and 2.0, LoD1 and LoD2, no CRS, broken files."""
from __future__ import annotations

import copy
import json
import random

import numpy as np
import pytest

from layers.crs import ProjectCRS
from layers.errors import ReadError
from layers.messages import localize
from layers.readers import ReadOptions, read_path

ZURICH = "cityjson/cjio_zurich_subset_lod2.city.json"


@pytest.fixture(scope="module")
def zurich_doc(shared_data):
    return json.loads((shared_data / ZURICH).read_text(encoding="utf-8"))


def _write(tmp_path, doc, name="city.city.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def _source_vertices(doc):
    t = doc["transform"]
    return np.array(doc["vertices"], float) * t["scale"] + t["translate"]


def test_zurich_imports_with_its_49_buildings_161_parts_and_their_attributes(shared_data, zurich_doc):
    [layer] = read_path(shared_data / ZURICH, ProjectCRS())
    assert layer.kind == "buildings" and layer.source_crs == "EPSG:2056"
    model = layer.data
    assert len(model) == 49 and len(model.parts) == 161 and layer.meta["parts"] == 161
    buildings = {k: o for k, o in zurich_doc["CityObjects"].items() if o["type"] == "Building"}
    assert set(model.ids) == set(buildings)
    some = model.ids[0]
    assert {k: v for k, v in model.attributes(0).items() if k not in ("building_id", "parts")} == \
        buildings[some]["attributes"]
    assert model.attributes(0)["parts"] == len(buildings[some]["children"])
    part = model.parts[0]
    assert part["attributes"] == zurich_doc["CityObjects"][part["id"]]["attributes"]


def test_zurich_lands_where_pyproj_puts_it_in_the_project_crs(shared_data, zurich_doc):
    from pyproj import Transformer
    [layer] = read_path(shared_data / ZURICH, ProjectCRS())
    xyz = _source_vertices(zurich_doc)
    lon, lat = Transformer.from_crs("EPSG:2056", "EPSG:4326", always_xy=True).transform(xyz[:, 0], xyz[:, 1])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(lon, lat)
    b = layer.bounds
    assert b[0] == pytest.approx(x.min(), abs=1.0) and b[3] == pytest.approx(x.max(), abs=1.0)
    assert b[1] == pytest.approx(y.min(), abs=1.0) and b[4] == pytest.approx(y.max(), abs=1.0)
    assert (b[2], b[5]) == pytest.approx((xyz[:, 2].min(), xyz[:, 2].max()), abs=0.01)


def test_in_its_own_crs_every_building_fills_its_stated_extent_and_surface_area(shared_data, zurich_doc):
    [layer] = read_path(shared_data / ZURICH, ProjectCRS("EPSG:2056"))
    model = layer.data
    for i, key in enumerate(model.ids):
        pts = model.points[model.triangles[model.triangle_building == i].ravel()]
        extent = zurich_doc["CityObjects"][key]["geographicalExtent"]
        assert np.r_[pts.min(axis=0), pts.max(axis=0)] == pytest.approx(extent, abs=0.01), key
    # triangles cover each surface exactly: total area equals the surfaces' own (Newell) area
    xyz = _source_vertices(zurich_doc)
    area = 0.0
    for obj in zurich_doc["CityObjects"].values():
        for g in obj.get("geometry", []):
            for surface in g["boundaries"]:
                for r, ring in enumerate(surface):
                    p = xyz[ring] - xyz[ring].mean(axis=0)
                    n = np.cross(p, np.roll(p, -1, axis=0)).sum(axis=0)
                    area += (1 if r == 0 else -1) * np.linalg.norm(n) / 2
    t = model.points[model.triangles]
    mesh_area = np.linalg.norm(np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]), axis=1).sum() / 2
    assert mesh_area == pytest.approx(area, rel=1e-3)


def _lod1_box(version: str, ref: str | None, extra_part: bool = False) -> dict:
    """A 10 × 20 m LoD1 building 15 m tall as a Solid, optionally with a BuildingPart child."""
    verts = [[0, 0, 0], [10, 0, 0], [10, 20, 0], [0, 20, 0], [0, 0, 15], [10, 0, 15], [10, 20, 15], [0, 20, 15]]
    shell = [[[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]]
    doc = {"type": "CityJSON", "version": version, "transform": {"scale": [1, 1, 1], "translate": [617000, 3430000, 4]},
           "CityObjects": {"b1": {"type": "Building", "attributes": {"measuredHeight": 15.0, "function": "office"},
                                  "geometry": [{"type": "Solid", "lod": "1" if version != "1.0" else 1,
                                                "boundaries": [shell]}]}},
           "vertices": verts}
    if ref:
        doc["metadata"] = {"referenceSystem": ref}
    if extra_part:
        doc["CityObjects"]["b1"]["children"] = ["p1"]
        doc["CityObjects"]["p1"] = {"type": "BuildingPart", "parents": ["b1"], "attributes": {"storeys": 2},
                                    "geometry": [{"type": "MultiSurface", "lod": "1", "boundaries": shell}]}
    return doc


@pytest.mark.parametrize("version,ref", [("2.0", "https://www.opengis.net/def/crs/EPSG/0/4549"),
                                         ("1.1", "https://www.opengis.net/def/crs/EPSG/0/4549"),
                                         ("1.0", "urn:ogc:def:crs:EPSG::4549")])
def test_lod1_solids_of_each_version_read_with_their_height(tmp_path, version, ref):
    [layer] = read_path(_write(tmp_path, _lod1_box(version, ref, extra_part=True)), ProjectCRS())
    model = layer.data
    assert len(model) == 1 and len(model.parts) == 1 and model.parts[0]["attributes"] == {"storeys": 2}
    assert layer.bounds == pytest.approx((617000, 3430000, 4, 617010, 3430020, 19))
    assert model.attributes(0)["function"] == "office"


def test_geometry_it_does_not_draw_is_named_in_a_warning(tmp_path):
    doc = _lod1_box("2.0", "https://www.opengis.net/def/crs/EPSG/0/4549")
    doc["CityObjects"]["b1"]["geometry"].append({"type": "GeometryInstance", "template": 0, "boundaries": [0],
                                                 "transformationMatrix": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]})
    [layer] = read_path(_write(tmp_path, doc), ProjectCRS())
    assert len(layer.data) == 1 and "geometries not drawn: 1 GeometryInstance" in layer.meta["warnings"]


def test_no_crs_is_asked_for_and_given_with_crs(tmp_path):
    path = _write(tmp_path, _lod1_box("2.0", None))
    with pytest.raises(ReadError) as err:
        read_path(path, ProjectCRS())
    assert str(path) in str(err.value) and "--crs" in str(err.value)
    assert "坐标系" in localize(str(err.value), "zh")
    [layer] = read_path(path, ProjectCRS(), ReadOptions(assume_crs="EPSG:4549"))
    assert layer.bounds[0] == pytest.approx(617000)


def _break(doc, how):
    doc = copy.deepcopy(doc)
    if how == "no vertices":
        doc["vertices"] = []
    elif how == "bad vertex":
        doc["vertices"][3] = [1, "two"]
    elif how == "wrong index":
        doc["CityObjects"]["b1"]["geometry"][0]["boundaries"][0][1][0][2] = 99
    elif how == "negative index":
        doc["CityObjects"]["b1"]["geometry"][0]["boundaries"][0][1][0][2] = -1
    elif how == "bad boundaries":
        doc["CityObjects"]["b1"]["geometry"][0]["boundaries"] = [["not", "rings"]]
    elif how == "bad transform":
        doc["transform"] = {"scale": [1, 1]}
    elif how == "no objects":
        del doc["CityObjects"]
    elif how == "version":
        doc["version"] = "3.7"
    elif how == "unknown crs":
        doc["metadata"]["referenceSystem"] = "https://example.org/crs/42"
    return doc


@pytest.mark.parametrize("how,words", [
    ("no vertices", "has no vertices"), ("bad vertex", "not [x, y, z]"), ("wrong index", "refers to vertex 99"),
    ("negative index", "refers to vertex -1"), ("bad boundaries", "malformed boundaries"),
    ("bad transform", "transform needs"), ("no objects", "no CityObjects"), ("version", "version 3.7"),
    ("unknown crs", "not a CRS PROJ knows")])
def test_broken_cityjson_gets_one_clear_line_naming_the_file(tmp_path, how, words):
    path = _write(tmp_path, _break(_lod1_box("2.0", "https://www.opengis.net/def/crs/EPSG/0/4549"), how))
    with pytest.raises(ReadError) as err:
        read_path(path, ProjectCRS())
    message = str(err.value)
    assert message.startswith(str(path)) and words in message and "\n" not in message
    assert localize(message, "zh") != message, "no Chinese words for it"


def test_not_json_at_all_is_refused_by_name(tmp_path):
    path = tmp_path / "broken.city.json"
    path.write_text('{"type": "CityJSON", "version": "2.0", "vertices": [[1, 2')
    with pytest.raises(ReadError, match="broken.city.json: invalid JSON"):
        read_path(path, ProjectCRS())


def test_structural_mutations_of_zurich_read_or_are_refused(shared_data, zurich_doc, tmp_path):
    """Keys dropped, lists swapped for scalars, indices shifted: a ReadError or a layer, nothing else."""
    rng = random.Random(11)
    keys = list(zurich_doc["CityObjects"])
    outcomes = []
    for i in range(40):
        doc = copy.deepcopy(zurich_doc)
        obj = doc["CityObjects"][rng.choice(keys)]
        how = rng.choice(["drop-geometry-type", "scalar-boundaries", "shift", "drop-key", "nan-scale", "lod"])
        g = (obj.get("geometry") or [{}])[0]
        if how == "drop-geometry-type" and g:
            g.pop("type", None)
        elif how == "scalar-boundaries" and g:
            g["boundaries"] = 7
        elif how == "shift" and g:
            g["boundaries"] = json.loads(json.dumps(g["boundaries"]).replace("1", "9"))
        elif how == "drop-key":
            doc.pop(rng.choice(["vertices", "transform", "metadata", "CityObjects"]))
        elif how == "nan-scale":
            doc["transform"]["scale"] = [1e308, 1e308, 1e308]
        elif how == "lod" and g:
            g["lod"] = {"x": 1}
        path = _write(tmp_path, doc, f"m{i}.city.json")
        try:
            read_path(path, ProjectCRS())
            outcomes.append("ok")
        except ReadError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            outcomes.append("refused")
    assert "ok" in outcomes and "refused" in outcomes
