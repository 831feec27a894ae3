"""What field mode takes out of a package: IFC files to a cache folder, tessellations into the IFC cache,
and the layer list (tables, names, styles) the window loads.

Reads only (``mode=ro``); the extracted files are a cache (layers/paths.py), checked by SHA-256
against package_files every time, so a stale or damaged copy is rewritten, never used.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from pathlib import Path

from layers import paths
from layers.sqlite_uri import connect_ro
from offline.guard import StoreRefused
from offline.package.names import is_package_id, is_plain_name, shown
from offline.package.area_models import MODEL_MEDIA_TYPES

log = logging.getLogger(__name__)
SNAPSHOT_TABLE = "sensor_snapshot"


def _ro(path: Path) -> sqlite3.Connection:
    return connect_ro(path)


def extract_dir(package_id: str, path="field package") -> Path:
    """The package's own cache folder; an id that is not a UUID (a path, ``..``) is refused, never joined."""
    if not is_package_id(package_id):
        raise StoreRefused(f"{path}: field package refused by the package_meta check (package_id "
                           f"{shown(package_id)} is not a UUID)")
    return paths.cache_dir() / "field-packages" / package_id


def _target(out_dir: Path, name: str, path) -> Path:
    """Where a member goes: a plain name, resolved, inside the package's folder; anything else is refused."""
    target = (out_dir / name).resolve() if is_plain_name(name) else None
    if target is None or target.parent != out_dir.resolve():
        raise StoreRefused(f"{path}: field package refused by the package_files check (member name {shown(name)} "
                           "is not a plain file name)")
    return target


def extract_models(path, package_id: str) -> list[Path]:
    """The package's IFC files in the cache folder, each matching its recorded SHA-256.

    verify refuses a package whose id or member names are paths; this checks again (a caller may
    skip verify), so a file is only ever written inside the package's own cache folder."""
    from layers.files import atomic_write
    out_dir = extract_dir(package_id, path)
    found = []
    con = _ro(path)
    try:
        rows = con.execute("SELECT name, sha256, data FROM package_files WHERE media_type IN (?, ?) ORDER BY id",
                           MODEL_MEDIA_TYPES).fetchall()
    finally:
        con.close()
    targets = [_target(out_dir, name, path) for name, _, _ in rows]  # all checked before the first write
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, (_, digest, data) in zip(targets, rows):
        if not (target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == digest):
            atomic_write(target, lambda tmp, d=bytes(data): tmp.write_bytes(d))
        found.append(target)
    return found


def import_tessellations(path) -> int:
    """Copy the package's IFC tessellations into the local IFC cache, so the models open without the engine."""
    from layers.ifc.cache import TessellationCache
    cache = TessellationCache()
    if not cache.usable:
        return 0
    con = _ro(path)
    try:
        models = con.execute("SELECT key, meta FROM ifc_tessellation").fetchall()
        arrays = con.execute("SELECT key, name, dtype, shape, data FROM ifc_tessellation_arrays").fetchall()
    finally:
        con.close()
    if not models:
        return 0
    import time
    db = sqlite3.connect(cache.path, timeout=5.0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR IGNORE INTO models VALUES (?, ?, ?)", [(k, time.time(), m) for k, m in models])
        db.executemany("INSERT OR IGNORE INTO arrays VALUES (?, ?, ?, ?, ?)", arrays)
        db.execute("COMMIT")
    except sqlite3.Error as exc:  # no cache only means the engine tessellates again
        log.warning("could not fill the IFC cache %s: %s", cache.path, exc)
    finally:
        db.close()
    return len(models)


def layer_entries(path) -> list[dict]:
    """One entry per map table (rasters first, then features), with its packaged name and style."""
    con = _ro(path)
    try:
        styles = {r[0]: {"name_zh": r[1], "name_en": r[2], "role": r[3], "group": r[4], "style": json.loads(r[5]),
                         "visible": bool(r[6]), "opacity": float(r[7])}
                  for r in con.execute("SELECT table_name, name_zh, name_en, role, grp, style, visible, opacity "
                                       "FROM package_styles")}
        rows = con.execute("SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid").fetchall()
    finally:
        con.close()
    order = {"2d-gridded-coverage": 0, "tiles": 1, "features": 2}
    rows = sorted((r for r in rows if r[1] in order and r[0] != SNAPSHOT_TABLE), key=lambda r: order[r[1]])
    return [{"table": t, **styles.get(t, {"name_zh": t, "name_en": t, "style": {}})} for t, _ in rows]


def model_styles(path) -> dict:
    """Model file name → (zh, en, group) of the package's heritage and hub BIM models."""
    from layers.hub.source import GROUP as HUB_GROUP
    con = _ro(path)
    try:
        return {r[0]: (r[1], r[2], r[3]) for r in con.execute(
            "SELECT table_name, name_zh, name_en, grp FROM package_styles WHERE grp IN ('HBIM', ?)", (HUB_GROUP,))}
    finally:
        con.close()
