"""Issue 22 item 1: sensor history in the operations-centre store (PostgreSQL, and SQLite beside it).

A throw-away cluster on loopback set up like a server (bench/pg_cluster.py: fsync on, 1 GB of shared
buffers). 200,000 Datastreams report every 10 s: batches of 20,000 readings go through the path
`record --store` takes (offline/store/observations.py ``Observations.append``: day partitions,
binary COPY, the ``latest`` trigger, one transaction per batch), 3,000,000 readings in all. Rates
are medians over batches, as wall time (shared machine: other work inflates it) and per CPU second
of the PostgreSQL backend (the per-core figure docs/scaling.md sizes from). Then two writers at once (two connections, as two `record --share`
members; alternate batches), the naive way (``executemany`` INSERT … ON CONFLICT DO NOTHING, 5
batches) for the ratio, the map's question (each Datastream's latest reading, ``Observations.latest``,
median of 5, beside the binary COPY out it replaced and DISTINCT ON over the last ten minutes of
history), and the SQLite store taking
the same batches (1,000,000 readings).
Run: python -m bench.bench_store_history [--small]   (--small: 20,000 Datastreams, 400,000 readings)
"""
from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit, median  # noqa: E402

SMALL = "--small" in sys.argv
DATASTREAMS = 20_000 if SMALL else 200_000
READINGS = 400_000 if SMALL else 3_000_000
PARALLEL = 200_000 if SMALL else 1_000_000
SQLITE = 200_000 if SMALL else 1_000_000
BATCH = 20_000
NAIVE_BATCHES = 5
TARGET = 300_000


def batches(start: float, count: int, rng):
    """``count`` readings as the city sends them: every Datastream once per 10 s, in arrival order."""
    done = 0
    while done < count:
        k = np.arange(done, done + BATCH)
        ds = 1_000 + (k % DATASTREAMS)
        t = start + (k // DATASTREAMS) * 10.0 + (k % DATASTREAMS) * (10.0 / DATASTREAMS)
        yield ds, t, rng.normal(40.0, 10.0, BATCH)
        done += BATCH


def latest_by_copy(obs):
    """The map's question the way it was asked before: binary COPY out, one protocol message per row."""
    from offline.store.observations import decode
    with obs.store.con.cursor() as cur, \
            cur.copy("COPY (SELECT * FROM latest ORDER BY datastream) TO STDOUT (FORMAT BINARY)") as copy:
        return decode(b"".join(bytes(b) for b in copy))


def naive(store, ds, t, v) -> float:
    rows = [(int(a), float(b), float(c)) for a, b, c in zip(ds, t, v)]
    t0 = time.perf_counter()
    with store.tx(), store.con.cursor() as cur:
        cur.executemany("INSERT INTO observations VALUES (%s, to_timestamp(%s), %s) ON CONFLICT DO NOTHING", rows)
    return len(rows) / (time.perf_counter() - t0)


def main():
    from bench import pg_cluster
    from offline.store import open_store
    from offline.store.observations import Observations

    cluster = pg_cluster.start()
    try:
        url = cluster.new_database()
        obs = Observations(open_store(url, seed=False))
        rng = np.random.default_rng(22)
        start = (time.time() // 86400) * 86400 + 3600.0
        wall, cpu, stored = [], [], 0
        for i, (ds, t, v) in enumerate(batches(start, READINGS, rng)):
            c0, t0 = pg_cluster.backend_cpu_s(obs.store.con), time.perf_counter()
            stored += obs.append(ds, t, v)
            t1, c1 = time.perf_counter(), pg_cluster.backend_cpu_s(obs.store.con)
            if i:  # the first batch makes the day's partitions
                wall.append(len(ds) / (t1 - t0))
                cpu.append(len(ds) / max(c1 - c0, 0.01))
        assert stored == READINGS == obs.count(), (stored, READINGS)
        later = start + (READINGS // DATASTREAMS + 1) * 10.0

        # two writers at once, alternate batches (disjoint Datastreams within a batch pair, as round robin gives)
        pair = [obs, Observations(open_store(url, seed=False))]
        work = list(batches(later, PARALLEL, rng))
        later += (PARALLEL // DATASTREAMS + 1) * 10.0
        cpu0 = [pg_cluster.backend_cpu_s(o.store.con) for o in pair]

        def writer(k):
            return sum(pair[k].append(*b) for b in work[k::2])
        t0 = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            both = sum(pool.map(writer, (0, 1)))
        two_wall = both / (time.perf_counter() - t0)
        two_cpu = sum(pg_cluster.backend_cpu_s(o.store.con) - c for o, c in zip(pair, cpu0))
        assert both == PARALLEL, both
        pair[1].store.close()

        slow = [naive(obs.store, ds, t, v) for ds, t, v in batches(later, NAIVE_BATCHES * BATCH, rng)]
        times, by_copy = [], []
        for _ in range(5):  # interleaved, so both see the same load
            t0 = time.perf_counter()
            got = obs.latest()[0]
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            old = latest_by_copy(obs)[0]
            by_copy.append(time.perf_counter() - t0)
        assert len(got) == DATASTREAMS and got.tolist() == old.tolist(), len(got)
        since = later - 600
        distinct = []
        for _ in range(3):
            t0 = time.perf_counter()
            n = len(obs.store.q("SELECT DISTINCT ON (datastream) datastream, phenomenon_time, result FROM observations "
                                "WHERE phenomenon_time > to_timestamp(?) ORDER BY datastream, phenomenon_time DESC",
                                (since,)).fetchall())
            distinct.append(time.perf_counter() - t0)
        obs.store.close()
    finally:
        cluster.stop()

    lite_rates = []
    with tempfile.TemporaryDirectory(prefix="bench-store-history-") as tmp:
        lite = Observations(open_store(str(Path(tmp) / "store.sqlite"), seed=False))
        for ds, t, v in batches(start, SQLITE, np.random.default_rng(22)):
            t0 = time.perf_counter()
            lite.append(ds, t, v)
            lite_rates.append(len(ds) / (time.perf_counter() - t0))
        lite.store.close()

    direct, direct_cpu = median(wall), median(cpu)
    emit(f"binary COPY into PostgreSQL (partitioned by day, latest kept), {BATCH:,} per batch, 1 writer, wall",
         round(direct), "obs/s", f"≥ {TARGET:,}", direct >= TARGET, datastreams=DATASTREAMS, readings=READINGS)
    emit("the same per CPU second of the PostgreSQL backend (per-core figure)", round(direct_cpu), "obs/CPU-s",
         "report", True)
    emit("two writers at once (two connections, as two record --share members), wall", round(two_wall), "obs/s",
         f"≥ {TARGET:,}", two_wall >= TARGET)
    emit("two writers: obs per PostgreSQL CPU second (both backends)", round(PARALLEL / max(two_cpu, 0.01)),
         "obs/CPU-s", "report", True)
    emit("naive executemany INSERT … ON CONFLICT DO NOTHING (same table, same batches)", round(median(slow)),
         "obs/s", "report", True)
    emit("COPY speed-up vs executemany (wall, same run)", round(direct / median(slow), 1), "x", "≥ 1",
         direct >= median(slow))
    emit(f"latest state of {DATASTREAMS:,} Datastreams from PostgreSQL (the latest table, three bytea aggregates)",
         round(median(times), 3), "s", "≤ 0.5 s", median(times) <= 0.5)
    emit("the same by binary COPY out (the way before; same run)", round(median(by_copy), 3), "s", "report", True)
    emit("latest: one row of three bytea aggregates vs COPY out, speed-up (same run)",
         round(median(by_copy) / median(times), 1), "x", "≥ 1", median(by_copy) >= median(times))
    emit(f"the same from the history (DISTINCT ON over the last 10 min; {n:,} rows)", round(median(distinct), 3), "s",
         "report", True)
    emit(f"the same batches into the SQLite store ({SQLITE:,} readings, latest kept by its trigger)",
         round(median(lite_rates)), "obs/s", "report", True)


if __name__ == "__main__":
    main()
