"""Child process of the alarm-service tests: stores simulated readings in batches, as `record --store` does.

Usage: python tests/alarm_writer.py STORE SEED BATCHES SIZE RATE [UNTIL]: BATCHES batches of SIZE readings
at RATE readings a second of data time; with UNTIL (a file name), batches go on, one every 20 ms, until that
file exists (the load lasts as long as the test needs it, however slow the machine), BATCHES at most. The readings come from the built-in
simulator over ``TERMINALS`` terminals, one reading every few seconds of data time and many of them
over a threshold, so a short run raises, escalates, flaps and clears alarms. Each batch goes through
``Observations.append`` (the recorder's own path: one transaction, binary COPY on PostgreSQL); a batch
the store's restart interrupted is stored again on a new connection, as the recorder's pipeline does.
Prints one line per committed batch, then "done".
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TERMINALS = 300
T0 = 1_765_000_000.0


def main(url: str, seed: int, batches: int, size: int, rate: float, until: str = ""):
    from layers.sensors.generate import generate
    from layers.sensors.simulator import Simulator
    from offline.store import open_store
    from offline.guard import StoreRefused
    from offline.store.observations import Observations, StoreUnavailable
    reg = generate(TERMINALS)
    # each writer its own millisecond: two writers never store one (Datastream, time) twice
    sim = Simulator(reg, seed=seed, t0=T0 + seed / 1000.0, rate=rate, anomaly_rate=0.06)
    obs = Observations(open_store(url, seed=False))
    for i in range(batches):
        if until:
            if Path(until).exists():
                break
            time.sleep(0.02)
        b = sim.batch(size)
        while True:
            try:
                obs.append(reg.datastream[b.idx], b.times, b.values)
                break
            except StoreUnavailable:  # the server restarting: the recorder's pipeline retries likewise
                time.sleep(0.2)
            except StoreRefused as exc:  # reconnecting while the server still shuts down (CI, cf87449)
                if "shutting down" not in str(exc) and "starting up" not in str(exc):
                    raise
                time.sleep(0.2)
        print(i, flush=True)
    obs.store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), *sys.argv[6:7])
