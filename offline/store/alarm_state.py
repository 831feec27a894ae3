"""The alarm book's exact state in the store, and reading it back (offline/store/alarms_schema.py's tables).

``load`` gives a fresh AlarmBook everything the rules decide by: the open alarms with every field
(normal since, peak, occurrences, the times of their latest returns for flapping), each terminal's
confirmation streak, when the rules last settled, the next alarm id and the checkpoint. ``save``
writes one step inside the caller's transaction: the alarms the step changed, its events in order,
and the service's row. Terminals are kept by Datastream id, which outlives a registry's row order;
a terminal the registry no longer has is left as the store holds it. NaN is kept as NULL (SQLite
cannot tell them apart), and read back as NaN.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from layers.sensors.alarms import CLEARED, Alarm

ALARM_COLUMNS = ("id", "datastream", "severity", "status", "raised_at", "value", "peak", "acked_by", "acked_at",
                 "cleared_by", "cleared_at", "normal_since", "occurrences", "note", "escalated", "flapping", "returns",
                 "assignee")
EVENT_COLUMNS = ("alarm", "datastream", "event", "severity", "at", "who", "value", "note")


class TakenOver(RuntimeError):
    """Another alarm service moved the checkpoint (it holds the store's alarms now): this one stops."""


@dataclass
class Position:
    checkpoint: int  # the commit number evaluated up to (what the store holds)
    holder: str


def _num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _nan(v) -> float:
    return float("nan") if v is None else float(v)


def load(store, book) -> Position:
    """Fill ``book`` from the store; returns where its evaluation stands.

    Open alarms in the order of their ids, which is the order they were raised: the book walks them
    in that order when it settles, so its events come out in the order of an uninterrupted run."""
    reg = book.registry
    cp, next_id, settled, streaks, holder = store.q(
        "SELECT checkpoint, next_alarm, settled_at, streaks, holder FROM alarm_service WHERE id = 1").fetchone()
    rows = store.q(f"SELECT {', '.join(ALARM_COLUMNS)} FROM alarms WHERE status <> ? ORDER BY id", (CLEARED,)).fetchall()
    open_alarms = []
    rows_of = reg.index_of_datastreams([r[1] for r in rows]) if rows else []
    for r, s in zip(rows, rows_of):
        if s < 0:
            continue
        d = dict(zip(ALARM_COLUMNS, r))
        open_alarms.append(Alarm(
            int(d["id"]), int(s), int(d["severity"]), float(d["raised_at"]), _nan(d["value"]), status=d["status"],
            peak=_nan(d["peak"]), acked_by=d["acked_by"] or "", acked_at=d["acked_at"],
            cleared_by=d["cleared_by"] or "", cleared_at=d["cleared_at"], normal_since=d["normal_since"],
            occurrences=int(d["occurrences"]), note=d["note"] or "", escalated=bool(d["escalated"]),
            flapping=bool(d["flapping"]), returns=json.loads(d["returns"]), assignee=d["assignee"] or ""))
    by_ds = {int(k): n for k, n in json.loads(streaks).items()}
    rows_of = reg.index_of_datastreams(list(by_ds)) if by_ds else np.zeros(0, np.int64)
    streak = {int(s): n for s, n in zip(rows_of.tolist(), by_ds.values()) if s >= 0}
    book.carry_on(open_alarms, streak, float("-inf") if settled is None else settled, next_id)
    return Position(int(cp), holder or "")


def claim(store, holder: str) -> Position:
    """Name this service the holder (after it took the lease); returns the checkpoint it starts from."""
    with store.tx("evaluate alarms"):
        store.q("UPDATE alarm_service SET holder = ?, updated_at = ? WHERE id = 1", (holder, _now()))
        cp = store.q("SELECT checkpoint FROM alarm_service WHERE id = 1").fetchone()[0]
    return Position(int(cp), holder)


def fingerprints(book) -> dict:
    """Open alarm id → its fields as text: what ``save`` compares to find the alarms a step changed."""
    return {a.id: repr(_row(a, 0)) for a in book.open_alarms()}


def _row(a: Alarm, datastream: int) -> tuple:
    return (a.id, datastream, a.severity, a.status, a.raised_at, _num(a.value), _num(a.peak), a.acked_by,
            a.acked_at, a.cleared_by, a.cleared_at, a.normal_since, a.occurrences, a.note, int(a.escalated),
            int(a.flapping), json.dumps(a.returns), a.assignee or None)


def save(store, book, before: dict, events, pos: Position, checkpoint: int) -> int:
    """One step, inside the caller's transaction; TakenOver when the store's checkpoint is not ``pos``'s.

    ``before``: ``fingerprints`` taken before the step. Returns the events written."""
    row = store.q("SELECT checkpoint, holder FROM alarm_service WHERE id = 1" + store.LOCK).fetchone()
    if (int(row[0]), row[1] or "") != (pos.checkpoint, pos.holder):
        raise TakenOver(f"{store.url}: another alarm service ({row[1] or 'unknown'}) took over this store's alarms "
                        f"at commit {row[0]}; this one stops")
    ds_of = book.registry.datastream
    touched = {e.alarm for e in events}
    changed = [a for a in book.open_alarms() if a.id in touched or before.get(a.id) != repr(_row(a, 0))]
    changed += [book.alarms[i] for i in touched - {a.id for a in changed} if i in book.alarms]
    if changed:
        cols = ", ".join(ALARM_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in ALARM_COLUMNS[1:])
        store.qmany(f"INSERT INTO alarms ({cols}) VALUES ({', '.join('?' * len(ALARM_COLUMNS))}) "
                    f"ON CONFLICT (id) DO UPDATE SET {updates}",
                    [_row(a, int(ds_of[a.sensor])) for a in sorted(changed, key=lambda a: a.id)])
    gone = [(e.who, e.time, e.alarm) for e in events if e.event == "cleared" and e.alarm not in book.alarms]
    if gone:  # dropped from the book's memory of cleared alarms within this very step: closed all the same
        store.qmany("UPDATE alarms SET status = 'cleared', cleared_by = ?, cleared_at = ? WHERE id = ?", gone)
    if events:
        store.qmany(f"INSERT INTO alarm_events ({', '.join(EVENT_COLUMNS)}) VALUES "
                    f"({', '.join('?' * len(EVENT_COLUMNS))})",
                    [(e.alarm, int(ds_of[e.sensor]), e.event, int(e.severity), e.time, e.who, _num(e.value), e.note)
                     for e in events])
    streak, settled = book.exact_state()
    streaks = {int(ds_of[s]): int(n) for s, n in streak.items()}
    store.q("UPDATE alarm_service SET checkpoint = ?, next_alarm = ?, settled_at = ?, streaks = ?, updated_at = ? "
            "WHERE id = 1", (checkpoint, book.next_id, None if math.isinf(settled) else settled,
                             json.dumps(streaks, sort_keys=True), _now()))
    return len(events)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
