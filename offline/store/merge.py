"""Field-by-field merge of one journal edit into the store's current record (pure, no I/O).

An outbox row carries the record's fields before and after the surveyor's edit; the
"before" is the base both sides started from. Per changed field: the store still has the
base → take the field value; the store already has the field value → nothing to do (an
identical concurrent edit is no conflict); the store has a third value → keep the store's,
queue a conflict holding all three. An edit to a record the store deleted, or a field
delete of a record the store changed, is a whole-record conflict (field "*"). Nothing is
ever overwritten silently.

A list of photos or documents (JSON text of SHA-256s or names) is a set, merged item by item:
what the field added joins what the centre holds, what the field removed leaves it, so two
surveyors' photos of one damage record are both kept and never meet as a conflict (issue 26).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

WHOLE = "*"  # the conflict is about the record's existence, not one field
SETS = {"photos", "documents"}  # list fields whose items are merged as a set (offline/hbim.py _LISTS)


def _items(text) -> list | None:
    try:
        value = json.loads(text) if text not in (None, "") else []
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, list) else None


def merge_set(base, mine, theirs):
    """The centre's list with the field's additions and without its removals (JSON text), or None when
    one side is not a list (then the field is merged as any other)."""
    was, new, have = _items(base), _items(mine), _items(theirs)
    if was is None or new is None or have is None:
        return None
    removed = [x for x in was if x not in new]
    out = [x for x in have if x not in removed]
    out += [x for x in new if x not in was and x not in out]
    return json.dumps(out)


@dataclass
class Merged:
    row: dict | None          # what the record becomes (None: deleted)
    write: bool = False       # does the store change at all
    applied: list = field(default_factory=list)    # fields taken from the edit
    same: list = field(default_factory=list)       # fields the store already had the same value in
    conflicts: list = field(default_factory=list)  # (field, base, field value, store value)


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in after.keys() | before.keys() if before.get(k) != after.get(k))


def merge(current: dict | None, before: dict | None, after: dict | None) -> Merged:
    if after is None:  # the surveyor deleted the record
        if current is None:
            return Merged(None, same=[WHOLE])
        if all(current.get(k) == v for k, v in (before or {}).items()):
            return Merged(None, write=True, applied=[WHOLE])
        return Merged(current, conflicts=[(WHOLE, before, None, current)])
    if current is None:
        if before is None:  # a new record
            return Merged(dict(after), write=True, applied=[WHOLE])
        return Merged(None, conflicts=[(WHOLE, before, after, None)])  # deleted at the centre meanwhile
    row = dict(current)
    out = Merged(row)
    base = before or {}
    for name in changed_fields(before, after) if before is not None else sorted(after):
        mine, theirs, was = after.get(name), current.get(name), base.get(name)
        if name in SETS and theirs not in (mine, was):
            joined = merge_set(was, mine, theirs)
            if joined is not None:
                if _items(joined) == _items(theirs):
                    out.same.append(name)
                else:
                    row[name] = joined
                    out.applied.append(name)
                continue
        if theirs == mine:
            out.same.append(name)
        elif theirs == was or (before is None and theirs in (None, "")):
            row[name] = mine
            out.applied.append(name)
        else:
            out.conflicts.append((name, was, mine, theirs))
    out.write = bool(out.applied)
    return out
