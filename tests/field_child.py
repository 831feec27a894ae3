"""Child process of the crash test: field edits through the journal until killed.

Usage: python tests/field_child.py PACKAGE SEED. After each edit's commit returns it
prints the edit's outbox UUIDs, one per line, and flushes: the parent holds the
process to every UUID it read.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from offline.field.profile import FieldProfile  # noqa: E402
from offline.hbim import ICOMOS_ISCS, Damage, Inspection  # noqa: E402
from offline.records import open_records  # noqa: E402


def main(package: str, seed: int):
    rnd = random.Random(seed)
    store = open_records(package, profile=FieldProfile("crash test", "old town", f"device-{seed}"))
    guids = [c.guid for c in store.records("components")][:40]
    mine: list[str] = []
    out = sys.stdout
    while True:
        roll = rnd.random()
        guid = rnd.choice(guids)
        if roll < 0.35 or not mine:
            mine.append(store.put(Inspection(guid, "2026-11-29", surveyor="crash test",
                                             condition_grade=rnd.randint(1, 5), notes=f"n{rnd.random():.6f}")))
        elif roll < 0.55:
            rec = store.get("inspections", rnd.choice(mine))
            if rec is None:
                continue
            rec.notes = f"edited {rnd.random():.6f}"
            store.put(rec)
        elif roll < 0.7:
            store.put(Damage(guid, rnd.choice(ICOMOS_ISCS), severity=rnd.randint(1, 5), date="2026-11-29"))
        elif roll < 0.8:
            comp = store.get("components", guid)
            comp.material = rnd.choice(["bluestone", "granite", "brick", "timber"])
            store.put(comp)
        elif roll < 0.9:
            store.delete("inspections", mine.pop(rnd.randrange(len(mine))))
        elif store.can_undo:
            store.undo()
        else:
            continue
        out.write("".join(f"{u}\n" for u in store.last_edits))
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
