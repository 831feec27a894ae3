"""Interface strings of the BIM browser (tree, search, storey and discipline filters), a catalogue
``layers.i18n.load_all()`` registers."""
from __future__ import annotations

import re

from layers import i18n

STRINGS = {
    "bim.browser": ("BIM 浏览", "BIM browser"),
    "hbim.colour.sensors": ("传感状态", "Sensor state"),
    "bim.search": ("按名称、GlobalId 或“12层”查找", "Find by name, GlobalId or \"level 12\""),
    "bim.show_storey": ("只看此层", "Show storey"),
    "bim.show_all": ("全部显示", "Show all"),
    "bim.class": ("类别", "Class"),
    "bim.discipline": ("专业", "Discipline"),
    "bim.all": ("全部", "All"),
    "bim.no_storey": ("（无楼层）", "(no storey)"),
    "bim.found": ("找到 {n} 个构件", "Found: {n}"),
    "bim.storey_shown": ("只显示 {storey}", "Showing {storey} only"),
    "bim.discipline.Architecture": ("建筑", "Architecture"),
    "bim.discipline.Structure": ("结构", "Structure"),
    "bim.discipline.Electrical": ("电气（能耗计量）", "Electrical (metering)"),
    "bim.discipline.Fire protection": ("消防", "Fire protection"),
    "bim.discipline.Vertical transport": ("垂直交通（电梯）", "Vertical transport (lifts)"),
}
CLASSES = {  # IFC class: (zh, en)
    "IfcSlab": ("楼板", "Slab"), "IfcWall": ("墙/核心筒", "Wall / core"), "IfcCurtainWall": ("幕墙", "Curtain wall"),
    "IfcColumn": ("柱", "Column"), "IfcBeam": ("梁", "Beam"), "IfcRoof": ("屋顶", "Roof"), "IfcSpace": ("空间", "Space"),
    "IfcFlowMeter": ("能耗计量表", "Energy meter"), "IfcAlarm": ("火灾探测器", "Fire detector"),
    "IfcFireSuppressionTerminal": ("消火栓", "Hydrant"), "IfcTransportElement": ("电梯", "Elevator"),
    "IfcBuildingElementProxy": ("构件", "Component"), "IfcRailing": ("栏杆", "Railing"),
}
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff）)])\s+(?P<en>[A-Za-z].*)$")
_GLOSSED = re.compile(r"^(?P<en>[A-Za-z][^(（]*?)\s*[(（](?P<zh>[^)）]*[\u3400-\u9fff][^)）]*)[)）]$")  # "Xilin Pagoda (西林塔)"


def class_label(ifc_class: str) -> str:
    zh, en = CLASSES.get(ifc_class, (ifc_class, ifc_class))
    return f"{zh if i18n.language() == 'zh' else en} ({ifc_class})" if ifc_class in CLASSES else ifc_class


def in_language(name: str) -> str:
    """ "上海松江站站房 Shanghai Songjiang station" → the half in the interface language."""
    m = _BILINGUAL.match(name or "") or _GLOSSED.match(name or "")
    if not m:
        return name or ""
    return m.group("zh") if i18n.language() == "zh" else m.group("en")


def storey_label(name: str) -> str:
    """A storey name in the interface language: the hub's bilingual ones, the heritage models' English
    ones ("Storey 3", "Front hall ground floor", "Storage tower floor 3") through the HBIM glossary."""
    if i18n.language() != "zh" or _BILINGUAL.match(name or "") or _GLOSSED.match(name or ""):
        return in_language(name)
    from layers.bim.glossary import BUILDINGS, term
    low = (name or "").strip().lower()
    m = re.match(r"^storey (\d+)$", low)
    if m:
        return f"第 {m.group(1)} 层"
    if low == "roof":
        return "屋顶层"
    for building, zh in BUILDINGS.items():
        if low.startswith(building + " "):
            rest = low[len(building) + 1:]
            if rest == "ground floor":
                return f"{zh}首层"
            m = re.match(r"^floor (\d+)$", rest)
            if m:
                return f"{zh} {m.group(1)} 层"
    return term(name)
