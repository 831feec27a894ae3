"""The demo's vital-sign sparklines start with its simulated past hours (only where the history has none)."""
from __future__ import annotations

import time


def backfill_trends(model, sim):
    from layers.sensors.vitals import simulated_trends
    from offline.history import HistoryStore
    if model.history_path is None:
        return
    model.history_path.parent.mkdir(parents=True, exist_ok=True)
    now = time.time()
    with HistoryStore(model.history_path) as store:
        if store.vitals_series(now - 3 * 3600, now):
            return
        for t, rows in simulated_trends(model.registry, sim, now):
            store.append_vitals(t, rows)
