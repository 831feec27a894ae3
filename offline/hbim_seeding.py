"""The user's own HBIM record store (never a field package): opened, and seeded once from the models.

Kept apart from ``hbim_seed.open_store``, which also opens field packages (through the field
journal), so that ``package create`` can read the centre's records without depending on the
field side: offline.field checks packages with offline.package, which must not import it back.
"""
from __future__ import annotations

import logging
from pathlib import Path

from layers.bim.heritage import MODELS, models_dir
from offline.hbim import HbimStore

log = logging.getLogger(__name__)


def open_seeded(path: Path, undo_stack=None) -> HbimStore:
    """Open (creating) a plain store; an empty one is seeded from the models' HBIM property sets."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = HbimStore(path, undo_stack)
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
