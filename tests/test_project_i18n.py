"""Project files survive crashes; both interface languages are complete."""
from __future__ import annotations

import json
import os
import re

import pytest

from layers.i18n import STRINGS
from layers.layer import Layer
from layers.project import Project, ProjectFileError, read_project_file


def test_every_string_exists_in_chinese_and_english():
    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key} has no Chinese text: {zh!r}"
        assert not re.search(r"[\u4e00-\u9fff]", en), f"{key} English text contains Chinese: {en!r}"
        assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en)), key


def test_project_round_trips_layer_entries(tmp_path):
    p = Project()
    p.layers.append(Layer("四大重点区域", "vector", source="asset:districts.geojson", opacity=0.4,
                          style={"colour": "#ff0000"}, visible=False))
    path = p.save(tmp_path / "a.sjproj")
    doc = read_project_file(path)
    (entry,) = doc["layers"]
    assert entry["name"] == "四大重点区域" and entry["opacity"] == 0.4 and entry["visible"] is False
    assert entry["style"] == {"colour": "#ff0000"} and doc["crs"]["crs"] == "EPSG:4549"


def test_a_crash_while_saving_leaves_the_previous_project_intact(tmp_path, monkeypatch):
    p = Project()
    path = p.save(tmp_path / "a.sjproj")
    before = path.read_bytes()
    p.layers.append(Layer("new", "vector", source="x.geojson"))

    def boom(*_):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        p.save(path)
    assert path.read_bytes() == before
    assert [f.name for f in tmp_path.iterdir()] == ["a.sjproj"], "no temp file left behind"


@pytest.mark.parametrize("text, reason", [
    ("{broken", "not a readable project"),
    (json.dumps({"format": "something-else"}), "not a Songjiang console project"),
    (json.dumps({"format": "songjiang-console-project", "version": 99}), "newer version"),
])
def test_bad_project_files_are_refused_clearly(tmp_path, text, reason):
    path = tmp_path / "p.sjproj"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectFileError, match=reason):
        read_project_file(path)
