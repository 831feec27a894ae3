"""The embedded new-city buildings (tools/build_buildings.py): on in the default scene."""
from __future__ import annotations

from layers.spec import ASSET_PREFIX, LayerSpec

ASSET = "buildings.gpkg"


def default_specs() -> list[LayerSpec]:
    return [LayerSpec(source=ASSET_PREFIX + ASSET, name="城市建筑（LoD1，示意）",
                      name_en="City buildings (LoD1, approximate)", role="buildings", group="")]
