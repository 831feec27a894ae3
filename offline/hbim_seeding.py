"""The workstation half of the one opener (offline/records.py): the user's own record store, never a package.

``open_seeded`` opens (creating) a plain store and, with ``seed``, fills an empty one once from
the models' HBIM property sets. A field package is refused here (offline/guard.py
``check_store``): only ``open_records`` opens packages, with their journal on.
Kept apart from offline/records.py so that ``package create`` can read the centre's records
without depending on the field side (offline.field checks packages with offline.package,
which must not import it back).
"""
from __future__ import annotations

import logging
from pathlib import Path

from layers.bim.heritage import MODELS, models_dir
from offline.hbim import KINDS, HbimStore

log = logging.getLogger(__name__)


def open_seeded(path: Path, undo_stack=None, seed_empty: bool = True) -> HbimStore:
    """Open (creating) a plain store; with ``seed_empty`` an empty one is seeded from the models."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = HbimStore(path, undo_stack)
    if seed_empty and not store.records("components"):
        seed(store)
    return store


def source_records(path: Path | None = None) -> dict:
    """The records field packages are cut from (``package create``), as text rows per table.

    The workstation's record store (``path``, default the user's), seeded from the models on
    first use: a new operations-centre store starts with these (offline/store ``open_store``),
    so a package's "before" values are what the centre holds and its first sync merges.
    """
    from layers import paths
    store = open_seeded(Path(path) if path else paths.hbim_store())
    try:
        return {table: [store._encode(r) for r in store.records(table)] for table in KINDS}
    finally:
        store.close()


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
