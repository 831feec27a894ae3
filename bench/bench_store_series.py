"""Issue 22: one Datastream's one-hour series out of a 100M-row history in the PostgreSQL store.

The history is the store's own (migration 4: ``observations`` partitioned by UTC day, the key
(datastream, phenomenon_time) a B-tree in each partition). Writing 100M readings through `record`
would take this machine most of an hour, so each day is generated in SQL (generate_series) into a
table of the partition's name, in arrival order (every Datastream at minute m, then minute m+1: the
heap is in time order, as `record` leaves it), keyed, and attached as the day's partition:
10,000 Datastreams × one reading a minute × 7 days = 100.8M rows. The cluster runs with
``wal_level = minimal`` so a table made and filled in one transaction skips the WAL (generation
only; what is measured is a read).

Measured: the series query a window's chart asks (one Datastream, one hour, ORDER BY time) for
random Datastreams and hours, median and p95 of QUERIES; the same queries with partition pruning
turned off (every day's index probed), in the same run, for the ratio. The plan with pruning is
printed (EXPLAIN ANALYZE; docs/scaling.md shows it).
Run: python -m bench.bench_store_series [--small]   (--small: 1,000 Datastreams, 10M rows)
"""
from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit, median  # noqa: E402

SMALL = "--small" in sys.argv
DATASTREAMS = 1_000 if SMALL else 10_000
DAYS = 7
PER_DAY = 1440  # one reading a minute
QUERIES = 200
SERIES = ("SELECT phenomenon_time, result FROM observations WHERE datastream = %s "
          "AND phenomenon_time >= %s AND phenomenon_time < %s ORDER BY phenomenon_time")


def make_day(con, day: dt.date):
    name = "observations_p" + day.strftime("%Y%m%d")
    start = dt.datetime.combine(day, dt.time(), dt.timezone.utc)
    end = start + dt.timedelta(days=1)
    with con.transaction():
        con.execute(f"CREATE TABLE {name} (LIKE observations INCLUDING DEFAULTS)")
        # the inner series names m, so the planner cannot swap the loops: rows come minute by minute
        con.execute(f"INSERT INTO {name} SELECT ds, %s::timestamptz + m * interval '1 minute', "
                    "20 + 10 * random() FROM generate_series(0, %s) m "
                    "CROSS JOIN LATERAL generate_series(1000 + 0 * m, %s) ds", (start, PER_DAY - 1, 1000 + DATASTREAMS - 1))
        con.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (datastream, phenomenon_time)")
        # ATTACH then needs no scan to prove every row belongs to the day
        con.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_day CHECK (phenomenon_time >= %s "
                    "AND phenomenon_time < %s)".replace("%s", "'{}'").format(start.isoformat(), end.isoformat()))
    with con.transaction():
        con.execute(f"ALTER TABLE observations ATTACH PARTITION {name} FOR VALUES FROM ('{start.isoformat()}') "
                    f"TO ('{end.isoformat()}')")


def timed(con, queries) -> list[float]:
    out = []
    for ds, t0 in queries:
        t = time.perf_counter()
        rows = con.execute(SERIES, (ds, t0, t0 + dt.timedelta(hours=1))).fetchall()
        out.append(time.perf_counter() - t)
        assert len(rows) == 60, len(rows)
    return out


def main():
    import psycopg
    from bench import pg_cluster
    from offline.store import open_store

    cluster = pg_cluster.start(wal_level="minimal", max_wal_senders="0")
    try:
        url = cluster.new_database()
        open_store(url, seed=False).close()  # the store's schema, as `store init` makes it
        first = dt.date.today() - dt.timedelta(days=DAYS)
        with psycopg.connect(url, autocommit=True) as con:
            t = time.perf_counter()
            for k in range(DAYS):
                make_day(con, first + dt.timedelta(days=k))
            con.execute("ANALYZE observations")
            made = time.perf_counter() - t
            rows = con.execute("SELECT count(*) FROM observations").fetchone()[0]
            parts = con.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'observations'::regclass").fetchone()[0]
            sys.stderr.write(f"{rows:,} rows in {parts} partitions made in {made:.0f} s\n")
            rng = random.Random(22)
            base = dt.datetime.combine(first, dt.time(), dt.timezone.utc)

            def picks():
                return [(rng.randrange(1000, 1000 + DATASTREAMS),
                         base + dt.timedelta(minutes=rng.randrange(0, DAYS * PER_DAY - 60))) for _ in range(QUERIES)]
            timed(con, picks()[:20])  # the connection's plan cache and the catalogue warm
            pruned = timed(con, picks())
            con.execute("SET enable_partition_pruning = off")
            unpruned = timed(con, picks())
            con.execute("RESET enable_partition_pruning")
            ds, t0 = picks()[0]
            plan = con.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) " + SERIES,
                               (ds, t0, t0 + dt.timedelta(hours=1))).fetchall()
            sys.stdout.write("-- " + SERIES.replace("%s", "?") + "\n" + "\n".join(r[0] for r in plan) + "\n")
        p50, p95 = median(pruned) * 1000, sorted(pruned)[int(0.95 * len(pruned))] * 1000
        emit(f"one Datastream's one-hour series out of {rows / 1e6:.0f}M rows ({parts} day partitions), median",
             round(p50, 2), "ms", "≤ 50 ms", p50 <= 50, rows=rows)
        emit("the same, p95", round(p95, 2), "ms", "≤ 50 ms", p95 <= 50)
        emit("the same with partition pruning off (every day's index probed), median", round(median(unpruned) * 1000, 2),
             "ms", "report", True)
        emit("pruning speed-up (median, same run)", round(median(unpruned) / median(pruned), 2), "x", "report", True)
        emit(f"generate the {rows / 1e6:.0f}M-row history in SQL (not a write figure: no WAL, no trigger)",
             round(made), "s", "report", True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
