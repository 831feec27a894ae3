"""The HBIM vocabulary in Chinese: ICOMOS-ISCS damage terms, condition grades, interventions,
heritage classifications, materials, structural roles, and the names of the embedded models'
components.

Records keep the English term (the IFC property sets and the store are language-neutral
data); the interface shows ``term(text)`` in its language. Only vocabulary is translated:
what a surveyor typed (notes, extents, locations) stays as entered. Damage terms follow the
Chinese edition of the ICOMOS-ISCS glossary and WW/T 0002-2007 (石质文物病害分类与图示).
"""
from __future__ import annotations

import functools
import json
import re

from layers import i18n

TERMS = {
    # ICOMOS-ISCS families and terms
    "crack and deformation": "裂隙与变形", "detachment": "脱落", "features induced by material loss": "材料流失形态",
    "discolouration and deposit": "变色与沉积", "biological colonisation": "生物病害", "material loss": "材料流失",
    "crack": "裂隙", "fracture": "断裂", "star crack": "星状裂隙", "hair crack": "发丝状裂隙", "craquele": "龟裂",
    "splintering": "劈裂", "deformation": "变形", "blistering": "起泡", "bursting": "胀裂", "delamination": "分层",
    "exfoliation": "层状剥落", "spalling": "片状剥落", "flaking": "鳞片状剥落", "scaling": "板状剥落",
    "disintegration": "崩解", "crumbling": "碎裂", "granular disintegration": "粒状崩解", "powdering": "粉化",
    "sanding": "砂化", "sugaring": "糖粒状崩解", "fragmentation": "碎块化", "chipping": "缺角",
    "alveolization": "蜂窝状溶蚀", "coving": "凹蚀", "erosion": "表面溶蚀", "differential erosion": "差异风化",
    "loss of components": "组分流失", "loss of matrix": "基质流失", "rounding": "圆化", "roughening": "粗糙化",
    "mechanical damage": "机械损伤", "impact damage": "撞击损伤", "cut": "切痕", "scratch": "划痕",
    "abrasion": "磨损", "keying": "凿痕", "microkarst": "微岩溶", "missing part": "残缺", "gap": "缺口",
    "perforation": "穿孔", "pitting": "点蚀", "crust": "结壳", "black crust": "黑色结壳", "salt crust": "盐壳",
    "deposit": "沉积", "discolouration": "变色", "colouration": "着色", "bleaching": "褪色", "moist area": "潮湿区",
    "staining": "污斑", "efflorescence": "泛盐", "encrustation": "硬结壳", "concretion": "凝结物", "film": "覆膜",
    "glossy aspect": "光泽面", "graffiti": "涂鸦", "patina": "包浆", "iron rich patina": "富铁包浆",
    "oxalate patina": "草酸盐包浆", "soiling": "污染", "subflorescence": "潜盐",
    "biological colonization": "生物病害", "alga": "藻类", "lichen": "地衣", "moss": "苔藓", "mould": "霉菌",
    "plant": "植物",
    # condition grades (offline/hbim.py CONDITION_GRADES)
    "good": "良好", "fair": "一般", "poor": "较差", "very poor": "差", "dangerous": "危险",
    # interventions
    "repointing": "勾缝修补", "restoration": "修缮", "plaster repair": "抹灰修补",
    "timber repair (mortise-and-tenon)": "木构榫卯修补", "re-roofing": "屋面翻修", "consolidation": "加固",
    "cleaning": "清洗", "desalination": "脱盐", "monitoring": "监测",
    # heritage classifications
    "abutment": "桥台", "arch ring": "拱券", "brick wall": "砖墙", "carved timber lattice facade": "木雕格扇立面",
    "cast-iron balcony railing": "铸铁阳台栏杆", "deck": "桥面", "eave (腰檐)": "腰檐", "finial (塔刹)": "塔刹",
    "hard gable wall (硬山)": "硬山墙", "horse-head gable wall (马头墙)": "马头墙", "longitudinal beam (枋)": "枋",
    "pagoda wall": "塔身墙体", "parapet": "栏板", "pier": "桥墩", "platform (台基)": "台基", "pyramidal roof": "攒尖顶",
    "spandrel fill": "拱肩填料", "tie beam (穿枋)": "穿枋", "tiled roof": "瓦屋面", "timber column": "木柱",
    "timber floor": "木楼板",
    # materials
    "bluestone": "青石", "cast iron": "铸铁", "gilded bronze": "鎏金铜", "granite": "花岗岩", "grey brick": "青砖",
    "grey clay tile": "青瓦", "lime-plastered brick": "白灰抹面砖", "timber (fir)": "杉木",
    # structural roles
    "enclosure": "围护", "enclosure, bracing": "围护、支撑", "enclosure, fire wall": "围护、防火墙",
    "floor diaphragm": "楼面", "foundation": "基础", "infill, transfers deck load": "填充，传递桥面荷载",
    "non-structural": "非结构构件", "ornamental, lightning conductor": "装饰、避雷",
    "primary load-bearing (abutment)": "主要承重（桥台）", "primary load-bearing (arch)": "主要承重（拱）",
    "primary load-bearing (frame)": "主要承重（构架）", "primary load-bearing (masonry tube)": "主要承重（砌体筒）",
    "primary load-bearing (pier)": "主要承重（桥墩）", "walking surface (92 steps)": "通行面（92 级台阶）",
    "weather protection": "防雨",
}

# component names of the embedded models (tools/build_hbim.py): "<part> [<numbers>]"
PARTS = {
    "arch ring": "拱券", "pier": "桥墩", "spandrel fill": "拱肩填料", "deck and steps": "桥面与台阶",
    "north abutment": "北桥台", "south abutment": "南桥台", "east parapet": "东栏板", "west parapet": "西栏板",
    "finial": "塔刹", "platform": "台基", "stone platform": "石台基", "top roof": "顶层屋面", "rear garden wall": "后园围墙",
    "east horse-head fire wall": "东马头墙", "west horse-head fire wall": "西马头墙",
    "carved hall balcony railing": "雕花楼阳台栏杆",
}
BUILDINGS = {"carved hall (雕花楼)": "雕花楼", "front hall": "前厅", "main hall": "大殿", "rear hall": "后厅",
             "second hall": "二进厅", "residence": "住宅", "storage tower": "库楼",
             "gatehouse and pawn hall": "门楼与当铺厅"}
BUILDING_PARTS = {"back wall": "后墙", "column": "柱", "east gable wall": "东山墙", "west gable wall": "西山墙",
                  "floor": "楼板", "floor beam": "楼面梁", "front lattice": "前檐格扇", "roof": "屋面",
                  "tie beam": "穿枋"}
# the hub's models (tools/build_hub.py): "<tower> <level> <part>", "<tower> elevator <n>", station parts
HUB_PARTS = {
    "office": "办公空间", "core": "核心筒", "slab": "楼板", "facade": "幕墙", "hydrant": "消火栓",
    "energy meter": "能耗计量表", "fire detector": "火灾探测器", "elevator": "电梯", "column": "柱",
    "gate line": "闸机线", "hall facade": "站房幕墙", "hall roof": "站房屋面", "ticket hall": "售票厅",
    "waiting hall": "候车厅", "waiting hall floor": "候车厅楼板", "roof": "屋面", "site": "场地",
}
HUB_NAME = re.compile(r"^(?P<code>(?:T\d+ )?(?:L\d+ )?)(?P<part>[a-z][a-z ]*?)(?: (?P<n>\d+(?:-\d+)?))?$", re.I)
PLATFORM = re.compile(r"^platform (\d+)( area)?$", re.I)  # the station's; the pagoda's "Platform" is a 台基
GLOSS = re.compile(r"\s*[(（][^)）]*[\u3400-\u9fff][^)）]*[)）]")  # "Carved hall (雕花楼)": the gloss in brackets
STOREY = re.compile(r"^storey (\d+) (eave|floor|wall (\d+))$", re.I)
NUMBERED = re.compile(r"^(.*?)\s*(\d+(?:-\d+)?)$")


def _name_zh(text: str) -> str | None:
    low = text.strip().lower()
    m = PLATFORM.match(low)
    if m:
        return f"站台 {m.group(1)}{' 区域' if m.group(2) else ''}"
    m = STOREY.match(low)
    if m:
        what = {"eave": "腰檐", "floor": "楼面"}.get(m.group(2)) or f"墙 {m.group(3)}"
        return f"第 {m.group(1)} 层{what}"
    m = NUMBERED.match(low)
    base, number = (m.group(1), m.group(2)) if m else (low, "")
    if base in PARTS:
        return f"{PARTS[base]}{' ' + number if number else ''}"
    for building, zh in BUILDINGS.items():
        if base.startswith(building + " "):
            part = base[len(building) + 1:]
            if part in BUILDING_PARTS:
                return f"{zh}{BUILDING_PARTS[part]}{' ' + number if number else ''}"
    return _hub_zh(text.strip())


def _hub_zh(text: str) -> str | None:
    m = HUB_NAME.match(text)
    if m and m.group("part").lower() in HUB_PARTS:
        return " ".join(x for x in (m.group("code").strip(), HUB_PARTS[m.group("part").lower()], m.group("n")) if x)
    return None


class Name:
    """A component's name as a model holds it, worded (``term``) in the interface language whenever it is shown
    (an undo step's text outlives a language switch)."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return term(self.text)


def term(text, lang: str | None = None) -> str:
    """A vocabulary term or component name in the interface language; anything else unchanged.

    In English a Chinese gloss in brackets is dropped ("Carved hall (雕花楼) back wall" → "Carved hall back
    wall"): the English interface holds no Chinese."""
    if not isinstance(text, str):
        return text
    if (lang or i18n.language()) != "zh":
        return GLOSS.sub("", text) if GLOSS.search(text) else text
    return TERMS.get(text.strip().lower()) or _name_zh(text) or text


@functools.lru_cache(maxsize=1)
def _seed_zh() -> dict:
    from layers.bim.heritage import models_dir
    table = json.loads((models_dir() / "records_zh.json").read_text(encoding="utf-8"))
    return {k: v for k, v in table.items() if not k.startswith("_")}


def seed_text(text, lang: str | None = None):
    """The illustrative seed records' free text (notes, extents, surveyors, periods) in the interface
    language: the store keeps the English (assets/hbim/records.json), assets/hbim/records_zh.json the
    Chinese. Only for records marked illustrative: what a surveyor typed is shown as typed."""
    if not isinstance(text, str) or (lang or i18n.language()) != "zh":
        return text
    return _seed_zh().get(text, text)


def names(text) -> list[str]:
    """Every language's wording of a name (search finds "电梯" and "elevator" alike)."""
    return list(dict.fromkeys(str(term(text, lang)) for lang in ("zh", "en"))) + [text] if isinstance(text, str) else []
