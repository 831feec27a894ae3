"""SQLite cache of parsed + tessellated IFC files, so a second open skips the engine.

Key = sha256(file bytes) + kernel + ifcopenshell version + cache format, so an
edited file, another kernel or an engine upgrade never hits a stale entry.
Records and georeferencing parameters are stored as zlib-compressed JSON,
mesh arrays as raw numpy blobs (no pickle: a cache file is data, not code).
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
import zlib
from importlib import metadata
from pathlib import Path

import numpy as np

from layers import paths

log = logging.getLogger(__name__)

FORMAT = "2"
ARRAYS = ("verts", "faces", "face_owner", "colours")


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def engine_version() -> str:
    try:
        return metadata.version("ifcopenshell")
    except metadata.PackageNotFoundError:
        return "unknown"


def cache_key(path, kernel: str) -> str:
    return f"{file_sha256(path)}:{kernel}:{engine_version()}:{FORMAT}"


class TessellationCache:
    def __init__(self, cache_dir=None, max_entries: int = 64):
        self.path = Path(cache_dir or paths.cache_dir()) / "ifc-tessellation.sqlite"
        self.max_entries = max_entries
        self.usable = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._create()
            self.usable = True
        except (OSError, sqlite3.Error) as exc:  # no cache is slower, never an error
            log.warning("IFC cache %s unusable (%s); reading without it", self.path, exc)

    def _create(self, attempts: int = 20):
        """Two loads opening a new cache at once race to switch it to WAL; SQLite answers the
        loser "database is locked" at once (no busy wait for that switch), so try again."""
        for attempt in range(attempts):
            try:
                with self._connect() as db:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("CREATE TABLE IF NOT EXISTS models (key TEXT PRIMARY KEY, created REAL, meta BLOB)")
                    db.execute("CREATE TABLE IF NOT EXISTS arrays (key TEXT, name TEXT, dtype TEXT, shape TEXT,"
                               " data BLOB, PRIMARY KEY (key, name))")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("PRAGMA synchronous=NORMAL")  # re-computable data: NORMAL is enough
        return db

    def get(self, key: str) -> dict | None:
        if not self.usable:
            return None
        try:
            db = self._connect()
            try:
                row = db.execute("SELECT meta FROM models WHERE key=?", (key,)).fetchone()
                if row is None:
                    return None
                raw = json.loads(zlib.decompress(row[0]))
                mesh = raw.setdefault("mesh", {})
                for name, dtype, shape, data in db.execute(
                        "SELECT name, dtype, shape, data FROM arrays WHERE key=?", (key,)):
                    mesh[name] = np.frombuffer(data, dtype=dtype).reshape(json.loads(shape)).copy()
            finally:
                db.close()
        except (sqlite3.Error, zlib.error, ValueError) as exc:  # a damaged cache is a miss, not an error
            log.warning("IFC cache %s unreadable (%s); ignoring it", self.path, exc)
            return None
        if any(name not in raw["mesh"] for name in ARRAYS):
            return None
        return raw

    def put(self, key: str, raw: dict):
        if not self.usable:
            return
        mesh = raw.get("mesh", {})
        meta = dict(raw, mesh={k: v for k, v in mesh.items() if k not in ARRAYS})
        blob = zlib.compress(json.dumps(meta).encode("utf-8"), 3)
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM arrays WHERE key=?", (key,))
            db.execute("INSERT OR REPLACE INTO models VALUES (?, ?, ?)", (key, time.time(), blob))
            for name in ARRAYS:
                arr = np.ascontiguousarray(mesh[name])
                db.execute("INSERT INTO arrays VALUES (?, ?, ?, ?, ?)",
                           (key, name, arr.dtype.str, json.dumps(list(arr.shape)), arr.tobytes()))
            old = [r[0] for r in db.execute("SELECT key FROM models ORDER BY created DESC LIMIT -1 OFFSET ?",
                                            (self.max_entries,))]
            for k in old:
                db.execute("DELETE FROM models WHERE key=?", (k,))
                db.execute("DELETE FROM arrays WHERE key=?", (k,))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            log.warning("could not write IFC cache %s: %s", self.path, exc)
        finally:
            db.close()
