"""The one interface every observation feed implements (simulator, MQTT, ...).

A feed produces ``Batch``es of (terminal index, time, value) arrays on its own
threads and hands them out through ``next_batch``, which the pipeline's worker
thread calls (never the GUI thread). Queues are bounded: when the consumer falls
behind, the feed drops and counts (``dropped``) instead of growing without limit.
"""
from __future__ import annotations

import collections
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

# dropped: the queue was full when it arrived; dropped_at_stop: still queued when stopping ran out of time
COUNTER_NAMES = ("received", "stored", "duplicates", "rejected", "reconnects", "dropped", "dropped_at_stop",
                 "held_back")  # held_back: times a QoS 1 feed stopped reading at its memory bound


@dataclass
class Batch:
    idx: np.ndarray     # terminal indices into the registry
    times: np.ndarray   # Unix seconds (UTC)
    values: np.ndarray
    acks: list = field(default_factory=list, repr=False)  # what to acknowledge once this batch is stored

    def __len__(self):
        return len(self.idx)


class Counters:
    """Thread-safe counters plus rejection reasons (reason → count)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._c = dict.fromkeys(COUNTER_NAMES, 0)
        self.reasons: collections.Counter = collections.Counter()

    def add(self, name: str, n: int = 1):
        if n:
            with self._lock:
                self._c[name] += n

    def reject(self, reason: str, n: int = 1):
        if n:
            with self._lock:
                self._c["rejected"] += n
                self.reasons[reason] += n

    def __getitem__(self, name: str) -> int:
        return self._c[name]

    def as_dict(self, with_reasons: bool = False) -> dict:
        with self._lock:
            d = dict(self._c)
            if with_reasons:
                d["reasons"] = dict(self.reasons)
            return d


class Deduper:
    """Remembers the last ``capacity`` (datastream, time-ms) keys; QoS 1 redeliveries repeat one."""

    def __init__(self, capacity: int = 2_000_000):
        self.capacity = capacity
        self._seen: set = set()
        self._chunks: collections.deque = collections.deque()

    @staticmethod
    def keys(ds: np.ndarray, ms: np.ndarray) -> list:
        ds, ms = np.asarray(ds, np.int64), np.asarray(ms, np.int64)
        if len(ds) and (ds.max() < 2 ** 20 and ds.min() >= 0 and ms.min() >= 0 and ms.max() < 2 ** 42):
            return ((ds << 42) | ms).tolist()  # one int per key: set ops stay in C
        return list(zip(ds.tolist(), ms.tolist()))

    def fresh(self, keys: list) -> np.ndarray:
        """Mask of keys not seen before (the first of repeats inside ``keys`` counts as fresh)."""
        seen = self._seen
        if seen.isdisjoint(keys) and len(set(keys)) == len(keys):
            mask = np.ones(len(keys), bool)
            new = keys
        else:
            mask = np.zeros(len(keys), bool)
            new = []
            for i, k in enumerate(keys):
                if k not in seen:
                    seen.add(k)
                    new.append(k)
                    mask[i] = True
        seen.update(new)
        self._chunks.append(new)
        while len(seen) > self.capacity and self._chunks:
            seen.difference_update(self._chunks.popleft())
        return mask


class Feed(ABC):
    """start/stop, bounded queue, counters. Subclasses fill the queue from their threads."""

    label = ""  # where readings come from, as exports and the history say it ("simulated", "MQTT host:port")

    def __init__(self, registry, queue_size: int = 256):
        self.registry = registry
        self.counters = Counters()
        self.queue_size = queue_size
        self._queue: collections.deque = collections.deque()
        self._ready = threading.Event()
        self.last_error = ""

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    @property
    def connected(self) -> bool:
        return True

    def status(self) -> tuple[str, dict] | None:
        """The status bar's word when the feed words it itself: (strings key, its fields; ``rate`` is added).
        None: the window words it (the simulator, a broker: console/panels/sensors/feed_status.py)."""
        return None

    def commit(self, batch: Batch) -> None:
        """The batch is stored (or applied, without a store): a feed may now acknowledge it to its source."""

    def pending(self) -> int:
        """Items queued but not yet handed out."""
        return len(self._queue)

    def pending_observations(self) -> int:
        """Observations in the queue (items are Batches unless a feed says otherwise)."""
        return sum(len(item) if hasattr(item, "__len__") else 1 for item in list(self._queue))

    def _offer(self, item, n_obs: int) -> bool:
        """Enqueue without blocking; count the drop if the queue is full."""
        if len(self._queue) >= self.queue_size:
            self.counters.add("dropped", n_obs)
            return False
        self._queue.append(item)
        self._ready.set()
        return True

    def _take(self, max_items: int, timeout: float) -> list:
        if not self._queue:
            self._ready.clear()
            if not self._queue:
                self._ready.wait(timeout)
        out = []
        q = self._queue
        while q and len(out) < max_items:
            out.append(q.popleft())
        return out

    def next_batch(self, timeout: float = 0.1) -> Batch | None:
        """Default: the queue holds ready Batches; concatenate what is there."""
        items = self._take(64, timeout)
        if not items:
            return None
        if len(items) == 1:
            return items[0]
        return Batch(*(np.concatenate([getattr(b, f) for b in items]) for f in ("idx", "times", "values")))
