"""Issue 8: `record` under a batch-topic flood — memory stays bounded, drops are counted.

``songjiang-console record`` (200,000-terminal registry, QoS 1, own history file) takes a
publisher that sends the compact batch topic as fast as it can for FLOOD_S seconds (tens of
millions of observations); its resident memory is sampled from /proc every 0.2 s. The first
release grew to 2.2 GiB on such a flood and stayed there.
Run: python -m bench.bench_record_flood
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit, rss_mib as _rss  # noqa: E402

FLOOD_S = 30.0
RSS_TARGET_MIB = 600


def rss_mib(pid: int) -> float:
    return _rss(pid, missing=0.0)  # a process gone counts nothing


def cli(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "console.cli_sensors", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, **kw)


def main():
    from bench.bench_sensors import start_broker
    tmp = Path(tempfile.mkdtemp(prefix="bench-record-flood-"))
    broker, port = start_broker(tmp)
    try:
        rec = cli("record", "--mqtt", f"127.0.0.1:{port}", "--db", tmp / "h.sqlite", "--client-id", "bench-flood")
        while not (tmp / "h.sqlite").exists() and rec.poll() is None:
            time.sleep(0.1)
        time.sleep(2.0)
        base = rss_mib(rec.pid)
        pub = cli("simulate", "--mqtt", f"127.0.0.1:{port}", "--rate", 0, "--batch", 2000, "--duration", FLOOD_S)
        peak = base
        while pub.poll() is None:
            peak = max(peak, rss_mib(rec.pid))
            time.sleep(0.2)
        published = json.loads(pub.stdout.read().strip().splitlines()[-1])["received"]
        for _ in range(50):  # what is queued drains; memory is sampled meanwhile
            peak = max(peak, rss_mib(rec.pid))
            time.sleep(0.2)
        after = rss_mib(rec.pid)
        rec.send_signal(2)  # Ctrl+C: store what is queued, acknowledge it, stop reading
        out, _ = rec.communicate(timeout=180)
        final = json.loads(out.strip().splitlines()[-1])
    finally:
        broker.kill()
    emit(f"record: peak resident memory during a {FLOOD_S:.0f} s batch-topic flood", round(peak),
         "MiB", f"≤ {RSS_TARGET_MIB} MiB", peak <= RSS_TARGET_MIB, published=published)
    emit("record: resident memory after the flood drained", round(after), "MiB", "report", True)
    emit("record: observations published in the flood", published, "obs", "report", True)
    held = published - final["stored"] - final["duplicates"] - final["rejected"] - final["dropped"]
    # QoS 1 + a persistent session: what record had not acknowledged stays with the broker, which
    # delivers it on the next connect (tests/test_sensors_soak.py restarts and counts every one)
    emit("record: stored during the flood and its drain", final["stored"], "obs", "report", True)
    emit("record: left with the broker for the next connect (not acknowledged, not lost)", max(held, 0), "obs",
         "report", True)
    emit("record: dropped by record's own queues (QoS 1: must be 0)", final["dropped"] + final["dropped_at_stop"],
         "obs", "0", final["dropped"] + final["dropped_at_stop"] == 0)

if __name__ == "__main__":
    main()
