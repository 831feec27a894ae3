"""The one way to open HBIM records: a field package with its journal on, else a workstation store.

Every path that reads or edits HBIM records — the window (workstation and field mode),
``snapshot``, ``package create`` and ``package photo``, tools and tests — calls
``open_records``. Whether the file is a field package is decided here, by looking at the
file (``is_package``: a GeoPackage with ``package_meta``), never by a caller's flag, a
window attribute or an environment variable: a package opened any other way would take
edits that no outbox row records, and ``package sync`` would send none of them (issue 20).
``tests/test_records_opener.py`` holds that ``HbimStore(`` is constructed nowhere else but in
its two halves: the package half (offline/field/package.py ``open_package``, called only from
here) and the workstation half (offline/hbim_seeding.py ``open_seeded``, which refuses a package).
"""
from __future__ import annotations

from pathlib import Path

from layers import paths
from offline.field.package import is_package, open_package
from offline.hbim import HbimStore
from offline.hbim_seeding import open_seeded


def open_records(path=None, undo_stack=None, profile=None, *, seed: bool = True,
                 package: bool = False) -> HbimStore:
    """Open the HBIM records at ``path`` (default: the user's record store).

    A field package: its own records as packaged, every edit, photo and annotation
    journalled for sync and signed with ``profile`` (default: this machine's field profile).
    Anything else: a workstation store, created when missing and, with ``seed``, filled once
    from the models' property sets when empty. ``package=True`` refuses (StoreRefused, the
    file untouched) anything that is not a field package, for commands that only make
    sense on one (``package photo``).
    """
    path = Path(path) if path else paths.hbim_store()
    if package or is_package(path):
        return open_package(path, undo_stack, profile)
    return open_seeded(path, undo_stack, seed_empty=seed)
