"""The operations-centre store that field packages sync into: SQLite file or PostgreSQL + PostGIS."""
from __future__ import annotations

from layers import paths
from offline.store import conninfo
from offline.store.base import Store


def open_store(url: str | None = None, password: str | None = None) -> Store:
    """A PostgreSQL URI or keyword string (libpq's forms) → PostgreSQL; anything else is an SQLite file path.

    ``password``: PostgreSQL's, when the caller found one (the console reads the OS keyring);
    otherwise one in ``url``, then libpq's own ``PGPASSWORD`` and passfile. The store's ``url``
    is redacted whatever was given (offline/store/conninfo.py).
    """
    url = str(url or paths.ops_store())
    if conninfo.is_postgres(url):
        from offline.store.pg_store import PgStore
        return PgStore(url, password)
    if "://" in url:  # a mistyped scheme would become an SQLite file named after the URL, password and all
        raise ValueError(f"{conninfo.redact(url)}: not a store (an SQLite file or a postgresql:// URL)")
    from offline.store.sqlite_store import SqliteStore
    return SqliteStore(url)
