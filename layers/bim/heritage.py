"""The old town's heritage BIM models: which ship with the console, and their layer specs."""
from __future__ import annotations

from pathlib import Path

from layers.spec import ASSET_PREFIX, LayerSpec

MODELS = {  # file stem: (zh, en)
    "dacang_bridge": ("大仓桥", "Dacang Bridge"),
    "xilin_pagoda": ("西林塔", "Xilin Pagoda"),
    "du_mansion": ("杜氏雕花楼", "Du family carved mansion"),
    "xu_pawnshop": ("徐氏当铺", "Xu family pawnshop"),
    "guanding_hall": ("灌顶禅院大殿", "Guanding Chan Temple hall"),
}


def models_dir() -> Path:
    import assets
    return Path(assets.__file__).parent / "hbim"


def default_specs() -> list[LayerSpec]:
    """The five heritage models (group "HBIM"), loaded with the embedded data."""
    return [LayerSpec(source=f"{ASSET_PREFIX}hbim/{stem}.ifc", name=zh, name_en=en, group="HBIM")
            for stem, (zh, en) in MODELS.items()]
