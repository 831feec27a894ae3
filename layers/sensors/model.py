"""What a sensor layer holds (``Layer.data``): registry, live state, alarms, feed and replay.

Qt- and VTK-free, so the scene adapter, the docks, the tests and the bench share it.
The feed runs in a ``Pipeline`` (its own threads); the GUI only reads coalesced
snapshots. While the time slider is off "live", ``replay`` holds a second
SensorState loaded from the history at that moment; views read ``view()``.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from layers.sensors import kinds as K
from layers.sensors.alarms import AlarmBook
from layers.sensors.strings import fmt_time
from layers.sensors.state import SensorState

log = logging.getLogger(__name__)
DEFAULT_RATE = 2500.0   # obs/s ≈ the sum of 1/interval over the default 200k registry
HISTORY_RETENTION_S = 24 * 3600.0  # the default span kept and replayable (a setting in the window)


@lru_cache(maxsize=2)
def default_registry(n: int = 200_000, seed: int = 20221027):
    """The deterministic default registry, generated once per process (~0.8 s)."""
    from layers.sensors.generate import generate
    return generate(n, seed)


@dataclass
class Replay:
    time: float
    state: SensorState
    alarms: dict = field(default_factory=dict)  # HistoryStore.alarms_at(time), "sensor" as registry rows


class SensorModel:
    def __init__(self, registry, history_path=None):
        self.registry = registry
        self.state = SensorState(registry)
        self.alarms = AlarmBook(self.state)
        self.history_path = Path(history_path) if history_path else None
        self.pipeline = None
        self.replay: Replay | None = None
        self.feed_label = ""  # "simulated", "MQTT host:port": what exports say of the readings shown

    def __len__(self):
        return len(self.registry)

    # live data ------------------------------------------------------------
    def ingest(self, idx, times, values):
        """Apply a batch directly (tools and tests; the app's feed goes through a Pipeline)."""
        levels = self.state.ingest(idx, times, values)
        self.alarms.update(idx, times, values, levels)
        return levels

    def prime(self, seed: int = 1, rate: float = DEFAULT_RATE, now: float | None = None, rounds: int = 2):
        """Simulate the last rounds·N/rate seconds so every terminal has readings at start-up.

        Two rounds, so the demo opens as a running system would look: excursions that
        lasted are already confirmed alarms (alarm_rules ``confirm``), spikes are not.
        Uses the same model and seed as the live simulator feed that follows, so
        the terminals that never report are the same ones.
        """
        from layers.sensors.simulator import Simulator
        now = time.time() if now is None else now
        n = len(self.registry) * rounds
        sim = Simulator(self.registry, seed=seed, t0=now - n / rate, rate=rate)
        b = sim.batch(n)
        self.ingest(b.idx, b.times, b.values)

    def stop(self):
        if self.pipeline is not None:
            self.pipeline.stop(timeout=5)
            self.pipeline = None

    def start_clean(self):
        """A new source starts with nothing known: every terminal offline, no alarms (so no vital signs).

        Switching the window from the demo to a real broker kept 200,000 simulated states and their
        alarms under the broker's name. The old source's pipeline must be stopped first.
        """
        self.state = SensorState(self.registry)
        self.alarms = AlarmBook(self.state)
        self.feed_label = ""

    # what the views show ---------------------------------------------------
    def view(self, now: float | None = None) -> tuple[SensorState, float]:
        if self.replay is not None:
            return self.replay.state, self.replay.time
        return self.state, time.time() if now is None else now

    def set_replay(self, t: float, datastreams, times, values, alarms: dict | None = None):
        st = SensorState(self.registry)
        idx = self.registry.index_of_datastreams(datastreams)
        ok = idx >= 0
        st.load(idx[ok], np.asarray(times)[ok], np.asarray(values)[ok])
        recorded = self._alarm_rows(alarms or {})
        if recorded:  # the replayed terminals' states follow the alarms open then, as live ones do
            st.set_alarm_level([a["sensor"] for a in recorded.values()], [a["severity"] for a in recorded.values()])
        self.replay = Replay(float(t), st, recorded)

    def _alarm_rows(self, alarms: dict) -> dict:
        """Recorded alarms (keyed by Datastream id in the history) with this registry's rows."""
        out = {}
        for aid, a in alarms.items():
            row = self.registry.index_of_datastream(int(a["sensor"]))
            if row >= 0:
                out[aid] = {**a, "sensor": int(row)}
        return out

    def clear_replay(self):
        self.replay = None

    def attributes(self, i: int) -> dict:
        """What the inspector shows for terminal i (at the replay moment when replaying)."""
        st, now = self.view()
        reg = self.registry
        k = K.KINDS[int(reg.kind[i])]
        row = reg.row(i)
        t = float(st.time[i])
        code = int(st.states(now, rows=[i])[0])
        alarm = self.alarms.for_sensor(i) if self.replay is None else None
        from layers.i18n import Term
        from layers.sensors.strings import STATE_KEYS
        # terms, not words: the inspector translates them when it shows them (and again on a language switch)
        return {"id": row["id"], "kind": Term(f"kind.{k.name}"), "district": Term(f"district.{row['district']}",
                                                                               row["district"]),
                "value": float(st.value[i]), "unit": Term(f"unit.{k.unit}", k.unit), "state": Term(STATE_KEYS[code]),
                "time": fmt_time(t) if np.isfinite(t) else "", "warn": row["warn"], "crit": row["crit"],
                "standard": Term(f"standard.{k.name}"), "mounted_on": row["mounted_on"],
                "alarm": Term(f"sensors.status_{alarm.status}") if alarm else "", "index": int(i),
                "x": row["x"], "y": row["y"], "z": row["z"]}

