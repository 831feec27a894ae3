"""Reading the alarms the alarm service keeps in the store: what a window, a report or a wall shows.

Read-only (a viewer role may call all of it). The alarm service is the one writer of ``alarms`` and
``alarm_events`` (offline/store/alarm_service.py); a reader follows the history by ``seq``, which the
service assigns in its commit order, so ``events_since(last seq seen)`` never misses one. Terminals
are Datastream ids; times Unix seconds; ``who`` is the operator (or "system") and ``note`` their words.
"""
from __future__ import annotations

import json

from offline.store.alarm_state import ALARM_COLUMNS, EVENT_COLUMNS

_BOOL = ("escalated", "flapping")


def _alarm(row) -> dict:
    d = dict(zip(ALARM_COLUMNS, row))
    d.update({k: bool(d[k]) for k in _BOOL}, returns=json.loads(d["returns"]))
    return d


def open_alarms(store) -> list[dict]:
    """Every alarm not cleared (active or acknowledged), oldest first."""
    return [_alarm(r) for r in store.q(f"SELECT {', '.join(ALARM_COLUMNS)} FROM alarms WHERE status <> 'cleared' "
                                       "ORDER BY id").fetchall()]


def open_with_acknowledgements(store) -> list[dict]:
    """``open_alarms``, each with ``"acknowledgements"`` (every operator who acknowledged it, in order: two desks at
    once are both there), ``"notes"`` and ``"pending"`` (requests the alarm service has not applied yet)."""
    alarms = open_alarms(store)
    by_id = {a["id"]: {**a, "acknowledgements": [], "notes": [], "pending": []} for a in alarms}
    if not by_id:
        return []
    for alarm_id, event, who, at, note in store.q(
            "SELECT e.alarm, e.event, e.who, e.at, e.note FROM alarm_events e JOIN alarms a ON a.id = e.alarm "
            "WHERE a.status <> 'cleared' AND e.event IN ('acknowledged', 'note') ORDER BY e.seq").fetchall():
        if alarm_id in by_id:
            key = "acknowledgements" if event == "acknowledged" else "notes"
            by_id[alarm_id][key].append({"who": who, "at": at, "note": note})
    if store.has_table("alarm_requests"):
        for rid, alarm_id, action, who in store.q(
                "SELECT id, alarm, action, who FROM alarm_requests WHERE applied_at IS NULL ORDER BY id").fetchall():
            if alarm_id in by_id:
                by_id[alarm_id]["pending"].append({"request": rid, "action": action, "who": who})
    return list(by_id.values())


def alarm(store, alarm_id: int) -> dict | None:
    row = store.q(f"SELECT {', '.join(ALARM_COLUMNS)} FROM alarms WHERE id = ?", (int(alarm_id),)).fetchone()
    return None if row is None else _alarm(row)


def events_since(store, seq: int = 0, limit: int = 10_000) -> list[dict]:
    """The events after ``seq``, in order, at most ``limit`` (a reader passes the last ``seq`` it got)."""
    cols = ("seq", *EVENT_COLUMNS)
    rows = store.q(f"SELECT {', '.join(cols)} FROM alarm_events WHERE seq > ? ORDER BY seq LIMIT ?",
                   (int(seq), int(limit))).fetchall()
    return [dict(zip(cols, r)) for r in rows]


def service_status(store) -> dict:
    """Which service holds the alarms, how far it has read (commit number) and when it last committed."""
    checkpoint, holder, updated = store.q(
        "SELECT checkpoint, holder, updated_at FROM alarm_service WHERE id = 1").fetchone()
    return {"checkpoint": int(checkpoint), "holder": holder or "", "updated_at": updated}


def alarms_by_id(store, ids) -> list[dict]:
    """These alarms as they stand now (a reader that followed ``events_since`` reads the alarms they touched)."""
    ids, out = sorted({int(i) for i in ids}), []
    for lo in range(0, len(ids), 1000):
        part = ids[lo:lo + 1000]
        out += [_alarm(r) for r in store.q(f"SELECT {', '.join(ALARM_COLUMNS)} FROM alarms WHERE id IN "
                                           f"({', '.join('?' * len(part))}) ORDER BY id", part).fetchall()]
    return out


def latest_cleared(store, n: int) -> list[dict]:
    """The ``n`` newest alarms already cleared, oldest first."""
    rows = store.q(f"SELECT {', '.join(ALARM_COLUMNS)} FROM alarms WHERE status = 'cleared' ORDER BY id DESC LIMIT ?",
                   (int(n),)).fetchall()
    return [_alarm(r) for r in reversed(rows)]


def last_seq(store) -> int:
    """The newest event's ``seq`` (0: none): a reader's cursor before its first read."""
    return int(store.q("SELECT COALESCE(MAX(seq), 0) FROM alarm_events").fetchone()[0])


def pending_requests(store) -> dict:
    """alarm id → [(action, who), …] of the requests the alarm service has not applied yet, in request order."""
    out: dict = {}
    for alarm_id, action, who in store.q(
            "SELECT alarm, action, who FROM alarm_requests WHERE applied_at IS NULL ORDER BY id").fetchall():
        out.setdefault(int(alarm_id), []).append((action, who))
    return out
