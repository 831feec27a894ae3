"""Are readings arriving as fast as the registry says they should? (pure; `record` and the window ask it)

Every terminal has its reporting interval in the registry (``interval_s``), so the whole feed
has an expected rate, the sum of 1/interval (2,252 readings/s for the built-in 200,000). A
feed that brings in much less is losing readings somewhere the console cannot count: a
broker dropping from a full queue, a publisher that stopped, a network in between. Counters
of our own then all say 0, which is why this compares arrivals with the expectation instead.
"""
from __future__ import annotations

import collections

import numpy as np

SLOW_SHARE = 0.8   # below 80 % of the expected rate over a whole window: say so
WINDOW_S = 60.0    # long enough for the slowest common interval's jitter to average out


def expected_rate(registry) -> float:
    """Readings per second the registry's terminals report in all (those with a known interval)."""
    iv = np.asarray(registry.interval_s, dtype=np.float64)
    iv = iv[np.isfinite(iv) & (iv > 0)]
    return float((1.0 / iv).sum())


class ArrivalWatch:
    """Feed it (time, readings received so far); ``slow()`` is the observed share when too low, else None."""

    def __init__(self, expected: float, window_s: float = WINDOW_S, share: float = SLOW_SHARE):
        self.expected, self.window_s, self.share = float(expected), float(window_s), float(share)
        self._marks: collections.deque = collections.deque()

    def add(self, now: float, received: int) -> None:
        self._marks.append((now, received))
        while len(self._marks) > 2 and now - self._marks[1][0] >= self.window_s:
            self._marks.popleft()  # keep one mark at least a window old

    def restart(self) -> None:
        """A new source, or a reconnect: the counting starts again (no verdict for a whole window)."""
        self._marks.clear()

    def rate(self) -> float | None:
        """Readings/s over the last whole window, None before one has passed."""
        if len(self._marks) < 2:
            return None
        (t0, n0), (t1, n1) = self._marks[0], self._marks[-1]
        if t1 - t0 < self.window_s:
            return None
        return (n1 - n0) / (t1 - t0)

    def slow(self) -> float | None:
        """The share of the expected rate that arrived, when it is below ``share`` (else None)."""
        r = self.rate()
        if r is None or self.expected <= 0:
            return None
        got = r / self.expected
        return got if got < self.share else None
