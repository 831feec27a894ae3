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


MS_MASK = (1 << 42) - 1  # a packed key's time-ms bits (Deduper.keys)


class Deduper:
    """Remembers about the last ``capacity`` (datastream, time-ms) keys; QoS 1 redeliveries repeat one.

    Keys are one int64 each (``keys``). The newest are a Python set (cheap to add to, looked up in C);
    each ``chunk`` of them is frozen into a sorted numpy array, looked up by binary search, and the
    oldest arrays go once ``capacity`` is passed. At the default 2,000,000 keys that is ~16 MB of
    arrays and a set of at most 250,000, instead of a set of 2,000,000 int objects (~150 MB, most of a
    window's first-hour memory growth: bench_window_memory, issue 25). Keys out of the int64 packing's
    range (a negative or huge id or time, never the registry's) keep a plain bounded set.
    """

    def __init__(self, capacity: int = 2_000_000):
        self.capacity = capacity
        self.chunk = max(1, min(250_000, capacity // 8))
        self._current: set = set()
        self._frozen: collections.deque = collections.deque()  # (newest time-ms, sorted int64 keys), oldest first
        self._other: set = set()
        self._other_chunks: collections.deque = collections.deque()

    @staticmethod
    def keys(ds: np.ndarray, ms: np.ndarray):
        ds, ms = np.asarray(ds, np.int64), np.asarray(ms, np.int64)
        if not len(ds) or (ds.max() < 2 ** 20 and ds.min() >= 0 and ms.min() >= 0 and ms.max() < 2 ** 42):
            return (ds << 42) | ms
        return list(zip(ds.tolist(), ms.tolist()))

    def fresh(self, keys) -> np.ndarray:
        """Mask of keys not seen before (the first of repeats inside ``keys`` counts as fresh)."""
        if not isinstance(keys, np.ndarray):
            return self._fresh_other(keys)
        keys = keys.astype(np.int64, copy=False)
        mask = np.zeros(len(keys), bool)
        mask[np.unique(keys, return_index=True)[1]] = True  # the first of repeats inside the batch
        ms = keys & MS_MASK
        for newest, old in self._frozen:  # a chunk holds no key newer than its newest time: live readings skip it
            near = ms <= newest
            if near.any():
                some = keys[near]
                at = np.minimum(np.searchsorted(old, some), len(old) - 1)
                mask[near] &= old[at] != some
        listed = keys.tolist()
        if not self._current.isdisjoint(listed):
            mask &= np.fromiter((k not in self._current for k in listed), bool, len(listed))
        self._current.update(keys[mask].tolist())
        if len(self._current) >= self.chunk:
            frozen = np.sort(np.fromiter(self._current, np.int64, len(self._current)))
            self._frozen.append((int((frozen & MS_MASK).max()), frozen))
            self._current = set()
            while sum(len(a) for _, a in self._frozen) > self.capacity:
                self._frozen.popleft()
        return mask

    def _fresh_other(self, keys: list) -> np.ndarray:
        seen = self._other
        mask = np.zeros(len(keys), bool)
        new = []
        for i, k in enumerate(keys):
            if k not in seen:
                seen.add(k)
                new.append(k)
                mask[i] = True
        self._other_chunks.append(new)
        while len(seen) > self.capacity and self._other_chunks:
            seen.difference_update(self._other_chunks.popleft())
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
