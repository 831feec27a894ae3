"""Interface strings of the BIM browser (tree, search, storey and discipline filters), merged into layers.i18n."""
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
i18n.STRINGS.update(STRINGS)
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff）)])\s+(?P<en>[A-Za-z].*)$")


def class_label(ifc_class: str) -> str:
    zh, en = CLASSES.get(ifc_class, (ifc_class, ifc_class))
    return f"{zh if i18n.language() == 'zh' else en} ({ifc_class})" if ifc_class in CLASSES else ifc_class


def in_language(name: str) -> str:
    """ "上海松江站站房 Shanghai Songjiang station" → the half in the interface language."""
    m = _BILINGUAL.match(name or "")
    if not m:
        return name or ""
    return m.group("zh") if i18n.language() == "zh" else m.group("en")
