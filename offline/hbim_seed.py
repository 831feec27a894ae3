"""Seeding a workstation record store once from the models, and the grades colour-by reads.

Opening a store is offline/records.py ``open_records`` (the one opener), which seeds through here.
"""
from __future__ import annotations

import logging

from layers.bim.heritage import MODELS, models_dir
from offline.hbim import HbimStore

log = logging.getLogger(__name__)


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


def grades(store: HbimStore) -> dict:
    """What colour-by needs for every model: {"condition": {GlobalId: grade}, "damage": {…}}."""
    return {mode: latest_values(store, mode) for mode in ("condition", "damage")}
