"""Checks a field package passes before it is used: the GeoPackage rules, then its own.

Everything here reads: the file is opened read-only (layers/sqlite_uri.py), so a refused
package is left byte for byte as it was. Each problem is one English line that
starts with the name of the check, e.g. ``integrity_check: …``. Every command that
writes a package (field mode, ``package photo``, ``package sync``) runs these first.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from layers.sqlite_uri import connect_ro
from offline.guard import SQLITE_NOTADB, StoreRefused, has_magic
from offline.package.capture import problems as capture_problems
from offline.package.checksum import content_sha256
from offline.package.indexes import fts_problems, rtree_problems
from offline.package.qgis_code import code_problems
from offline.package.names import is_package_id, is_plain_name, shown
from offline.package.signature import signature_problem

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_IDS = (GPKG_APPLICATION_ID, 0x47503130)  # GeoPackage 1.2+, and "GP10" of 1.0
MIN_USER_VERSION = 10200          # GeoPackage 1.2
REQUIRED = ("gpkg_spatial_ref_sys", "gpkg_contents", "gpkg_geometry_columns", "package_meta", "package_files",
            "hbim_components", "hbim_inspections", "hbim_damage", "hbim_interventions")
META_KEYS = ("format_version", "district", "created_at", "created_by", "console_version", "project_crs",
             "content_sha256", "package_id", "base_version")


class _Failed(Exception):
    pass


def _connect(path: Path) -> sqlite3.Connection:
    con = connect_ro(path, timeout=5.0)
    con.text_factory = lambda b: b.decode("utf-8", "replace")
    return con


def _header(path: Path) -> list[str]:
    if not path.exists():
        return [f"file: {path} does not exist"]
    if path.is_dir():
        return [f"file: {path} is a folder"]
    # the header itself is read by SQLite (verify() below), never by a plain open(): closing any descriptor
    # of the file drops the POSIX locks the window holds on the package it has open (offline/guard.py)
    return []


def _rtree(con, table: str, column: str) -> list[str]:
    name = f"rtree_{table}_{column}"
    if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone():
        return [f"rtree: feature table {table!r} has no spatial index {name}"]
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=?",
                                          (table,))}
    missing = [t for t in ("insert", "delete") if f"{name}_{t}" not in triggers]
    if missing or not any(t.startswith(f"{name}_update") for t in triggers):
        return [f"rtree triggers: {table!r} lacks the {', '.join(missing) or 'update'} trigger of {name}"]
    # GDAL indexes every non-NULL geometry except empty ones; the package writes no empty geometry
    features = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL').fetchone()[0]
    indexed = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    if indexed != features:
        return [f"rtree: {name} indexes {indexed} features, {table!r} holds {features}"]
    return []


def _checks(con) -> list[str]:
    problems = []
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    if app_id != GPKG_APPLICATION_ID:
        raise _Failed(f"application_id: 0x{app_id & 0xFFFFFFFF:08X}, not 0x47504B47 ('GPKG')")
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version < MIN_USER_VERSION:
        raise _Failed(f"user_version: {version}, below {MIN_USER_VERSION} (GeoPackage 1.2)")
    bad = [r[0] for r in con.execute("PRAGMA integrity_check(5)")]
    if bad != ["ok"]:
        raise _Failed("integrity_check: " + " ".join(bad[0].replace("*** in database main ***", "").split()))
    fk = con.execute("PRAGMA foreign_key_check").fetchone()
    if fk:
        raise _Failed(f"foreign_key_check: a row of {fk[0]!r} points at a missing row of {fk[2]!r}")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise _Failed(f"required tables: {', '.join(missing)} missing")
    listed = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
    gone = [t for t in listed if t not in tables]
    if gone:
        problems.append(f"gpkg_contents: lists {', '.join(gone)}, which the file does not hold")
    for table, column in con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall():
        problems += _rtree(con, table, column)
    problems += rtree_problems(con) + fts_problems(con)
    meta = dict(con.execute("SELECT key, value FROM package_meta").fetchall())
    absent = [k for k in META_KEYS if k not in meta]
    if absent:
        problems.append(f"package_meta: {', '.join(absent)} missing")
    problems += capture_problems(con, meta.get("format_version"))
    if "package_id" in meta and not is_package_id(meta["package_id"]):
        problems.append(f"package_meta: package_id {shown(meta['package_id'])} is not a UUID")
    for name, size, digest, data in con.execute("SELECT name, bytes, sha256, data FROM package_files"):
        if not is_plain_name(name):
            problems.append(f"package_files: member name {shown(name)} is not a plain file name")
            continue
        data = bytes(data or b"")
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"package_files: {shown(name)} does not match its recorded size and SHA-256")
    problems += code_problems(con)  # outside the checksum, so checked for what QGIS would run
    if not problems and meta.get("content_sha256") != content_sha256(con):
        problems.append("content checksum: the delivered content differs from what was packaged")
    if not problems:
        problems += [p for p in [signature_problem(meta)] if p]
    return problems


def verify(path) -> list[str]:
    """Every problem found, one line each starting with the check's name; [] when the package is sound."""
    path = Path(path)
    problems = _header(path)
    if problems:
        return problems
    try:
        con = _connect(path)
    except sqlite3.Error as exc:
        return [f"sqlite open: {exc}"]
    try:
        return _checks(con)
    except _Failed as exc:
        return [str(exc)]
    except sqlite3.DatabaseError as exc:  # damage SQLite only finds while reading a table
        if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_NOTADB and not has_magic(path):
            return ["sqlite header: not an SQLite database"]
        return [f"integrity_check: {exc}"]
    finally:
        con.close()


def is_package(path) -> bool:
    """A GeoPackage with package_meta: what this module checks (a read-only look, not a verdict)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size < 100:
        return False
    try:
        con = connect_ro(path)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            meta = con.execute("SELECT 1 FROM sqlite_master WHERE name='package_meta'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return app_id in GPKG_IDS and bool(meta)


def _stamp(path: Path, key) -> tuple | None:
    """What identifies this exact state of the file (and its WAL): any later write changes it. None for a file
    written in the last two seconds: file times tick coarsely, so a write then might leave them as they were."""
    import time
    try:
        st = path.stat()
        wal = Path(f"{path}-wal")
        ws = wal.stat() if wal.exists() else None
    except OSError:
        return None
    latest = max(st.st_mtime_ns, st.st_ctime_ns, *((ws.st_mtime_ns, ws.st_ctime_ns) if ws else ()))
    if time.time_ns() - latest < 2_000_000_000:
        return None
    return (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns,
            ws and (ws.st_ino, ws.st_size, ws.st_mtime_ns, ws.st_ctime_ns), key and hashlib.sha256(key).digest())


_PASSED: dict[tuple, dict] = {}  # this process's packages that passed, by stamp: field mode checks one twice


def open_package(path) -> dict:
    """The package's metadata, after every check passed; StoreRefused (one line naming file and check) if not.

    The window checks a package when it opens it and again when its records open for writing; the
    second time, an unchanged file (same inode, size, times, WAL and centre key) is not read again."""
    from offline.package.signature import load_key
    path = Path(path)
    stamp = _stamp(path, load_key())  # taken before the checks: a write during them changes it
    if stamp is not None and stamp in _PASSED:
        return dict(_PASSED[stamp])
    problems = verify(path)
    if problems:
        check, _, detail = problems[0].partition(": ")
        raise StoreRefused(f"{path}: field package refused by the {check} check ({detail})")
    con = _connect(path)
    try:
        meta = dict(con.execute("SELECT key, value FROM package_meta").fetchall())
    finally:
        con.close()
    if stamp is not None:
        if len(_PASSED) > 64:
            _PASSED.clear()
        _PASSED[stamp] = meta
    return dict(meta)
