"""Issue 22 item 4: the real window following the operations-centre store, beside the directly connected one.

The full default scene (base map, HBIM models, 200,000 terminals) in the main window under Xvfb,
``open --store postgresql://…`` (Workspace.follow_store): no MQTT client, no history file; a side
process writes 5,000 obs/s into the store as a recorder does (``Observations.append``: binary COPY, a
commit and a NOTIFY every 50 ms). Figures, each window in a process of its own, in the SAME run:
- CPU of the window process (all its threads: the follower, renders) and event-loop lag p99 (gaps
  between 20 ms QTimer ticks), following the store with the 5,000 obs/s writer, and with none;
- the directly connected window (today's setup: MQTT at QoS 1 into its own history, fed at 5,000 obs/s
  by ``simulate``), measured the same way (bench/bench_window_feed.py's window).
The store is bench/pg_cluster.py's (fsync on). On a shared machine run it with ``nice``; compare the
two windows of one run, not runs of different days.
Run: xvfb-run -a -s "-screen 0 1920x1080x24" nice python -m bench.bench_window_follow
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit, lag_and_cpu  # noqa: E402

RUNS = 3
RATE = 5_000
LIVE_S = 20.0
EVERY_S = 0.05  # the writer's commit period: ~250 readings a transaction, as a recorder at this rate


def pump(app, seconds: float):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.002)


def measure(app, win) -> dict:
    return lag_and_cpu(pump, app, LIVE_S)


def writer(url: str, rate: float, seconds: float):
    """A recorder's writes: ``rate`` readings a second of the default terminals, one commit every EVERY_S."""
    from layers.sensors.model import default_registry
    from offline.store import open_store
    from offline.store.observations import Observations
    ds = default_registry().datastream
    obs = Observations(open_store(url, seed=False))
    per, k, rng = int(rate * EVERY_S), 0, np.random.default_rng(1)
    start = time.monotonic()
    for n in range(int(seconds / EVERY_S)):
        rows = (np.arange(per) + k) % len(ds)
        k += per
        obs.append(ds[rows], np.full(per, time.time()) + np.arange(per) * 1e-6, rng.normal(20.0, 5.0, per))
        time.sleep(max(0.0, start + (n + 1) * EVERY_S - time.monotonic()))


def spawn_writer(url: str, seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bench.bench_window_follow", "writer", url, str(RATE),
                             str(seconds)], cwd=ROOT)


def follow_part(url: str) -> dict:
    """The window following ``url``: quiet, then RUNS periods with the writer at RATE."""
    import threading
    from PySide6.QtWidgets import QApplication
    from console.app import MainWindow
    from layers import layer_kinds
    from layers.loading import embedded_specs
    from offline.workspace import Workspace
    app = QApplication.instance() or QApplication([])
    win = MainWindow(Workspace.open(store=url, follow=True))
    win.resize(1920, 1080)
    win.show()
    win.load_specs(embedded_specs())
    win.load_specs(layer_kinds.default_specs())
    panel = win.panels.sensor_panel
    end = time.monotonic() + 180
    while time.monotonic() < end and (win.loader.busy() or panel.model is None or panel.model.pipeline is None
                                      or not panel.model.pipeline.feed.connected):
        pump(app, 0.05)
    pump(app, 2.0)
    quiet = measure(app, win)
    fed = []
    for _ in range(RUNS):
        w = spawn_writer(url, LIVE_S + 4)
        pump(app, 2.0)
        n0 = panel.model.pipeline.counters["received"]
        fed.append({**measure(app, win), "received_per_s": (panel.model.pipeline.counters["received"] - n0) / LIVE_S})
        w.wait()
    paho = [t.name for t in threading.enumerate() if "paho" in t.name.lower()] or ("paho" in sys.modules)
    win.close()
    return {"quiet": quiet, "fed": fed, "paho": bool(paho)}


def direct_part(port: int, history: str) -> dict:
    """Today's directly connected window (MQTT at QoS 1 into its own history), at RATE."""
    from bench.bench_window_feed import live, open_window
    app, win = open_window(port, Path(history))
    quiet = live(app, win, port, None)
    fed = [live(app, win, port, RATE) for _ in range(RUNS)]
    win.close()
    return {"quiet": quiet, "fed": fed}


def run_part(*args) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_window_follow", *map(str, args)], cwd=ROOT,
                         capture_output=True, text=True, timeout=1800)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode or not lines:
        raise RuntimeError(f"{args[0]} part failed: {out.stderr[-2000:]}")
    return json.loads(lines[-1])


def main():
    from bench import pg_cluster
    from bench.bench_sensors import start_broker
    from offline.store import open_store
    tmp = Path(tempfile.mkdtemp(prefix="bench-window-follow-"))
    cluster = pg_cluster.start()
    proc, port = start_broker(tmp)
    try:
        url = cluster.new_database()
        open_store(url, seed=False).close()  # the schema (store init's), before the writer and the window
        spawn_writer(url, 45.0).wait()  # a store with the terminals' latest readings and a history behind them
        follow = run_part("follow", url)
        direct = run_part("direct", port, tmp / "window-history.sqlite")
    finally:
        proc.kill()
        cluster.stop()
    f_cpu = statistics.median(f["cpu"] for f in follow["fed"])
    f_p99 = statistics.median(f["p99"] for f in follow["fed"])
    d_cpu = statistics.median(f["cpu"] for f in direct["fed"])
    d_p99 = statistics.median(f["p99"] for f in direct["fed"])
    got = statistics.median(f["received_per_s"] for f in follow["fed"])
    emit("CPU of the window following a PostgreSQL store, 5,000 obs/s written by a side process (all its threads)",
         round(f_cpu, 1), "% of a core", "≤ 15 %", f_cpu <= 15)
    emit("event-loop lag p99 in the window following the store, 5,000 obs/s", round(f_p99, 1), "ms", "≤ 100 ms",
         f_p99 <= 100)
    emit("readings the following window took in per second (writer at 5,000)", round(got), "obs/s", "≈ 5,000",
         got >= 0.9 * RATE)
    emit("MQTT client thread or paho module in the following window", int(follow["paho"]), "", "0", not follow["paho"])
    emit("CPU of the directly connected window, 5,000 obs/s MQTT feed (same run)", round(d_cpu, 1), "% of a core",
         "report", True)
    emit("event-loop lag p99, directly connected window, 5,000 obs/s (same run)", round(d_p99, 1), "ms", "report",
         True)
    emit("CPU following / directly connected (same run)", round(f_cpu / d_cpu, 2) if d_cpu else 0, "ratio",
         "report", True)
    emit("CPU of the following window, no writer", round(follow["quiet"]["cpu"], 1), "% of a core", "report", True)
    emit("CPU of the directly connected window, no feed", round(direct["quiet"]["cpu"], 1), "% of a core", "report",
         True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "writer":
        writer(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "follow":
        print(json.dumps(follow_part(sys.argv[2])))
    elif len(sys.argv) > 1 and sys.argv[1] == "direct":
        print(json.dumps(direct_part(int(sys.argv[2]), sys.argv[3])))
    else:
        main()
