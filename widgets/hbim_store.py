"""Where the HBIM models and the user's record store live, and seeding the store once."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from offline.hbim import HbimStore

log = logging.getLogger(__name__)
ENV_DB = "SONGJIANG_HBIM_DB"
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


def hbim_specs() -> list[dict]:
    """Layer specs of the five heritage models (group "HBIM"), loaded with the embedded data."""
    return [{"source": str(models_dir() / f"{stem}.ifc"), "name": zh, "name_en": en, "group": "HBIM"}
            for stem, (zh, en) in MODELS.items()]


def store_path() -> Path:
    """$SONGJIANG_HBIM_DB, else hbim.sqlite in the user's application data folder."""
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB])
    from PySide6.QtCore import QStandardPaths
    base = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or str(Path.home() / ".songjiang")
    return Path(base) / "hbim.sqlite"


def open_store(path: Path | None = None) -> HbimStore:
    """Open (creating) the store; an empty one is seeded from the models' HBIM property sets."""
    path = Path(path or store_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    store = HbimStore(path)
    if not store.records("components"):
        seed(store)
    return store


def seed(store: HbimStore) -> int:
    """The illustrative seed records written into assets/hbim/*.ifc (not undoable: the starting state)."""
    import ifcopenshell

    from offline.hbim_ifc import import_records
    count = 0
    for stem in MODELS:
        path = models_dir() / f"{stem}.ifc"
        try:
            count += import_records(store, ifcopenshell.open(str(path)), model=stem)
        except Exception as exc:  # noqa: BLE001 — one unreadable model must not block the others
            log.warning("seeding HBIM records from %s failed: %s", path, exc)
    log.info("seeded %d HBIM records into %s", count, store.path)
    return count


def latest_values(store: HbimStore, mode: str) -> dict:
    """GlobalId → latest condition grade ("condition") or worst damage severity ("damage")."""
    out: dict = {}
    if mode == "condition":
        for rec in store.records("inspections"):  # ordered by guid, date: the last one wins
            out[rec.guid] = int(rec.condition_grade)
    elif mode == "damage":
        for rec in store.records("damage"):
            out[rec.guid] = max(out.get(rec.guid, 0), int(rec.severity))
    return out
