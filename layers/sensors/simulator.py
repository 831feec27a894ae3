"""Built-in observation simulator: the default feed, deterministic for a seed.

Model per kind (kinds.py): value = mean + amp·cos(2π(hour − peak)/24) + N(0, sd),
clipped to [lo, hi]; each terminal has its own small offset. Anomalies: a
fraction of readings jump past the critical threshold. Silence: a fixed share of
terminals never report and another share stops reporting at a random moment, so
the health view has stale/offline terminals to show.

``Simulator.batch(k)`` is a pure function of (seed, t0, rate, sequence number):
observation j has phenomenonTime t0 + j / rate and goes to terminal
perm[j mod N], so every terminal reports in turn with distinct times.
"""
from __future__ import annotations

import threading
import time

import numpy as np

from layers.background import start_thread
from layers.sensors import kinds as K
from layers.sensors.feed import Batch, Feed
from layers.sensors.state import UTC_OFFSET_H


class Simulator:
    def __init__(self, registry, seed: int = 1, t0: float | None = None, rate: float = 10_000.0,
                 anomaly_rate: float = 1e-3, silent_share: float = 0.003,
                 stop_share: float = 0.003, stop_within_s: float = 3600.0):
        self.registry, self.rate = registry, float(rate)
        self.t0 = float(time.time() if t0 is None else t0)
        self.seed, self.anomaly_rate = seed, anomaly_rate
        n = len(registry)
        rng = np.random.default_rng(seed)
        self.perm = rng.permutation(n)
        kind = registry.kind
        self._mean = K.column("mean")[kind] * (1 + rng.normal(0, 0.05, n))
        self._amp = K.column("amp")[kind]
        self._sd = K.column("sd")[kind]
        self._peak = K.column("peak_hour")[kind]
        self._lo, self._hi = K.column("lo")[kind], K.column("hi")[kind]
        self._spike = np.where(K.column("direction")[kind] > 0, registry.crit * 1.3, registry.crit * 0.7)
        self._discrete = np.isin(kind, [K.BY_NAME["camera_status"].code, K.BY_NAME["elevator_status"].code])
        u = rng.random(n)
        self.silent_after = np.full(n, np.inf)
        self.silent_after[u < silent_share + stop_share] = self.t0 + rng.uniform(
            0, stop_within_s, int((u < silent_share + stop_share).sum()))
        self.silent_after[u < silent_share] = -np.inf  # never report
        self.seq = 0

    def values(self, idx: np.ndarray, times: np.ndarray, rng) -> np.ndarray:
        hour = (times / 3600.0 + UTC_OFFSET_H) % 24.0
        v = self._mean[idx] + self._amp[idx] * np.cos(2 * np.pi * (hour - self._peak[idx]) / 24.0)
        v = v + rng.normal(0.0, 1.0, len(idx)) * self._sd[idx]
        d = self._discrete[idx]
        if d.any():  # camera status: mostly 0, sometimes degraded
            v[d] = (rng.random(int(d.sum())) < 0.01).astype(float)
        spike = rng.random(len(idx)) < self.anomaly_rate
        v[spike] = self._spike[idx[spike]]
        return np.clip(v, self._lo[idx], self._hi[idx])

    def batch(self, k: int) -> Batch:
        """The next k observations (silent terminals' slots are skipped, so ≤ k returned)."""
        j = self.seq + np.arange(k)
        rng = np.random.default_rng((self.seed, self.seq))
        self.seq += k
        idx = self.perm[j % len(self.perm)]
        times = np.round((self.t0 + j / self.rate) * 1000.0) / 1000.0
        live = times < self.silent_after[idx]
        idx, times = idx[live], times[live]
        return Batch(idx, times, self.values(idx, times, rng))


class SimulatorFeed(Feed):
    """Runs a Simulator in real time (``rate`` obs/s of wall time) on its own thread."""

    label = "simulated"

    def __init__(self, registry, rate: float = 10_000.0, seed: int = 1, t0: float | None = None,
                 tick_s: float = 0.05, queue_size: int = 64, **kw):
        super().__init__(registry, queue_size)
        self.sim = Simulator(registry, seed=seed, t0=t0, rate=rate, **kw)
        self.tick_s = tick_s
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._stop.clear()
        self._thread = start_thread(self._run, name="sensor-simulator")

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self):
        start = time.monotonic()
        while not self._stop.is_set():
            due = int((time.monotonic() - start) * self.sim.rate) - self.sim.seq
            if due > 0:
                b = self.sim.batch(min(due, 500_000))
                self.counters.add("received", len(b))
                self._offer(b, len(b))
            self._stop.wait(self.tick_s)
