"""Interface strings of the city buildings (menu, colour modes, inspector fields), a catalogue
``layers.i18n.load_all()`` registers."""
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
    "city.use.residential": ("居住", "residential"),
    "city.use.office": ("办公", "office"),
    "city.use.commercial": ("商业", "commercial"),
    "city.use.industrial": ("工业", "industrial"),
    "city.use.public": ("公共设施", "public"),
    "city.district.new-city": ("新城其他地区", "elsewhere in the new city"),
    "city.approximate": ("是（生成的示意数据）", "yes (generated approximation)"),
}


def display(field: str, value):
    """A building attribute as the inspector shows it: the embedded data's codes as terms the inspector
    translates (``str(term)``) in the interface language of the moment."""
    if field == "use" and isinstance(value, str) and value:
        return i18n.Term(f"city.use.{value}", value)
    if field == "district" and isinstance(value, str):
        key = f"city.district.{value}" if f"city.district.{value}" in STRINGS else f"district.{value}"
        return i18n.Term(key, value)
    if field == "approximate" and value in (1, True):
        return i18n.Term("city.approximate")
    return value
