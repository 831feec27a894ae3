"""The operations-centre store in PostgreSQL + PostGIS, shared by workstations and field teams.

psycopg 3 (``psycopg[binary]``): a maintained driver with server-side parameters and
LISTEN/NOTIFY as a generator. Every write transaction ends with ``pg_notify``, which
PostgreSQL delivers to listeners only when (and if) the transaction commits, so another
workstation learns of an edit within milliseconds and never of one that rolled back.
Photos' positions get a PostGIS point (a generated column) for map queries.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager

from offline.guard import StoreRefused
from offline.store.base import Store

CHANNEL = "songjiang_store"


class PgStore(Store):
    DIALECT = {"blob": "BYTEA", "serial": "BIGSERIAL PRIMARY KEY", "float": "DOUBLE PRECISION",
               "add_column": "ADD COLUMN IF NOT EXISTS"}
    LOCK = " FOR UPDATE"

    def __init__(self, url: str):
        import psycopg
        self.session = str(uuid.uuid4())
        self._url, self.url = url, _safe(url)  # the password stays out of journals and messages
        self._psycopg = psycopg
        try:
            self.con = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreRefused(f"{_safe(url)}: cannot connect to the operations-centre store "
                               f"({' '.join(str(exc).split())})") from None
        self._listener = None
        try:
            self.create()
        except psycopg.Error as exc:
            raise StoreRefused(f"{_safe(url)}: cannot set up the operations-centre store "
                               f"({' '.join(str(exc).split())})") from None
        self._seen = self.last_change()

    def create(self):
        with self.tx():
            self.q("CREATE EXTENSION IF NOT EXISTS postgis")
        super().create()
        with self.tx():
            self.q("ALTER TABLE photos ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326) GENERATED ALWAYS AS "
                   "(CASE WHEN lon IS NULL OR lat IS NULL THEN NULL "
                   "ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED")

    def q(self, sql: str, params=()):
        return self.con.execute(sql.replace("?", "%s"), tuple(params))

    def qmany(self, sql: str, rows):
        with self.con.cursor() as cur:  # psycopg pipelines executemany: one round trip for the lot
            cur.executemany(sql.replace("?", "%s"), rows)

    @contextmanager
    def tx(self):
        with self.con.transaction():
            yield

    def notify(self, payload: str):
        self.q("SELECT pg_notify(?, ?)", (CHANNEL, payload))

    def wait(self, timeout: float) -> list[dict]:
        """Changes committed by other workstations: woken by NOTIFY, then read from the change log."""
        if self._listener is None:
            self._listener = self._psycopg.connect(self._url, autocommit=True)
            self._listener.execute(f"LISTEN {CHANNEL}")
        found = self._others_since()
        end = time.monotonic() + timeout
        while not found and time.monotonic() < end:
            for _ in self._listener.notifies(timeout=max(end - time.monotonic(), 0.001), stop_after=1):
                pass
            found = self._others_since()
        return found

    def reopen(self) -> "PgStore":
        """Another connection to the same store (for another thread), with the same credentials."""
        return PgStore(self._url)

    def close(self):
        if self._listener is not None:
            self._listener.close()
        self.con.close()


def _safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    import re
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
