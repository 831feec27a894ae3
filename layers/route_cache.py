"""PROJ's route choices kept between runs: picking one costs a TransformerGroup (~0.1–0.5 s), using it ~0.2 ms.

``layers.datum`` picks the most accurate route between two CRSs for an area by listing every
operation PROJ has (a ``TransformerGroup``): the biggest single cost of a one-shot `info` on a
small file (issue 25) and paid again by every start of the window. The choice depends only on
(source, target, area) and on PROJ's database, so it is kept in the cache folder
(``layers.paths.cache_dir()/proj-routes.json``), stamped with the PROJ version and the folders PROJ
searches (its database, the system's grids: layers/proj_grids.py): a PROJ upgrade, a new proj.db or
a grid installed starts the cache afresh. The file can be
deleted at any time; an unreadable or foreign one is ignored (the route is worked out again),
and a cache folder that cannot be written only costs the speed.
"""
from __future__ import annotations

import json
import logging
import threading
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

NAME = "proj-routes.json"
VERSION = 2
MAX_ENTRIES = 2000  # a cache grown past this starts afresh (routes are cheap to find again)


@lru_cache(maxsize=1)
def _stamp() -> dict:
    """What the routes were chosen with: PROJ and pyproj versions, and every folder PROJ searches for its
    database and grids (a grid installed there changes the folder's mtime, and the choice may change)."""
    import os

    import pyproj
    from pyproj.datadir import get_data_dir, get_user_data_dir
    folders = []
    for d in [*get_data_dir().split(os.pathsep), get_user_data_dir()]:
        entry = [d]
        for f in (Path(d), Path(d) / "proj.db"):
            try:
                st = f.stat()
                entry += [st.st_size if f.is_file() else None, st.st_mtime_ns]
            except OSError:
                entry += [None, None]
        folders.append(entry)
    return {"version": VERSION, "proj": pyproj.proj_version_str, "pyproj": pyproj.__version__, "folders": folders}


def _path() -> Path:
    from layers import paths
    return paths.cache_dir() / NAME


def _key(src: str, dst: str, area) -> str:
    return json.dumps([src, dst, None if area is None else [float(v) for v in area]])


class RouteCache:
    """The routes of one process, read once from the cache file and written back when one was added.

    The window's loader threads ask for routes at the same time: one lock around the entries."""

    def __init__(self):
        self._entries: dict | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict:
        if self._entries is None:
            self._entries = {}
            try:
                doc = json.loads(_path().read_text(encoding="utf-8"))
                if isinstance(doc, dict) and doc.get("stamp") == _stamp() and isinstance(doc.get("routes"), dict):
                    self._entries = doc["routes"]
            except (OSError, ValueError) as exc:  # none yet, or damaged: worked out again
                log.debug("route cache not used: %s", exc)
        return self._entries

    def get(self, src: str, dst: str, area):
        """(True, {"route": fields or None, "warnings": [[category, text]…]}) when the route is known,
        (False, None) when it must be worked out."""
        with self._lock:
            value = self._load().get(_key(src, dst, area))
        if value is None:
            return False, None
        return (True, value) if isinstance(value, dict) else (False, None)

    def put(self, src: str, dst: str, area, fields: dict) -> None:
        with self._lock:
            entries = self._load()
            if len(entries) >= MAX_ENTRIES:
                entries.clear()
            entries[_key(src, dst, area)] = fields
            text = json.dumps({"stamp": _stamp(), "routes": entries}, ensure_ascii=False)
        self._save(text)

    def _save(self, text: str) -> None:
        from layers.files import atomic_write
        target = _path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except OSError as exc:  # a read-only cache folder costs only the speed
            log.debug("route cache not written: %s", exc)


ROUTES = RouteCache()
