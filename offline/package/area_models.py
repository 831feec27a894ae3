"""What of the console's BIM and city buildings a package for an area carries (issue 23 item 5).

A package holds the models of the buildings that stand in its area: the heritage HBIM models
(placed by their site points, the heritage asset) and the hub's BIM (the station and the CBD towers,
placed by their footprints, layers/hub/plan.py); and the generated city buildings of the area, as a
polygon layer beside the other embedded vector layers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shapely

IFC_MEDIA_TYPE = "application/x-step"  # IFC-SPF (ISO 10303-21)
IFCZIP_MEDIA_TYPE = "application/zip"  # ifcZIP: one IFC-SPF file zipped
MODEL_MEDIA_TYPES = (IFC_MEDIA_TYPE, IFCZIP_MEDIA_TYPE)
BUILDINGS_STYLE = {"colour": "#a89f91", "line_width": 0.5, "fill_opacity": 0.85, "label_field": None,
                   "label_priority": 1}


@dataclass(frozen=True)
class AreaModel:
    path: Path
    name_zh: str
    name_en: str
    heritage: bool  # an HBIM model whose records travel with it (records.copy_hbim)

    @property
    def stem(self) -> str:
        return self.path.name.split(".")[0]

    @property
    def media_type(self) -> str:
        return IFCZIP_MEDIA_TYPE if self.path.suffix.lower() == ".ifczip" else IFC_MEDIA_TYPE


def heritage_models_in(area) -> list[AreaModel]:
    """HBIM models whose site point lies in the area (WGS84)."""
    from layers.bim.heritage import MODELS, models_dir
    from layers.sensors.generate import HBIM_MODELS, heritage
    spots = {key: (lon, lat) for key, lat, lon, _ in heritage()}
    return [AreaModel(models_dir() / f"{stem}.ifc", *MODELS[stem], heritage=True)
            for key, stem in HBIM_MODELS.items() if shapely.contains_xy(area, *spots[key])]


def hub_models_in(area, project_crs: str = "EPSG:4549") -> list[AreaModel]:
    """The hub's BIM files with a modelled building (station, tower) touching the area (WGS84)."""
    from layers.hub.plan import sites
    from layers.hub.source import MODELS, models_dir
    from offline.package.content import area_in
    local = area_in(area, project_crs)  # the footprints are in the project CRS
    stems = {s["model"] for s in sites() if shapely.intersects(local, shapely.Polygon(s["footprint"]))}
    return [AreaModel(models_dir() / name, zh, en, heritage=False)
            for name, (zh, en) in MODELS.items() if name.split(".")[0] in stems]


def models_in(area) -> list[AreaModel]:
    return heritage_models_in(area) + hub_models_in(area)


def vector_layers() -> list[dict]:
    """The embedded vector layers a package carries: the default scene's, then the city buildings."""
    import assets
    from layers.buildings.source import ASSET, default_specs
    spec = default_specs()[0]
    buildings = {"file": ASSET, "name_zh": spec.name, "name_en": spec.name_en, "role": "buildings",
                 "kind": "vector", "style": dict(BUILDINGS_STYLE)}
    return [d for d in assets.DEFAULT_LAYERS if d["kind"] == "vector"] + [buildings]
