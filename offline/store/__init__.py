"""The operations-centre store that field packages sync into: SQLite file or PostgreSQL + PostGIS."""
from __future__ import annotations

from layers import paths
from offline.store.base import Store


def open_store(url: str | None = None) -> Store:
    """``postgresql://…`` (or ``postgres://``) → PostgreSQL; anything else is an SQLite file path."""
    url = str(url or paths.ops_store())
    if url.startswith(("postgresql://", "postgres://")):
        from offline.store.pg_store import PgStore
        return PgStore(url)
    from offline.store.sqlite_store import SqliteStore
    return SqliteStore(url)
