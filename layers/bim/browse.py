"""Finding one's way in a BIM model: the building/storey/space tree, search, storey and discipline sets.

Pure functions over ``IfcModel.elements`` (records with guid, ifc_class, name,
storey, building, psets); the browser dock (widgets/hbim/browser.py) shows them and
the resulting sets go onto ``layer.view`` as visibility exceptions (layers/bim/view.py).
"""
from __future__ import annotations

import re

from layers.bim.glossary import names
from layers.bim.view import GHOST, HIDDEN, SOLID

SPATIAL = ("IfcProject", "IfcSite", "IfcBuilding", "IfcBuildingStorey")
# disciplines of classes with no SJ_Hub_Element pset (heritage models, other files)
CLASS_DISCIPLINE = {"IfcFlowMeter": "Electrical", "IfcAlarm": "Fire protection",
                    "IfcFireSuppressionTerminal": "Fire protection", "IfcTransportElement": "Vertical transport",
                    "IfcSpace": "Architecture"}


def discipline(element: dict) -> str:
    own = ((element.get("psets") or {}).get("SJ_Hub_Element") or {}).get("Discipline")
    if own:
        return str(own)
    return CLASS_DISCIPLINE.get(element.get("ifc_class"), "Structure" if element.get("ifc_class") in (
        "IfcSlab", "IfcColumn", "IfcBeam", "IfcWall", "IfcFooting", "IfcPile") else "Architecture")


def _storey_key(name: str):
    """Storeys in building order: "T3 L02" before "T3 L10", "Platforms" by elevation where known."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name or "")]


def tree(model) -> dict:
    """{building: {storey: [element index]}} in reading order; elements with no storey under "" ."""
    storeys_of: dict[str, dict[str, list]] = {}
    elevation = {e["name"]: i for i, e in enumerate(model.elements) if e.get("ifc_class") == "IfcBuildingStorey"}
    for i, e in enumerate(model.elements):
        if e.get("ifc_class") in SPATIAL:
            continue
        storeys_of.setdefault(e.get("building") or "", {}).setdefault(e.get("storey") or "", []).append(i)
    return {b: dict(sorted(s.items(), key=lambda kv: (elevation.get(kv[0], 1e9), _storey_key(kv[0]))))
            for b, s in storeys_of.items()}  # buildings in the file's order


def storeys(model) -> list[str]:
    return [s for b in tree(model).values() for s in b if s]


def search(model, text: str, limit: int = 200) -> list[int]:
    """Elements whose name (in either language: "电梯" finds "Elevator 2") or GlobalId contains ``text``
    (case-insensitive); an exact GlobalId first."""
    text = (text or "").strip().lower()
    if not text:
        return []
    exact = [i for i, e in enumerate(model.elements) if (e.get("guid") or "").lower() == text]
    hits = [i for i, e in enumerate(model.elements)
            if i not in exact and e.get("ifc_class") not in SPATIAL
            and (text in (e.get("guid") or "").lower() or any(text in n.lower() for n in names(e.get("name") or "")))]
    return (exact + hits)[:limit]


STOREY_WORDS = re.compile(r"^\s*([A-Za-z]{1,3}\d+\s+)?(show\s+)?((level|storey|floor)\s*\d+|L\d+|\d+\s*(层|楼|F))\s*$"
                          r"|显示.*\d+\s*层", re.I)


def names_a_storey(text: str) -> bool:
    """ "show level 12", "level 12", "T3 L12", "L12", "12层": a storey, not an element name."""
    return bool(STOREY_WORDS.search(text or ""))


def find_storey(model, text: str) -> str | None:
    """ "show level 12", "L12", "12", "T3 L12", "T3 12层": the storey meant, preferring an exact name.

    A word of the text that starts storey names (a tower code, "T3") narrows the choice;
    the last number is the level.
    """
    text = (text or "").strip()
    names = storeys(model)
    if text in names:
        return text
    numbers = re.findall(r"\d+", text)
    words = {w.lower() for w in re.findall(r"[A-Za-z]+\d*", text)}
    if numbers:
        n = int(numbers[-1])
        scoped = [s for s in names if s.split()[0].lower() in words] or names
        for name in scoped:
            digits = re.findall(r"\d+", name.split()[-1])
            if digits and int(digits[-1]) == n:
                return name
    low = text.lower()
    return next((s for s in names if low and low in s.lower()), None)


def storey_states(model, storey: str) -> tuple[int, dict]:
    """Visibility for "show this storey": its elements solid, the rest of its building ghosted,
    other buildings of the model as they are (solid)."""
    members = [e for e in model.elements if e.get("storey") == storey and e.get("ifc_class") not in SPATIAL]
    building = next((e.get("building") for e in members if e.get("building")), None)
    exceptions = {}
    for e in model.elements:
        if e.get("ifc_class") in SPATIAL:
            continue
        if e.get("storey") == storey:
            exceptions[e["guid"]] = SOLID
        elif building is None or e.get("building") == building:
            exceptions[e["guid"]] = GHOST
    return SOLID, exceptions


def filter_states(model, ifc_class: str | None = None, disc: str | None = None, hide_rest: bool = False):
    """Visibility for a class or discipline filter: matching elements solid, the rest ghosted (or hidden)."""
    keep = {e["guid"] for e in model.elements
            if (ifc_class is None or e.get("ifc_class") == ifc_class) and (disc is None or discipline(e) == disc)}
    return (HIDDEN if hide_rest else GHOST), {g: SOLID for g in keep}


def classes(model) -> list[str]:
    return sorted({e["ifc_class"] for e in model.elements if e.get("ifc_class") not in SPATIAL})


def disciplines(model) -> list[str]:
    return sorted({discipline(e) for e in model.elements if e.get("ifc_class") not in SPATIAL})
