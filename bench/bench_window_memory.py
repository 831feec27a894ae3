"""Issue 25: the window's own resident memory at start and after an hour of a live feed (growth ≤ 10 %).

The real window as an operator leaves it on the wall: the full default scene (base map, city
buildings, HBIM and hub BIM models, 200,000 terminals) under Xvfb, subscribed to a real Mosquitto
at QoS 1 and recording into its own history file, fed 5,000 single SensorThings messages a second
by ``songjiang-console simulate`` in another process for the whole run (bench_window_feed's set-up).
"Start" is the process's resident memory once everything is loaded and the feed has run for a minute
(the first minute fills the bounded queues, the alarm book and the first vital-sign samples, which
stay that size); then it is sampled every SAMPLE_S until the end.
Figures: resident memory at start and at the end, the growth between them (target ≤ 10 %), the
largest sample, and the slope over the second half (MiB per hour: what a day on the wall adds).
The history file grows with the readings, but it is on disk: SQLite's page cache is bounded.
Run: xvfb-run -a -s "-screen 0 1920x1080x24" python -m bench.bench_window_memory [--minutes M]
(default 60; shorter runs say so in the figure's name).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit, rss_mib  # noqa: E402

RATE = 5_000
WARM_S = 60.0
SAMPLE_S = 30.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    args = ap.parse_args()
    from bench.bench_sensors import start_broker
    from bench.bench_window_feed import open_window, publish, pump
    tmp = Path(tempfile.mkdtemp(prefix="bench-window-memory-"))
    broker, port = start_broker(tmp)
    pub = None
    try:
        app, win = open_window(port, tmp / "window-history.sqlite")
        duration = args.minutes * 60.0
        pub = publish(port, "--rate", RATE, "--duration", WARM_S + duration + 30)
        pump(app, WARM_S)
        counters = win.panels.sensor_panel.model.pipeline.counters
        stored0 = counters.as_dict()["stored"]
        start, t0 = rss_mib(), time.monotonic()
        samples = [(0.0, start)]
        while time.monotonic() - t0 < duration:
            pump(app, min(SAMPLE_S, duration - (time.monotonic() - t0)))
            samples.append((time.monotonic() - t0, rss_mib()))
        stored = counters.as_dict()["stored"] - stored0
        end = samples[-1][1]
        t, m = np.array(samples).T
        half = t >= t[-1] / 2
        slope = float(np.polyfit(t[half] / 3600.0, m[half], 1)[0]) if half.sum() >= 2 else float("nan")
        span = "an hour" if args.minutes >= 60 else f"{args.minutes:g} min (shortened run)"
        growth = (end - start) / start * 100.0
        emit("window resident memory once loaded, full default scene + 5,000 obs/s feed", round(start), "MiB",
             "report", True)
        emit(f"window resident memory after {span} of the feed", round(end), "MiB", "report", True,
             stored=int(stored))
        emit(f"growth of the window's resident memory over {span} of the feed", round(growth, 1), "%", "≤ 10 %",
             growth <= 10.0)
        emit("largest sample of the window's resident memory", round(float(m.max())), "MiB", "report", True)
        emit("slope of the window's resident memory over the second half", round(slope, 1), "MiB/h", "report", True)
        win.close()
    finally:
        if pub is not None:
            pub.kill()
            pub.wait()
        broker.kill()
        broker.wait()


if __name__ == "__main__":
    main()
