"""Issue 12: syncing field edits into the operations-centre store, and two workstations on one store.

A package cut from a store seeded with the five old-town models' records carries 10,000
field edits (new inspections, edited notes, component changes; a fifth of the components
also changed at the centre, so conflicts are queued too) and 200 photos (~200 KB JPEGs).
It is synced into a fresh SQLite store and a fresh PostgreSQL + PostGIS store (a throw-away
cluster on loopback, as the tests start it); median of 3. The naive way — one store
transaction per edit — is measured on 1,000 edits in the same run for the ratio.
Then two workstations on one PostgreSQL store: an edit committed on one, until the other's
``wait`` returns it (LISTEN/NOTIFY), median of 30; the SQLite store's polling alongside.
Run: python -m bench.bench_sync
"""
from __future__ import annotations

import io
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bench.common import emit, median  # noqa: E402

EDITS, PHOTOS, RUNS, NAIVE = 10_000, 200, 3, 1_000


def jpeg(i: int) -> bytes:
    import numpy as np
    from PIL import Image
    rnd = np.random.default_rng(i)
    img = Image.fromarray(rnd.integers(0, 255, (300, 400, 3), dtype="uint8"))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def build(tmp: Path):
    """The seeded reference store and the package with its edits and photos."""
    from field_package import cut_from, seed_rows
    from offline.field.photos import add_photo
    from offline.field.profile import FieldProfile
    from offline.hbim import Inspection
    from offline.records import open_records
    from offline.store import open_store
    store = open_store(tmp / "seed.sqlite")
    for table, rows in seed_rows().items():
        store.import_rows(table, rows)
    package = cut_from(store, tmp / "field.gpkg")
    field = open_records(package, profile=FieldProfile("bench", "old town", "laptop-1"))
    rnd = random.Random(1)
    guids = [c.guid for c in field.records("components")]
    made, ids = 0, []
    while made < EDITS - PHOTOS:
        recs = []
        for _ in range(min(500, EDITS - PHOTOS - made)):
            roll = rnd.random()
            if roll < 0.4 or not ids:
                rec = Inspection(rnd.choice(guids), "2026-11-29", surveyor="bench", condition_grade=rnd.randint(1, 5),
                                 notes=f"note {made}")
                ids.append(rec.id)
            elif roll < 0.7:
                rec = field.get("inspections", rnd.choice(ids)) or Inspection(rnd.choice(guids), "2026-11-29")
                rec.notes = f"edited {made}"
            else:
                rec = field.get("components", rnd.choice(guids))
                rec.period = f"period {made}"
            recs.append(rec)
            made += 1
        field.put_many(recs)  # one transaction, an outbox row per record
    for i in range(PHOTOS):
        shot = tmp / f"IMG_{i:04d}.jpg"
        shot.write_bytes(jpeg(i))
        add_photo(field, shot, rnd.choice(guids))
    field.close()
    for guid in guids[::5]:
        store.put("components", {"guid": guid, "period": "centre"}, "ops")
    store.close()
    return tmp / "seed.sqlite", package


def fresh_sqlite(seed: Path, tmp: Path, name: str) -> str:
    from field_package import copy_sqlite
    return copy_sqlite(seed, tmp / name)


def fresh_pg(cluster, seed: Path) -> str:
    from offline.store import open_store
    url = cluster.new_database()
    src, dst = open_store(seed), open_store(url)
    for table in ("components", "inspections", "damage", "interventions"):
        dst.import_rows(table, src.records(table))
    for c in src.changes_since(0):  # the centre's own edits, so the same conflicts arise
        if c["field"] != "*":
            dst.put(c["tbl"], {"guid": c["key"], c["field"]: c["new"].strip('"')}, "ops")
    src.close()
    dst.close()
    return url


def timed_sync(url: str, package: Path, tmp: Path, batch: int = 250, limit: int | None = None) -> float:
    from offline.store import open_store
    from offline.store.sync import sync
    copy = tmp / f"run-{time.monotonic_ns()}.gpkg"  # a new name: never beside another copy's -wal
    shutil.copy(package, copy)
    if limit is not None:  # the naive run: only the first ``limit`` edits
        with sqlite3.connect(copy) as con:
            con.execute("DELETE FROM field_outbox WHERE seq > ?", (limit,))
    store = open_store(url)
    t0 = time.perf_counter()
    report = sync(copy, store, batch=batch)
    took = time.perf_counter() - t0
    store.close()
    assert report.total == (limit or EDITS), report.to_dict()
    return took


def latency(url: str, n: int = 30) -> float:
    """The watcher waits in its own thread (its own connection), as the other desk's window does."""
    import queue
    import threading
    from offline.store import open_store
    seen: queue.Queue = queue.Queue()
    ready = threading.Event()
    stop = threading.Event()

    def watch():
        b = open_store(url)
        b.wait(0.01)  # listening from here on
        ready.set()
        while not stop.is_set():
            if b.wait(0.5):
                seen.put(time.perf_counter())
        b.close()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    ready.wait(30)
    a = open_store(url)
    row = a.records("inspections")[0]
    times = []
    for i in range(n):
        time.sleep(0.05)  # the watcher is back in wait()
        t0 = time.perf_counter()
        a.put("inspections", {**row, "notes": f"desk A {i}"}, "ops A")
        times.append((seen.get(timeout=5) - t0) * 1000)
    stop.set()
    thread.join(5)
    a.close()
    return median(times)


def dialog_latency(url: str, tmp: Path, n: int = 10) -> float:
    """The conflict dialog open on one desk; another desk resolves a conflict; until the row is gone."""
    from PySide6.QtWidgets import QApplication
    from field_package import cut_from
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    from offline.store import open_store
    from offline.store.sync import sync
    from widgets.field.conflicts import ConflictDialog
    app = QApplication.instance() or QApplication([])
    store = open_store(url)
    guids = [r["guid"] for r in store.records("components")][:n]
    package = cut_from(store, tmp / f"dialog-{time.monotonic_ns()}.gpkg")
    field = open_records(package, profile=FieldProfile("bench", "old town", "laptop-2"))
    for g in guids:
        comp = field.get("components", g)
        comp.material = "field"
        field.put(comp)
    field.close()
    for g in guids:
        store.put("components", {"guid": g, "material": "centre"}, "ops")
    sync(package, store)
    dialog = ConflictDialog(store)
    dialog.show()
    other = store.reopen()
    times = []
    for c in other.conflicts():
        rows = dialog.table.rowCount()
        for _ in range(20):  # settle: the follower is back in wait()
            app.processEvents()
            time.sleep(0.01)
        t0 = time.perf_counter()
        other.resolve(c["id"], "centre", "ops B")
        while dialog.table.rowCount() == rows and time.perf_counter() - t0 < 5:
            app.processEvents()
            time.sleep(0.001)
        times.append((time.perf_counter() - t0) * 1000)
    dialog.reject()
    other.close()
    store.close()
    return median(times)


def main():
    from postgres import Cluster, _bindir
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ.setdefault("SONGJIANG_CONFIG_DIR", str(tmp / "config"))  # the packages' signing key, the profile
    cluster = Cluster(_bindir()).start()
    try:
        seed, package = build(tmp)
        mb = package.stat().st_size / 2 ** 20
        lite = [timed_sync(fresh_sqlite(seed, tmp, f"s{i}.sqlite"), package, tmp) for i in range(RUNS)]
        naive = timed_sync(fresh_sqlite(seed, tmp, "naive.sqlite"), package, tmp, batch=1, limit=NAIVE)
        pg = [timed_sync(fresh_pg(cluster, seed), package, tmp) for _ in range(RUNS)]
        emit(f"sync {EDITS:,} edits with {PHOTOS} photos ({mb:.0f} MB package) into SQLite", round(median(lite), 2),
             "s", "report", True)
        emit(f"sync {EDITS:,} edits with {PHOTOS} photos into PostgreSQL + PostGIS", round(median(pg), 2), "s",
             "report", True)
        per_edit_naive = naive / NAIVE
        emit("naive sync (one store transaction per edit), per edit, SQLite", round(per_edit_naive * 1000, 2), "ms",
             "report", True)
        emit("batched sync speed-up vs one transaction per edit (SQLite)",
             round(per_edit_naive * EDITS / median(lite), 1), "x", "≥ 1", per_edit_naive * EDITS >= median(lite))
        pg_ms = latency(fresh_pg(cluster, seed))
        emit("two workstations on one PostgreSQL store: edit on one → seen on the other (median of 30)",
             round(pg_ms, 1), "ms", "≤ 1000 ms", pg_ms <= 1000)
        lite_ms = latency(fresh_sqlite(seed, tmp, "shared.sqlite"))
        emit("two connections on one SQLite store (polling 20 ms): edit → seen (median of 30)", round(lite_ms, 1), "ms",
             "report", True)
        shown = dialog_latency(fresh_pg(cluster, seed), tmp)
        emit("PostgreSQL: a conflict resolved at one desk → gone from the other desk's open dialog (median of 10)",
             round(shown, 1), "ms", "≤ 1000 ms", shown <= 1000)
        shown = dialog_latency(fresh_sqlite(seed, tmp, "dialog.sqlite"), tmp)
        emit("SQLite: the same, the dialog polling its store (median of 10)", round(shown, 1), "ms", "report", True)
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
