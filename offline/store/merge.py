"""Field-by-field merge of one journal edit into the store's current record (pure, no I/O).

An outbox row carries the record's fields before and after the surveyor's edit; the
"before" is the base both sides started from. Per changed field: the store still has the
base → take the field value; the store already has the field value → nothing to do (an
identical concurrent edit is no conflict); the store has a third value → keep the store's,
queue a conflict holding all three. An edit to a record the store deleted, or a field
delete of a record the store changed, is a whole-record conflict (field "*"). Nothing is
ever overwritten silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field

WHOLE = "*"  # the conflict is about the record's existence, not one field


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
        if theirs == mine:
            out.same.append(name)
        elif theirs == was or (before is None and theirs in (None, "")):
            row[name] = mine
            out.applied.append(name)
        else:
            out.conflicts.append((name, was, mine, theirs))
    out.write = bool(out.applied)
    return out
