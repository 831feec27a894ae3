"""PostgreSQL group roles of the operations-centre store, and their least privileges (GRANT/REVOKE).

``songjiang-console store init`` (as the store's owner, a role with CREATEROLE) makes the four
group roles (NOLOGIN) if they are missing and sets each one's table privileges to exactly what is
below: every privilege on the store's tables is first revoked from the groups and PUBLIC, then
granted, so running it again changes nothing and a privilege removed here is removed there.
People and services log in as their own login roles, members of one group
(``store init --login-role NAME:GROUP``); no one runs the console as a superuser.

Restricted tables (those named in ``restricted_tables``: layers a project's ``"restricted"`` list
keeps out of field packages, offline/package/create.py) are readable only by the operations
centre's own roles (viewer, operator), never by the recorder or the field-sync role.
SQLite has no roles: a file's readers are whoever the operating system lets read it.
"""
from __future__ import annotations

import re

from offline.store.schema import RECORD_TABLES

PREFIX = "songjiang_"
GROUPS = {
    "viewer": "read everything the centre shows (the video wall); write nothing",
    "operator": "read; resolve conflicts, edit records, acknowledge/clear/annotate/assign alarms (alarm_requests)",
    "recorder": "insert sensor observations only; read nothing else",
    "field_sync": "submit field edits through package sync only; no read of restricted tables",
    "alarms": "the alarm service (alarms serve): read the readings, write alarms, their events, its checkpoint "
              "and the city vital signs' samples",
}
# the table sensor observations live in (offline/store/observations_schema.py): the recorder's only right
OBSERVATIONS = "observations"
PARTITIONS = "songjiang_observation_partitions(date[])"  # makes the day partitions the readings need
HBIM = tuple(f"hbim_{t}" for t in RECORD_TABLES)
ALL = "SELECT, INSERT, UPDATE, DELETE"


def group(name: str) -> str:
    """``viewer`` or ``songjiang_viewer`` → ``songjiang_viewer``; ValueError for any other name."""
    short = name[len(PREFIX):] if name.startswith(PREFIX) else name
    if short not in GROUPS:
        raise ValueError(f"{name}: not a store role (one of {', '.join(GROUPS)})")
    return PREFIX + short


def ident(name: str) -> str:
    """A role or table name as a quoted identifier; ValueError for one that is not a plain name."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,62}", name):
        raise ValueError(f"{name}: not a PostgreSQL role name (letters, digits, _ . -; at most 63)")
    return '"' + name + '"'


def privileges(tables: set[str], restricted: set[str]) -> dict[str, dict[str, str]]:
    """group → {table: privileges} over the store's ``tables`` (names as they exist)."""
    readable = set(tables)  # the wall shows everything, observations (when the store has them) included
    common = {"schema_version": "SELECT"}  # every role checks the schema's version when it opens the store
    sync = {**common, "store_version": "SELECT, UPDATE", **{t: ALL for t in HBIM}, "sync_journal": "SELECT, INSERT",
            "changes": "SELECT, INSERT", "conflicts": "SELECT, INSERT, UPDATE", "photos": "SELECT, INSERT",
            "photo_blobs": "SELECT, INSERT", "annotations": ALL}
    out = {
        "viewer": {t: "SELECT" for t in readable},
        "operator": {**{t: "SELECT" for t in readable}, "store_version": "SELECT, UPDATE",
                     **{t: ALL for t in HBIM}, "changes": "SELECT, INSERT", "conflicts": "SELECT, UPDATE",
                     "annotations": ALL, "alarm_requests": "SELECT, INSERT"},
        "recorder": {**common, **({OBSERVATIONS: "INSERT"} if OBSERVATIONS in tables else {})},
        "field_sync": {t: p for t, p in sync.items() if t not in restricted},
        # the one writer of alarms (offline/store/alarm_service.py); the recorder never writes them
        "alarms": {**common, OBSERVATIONS: "SELECT", "latest": "SELECT", "alarms": "SELECT, INSERT, UPDATE",
                   "alarm_events": "SELECT, INSERT", "alarm_service": "SELECT, UPDATE",
                   "alarm_requests": "SELECT, UPDATE", "vitals": "SELECT, INSERT, DELETE"},
    }
    return {g: {t: p for t, p in grants.items() if t in tables} for g, grants in out.items()}


def statements(tables: set[str], sequences: dict[str, str], restricted: set[str]) -> list[str]:
    """The idempotent SQL that makes the groups and sets their privileges on the store's objects.

    ``sequences``: table → the sequence its serial column draws from (a role inserting into it uses it)."""
    out = []
    for short in GROUPS:
        name = PREFIX + short
        out.append(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
                   f"CREATE ROLE {name} NOLOGIN; END IF; END $$")
    groups = ", ".join(PREFIX + g for g in GROUPS)
    out.append(f"GRANT USAGE ON SCHEMA public TO {groups}")
    for t in sorted(tables):
        out.append(f"REVOKE ALL ON TABLE {ident(t)} FROM PUBLIC, {groups}")
    for s in sorted(sequences.values()):
        out.append(f"REVOKE ALL ON SEQUENCE {ident(s)} FROM PUBLIC, {groups}")
    for short, grants in privileges(tables, restricted).items():
        for t, privs in sorted(grants.items()):
            out.append(f"GRANT {privs} ON TABLE {ident(t)} TO {PREFIX + short}")
        for t, privs in sorted(grants.items()):
            if "INSERT" in privs and t in sequences:  # BIGSERIAL columns (changes.seq) draw from a sequence
                out.append(f"GRANT USAGE ON SEQUENCE {ident(sequences[t])} TO {PREFIX + short}")
    if OBSERVATIONS in tables:  # whoever inserts readings makes the partitions of their days (SECURITY DEFINER)
        out.append(f"REVOKE ALL ON FUNCTION {PARTITIONS} FROM PUBLIC, {groups}")
        out += [f"GRANT EXECUTE ON FUNCTION {PARTITIONS} TO {PREFIX + g}" for g, grants in
                privileges(tables, restricted).items() if "INSERT" in grants.get(OBSERVATIONS, "")]
    return out


def login_statements(login: str, group_name: str) -> list[str]:
    """A login role ``login`` (no password: its owner sets one with psql's \\password) in ``group_name``."""
    role, grp = ident(login), group(group_name)
    return [f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN "
            f"CREATE ROLE {role} LOGIN; END IF; END $$",
            f"GRANT {grp} TO {role}"]


# a table a later migration adds joins this list (and ``privileges``), or no group role may use it
STORE_TABLES = (*HBIM, "store_version", "schema_version", "restricted_tables", "photos", "photo_blobs", "annotations",
                "sync_journal", "changes", "conflicts", "latest", "alarms", "alarm_events", "alarm_service",
                "alarm_requests", "vitals")


def restricted_names(names) -> set[str]:
    """A project's ``"restricted"`` list (offline/package/create.py) as the store's table names it covers."""
    out = set()
    for name in names:
        if name == "hbim":
            out.update(HBIM)
        elif ":" not in name or name.startswith("asset:"):
            out.add(name.split(":", 1)[-1])
    return out  # "sensors:KIND": sensor layers are not in the store yet (issue 22 item 1)


def apply(store, restricted=(), logins=()) -> list[str]:
    """Make the groups, set their privileges, add ``restricted`` names and ``logins`` ((login, group), …).

    Inside one transaction of ``store`` (a PgStore connected as its owner); returns the store's tables
    restricted now. Tables are those of the store that exist; a restricted name that is no table yet is kept
    (it is restricted the day a table of that name comes)."""
    for name in sorted(restricted_names(restricted)):
        ident(name)
        store.q("INSERT INTO restricted_tables (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,))
    kept = {r[0] for r in store.q("SELECT name FROM restricted_tables").fetchall()}
    tables = {t for t in (*STORE_TABLES, OBSERVATIONS, *kept) if store.has_table(t)}
    sequences = {}
    for t in tables:
        for (column,) in store.q("SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(?) "
                                 "AND a.attnum > 0 AND NOT a.attisdropped", (t,)).fetchall():
            seq = store.q("SELECT pg_get_serial_sequence(?, ?)", (t, column)).fetchone()[0]
            if seq:
                sequences[t] = seq.split(".")[-1].strip('"')
    for sql in statements(tables, sequences, kept & tables):
        store.q(sql)
    for login, grp in logins:
        for sql in login_statements(login, grp):
            store.q(sql)
    return sorted(kept & tables)
