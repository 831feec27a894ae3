"""Field edits survive SIGKILL: every edit reported saved is there, none is half-written.

A child process (tests/field_child.py) edits a package through the journal and prints
each edit's outbox UUID once its commit returned; it is killed with SIGKILL at a random
moment, 6 times with 3,000 edits by default (20 times, 10,000 edits in the slow run). After each kill: every UUID it printed is in the
outbox; replaying the outbox over the package's starting records gives exactly the
records in the package (a record change without its outbox row, or an outbox row without
its change, would break that); PRAGMA integrity_check is ok.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import pytest

from field_package import make_package, seed_rows
from offline.hbim import KINDS, _key

CHILD = Path(__file__).with_name("field_child.py")
EDITS_PER_RUN = 500


def _tables(con) -> dict:
    out = {}
    for table in KINDS:  # the record's fields, not the package's integer fid (offline/package/capture.py)
        cols = ", ".join(f'"{f.name}"' for f in fields(KINDS[table]))
        cur = con.execute(f"SELECT {cols} FROM hbim_{table}")
        names = [c[0] for c in cur.description]
        out[table] = {r[names.index(_key(table))]: dict(zip(names, r)) for r in cur.fetchall()}
    return out


def _replayed(start: dict, con) -> dict:
    state = {t: {r[_key(t)]: dict(r) for r in rows} for t, rows in start.items()}
    for tbl, key, before, after in con.execute("SELECT tbl, key, before, after FROM field_outbox ORDER BY seq"):
        if tbl not in state:
            continue
        if after is None:
            state[tbl].pop(key, None)
        else:
            state[tbl][key] = json.loads(after)
    return state


@pytest.mark.parametrize("runs", [6, pytest.param(20, marks=pytest.mark.slow)])  # 20: the acceptance
def test_field_edits_survive_sigkill_at_random_moments(tmp_path, runs):
    total = EDITS_PER_RUN * runs
    rnd = random.Random(12)
    start = seed_rows()
    package = make_package(tmp_path / "field.gpkg", start)
    reported: set[str] = set()
    made = 0
    for run in range(runs):
        want = (total - made) // (runs - run)
        target = rnd.randint(int(want * 0.6), int(want * 1.4)) if run < runs - 1 else want
        child = subprocess.Popen([sys.executable, str(CHILD), str(package), str(run)], stdout=subprocess.PIPE,
                                 text=True, bufsize=1)
        lines = 0
        while lines < target:
            line = child.stdout.readline()
            assert line, f"the child stopped by itself in run {run}"
            reported.add(line.strip())
            lines += 1
        time.sleep(rnd.random() * 0.004)  # mid-transaction, mid-fsync or between edits
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        reported.update(line.strip() for line in child.stdout.read().splitlines() if line.strip())
        child.stdout.close()
        made += lines
        con = sqlite3.connect(package)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            saved = {r[0] for r in con.execute("SELECT uuid FROM field_outbox")}
            lost = reported - saved
            assert not lost, f"run {run}: {len(lost)} edits reported saved are missing"
            assert _tables(con) == _replayed(start, con), f"run {run}: records and outbox disagree"
        finally:
            con.close()
    assert made >= total and len(reported) >= total * 0.9
