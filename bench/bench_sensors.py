"""Sensor benchmarks: one JSON line per figure {"name","value","unit","target","ok"}.

Medians of ≥3 runs; naive baselines are measured in the same run. The MQTT
figures start their own Mosquitto on a free loopback port, publish with
``python -m console.cli_sensors simulate`` in a separate process and receive in
this process through MqttFeed → Pipeline → SensorState (+ AlarmBook).
Run: python -m bench.bench_sensors  (or python bench/bench_sensors.py)
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers.sensors.alarms import AlarmBook  # noqa: E402
from layers.sensors.generate import generate  # noqa: E402
from console.feeds.mqtt import MqttFeed, MqttSettings  # noqa: E402
from offline.pipeline import Pipeline  # noqa: E402
from layers.sensors.simulator import Simulator  # noqa: E402
from layers.sensors.state import SensorState  # noqa: E402
from offline.history import HistoryStore  # noqa: E402

RUNS = 3


def emit(name, value, unit, target, higher_is_better=True):
    ok = None if target is None else (value >= target if higher_is_better else value <= target)
    print(json.dumps({"name": name, "value": round(float(value), 1), "unit": unit,
                      "target": target, "ok": ok}), flush=True)


def bench_ingest(reg):
    sim = Simulator(reg, seed=1, t0=1.76e9, rate=1e6)
    batches = [sim.batch(100_000) for _ in range(10)]
    n = sum(len(b) for b in batches)
    rates = []
    for _ in range(5):
        state = SensorState(reg)
        t = time.perf_counter()
        for b in batches:
            state.ingest(b.idx, b.times, b.values)
        rates.append(n / (time.perf_counter() - t))
    b = batches[0]
    naive_state = SensorState(reg)  # per-observation Python: what a callback-per-message does
    t = time.perf_counter()
    for i, tm, v in zip(b.idx[:50_000].tolist(), b.times[:50_000].tolist(), b.values[:50_000].tolist()):
        if tm > naive_state.time[i]:
            naive_state.value[i], naive_state.time[i] = v, tm
            naive_state.level[i] = naive_state.classify(np.array([i]), np.array([tm]), np.array([v]))[0]
    naive = 50_000 / (time.perf_counter() - t)
    med = statistics.median(rates)
    emit("sensors.ingest_state", med, "obs/s", 1_000_000)
    emit("sensors.ingest_state_vs_per_obs_loop", med / naive, "x", None)


def bench_history(reg, tmp):
    sim = Simulator(reg, seed=2, t0=1.76e9, rate=1e5)
    batches = [sim.batch(50_000) for _ in range(20)]
    n = sum(len(b) for b in batches)
    rates = []
    for r in range(RUNS):
        with HistoryStore(tmp / f"h{r}.db") as h:
            t = time.perf_counter()
            for b in batches:
                h.append(reg.datastream[b.idx], b.times, b.values)
            rates.append(n / (time.perf_counter() - t))
    b = batches[0]
    with HistoryStore(tmp / "naive.db") as h:  # same schema, one INSERT + commit per observation
        rows = list(zip(reg.datastream[b.idx].tolist(), (b.times * 1000).astype(np.int64).tolist(),
                        b.values.tolist()))[:20_000]
        t = time.perf_counter()
        for row in rows:
            h.conn.execute("BEGIN IMMEDIATE")
            h.conn.execute("INSERT OR IGNORE INTO obs VALUES (?, ?, ?)", row)
            h.conn.execute("COMMIT")
        naive = len(rows) / (time.perf_counter() - t)
    med = statistics.median(rates)
    emit("sensors.history_append_indexed", med, "obs/s", 300_000)
    emit("sensors.history_append_vs_commit_per_obs", med / naive, "x", None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(tmp):
    exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    conf = tmp / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_inflight_messages 1000\n"
                    + ("user root\n" if os.geteuid() == 0 else ""))
    proc = subprocess.Popen([exe, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("mosquitto did not start")


def mqtt_run(reg, port, count, qos, batch):
    state = SensorState(reg)
    feed = MqttFeed(reg, MqttSettings(port=port, qos=qos))
    pipe = Pipeline(feed, state, AlarmBook(state)).start()
    while not feed.connected:
        time.sleep(0.01)
    time.sleep(0.2)
    cmd = [sys.executable, "-m", "console.cli_sensors", "simulate", "--mqtt", f"127.0.0.1:{port}",
           "--rate", "0", "--count", str(count), "--qos", str(qos), "--batch", str(batch),
           "--seed", str(time.time_ns() % 10_000)]
    pub = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = t_last = None
    last_n, idle_since = -1, time.monotonic()
    end = time.monotonic() + 120
    while time.monotonic() < end:
        c = feed.counters.as_dict()
        done = c["stored"] + c["rejected"] + c["duplicates"]
        if first is None and c["received"] > 0:
            first, n0 = time.perf_counter(), c["stored"]
        if done != last_n:
            last_n, t_last, idle_since = done, time.perf_counter(), time.monotonic()
        if done >= count or (pub.poll() is not None and time.monotonic() - idle_since > 3):
            break  # all in, or the publisher is done and nothing more arrives (losses)
        time.sleep(0.002)
    pub.communicate(timeout=60)
    pipe.stop()
    c = feed.counters.as_dict()
    return (c["stored"] - n0) / (t_last - first), c


def bench_mqtt(reg, tmp):
    proc, port = start_broker(tmp)
    try:
        for name, count, qos, batch, target in (
                ("sensors.mqtt_sta_single_qos0", 200_000, 0, 0, 20_000),
                ("sensors.mqtt_sta_single_qos1", 100_000, 1, 0, 20_000),
                ("sensors.mqtt_batch_topic_qos1", 2_000_000, 1, 2000, 200_000)):
            runs = [mqtt_run(reg, port, count, qos, batch) for _ in range(RUNS)]
            rate = statistics.median(r for r, _ in runs)
            emit(name, rate, "obs/s" if batch else "msg/s", target)
            lost = [count - c["stored"] for _, c in runs]
            emit(name + "_lost", max(lost), "obs", 0, higher_is_better=False)
            # of those, dropped by our own bounded queue (the rest never reached the client)
            emit(name + "_dropped_by_feed", max(c["dropped"] for _, c in runs), "obs", None)
    finally:
        proc.kill()


def main():
    reg = generate(200_000)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_ingest(reg)
        bench_history(reg, tmp)
        bench_mqtt(reg, tmp)


if __name__ == "__main__":
    main()
