"""Issue 22 item 1: sensor history in the PostgreSQL operations-centre store.

A throw-away cluster on loopback (tests/postgres.py), with fsync turned back on (the tests run it
off). 200,000 Datastreams report every 10 s: batches of 20,000 readings go through the path `record
--store` takes (offline/store/observations.py ``Observations.append``: day partitions, binary COPY,
the ``latest`` trigger, one transaction per batch), 3,000,000 readings in all; obs/s is the median
of the batches' rates. The naive way (``executemany`` INSERT … ON CONFLICT DO NOTHING, psycopg's
pipelined form) is measured on 5 batches in the same run, for the ratio. Then the map's question,
each Datastream's latest reading (``Observations.latest``: 200,000 rows of ``latest`` by binary
COPY), median of 5, beside the same answer asked of the history itself (DISTINCT ON over the last
ten minutes) for comparison.
Run: python -m bench.bench_store_history [--small]   (--small: 20,000 Datastreams, 200,000 readings)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bench.common import emit, median  # noqa: E402

SMALL = "--small" in sys.argv
DATASTREAMS = 20_000 if SMALL else 200_000
READINGS = 200_000 if SMALL else 3_000_000
BATCH = 20_000
NAIVE_BATCHES = 5


def batches(start: float, count: int, rng):
    """``count`` readings as the city sends them: every Datastream once per 10 s, in arrival order."""
    done = 0
    while done < count:
        k = np.arange(done, done + BATCH)
        ds = 1_000 + (k % DATASTREAMS)
        t = start + (k // DATASTREAMS) * 10.0 + (k % DATASTREAMS) * (10.0 / DATASTREAMS)
        yield ds, t, rng.normal(40.0, 10.0, BATCH)
        done += BATCH


def naive(store, ds, t, v) -> float:
    rows = [(int(a), float(b), float(c)) for a, b, c in zip(ds, t, v)]
    t0 = time.perf_counter()
    with store.tx(), store.con.cursor() as cur:
        cur.executemany("INSERT INTO observations VALUES (%s, to_timestamp(%s), %s) ON CONFLICT DO NOTHING", rows)
    return len(rows) / (time.perf_counter() - t0)


def main():
    import psycopg
    from postgres import Cluster, _bindir
    from offline.store import open_store
    from offline.store.observations import Observations

    cluster = Cluster(_bindir()).start()
    try:
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as con:
            con.execute("ALTER SYSTEM SET fsync = on")
            con.execute("SELECT pg_reload_conf()")
        obs = Observations(open_store(cluster.new_database(), seed=False))
        rng = np.random.default_rng(22)
        start = (time.time() // 86400) * 86400 + 3600.0
        rates, stored = [], 0
        for ds, t, v in batches(start, READINGS, rng):
            t0 = time.perf_counter()
            stored += obs.append(ds, t, v)
            rates.append(len(ds) / (time.perf_counter() - t0))
        assert stored == READINGS == obs.count(), (stored, READINGS)
        later = start + (READINGS // DATASTREAMS + 1) * 10.0
        slow = [naive(obs.store, ds, t, v) for ds, t, v in batches(later, NAIVE_BATCHES * BATCH, rng)]
        copy_rate = median(rates[1:] or rates)  # the first batch makes the day's partitions
        emit(f"binary COPY into PostgreSQL (partitioned by day, latest kept), {BATCH:,} per batch",
             round(copy_rate), "obs/s", "≥ 300,000", copy_rate >= 300_000, datastreams=DATASTREAMS,
             readings=READINGS)
        emit("naive executemany INSERT … ON CONFLICT DO NOTHING (same table, same batches)", round(median(slow)),
             "obs/s", "report", True)
        emit("COPY speed-up vs executemany", round(copy_rate / median(slow), 1), "x", "≥ 1",
             copy_rate >= median(slow))
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            got = obs.latest()[0]
            times.append(time.perf_counter() - t0)
        assert len(got) == DATASTREAMS, len(got)
        emit(f"latest state of {DATASTREAMS:,} Datastreams from PostgreSQL (the latest table)",
             round(median(times), 3), "s", "≤ 0.5 s", median(times) <= 0.5)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            n = len(obs.store.q("SELECT DISTINCT ON (datastream) datastream, phenomenon_time, result FROM observations "
                                "WHERE phenomenon_time > to_timestamp(?) ORDER BY datastream, phenomenon_time DESC",
                                (later - 600,)).fetchall())
            times.append(time.perf_counter() - t0)
        emit(f"the same from the history (DISTINCT ON, last 10 min; {n:,} rows)", round(median(times), 3), "s",
             "report", True)
        obs.store.close()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
