"""Helpers shared by the bench scripts."""
from __future__ import annotations

import json
import statistics
import sys


def emit(name: str, value: float, unit: str, target: str, ok: bool, **extra):
    sys.stdout.write(json.dumps({"name": name, "value": value, "unit": unit, "target": target,
                                 "ok": bool(ok), **extra}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def median(values) -> float:
    return float(statistics.median(values))


class TickGaps:
    """Seconds between ticks of a Qt timer: how long the event loop was away (needs a QApplication)."""

    def __init__(self, interval_ms: int = 20):
        from PySide6.QtCore import QTimer
        self.gaps: list[float] = []
        self._last = None
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        import time
        now = time.monotonic()
        if self._last is not None:
            self.gaps.append(now - self._last)
        self._last = now

    def start(self):
        import time
        self._last = time.monotonic()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.gaps


def lag_and_cpu(pump, app, seconds: float) -> dict:
    """Event-loop lag p99 (gaps between 20 ms ticks, ms) and the process's CPU (% of a core, all its
    threads) while ``pump(app, seconds)`` turns the loop."""
    import time

    import numpy as np
    ticks = TickGaps(20)
    cpu0, t0 = time.process_time(), time.monotonic()
    ticks.start()
    pump(app, seconds)
    gaps = np.array(ticks.stop())
    cpu = (time.process_time() - cpu0) / (time.monotonic() - t0)
    return {"p99": float(np.percentile(gaps, 99)) * 1000, "cpu": cpu * 100, "gaps": gaps}


def rss_mib(pid="self", missing: float = float("nan")) -> float:
    """Resident memory of process ``pid`` (default: this one) in MiB, from /proc; ``missing`` if it is gone."""
    from pathlib import Path
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return missing
