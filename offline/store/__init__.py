"""The operations-centre store that field packages sync into: SQLite file or PostgreSQL + PostGIS."""
from __future__ import annotations

import logging

from layers import paths
from offline.store import conninfo
from offline.store.base import Store

log = logging.getLogger(__name__)


def open_store(url: str | None = None, password: str | None = None, seed: bool = True) -> Store:
    """A PostgreSQL URI or keyword string (libpq's forms) → PostgreSQL; anything else is an SQLite file path.

    ``password``: PostgreSQL's, when the caller found one (the console reads the OS keyring);
    otherwise one in ``url``, then libpq's own ``PGPASSWORD`` and passfile. The store's ``url``
    is redacted whatever was given (offline/store/conninfo.py).

    A new store (never written, version 0) is filled once, with ``seed``, with the records field
    packages are cut from (offline/hbim_seeding.py ``source_records``), the same way on both
    backends (``Store.initialise``): an edit made in the field to an existing record then merges
    on the first sync instead of meeting a record the centre never had (issue 26). ``seed=False``:
    an empty store (tests that build their own records).
    """
    store = _open(url, password)
    if seed and not store.version():
        from offline.hbim_seeding import source_records
        try:
            added = store.initialise(source_records())
        except BaseException:
            store.close()
            raise
        if added:
            log.info("operations-centre store %s started with %d records", store.url, added)
    return store


def _open(url: str | None, password: str | None) -> Store:
    url = str(url or paths.ops_store())
    if conninfo.is_postgres(url):
        from offline.store.pg_store import PgStore
        return PgStore(url, password)
    if "://" in url:  # a mistyped scheme would become an SQLite file named after the URL, password and all
        raise ValueError(f"{conninfo.redact(url)}: not a store (an SQLite file or a postgresql:// URL)")
    from offline.store.sqlite_store import SqliteStore
    return SqliteStore(url)
