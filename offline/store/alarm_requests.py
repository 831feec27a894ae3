"""What operators ask of the alarms — acknowledge, clear, note, assign — and the alarm service applying it (issue 22 item 4).

A desk (a window, ``alarms ack``) inserts a row into ``alarm_requests`` (offline/store/alarms_schema.py,
migration 6) with the operator's name and words; it never updates ``alarms``. The alarm service
(offline/store/alarm_service.py) takes the pending rows in id order at the start of its step, applies
them to its book, and marks them applied in the same transaction as the step's alarms, events and
checkpoint: a service killed before that commit leaves them pending and the next one applies them, once.

Two operators acknowledging one alarm at once both succeed: the first acknowledges it, the second is
recorded as an "acknowledged" event with its own name (outcome "again"); the alarm keeps the first name.
An acknowledgement closes an alarm already back to normal: a second one meeting it closed is still
recorded ("again") while the service holds it among its recently cleared alarms (always so when both
are applied in one step; a service restarted between the two answers "not open"). Any other request
on an alarm that is cleared (or unknown) changes nothing and says so in ``outcome``.

PostgreSQL: the operator role may insert requests, the viewer may not (offline/store/roles.py): a
viewer's request is refused in one line naming its role (PermissionRefused, exit 3).
"""
from __future__ import annotations

import time

from layers.sensors.alarms import ACKNOWLEDGED, ACTIVE, CLEARED
from offline.store import alarm_wake

# action → what a refused role may not do (the zh words: layers/messages.py STORE_ACTIONS)
ACTIONS = {"ack": "acknowledge alarms", "clear": "clear alarms", "note": "annotate alarms", "assign": "assign alarms"}
MAX_NOTE = 2000
MAX_WHO = 120


def submit(store, alarm_id: int, action: str, who: str, note: str = "") -> int:
    """Ask the alarm service to ``action`` alarm ``alarm_id`` as ``who``; returns the request's id.

    "assign": ``note`` is the assignee's name. Listeners are woken when it commits (alarm_wake.py).
    ValueError (a usage error) for an unknown action, an empty or overlong name or note, an alarm the
    store does not have or one already cleared."""
    if action not in ACTIONS:
        raise ValueError(f"unknown alarm action {action!r} (one of {', '.join(ACTIONS)})")
    who, note = " ".join(str(who).split()), str(note).strip()
    if not who or len(who) > MAX_WHO:
        raise ValueError(f"give the operator's name with --as (1 to {MAX_WHO} characters)")
    if len(note) > MAX_NOTE:
        raise ValueError(f"the note is longer than {MAX_NOTE} characters")
    if action == "assign":
        note = " ".join(note.split())
        if not note or len(note) > MAX_WHO:
            raise ValueError(f"give the assignee's name with --to (1 to {MAX_WHO} characters)")
    row = store.q("SELECT status FROM alarms WHERE id = ?", (int(alarm_id),)).fetchone()
    if row is None:
        raise ValueError(f"{store.url}: no alarm {int(alarm_id)} in this store")
    if row[0] == CLEARED:
        raise ValueError(f"{store.url}: alarm {int(alarm_id)} is already cleared")
    with store.tx(ACTIONS[action]):
        cur = store.q("INSERT INTO alarm_requests (alarm, action, who, note, requested_at) VALUES (?, ?, ?, ?, ?) "
                      "RETURNING id", (int(alarm_id), action, who, note, time.time()))
        rid = int(cur.fetchone()[0])
        alarm_wake.notify(store, f"request {rid}")
        return rid


def request(store, request_id: int) -> dict | None:
    cols = ("id", "alarm", "action", "who", "note", "requested_at", "login", "applied_at", "outcome")
    row = store.q(f"SELECT {', '.join(cols)} FROM alarm_requests WHERE id = ?", (int(request_id),)).fetchone()
    return None if row is None else dict(zip(cols, row))


def pending(store, limit: int = 1000) -> list[tuple]:
    """(id, alarm, action, who, note, requested_at) of the requests not applied yet, oldest first."""
    return store.q("SELECT id, alarm, action, who, note, requested_at FROM alarm_requests WHERE applied_at IS NULL "
                   "ORDER BY id LIMIT ?", (int(limit),)).fetchall()


def apply(book, requests) -> list[tuple[str, int]]:
    """Apply ``pending`` rows to ``book`` (its events carry who and note); returns (outcome, id) for each."""
    out = []
    for rid, alarm_id, action, who, note, at in requests:
        a = book.alarms.get(int(alarm_id))
        if action == "ack" and a is not None and a.status == CLEARED and a.acked_by:
            # acknowledged, then closed (back to normal already): a second desk's acknowledgement of the same
            # moment is still recorded while the service holds the alarm (its recently cleared ones)
            book.remark(a.id, "acknowledged", who, float(at), note)
            out.append(("again", rid))
        elif a is None or a.status == CLEARED or book.open_by_sensor.get(a.sensor) != a.id:
            out.append((f"alarm {alarm_id} is not open (cleared, or its terminal is not in the registry)", rid))
        elif action == "ack" and a.status == ACTIVE:
            book.acknowledge(a.id, who, float(at), note)
            out.append(("done", rid))
        elif action == "ack" and a.status == ACKNOWLEDGED:
            book.remark(a.id, "acknowledged", who, float(at), note)
            out.append(("again", rid))
        elif action == "clear":
            book.clear(a.id, who, float(at), note)
            out.append(("done", rid))
        elif action == "note":
            book.remark(a.id, "note", who, float(at), note)
            out.append(("done", rid))
        elif action == "assign":
            book.assign(a.id, who, note, float(at))
            out.append(("done", rid))
        else:
            out.append((f"unknown action {action!r}", rid))
    return out


def mark(store, outcomes, when: float | None = None) -> None:
    """Inside the step's transaction: the requests applied, with what came of each."""
    if outcomes:
        when = time.time() if when is None else when
        store.qmany("UPDATE alarm_requests SET applied_at = ?, outcome = ? WHERE id = ? AND applied_at IS NULL",
                    [(when, o, rid) for o, rid in outcomes])
