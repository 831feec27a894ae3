"""The operations-centre store's schema, as numbered migrations recorded in ``schema_version``.

Each migration is applied once, in order, in ONE write transaction with its row in
``schema_version`` (version, when, what), so a store is always at a whole version. A store made
before migrations were numbered (no ``schema_version`` table) is at version 0: every migration
is written with ``IF NOT EXISTS`` and so brings it up without touching what it holds.

A store already at ``LATEST`` is not written at all when opened, so a PostgreSQL role without
any DDL right (the viewer, the field-sync role: offline/store/roles.py) opens it; an older one is
migrated by whoever may (the store's owner, ``songjiang-console store init``), and any other role
is told so in one line (offline/store/pg_store.py ``PermissionRefused``). ``schema_version`` is distinct from ``store_version``, which
counts committed changes (a field package records the change version it was cut from).
"""
from __future__ import annotations

from datetime import datetime, timezone

from offline.store.schema import ADDED_COLUMNS, statements

TABLE = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, "
         "what TEXT NOT NULL)")


MIGRATE = "update the store's schema; its owner runs songjiang-console store init"


def _base(store):
    for sql in statements():
        store.q(sql.format(**store.DIALECT))
    for table, column in ADDED_COLUMNS:  # a store made by an older console
        if column not in [c[0] for c in store.q(f"SELECT * FROM {table} WHERE 1 = 0").description]:
            store.q(f"ALTER TABLE {table} {store.DIALECT['add_column']} {column} TEXT")


def _backend(store):
    store.migrate_backend()  # PostgreSQL: PostGIS and the photos' point; SQLite: nothing


def _restricted(store):
    # the store's tables that hold restricted layers (a project's "restricted" list): roles.py grants them
    # only to roles that may see them
    store.q("CREATE TABLE IF NOT EXISTS restricted_tables (name TEXT PRIMARY KEY)")


def _observations(store):
    # the sensor history in the store (issue 22 item 1): offline/store/observations_schema.py
    from offline.store import observations_schema
    observations_schema.migrate(store)


def _alarms(store):
    # the alarm service's state and history, and each reading's commit number (issue 22 item 3):
    # offline/store/alarms_schema.py
    from offline.store import alarms_schema
    alarms_schema.migrate(store)


def _alarm_requests(store):
    # operators' acknowledgements, clears and notes, applied by the alarm service (issue 22 item 4)
    from offline.store import alarms_schema
    alarms_schema.migrate_requests(store)


def _assignee(store):
    # whom an alarm is assigned to (issue 22 item 4): offline/store/alarms_schema.py
    from offline.store import alarms_schema
    alarms_schema.migrate_assignee(store)


def _vitals(store):
    # the city vital signs' minute samples, written by the alarm service (issue 22 item 4):
    # offline/store/alarm_vitals.py
    from offline.store import alarm_vitals
    alarm_vitals.migrate(store)


MIGRATIONS = (
    (1, "records, photos, annotations, change log, sync journal, conflicts", _base),
    (2, "backend extras (PostGIS point of photos)", _backend),
    (3, "restricted tables", _restricted),
    (4, "sensor observations (partitioned by day on PostgreSQL) and each Datastream's latest reading", _observations),
    (5, "alarm state, alarm events and the alarm service's checkpoint; each reading's commit number", _alarms),
    (6, "alarm requests: operators' acknowledgements, clears and notes for the alarm service", _alarm_requests),
    (7, "alarm assignee: whom an operator assigned each alarm to", _assignee),
    (8, "the city vital signs' minute samples, written by the alarm service", _vitals),
)
LATEST = MIGRATIONS[-1][0]


def current(store) -> int:
    """The schema version of the store (0: made before versions were recorded, or new)."""
    if not store.has_table("schema_version"):
        return 0
    return int(store.q("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])


def migrate(store) -> list[int]:
    """Apply the migrations the store lacks, in one transaction; returns their numbers (none: a no-op)."""
    if current(store) >= LATEST:
        return []
    done = []
    with store.tx(MIGRATE):
        store.lock_schema()  # two first opens of one new store: the second waits, then finds it done
        store.q(TABLE)
        have = current(store)
        for version, what, step in MIGRATIONS:
            if version > have:
                step(store)
                store.q("INSERT INTO schema_version (version, applied_at, what) VALUES (?, ?, ?)",
                        (version, datetime.now(timezone.utc).isoformat(timespec="seconds"), what))
                done.append(version)
    return done
