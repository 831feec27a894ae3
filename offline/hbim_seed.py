"""The user's HBIM record store: opening it, seeding it once from the models, grades for colouring."""
from __future__ import annotations

from pathlib import Path

from layers import paths
from offline.hbim import HbimStore
from offline.hbim_seeding import open_seeded, seed

__all__ = ["grades", "latest_values", "open_store", "seed"]


def open_store(path: Path | None = None, undo_stack=None) -> HbimStore:
    """Open (creating) the store; an empty one is seeded from the models' HBIM property sets."""
    path = Path(path or paths.hbim_store())
    from offline.field.package import is_package, open_package
    if is_package(path):  # field mode: the package's records, every edit journalled for sync
        return open_package(path, undo_stack)
    return open_seeded(path, undo_stack)


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
