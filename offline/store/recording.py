"""The operations-centre store as the history `record --store` writes (offline/pipeline.py's history).

The pipeline drives a history through a few calls (``append`` a batch and return the rows stored,
``prune``, ``set_retention``, ``close``; alarm events, vital signs and the feed's label beside them).
``StoreHistory`` answers them over the store's ``observations`` (offline/store/observations.py), opened
in the pipeline's own thread. What a recorder does not write is said here, once: alarm events (the one
alarm service, `alarms serve`, evaluates the stored observations in commit order and writes them:
offline/store/alarm_service.py; `record --store` runs without an alarm book) and the vital signs'
samples (each recorder sees part of the feed: the alarm service samples the city, offline/store/alarm_vitals.py);
the feed's label is kept by the recorder only.
"""
from __future__ import annotations

import logging

from offline.store.observations import Observations

log = logging.getLogger(__name__)


class StoreHistory:
    def __init__(self, url: str, password: str | None = None, retention_s: float | None = None):
        from offline.store import open_store
        self.store = open_store(url, password, seed=False)  # a recorder adds readings, never HBIM records
        self.url = self.store.url  # redacted: what messages name
        self.obs = Observations(self.store)
        self.retention_s = retention_s
        self._said_prune = False

    def append(self, datastreams, times, values) -> int:
        return self.obs.append(datastreams, times, values)

    def set_retention(self, seconds: float | None):
        self.retention_s = seconds

    def retention(self) -> float | None:
        return self.retention_s

    def prune(self, now: float) -> int:
        """Drop the day partitions older than the retention (the store's owner only: another role is told once)."""
        if self.retention_s is None:
            return 0
        try:
            return self.obs.drop_before(now - self.retention_s)
        except Exception as exc:  # noqa: BLE001 — a refused or failed drop never stops the recording: said once
            if not self._said_prune:
                log.warning("%s; old readings stay until the store's owner drops them", exc)
                self._said_prune = True
            return 0

    # what the store does not keep yet (module docstring)
    def meta(self, key: str):
        return None

    def set_meta(self, key: str, value: str):
        pass

    def append_vitals(self, t: float, rows) -> int:
        return 0  # the alarm service's (module docstring)

    def append_alarm_events(self, events) -> int:
        raise NotImplementedError("alarm events are not kept in the store by record (issue 22 item 3)")

    def close(self):
        self.obs.store.close()  # the connection append may have renewed


def opener(url: str, password: str | None = None, retention_s: float | None = None):
    """A callable the pipeline's thread calls to open the store's history (its connection is that thread's)."""
    return lambda: StoreHistory(url, password, retention_s)
