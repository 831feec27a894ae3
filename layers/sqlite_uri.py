"""Read-only SQLite opens by URI, built so that a file name is never read as URI syntax.

``f"file:{path}?mode=ro"`` breaks on names holding ``#``, ``?`` or ``%``: SQLite stops the
path at ``#``/``?`` and decodes ``%41`` as ``A``, so ``老城 #2.gpkg`` opened (and, without
``mode=ro`` taking effect, created) a file ``老城 `` beside it. ``Path.as_uri()`` percent-
encodes every such character (and non-ASCII as UTF-8), which SQLite decodes back. Every
read-only open in the console goes through here (layers, offline, console, tests, bench).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path


def ro_uri(path, immutable: bool = False) -> str:
    """``file:`` URI opening ``path`` read-only (``immutable``: no locks, the file never changes meanwhile)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def connect_ro(path, immutable: bool = False, **kwargs) -> sqlite3.Connection:
    """A read-only connection: nothing, not even an empty file, is created when ``path`` is missing."""
    return sqlite3.connect(ro_uri(path, immutable), uri=True, **kwargs)
