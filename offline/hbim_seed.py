"""The grades colour-by reads from a record store (seeding lives in offline/hbim_seeding.py).

Opening a store is offline/records.py ``open_records`` (the one opener).
"""
from __future__ import annotations

from offline.hbim import HbimStore
from offline.hbim_seeding import seed

__all__ = ["grades", "latest_values", "seed"]


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
