"""The HBIM record kinds as plain dataclasses, and their tables' keys: no SQLite library, no signals.

Kept apart from offline/hbim.py (the store, with sqlite-utils and psygnal) so that code that only
needs the record shapes — a package's capture triggers, `info`, the outbox — imports no store machinery
(`info` on a GeoJSON is timed against ogrinfo; tests/test_info_imports.py).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

# ICOMOS-ISCS "Illustrated glossary on stone deterioration patterns" (2008): the five
# families, then the terms under them (British spelling of colonisation accepted too).
ICOMOS_ISCS = (
    "crack and deformation", "detachment", "features induced by material loss",
    "discolouration and deposit", "biological colonisation", "material loss",
    "crack", "fracture", "star crack", "hair crack", "craquele", "splintering", "deformation",
    "blistering", "bursting", "delamination", "exfoliation", "spalling", "flaking", "scaling",
    "disintegration", "crumbling", "granular disintegration", "powdering", "sanding", "sugaring",
    "fragmentation", "chipping", "alveolization", "coving", "erosion", "differential erosion",
    "loss of components", "loss of matrix", "rounding", "roughening", "mechanical damage",
    "impact damage", "cut", "scratch", "abrasion", "keying", "microkarst", "missing part", "gap",
    "perforation", "pitting", "crust", "black crust", "salt crust", "deposit", "discolouration",
    "colouration", "bleaching", "moist area", "staining", "efflorescence", "encrustation",
    "concretion", "film", "glossy aspect", "graffiti", "patina", "iron rich patina", "oxalate patina",
    "soiling", "subflorescence", "biological colonization", "alga", "lichen", "moss", "mould", "plant",
)
CONDITION_GRADES = {1: "good", 2: "fair", 3: "poor", 4: "very poor", 5: "dangerous"}


def _uid() -> str:
    return str(uuid.uuid4())


@dataclass
class Component:
    guid: str
    model: str = ""
    classification: str = ""  # heritage element type, e.g. "arch ring", "eave bracket set"
    period: str = ""
    phase: str = ""
    material: str = ""
    structural_role: str = ""
    illustrative: bool = False


@dataclass
class Inspection:
    guid: str
    date: str
    surveyor: str = ""
    condition_grade: int = 1
    notes: str = ""
    illustrative: bool = False
    id: str = field(default_factory=_uid)


@dataclass
class Damage:
    guid: str
    type: str
    severity: int = 1
    extent: str = ""
    location: str = ""
    photos: list = field(default_factory=list)
    date: str = ""
    illustrative: bool = False
    id: str = field(default_factory=_uid)


@dataclass
class Intervention:
    guid: str
    type: str
    start: str = ""
    end: str = ""
    materials: str = ""
    contractor: str = ""
    documents: list = field(default_factory=list)
    illustrative: bool = False
    id: str = field(default_factory=_uid)


APPLICATION_ID = 0x534A4842  # "SJHB": a Songjiang console HBIM record store
SEARCHABLE = {  # what "search the records" looks in, per table
    "components": ["guid", "classification", "period", "material", "structural_role"],
    "inspections": ["guid", "surveyor", "notes"],
    "damage": ["guid", "type", "location", "extent"],
    "interventions": ["guid", "type", "materials", "contractor"],
}
KINDS = {"components": Component, "inspections": Inspection, "damage": Damage, "interventions": Intervention}
TABLE_OF = {cls: name for name, cls in KINDS.items()}
_LISTS = {"photos", "documents"}


def _key(table: str) -> str:
    return "guid" if table == "components" else "id"
