"""The pull's merge of one record: the centre's change against the package's own record (pure, no I/O).

The push's rule (offline/store/merge.py) seen from the other side. For a record the centre changed
since the package's base version (``names``: the fields it changed, "*" for the record itself):

- a field or record the centre lists in an open conflict of this package keeps the package's value
  (the conflict already waits at the centre for a person; both sides list it);
- a field the package has not edited since it last synced takes the centre's value (a record the
  centre added or deleted is added or deleted);
- a field the package has edited and not yet synced: the outcome is the one the push of that edit
  will have at the centre (``merge`` with the centre as the current record, the package's unsynced
  edits as one edit from the record as it was before the first of them). The package's value wins
  where the push will apply it, a photo list joins both sides' photos, and where the push will meet
  a third value it is a conflict: the package keeps its value and lists the conflict, under the id
  the centre will give it when the edit arrives (offline/store/apply.py).
"""
from __future__ import annotations

import uuid

from offline.store.apply import CONFLICT_NS
from offline.store.merge import WHOLE, changed_fields, merge
from offline.store.quarantine import QUARANTINED


def conflict_id(edit: str, name: str) -> str:
    return str(uuid.uuid5(CONFLICT_NS, f"{edit}/{name}"))


def decide(names: set, centre: dict | None, mine: dict | None, local, held: set):
    """→ (the package's record after the pull or None, whether it changes, conflicts found).

    ``local``: (the first unsynced edit's UUID, the record before it) or None; ``held``: the fields an
    open conflict of this package holds at the centre. A conflict is (id, edit, field, base, field
    value, centre value), as the centre's conflict list holds them."""
    if held & {WHOLE, QUARANTINED}:
        return mine, False, []
    taken = set(centre or {}) if WHOLE in names else set(names)
    taken -= held | {WHOLE}
    if local is None:
        if centre is None:
            return None, mine is not None, []
        if mine is None:
            return dict(centre), True, []
        row = {**mine, **{f: centre.get(f) for f in taken}}
        return row, row != mine, []
    edit, before = local
    if before is None and mine is None:  # added and removed here, never sent: nothing of ours to keep
        return decide(names, centre, None, None, held)
    m = merge(centre, before, mine)  # what the push of the package's edits will do at the centre
    found = [(conflict_id(edit, name), edit, name, base, field_value, centre_value)
             for name, base, field_value, centre_value in m.conflicts
             if name not in held and (name == WHOLE or name in names or WHOLE in names)]
    if mine is None or centre is None:  # the record's existence: the package's own edit wins
        return mine, False, found
    edited = set(changed_fields(before, mine)) if before is not None else set(mine)
    row = dict(mine)
    for f in taken:
        if f not in edited:
            row[f] = centre.get(f)
        elif f in m.applied and m.row is not None:  # a photo list: both sides' photos
            row[f] = m.row[f]
    return row, row != mine, found
