"""Embedded Songjiang New City dataset the console opens on (built by tools/build_assets.py).

`path(name)` finds a file of the dataset whether the console runs from the source tree or
from an installed wheel; `DEFAULT_LAYERS` is the order and suggested style the console uses
to open it (terrain first, then imagery, then vectors from the widest to the most detailed).
"""
from __future__ import annotations

import pathlib
from importlib import resources

from layers.districts import HUB, PARTS

DATASET = "songjiang"


FOLDERS = ("hbim",)  # built-in files beside the dataset: "asset:hbim/dacang_bridge.ifc"


def _split(name: str) -> tuple[str, str]:
    """(folder, file) of an asset name: "dem.tif" is the dataset's, "hbim/x.ifc" a built-in folder's."""
    parts = name.split("/") if isinstance(name, str) else []
    folder, file = (DATASET, parts[0]) if len(parts) == 1 else (parts[0], parts[1]) if len(parts) == 2 else ("", "")
    if folder not in (DATASET, *FOLDERS) or not file or "\\" in file or file.startswith("."):
        raise ValueError(f"not a dataset file name: {name!r}")
    return folder, file


def path(name: str) -> pathlib.Path:
    """Path of a dataset file, e.g. path("dem.tif") or path("hbim/dacang_bridge.ifc");
    FileNotFoundError names what is missing."""
    ref = resources.files(__package__).joinpath(*_split(name))
    # A normal (unzipped) install gives a real file; the console's readers need one.
    found = pathlib.Path(str(ref))
    if not found.is_file():
        raise FileNotFoundError(f"embedded dataset file missing: {found} (run tools/build_assets.py)")
    return found


def name_of(file) -> str | None:
    """The asset name ("dem.tif", "hbim/dacang_bridge.ifc") of a file inside this package, else None:
    built-in data is named so in projects and provenance, never by the install path."""
    try:
        found = pathlib.Path(file).resolve()
        rel = found.relative_to(pathlib.Path(__file__).resolve().parent)
    except (OSError, ValueError, TypeError):
        return None
    if len(rel.parts) != 2:
        return None
    name = rel.parts[1] if rel.parts[0] == DATASET else "/".join(rel.parts)
    try:
        _split(name)
    except ValueError:
        return None
    return name


def _style(colour: str, width: float = 1.0, fill_opacity: float = 0.0, label: str | None = "name_zh",
           priority: int = 10) -> dict:
    # label_priority: where labels collide, the higher priority one is shown
    return {"colour": colour, "line_width": width, "fill_opacity": fill_opacity, "label_field": label,
            "label_priority": priority}


def _layer(file: str, name_zh: str, name_en: str, role: str, style: dict) -> dict:
    kind = "raster" if file.endswith(".tif") else "vector"
    return {"file": file, "name_zh": name_zh, "name_en": name_en, "role": role, "kind": kind, "style": style}


DEFAULT_LAYERS: list[dict] = [
    _layer("dem.tif", "地形（合成）", "Terrain (synthetic)", "terrain",
           {"colormap": "terrain", "vertical_exaggeration": 3.0, "label_field": None}),
    _layer("basemap.tif", "底图（生成）", "Basemap (generated)", "imagery", {"opacity": 1.0, "label_field": None}),
    _layer("songjiang_outline.geojson", "松江区界", "Songjiang District outline", "vector",
           _style("#6b6b6b", 2.0, 0.0, priority=5)),
    _layer("new_city_extent.geojson", "松江新城范围（示意）", "Songjiang New City extent (approx.)", "vector",
           _style("#9a7f5a", 1.5, 0.05, priority=8)),
    _layer("water.geojson", "水系", "Water", "vector", _style("#4a90c2", 1.5, 0.6, priority=20)),
    _layer("transport.geojson", "交通", "Transport", "vector", _style("#71c5e8", 3.0, 0.0, priority=30)),
    _layer("districts.geojson", "四大重点区域", "Four key districts", "vector", {**_style(HUB.colour, 2.0, 0.22, priority=100), "colour_field": "id",
            "colours": {p.id: p.colour for p in PARTS},
            "label_size": 18}),
    _layer("heritage_sites.geojson", "历史文化遗产", "Heritage sites", "vector",
           {**_style("#8b1a1a", 1.0, 1.0, priority=50), "point_size": 10.0, "label_lift": 150.0}),
]
