"""A throw-away PostgreSQL cluster for the store benchmarks, set up like a server rather than a test.

tests/postgres.py makes the tests' cluster: fsync off, 128 MB of shared buffers. A benchmark of the
store wants fsync on (a commit is on disk when `record` acknowledges it) and the few settings a
deployment sets (docs/scaling.md lists them): they are written with ALTER SYSTEM and the server is
restarted once. ``extra`` adds settings of one benchmark (the history generator's ``wal_level``).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

SERVER = {
    "fsync": "on",
    "synchronous_commit": "on",
    "shared_buffers": "1GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "15min",
    "wal_compression": "on",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
}


def start(**extra):
    """A started cluster (tests/postgres.py ``Cluster``) with SERVER and ``extra`` settings in force."""
    import psycopg
    from postgres import Cluster, _bindir
    cluster = Cluster(_bindir()).start()
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as con:
        for key, value in {**SERVER, **extra}.items():
            con.execute(f"ALTER SYSTEM SET {key} = '{value}'")
    db = cluster.dir / "db"
    cluster._run(cluster.bindir / "pg_ctl", "-D", db, "-l", cluster.dir / "log", "-w", "-t", "120", "-o",
                 f"-p {cluster.port} -k {cluster.dir} -c listen_addresses=127.0.0.1", "restart")
    return cluster


def backend_cpu_s(con) -> float:
    """CPU seconds (user + system) the server process behind ``con`` has used: the per-core figure,
    which other work on a shared machine does not inflate the way it inflates wall time."""
    import os
    pid = con.execute("SELECT pg_backend_pid()").fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
