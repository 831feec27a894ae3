"""A sync killed with SIGKILL at random points, 20 times, then resumed: the store equals the
merge an uninterrupted sync makes, with no edit lost or applied twice, and the package never
claims an edit the store does not hold. Against SQLite and PostgreSQL."""
from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from field_package import copy_sqlite, cut_from, seed_rows
from offline.field.photos import add_photo
from offline.field.profile import FieldProfile
from offline.hbim import Inspection
from offline.records import open_records
from offline.store import open_store
from offline.store.sync import sync
from stores import store_url

CHILD = Path(__file__).with_name("sync_child.py")
KILLS, EDITS, BATCH = 20, 1200, 15


def _prepare(url: str, tmp_path: Path, jpeg: Path):
    """A seeded store, a package with EDITS field edits and 5 photos, and centre edits that conflict."""
    rnd = random.Random(3)
    store = open_store(url)
    for table, rows in seed_rows().items():
        store.import_rows(table, rows)
    package = cut_from(store, tmp_path / "field.gpkg")
    field = open_records(package, profile=FieldProfile("Li Wei", "old town", "laptop-1"))
    guids = [c.guid for c in field.records("components")][:60]
    ids = [r.id for r in field.records("inspections")]
    for i in range(EDITS):
        if i % 3 == 0:
            ids.append(field.put(Inspection(rnd.choice(guids), "2026-11-29", surveyor="Li Wei",
                                            condition_grade=rnd.randint(1, 5), notes=f"n{i}")))
        elif i % 3 == 1:
            rec = field.get("inspections", rnd.choice(ids))
            rec.notes = f"edit {i}"
            field.put(rec)
        else:
            comp = field.get("components", rnd.choice(guids))
            comp.period = rnd.choice(["Ming", "Qing", "Republic", f"p{i}"])
            field.put(comp)
    for k in range(5):
        shot = tmp_path / f"IMG_{k}.jpg"
        shot.write_bytes(jpeg.read_bytes() + bytes([k]))  # five different photos
        add_photo(field, shot, guids[k])
    field.close()
    for guid in guids[:15]:  # the centre changed some of the same components meanwhile
        store.put("components", {"guid": guid, "period": "centre"}, "ops: Wang")
    store.close()
    return package


def _state(url: str) -> dict:
    store = open_store(url)
    try:
        out = {t: store.records(t) for t in ("components", "inspections", "damage", "interventions")}
        out["conflicts"] = sorted((c["id"], c["field_value"], c["store_value"]) for c in store.conflicts())
        out["journal"] = sorted(r[0] for r in store.q("SELECT edit_id FROM sync_journal").fetchall())
        out["changes"] = sorted((r[0], r[1], r[2], r[3]) for r in store.q(
            "SELECT tbl, key, field, source FROM changes").fetchall())
        out["photos"] = sorted(r[0] for r in store.q("SELECT sha256 FROM photo_blobs").fetchall())
        return out
    finally:
        store.close()


def _copy_store(url: str, backend: str, tmp_path: Path, name: str) -> str:
    if backend == "sqlite":
        return copy_sqlite(url, tmp_path / name)
    import psycopg
    copy = store_url(backend, tmp_path)
    base, db = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE {copy.rsplit('/', 1)[1]}")
        con.execute(f"CREATE DATABASE {copy.rsplit('/', 1)[1]} TEMPLATE {db}")
    return copy


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_sync_killed_20_times_then_resumed_equals_the_uninterrupted_merge(backend, tmp_path, jpeg):
    url = store_url(backend, tmp_path)
    package = _prepare(url, tmp_path, jpeg)
    expected_url = _copy_store(url, backend, tmp_path, "expected.sqlite")
    expected_package = tmp_path / "expected.gpkg"
    shutil.copy(package, expected_package)
    with _Closing(open_store(expected_url)) as ref:
        sync(expected_package, ref)
    expected = _state(expected_url)
    outbox_before = _outbox(package)
    rnd = random.Random(20)
    for kill in range(KILLS):
        child = subprocess.Popen([sys.executable, str(CHILD), str(package), url, str(BATCH)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "start"
        for _ in range(rnd.randint(0, 6)):  # a few batches in (80 in all), then anywhere in the next one
            if child.stdout.readline().strip() in ("done", ""):
                break
        time.sleep(rnd.random() * 0.03)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        marked = _marked(package)
        journal = set(_state(url)["journal"])
        assert marked <= journal, f"kill {kill}: the package marked edits the store never committed"
    with _Closing(open_store(url)) as store:
        sync(package, store)
    assert _state(url) == expected
    assert _outbox(package) == outbox_before  # the surveyor's edits are untouched
    assert _marked(package) == set(expected["journal"]) and len(expected["journal"]) == EDITS + 5


class _Closing:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()


def _outbox(package) -> list:
    with sqlite3.connect(package) as con:
        return con.execute("SELECT * FROM field_outbox ORDER BY seq").fetchall()


def _marked(package) -> set:
    with sqlite3.connect(package) as con:
        return {r[0] for r in con.execute("SELECT uuid FROM field_sync")}
