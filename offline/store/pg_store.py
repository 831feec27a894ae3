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
from offline.store import conninfo
from offline.store.base import Store

CHANNEL = "songjiang_store"
SCHEMA_LOCK = 0x534A4F50  # pg_advisory_xact_lock key of schema migrations ("SJOP")


class PermissionRefused(StoreRefused):
    """PostgreSQL refused a statement for want of a privilege (the connection's role: offline/store/roles.py)."""


class PgStore(Store):
    BACKEND = "postgresql"
    DIALECT = {"blob": "BYTEA", "serial": "BIGSERIAL PRIMARY KEY", "float": "DOUBLE PRECISION",
               "add_column": "ADD COLUMN IF NOT EXISTS"}
    LOCK = " FOR UPDATE"

    def __init__(self, url: str, password: str | None = None, sslpassword: str | None = None):
        """``url``: a URI or keyword string (libpq's forms); ``password`` from the keyring, if any.

        The secrets (a password in ``url`` or given, an ``sslpassword``) stay in ``_secrets``, used
        only to connect; ``url`` is the redacted identity (offline/store/conninfo.py), the one
        string of this store that journals, reports, logs and messages ever see.
        """
        import psycopg
        self.session = str(uuid.uuid4())
        try:
            self.url, self._secrets = conninfo.split(url)
        except conninfo.BadConninfo as exc:
            raise StoreRefused(str(exc)) from None
        for key, value in (("password", password), ("sslpassword", sslpassword)):
            if value:  # one in the string itself (typed in the sync dialog) comes first
                self._secrets.setdefault(key, value)
        self._psycopg = psycopg
        self.con = self._connect("cannot connect to the operations-centre store", connect_timeout=10)
        self._listener = None
        try:
            self.create()
        except psycopg.Error as exc:
            raise StoreRefused(f"{self.url}: cannot set up the operations-centre store "
                               f"({self._hide(exc)})") from None
        try:
            self._seen = self.last_change()
        except PermissionRefused:  # the recorder reads no change log (roles.py): it only inserts observations
            self._seen = 0

    def _connect(self, what: str, **kw):
        try:
            return self._psycopg.connect(self.url, autocommit=True, **self._secrets, **kw)
        except self._psycopg.Error as exc:
            raise StoreRefused(f"{self.url}: {what} ({self._hide(exc)})") from None

    def _hide(self, exc) -> str:
        return conninfo.hide(" ".join(str(exc).split()), self._secrets)

    def migrate_backend(self):
        self.q("CREATE EXTENSION IF NOT EXISTS postgis")
        self.q("ALTER TABLE photos ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326) GENERATED ALWAYS AS "
               "(CASE WHEN lon IS NULL OR lat IS NULL THEN NULL "
               "ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED")

    def has_table(self, name: str) -> bool:
        return self.q("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]

    def lock_schema(self):
        self.q("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))

    _doing = "read the store"

    def q(self, sql: str, params=()):
        with self._privileged():
            return self.con.execute(sql.replace("?", "%s"), tuple(params))

    def qmany(self, sql: str, rows):
        with self._privileged(), self.con.cursor() as cur:  # psycopg pipelines executemany: one round trip
            cur.executemany(sql.replace("?", "%s"), rows)

    @contextmanager
    def _privileged(self):
        """A statement the role may not run: one line naming the role and what it may not do (not a traceback)."""
        try:
            yield
        except self._psycopg.errors.InsufficientPrivilege as exc:
            detail = self._hide(exc).split(" LINE ")[0]
            raise PermissionRefused(f"{self.url}: PostgreSQL role {self.con.info.user} may not {self._doing} "
                                    f"({detail})") from None

    @contextmanager
    def tx(self, what: str = "write to the store"):
        outer, self._doing = self._doing, what
        try:
            with self.con.transaction():
                yield
        finally:
            self._doing = outer

    def notify(self, payload: str):
        self.q("SELECT pg_notify(?, ?)", (CHANNEL, payload))

    def wait(self, timeout: float) -> list[dict]:
        """Changes committed by other workstations: woken by NOTIFY, then read from the change log."""
        if self._listener is None:
            self._listener = self._connect("cannot listen to the operations-centre store")
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
        return PgStore(self.url, **self._secrets)

    def close(self):
        if self._listener is not None:
            self._listener.close()
        self.con.close()

