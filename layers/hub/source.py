"""The hub's BIM models (tools/build_hub_bim.py) as layers of the default scene, beside the heritage ones."""
from __future__ import annotations

from pathlib import Path

from layers.spec import ASSET_PREFIX, LayerSpec

MODELS = {  # file name: (zh, en)
    "hub_station.ifc": ("上海松江站站房（BIM）", "Shanghai Songjiang station (BIM)"),
    "hub_towers.ifczip": ("枢纽商务区塔楼（BIM）", "Hub CBD towers (BIM)"),
}
GROUP = "Hub BIM"


def models_dir() -> Path:
    import assets
    return Path(assets.__file__).parent / "hbim"


def default_specs() -> list[LayerSpec]:
    # building systems coloured by their terminals' states (layers/hub/bindings.py)
    return [LayerSpec(source=f"{ASSET_PREFIX}hbim/{name}", name=zh, name_en=en, group=GROUP, view={"colour_by": "sensors"})
            for name, (zh, en) in MODELS.items()]


def is_hub(layer) -> bool:
    return Path(str(getattr(layer, "source", ""))).name in MODELS
