"""Issue 22 item 4: an acknowledgement clicked on one window, seen on another, through the store's alarm service.

Two real windows following one store (``open --store URL``: MainWindow(Workspace.open(store=, follow=True)))
in this process under Xvfb, the real alarm service (`alarms serve`, a subprocess) over readings stored by
tests/alarm_writer.py (the recorder's own path). For each of ~30 active alarms: the row selected on window
A and its Acknowledge button clicked; the clock stops when window B's alarm table holds A's operator as the
one who acknowledged it. In between: A files a request (its own thread and connection), the service wakes
on its notification, applies it and commits with a notification, B's follower wakes, reads the events
after its cursor and B's dock refreshes (offline/store/alarm_mirror.py, console/panels/sensors/store_alarms.py).
PostgreSQL (bench/pg_cluster.py: fsync on) with LISTEN/NOTIFY; SQLite in the same run, where the service
and the windows poll every 0.5 s (the naive figure: what polling alone gives).
Run: xvfb-run -a -s "-screen 0 1920x1080x24" nice python -m bench bench_ack_seen
"""
from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bench.common import emit, median  # noqa: E402

ACKS = 30
WRITER = ROOT / "tests" / "alarm_writer.py"


def pump(app, until, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until():
            return True
        time.sleep(0.001)
    return False


def _window(app, url, operator):
    from console import settings
    from console.app import MainWindow
    from layers.sensors.source import sensor_spec
    from offline.workspace import Workspace
    settings.change(operator=operator)
    win = MainWindow(Workspace.open(store=url, follow=True, demo_feed=False))
    win.resize(1200, 800)
    win.show()
    win.load_specs([sensor_spec()])
    panel = win.panels.sensor_panel
    assert pump(app, lambda: getattr(panel, "store_alarms", None) is not None and panel.store_alarms.book.loaded, 180)
    return win, panel


def _acked_on(panel, alarm_id) -> str:
    cols = panel.alarms.model.cols
    rows = np.flatnonzero(cols["id"] == alarm_id)
    return str(cols["acked_by"][rows[0]]) if len(rows) else ""


def run(url: str, label: str, tmp: Path) -> list[float]:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    w = subprocess.run([sys.executable, str(WRITER), url, "1", "60", "300", "3.0"], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    assert w.returncode == 0, w.stderr[-2000:]
    log = open(tmp / f"alarms-{label}.log", "w")
    svc = subprocess.Popen([sys.executable, "-m", "console", "alarms", "serve", "--store", url, "--terminals", "300",
                            "--lang", "en"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    try:
        (a, pa), (b, pb) = _window(app, url, "A-desk"), _window(app, url, "B-desk")
        active = [x.id for x in pa.model.alarms.open_alarms() if x.status == "active"]
        delays, clicks, seen_at = [], {}, {}
        for alarm in active[:ACKS]:
            assert pump(app, lambda: len(np.flatnonzero(pa.alarms.model.cols["id"] == alarm)) == 1)
            pa.alarms.select_alarms([alarm])
            t0, clicks[alarm] = time.monotonic(), time.time()
            pa.alarms.ack_button.click()
            if pump(app, lambda: _acked_on(pb, alarm) == "A-desk", 30):
                delays.append(time.monotonic() - t0)
                seen_at[alarm] = time.time()
        for win in (a, b):
            win.close()
        pump(app, lambda: False, 0.5)
        from tests.test_store_history import _sql
        parts = [(at - clicks[a], applied - at, seen_at[a] - applied) for a, at, applied in
                 _sql(url, "SELECT alarm, requested_at, applied_at FROM alarm_requests") if a in seen_at]
        return delays, [median([p[k] * 1000.0 for p in parts]) for k in range(3)]
    finally:
        svc.send_signal(signal.SIGTERM)
        svc.wait(timeout=60)
        log.close()


def main() -> int:
    from layers import i18n
    from bench import pg_cluster
    i18n.set_language("en")
    cluster = pg_cluster.start()
    try:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            figures = {"postgresql": run(cluster.new_database(), "pg", tmp),
                       "sqlite": run(str(tmp / "ops-store.sqlite"), "sqlite", tmp)}
    finally:
        cluster.stop()
    for backend, (delays, parts) in figures.items():
        ms = np.array(delays) * 1000.0
        emit(f"{backend}: medians of click → request filed / → applied by the service / → seen on B",
             [round(p, 1) for p in parts], "ms", "report", True)
        p95 = float(np.percentile(ms, 95)) if len(ms) else float("nan")
        if backend == "postgresql":
            emit("ack seen on another window, PostgreSQL LISTEN/NOTIFY (p95)", round(p95, 1), "ms", "≤ 1000 ms",
                 p95 <= 1000.0, median_ms=round(median(ms), 1), acks=len(ms), of=ACKS)
        else:
            emit("ack seen on another window, SQLite polling every 0.5 s (p95)", round(p95, 1), "ms", "report", True,
                 median_ms=round(median(ms), 1), acks=len(ms), of=ACKS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
