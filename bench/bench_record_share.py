"""Issue 22 item 2: single SensorThings messages at QoS 1 stored by 1 and by 2 `record --share` members.

One Mosquitto (queues unbounded, 1000 in flight), one SQLite operations-centre store per figure, a
200,000-terminal registry. N members of one group (`record --store S --share bench-N`) take what two
`simulate --rate 0` publishers send (two, so the publisher is not what is measured); the rate is the
store's row count over the time from its first to its last reading. Both figures in the same run, and
their ratio. On this 2-core machine the broker, the publishers and the members share the cores, so the
ratio says more about the cores than about the design; the target is the plan's 20,000 msg/s.
Run: python -m bench.bench_record_share
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit  # noqa: E402

COUNT = 60_000  # per publisher
PUBLISHERS = 2
TARGET = 20_000


def cli(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "console.cli_sensors", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _count(store: Path) -> int:
    from layers.sqlite_uri import connect_ro
    try:
        con = connect_ro(store, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM observations").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def run(port: int, members: int, tmp: Path) -> float:
    store = tmp / f"store-{members}.sqlite"
    recs = [cli("record", "--mqtt", f"127.0.0.1:{port}", "--store", store, "--share", f"bench-{members}",
                "--terminals", 200_000)]
    while not store.exists() and recs[0].poll() is None:
        time.sleep(0.1)
    time.sleep(2.0)  # the first member made the store; the next ones open it
    recs += [cli("record", "--mqtt", f"127.0.0.1:{port}", "--store", store, "--share", f"bench-{members}",
                 "--terminals", 200_000) for _ in range(members - 1)]
    time.sleep(4.0)  # registry, store, subscription
    pubs = [cli("simulate", "--mqtt", f"127.0.0.1:{port}", "--rate", 0, "--count", COUNT, "--qos", 1,
                "--terminals", 200_000, "--seed", seed) for seed in range(1, PUBLISHERS + 1)]
    # the two publishers may send the same (Datastream, time) now and then: the store keeps one, so the
    # count can end a little under COUNT × PUBLISHERS; it is done when the publishers are and it stays put
    first, last, n = None, None, 0
    end = time.monotonic() + 300
    while time.monotonic() < end:
        got = _count(store)
        now = time.perf_counter()
        if got and first is None:
            first, n0 = now, got
        if got != n:
            n, last = got, now
        elif last is not None and now - last > 3.0 and all(p.poll() is not None for p in pubs):
            break
        time.sleep(0.1)
    for p in pubs:
        p.communicate(timeout=60)
    for r in recs:
        r.send_signal(2)
    for r in recs:
        r.communicate(timeout=120)
    return (n - n0) / (last - first) if first is not None and last > first else 0.0


def main():
    from bench.bench_sensors import start_broker
    tmp = Path(tempfile.mkdtemp(prefix="bench-record-share-"))
    broker, port = start_broker(tmp)
    try:
        one = run(port, 1, tmp)
        two = run(port, 2, tmp)
    finally:
        broker.kill()
    emit("record --share: single STA messages QoS 1 stored, 1 member (SQLite store)", round(one), "msg/s",
         "report", True)
    emit("record --share: single STA messages QoS 1 stored, 2 members (SQLite store)", round(two), "msg/s",
         f"≥ {TARGET}", two >= TARGET)
    emit("record --share: 2 members / 1 member, same run", round(two / one, 2) if one else 0.0, "x", "report", True)


if __name__ == "__main__":
    main()
