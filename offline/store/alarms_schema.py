"""Migration 5: the alarm service's tables, and the commit number of each stored reading (issue 22 item 3).

Why a commit number: the alarm service (offline/store/alarm_service.py) must read the readings in one
order that never changes once it has passed a point, or a restarted service would miss or repeat some.
- ``observations.tx``: the transaction that stored the reading. PostgreSQL fills it by itself
  (``pg_current_xact_id()``, a column default: every inserter, COPY included, gets it without asking).
  A transaction id is handed out when a writer starts, not when it commits, so the service reads only
  below the oldest transaction still running (``pg_snapshot_xmin``): below it nothing can ever be added.
  SQLite has one writer at a time, so a counter taken inside the writer's transaction
  (``observation_commits``) numbers the commits in their order.
  Readings stored before this migration have none (NULL) and are not evaluated.
- ``alarms``: every alarm the service raised, one row each with every field of the rules' state, as it
  stands after the last committed step (a restarted service loads the open ones from here).
- ``alarm_events``: the alarm history, appended in order (``seq``); ``who`` and ``note`` are the
  operator's identity and words (acknowledge, clear), ``who`` is "system" for an automatic clear.
- ``alarm_service``: one row: the commit number read up to (the checkpoint), the next alarm id, each
  terminal's confirmation streak and when the rules last settled, written in the same transaction
  as the alarms and events of that step, so a step is kept whole or not at all.
Times are Unix seconds (double precision) on both backends.
"""
from __future__ import annotations

TABLES = ("alarms", "alarm_events", "alarm_service", "alarm_requests")

COMMON = [
    """CREATE TABLE IF NOT EXISTS alarm_service (id INTEGER PRIMARY KEY CHECK (id = 1),
       checkpoint BIGINT NOT NULL DEFAULT 0, next_alarm BIGINT NOT NULL DEFAULT 1, settled_at {float},
       streaks TEXT NOT NULL DEFAULT '{{}}', holder TEXT, updated_at TEXT)""",
    "INSERT INTO alarm_service (id) VALUES (1) ON CONFLICT (id) DO NOTHING",
    """CREATE TABLE IF NOT EXISTS alarms (id BIGINT PRIMARY KEY, datastream BIGINT NOT NULL,
       severity INTEGER NOT NULL, status TEXT NOT NULL, raised_at {float} NOT NULL, value {float}, peak {float},
       acked_by TEXT, acked_at {float}, cleared_by TEXT, cleared_at {float}, normal_since {float},
       occurrences INTEGER NOT NULL, note TEXT, escalated INTEGER NOT NULL, flapping INTEGER NOT NULL,
       returns TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS alarms_open ON alarms (datastream) WHERE status <> 'cleared'",
    """CREATE TABLE IF NOT EXISTS alarm_events (seq {serial}, alarm BIGINT NOT NULL, datastream BIGINT NOT NULL,
       event TEXT NOT NULL, severity INTEGER NOT NULL, at {float} NOT NULL, who TEXT NOT NULL DEFAULT '',
       value {float}, note TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS alarm_events_alarm ON alarm_events (alarm)",
]

SQLITE = [
    "ALTER TABLE observations ADD COLUMN tx INTEGER",
    "CREATE INDEX IF NOT EXISTS observations_tx ON observations (tx)",
    """CREATE TABLE IF NOT EXISTS observation_commits (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)""",
    "INSERT INTO observation_commits (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
]

# no rewrite of a big history: the column is added empty, then its default applies to new rows only.
# A B-tree, not a BRIN: BRIN ranges are summarised only by (auto)vacuum, so every look scanned the whole
# unsummarised tail (0.6 s against 0.2 s for 40,000 readings here); the recorders' COPY rate did not differ
# beyond this shared machine's noise (ids only grow: each insert lands on the rightmost leaf)
POSTGRESQL = [
    "ALTER TABLE observations ADD COLUMN IF NOT EXISTS tx BIGINT",
    "ALTER TABLE observations ALTER COLUMN tx SET DEFAULT (pg_current_xact_id()::text::bigint)",
    "CREATE INDEX IF NOT EXISTS observations_tx ON observations (tx) WHERE tx IS NOT NULL",
]


def migrate(store):
    """Migration 5 on ``store`` (inside the migration's transaction)."""
    for sql in COMMON:
        store.q(sql.format(**store.DIALECT))
    if store.BACKEND == "postgresql":
        for sql in POSTGRESQL:
            store.q(sql)
    elif "tx" not in [c[0] for c in store.q("SELECT * FROM observations WHERE 1 = 0").description]:
        for sql in SQLITE:
            store.q(sql)


# Migration 6 (issue 22 item 4): what operators ask of the alarms (acknowledge, clear, note), applied by the
# alarm service in its step. A window never updates ``alarms`` itself: the service holds the book's state and
# writes it back every step, so an acknowledgement it never saw would be overwritten. Pending requests are
# found by ``applied_at IS NULL`` (never by "the highest id seen": ids are handed out as rows are inserted,
# not as they commit); ``outcome`` says what came of one ("done", "again": a repeated acknowledgement,
# recorded in the history, or why nothing changed). ``login``: the PostgreSQL role that asked (the server
# fills it; a request cannot name another role), beside ``who``, the name the operator gave.
REQUESTS = [
    """CREATE TABLE IF NOT EXISTS alarm_requests (id {serial}, alarm BIGINT NOT NULL, action TEXT NOT NULL,
       who TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', requested_at {float} NOT NULL, login TEXT {login},
       applied_at {float}, outcome TEXT)""",
    "CREATE INDEX IF NOT EXISTS alarm_requests_pending ON alarm_requests (id) WHERE applied_at IS NULL",
]


def migrate_requests(store):
    """Migration 6 on ``store`` (inside the migration's transaction)."""
    login = "DEFAULT current_user" if store.BACKEND == "postgresql" else ""
    for sql in REQUESTS:
        store.q(sql.format(login=login, **store.DIALECT))


# Migration 7 (issue 22 item 4): whom an alarm is assigned to. ``alarms.assignee`` is written by the alarm
# service like every other field of the alarm (a window asks with an "assign" request whose ``note`` is the
# assignee's name; the "assigned" event keeps the operator who asked in ``who`` and the assignee in ``note``).
# Added empty: an alarm raised before it is nobody's until assigned.
def migrate_assignee(store):
    """Migration 7 on ``store`` (inside the migration's transaction); a column already there is left as it is."""
    if "assignee" not in [c[0] for c in store.q("SELECT * FROM alarms WHERE 1 = 0").description]:
        store.q("ALTER TABLE alarms ADD COLUMN assignee TEXT")
