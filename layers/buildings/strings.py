"""Interface strings of the city buildings (menu, colour modes, inspector fields), merged into layers.i18n.STRINGS."""
from __future__ import annotations

from layers import i18n

STRINGS = {
    "city.menu": ("城市(&C)", "&City"),
    "city.colour": ("建筑着色", "Colour buildings by"),
    "city.colour.none": ("统一颜色", "One colour"),
    "city.colour.height": ("高度", "Height"),
    "city.colour.use": ("用途", "Use"),
    "city.colour.year": ("建成年份", "Year built"),
    "city.fly_hub": ("飞往松江枢纽", "Fly to the Songjiang hub"),
    "field.building_id": ("建筑编号", "Building id"),
    "field.height": ("高度（米）", "Height (m)"),
    "field.use": ("用途", "Use"),
    "field.year": ("建成年份", "Year built"),
    "field.bim_model": ("BIM 模型", "BIM model"),
    "field.approximate": ("示意数据", "Approximate"),
    "field.storeys": ("层数", "Storeys"),
}

i18n.STRINGS.update(STRINGS)
