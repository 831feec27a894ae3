"""Issue 8 in the real window: a live MQTT feed into the console as operators run it.

The full default scene (base map, HBIM models, 200,000 terminals) in the main window under
Xvfb, subscribed to a real Mosquitto on loopback at QoS 1 with a persistent session and
recording into its own history file, fed by ``songjiang-console simulate`` in another process
(single SensorThings messages, one observation each). Figures:
- single messages stored into the window's history, msg/s, beside the same pipeline without
  a window (bench_sensors' figure) measured in the same run;
- event-loop lag p99 (gaps between 20 ms QTimer ticks) and the process's CPU (all its
  threads: MQTT client, writer, renders) with a 5,000 obs/s feed, and with no feed.
Run: xvfb-run -a -s "-screen 0 1920x1080x24" python -m bench.bench_window_feed
"""
from __future__ import annotations

import os
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
SINGLE = 100_000
LIVE_RATE = 5_000
LIVE_S = 20.0


def pump(app, seconds: float):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.002)


def open_window(port: int, history: Path):
    from PySide6.QtWidgets import QApplication
    from console.app import MainWindow
    from console.feeds.mqtt import MqttSettings
    from layers import layer_kinds
    from layers.loading import embedded_specs
    app = QApplication.instance() or QApplication([])
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(history=history))
    win.resize(1920, 1080)
    win.panels.sensor_panel.feed_settings = MqttSettings(port=port, qos=1, client_id=f"bench-window-{os.getpid()}")
    win.show()
    win.load_specs(embedded_specs())
    win.load_specs(layer_kinds.default_specs())
    end = time.monotonic() + 120
    panel = win.panels.sensor_panel
    while time.monotonic() < end and (win.loader.busy() or panel.model is None or panel.model.pipeline is None
                                      or not panel.model.pipeline.feed.connected):
        pump(app, 0.05)
    if panel.model is None or panel.model.pipeline is None:
        raise RuntimeError("the window's MQTT feed did not start")
    pump(app, 2.0)  # first frames, docks, the first vital-signs sample
    return app, win


def publish(port: int, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "console.cli_sensors", "simulate", "--mqtt", f"127.0.0.1:{port}",
                             "--qos", "1", "--batch", "0", "--seed", str(time.time_ns() % 10_000), *map(str, args)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def single_rate(app, win, port: int) -> float:
    """100,000 single messages as fast as the publisher goes: stored per second in the window."""
    counters = win.panels.sensor_panel.model.pipeline.counters
    n0 = counters.as_dict()["stored"]
    pub = publish(port, "--rate", 0, "--count", SINGLE)
    first = last = None
    end = time.monotonic() + 120
    while time.monotonic() < end:
        app.processEvents()
        c = counters.as_dict()
        stored = c["stored"] + c["duplicates"] - n0
        if first is None and c["received"] > 0:
            first, f0 = time.perf_counter(), stored
        if stored >= SINGLE:
            last = time.perf_counter()
            break
        time.sleep(0.002)
    pub.communicate(timeout=60)
    if last is None:
        raise RuntimeError(f"only {stored} of {SINGLE} stored in the window")
    return (SINGLE - f0) / (last - first)


def live(app, win, port: int, rate: float | None) -> dict:
    """Event-loop gaps and process CPU over LIVE_S with a feed of ``rate`` obs/s (None: no feed)."""
    pub = publish(port, "--rate", rate, "--duration", LIVE_S + 5) if rate else None
    pump(app, 2.0)
    got = lag_and_cpu(pump, app, LIVE_S)
    gaps, cpu = got["gaps"], got["cpu"] / 100
    if pub is not None:
        pub.kill()
        pub.wait()
    return {"p99": float(np.percentile(gaps, 99)) * 1000, "cpu": cpu * 100,
            "frame": win.panels.sensor_panel.frame_s * 1000, "long": int((gaps > 0.1).sum()), "ticks": len(gaps)}


def main():
    from bench.bench_sensors import mqtt_run, start_broker
    from layers.sensors.model import default_registry
    tmp = Path(tempfile.mkdtemp(prefix="bench-window-feed-"))
    proc, port = start_broker(tmp)
    try:
        alone = statistics.median(mqtt_run(default_registry(), port, SINGLE, 1, 0)[0] for _ in range(RUNS))
        app, win = open_window(port, tmp / "window-history.sqlite")
        quiet = live(app, win, port, None)  # first: later runs leave thousands of terminals going stale
        fed = [live(app, win, port, LIVE_RATE) for _ in range(RUNS)]
        rates = [single_rate(app, win, port) for _ in range(RUNS)]
        rate = statistics.median(rates)
        emit("single STA messages at QoS 1 into the window's history (full default scene)", round(rate),
             "msg/s", "≥ 20,000", rate >= 20_000)
        emit("same, the pipeline without a window (same run)", round(alone), "msg/s", "report", True)
        p99 = statistics.median(f["p99"] for f in fed)
        cpu = statistics.median(f["cpu"] for f in fed)
        emit("event-loop lag p99 in the window, 5,000 obs/s MQTT feed", round(p99, 1), "ms", "≤ 100 ms", p99 <= 100)
        emit("CPU of the window with a 5,000 obs/s feed (all its threads)", round(cpu, 1), "% of a core", "≤ 15 %",
             cpu <= 15)
        frame = statistics.median(f["frame"] for f in fed)
        emit("one frame of the full default scene in the window (llvmpipe, 1920×1080)", round(frame), "ms",
             "report (the lag floor while data redraws)", True)
        emit("ticks delayed over 100 ms with the feed (of ~1,000 in 20 s)", statistics.median(f["long"] for f in fed),
             "ticks", "report", True)
        emit("event-loop lag p99 in the window, no feed", round(quiet["p99"], 1), "ms", "report", True)
        emit("CPU of the idle window, no feed", round(quiet["cpu"], 1), "% of a core", "report", True)
        win.close()
    finally:
        proc.kill()


if __name__ == "__main__":
    main()
