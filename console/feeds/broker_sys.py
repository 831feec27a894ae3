"""The broker's own counters, as Mosquitto publishes them under ``$SYS/broker/…``.

A subscriber whose session queue is full loses messages at the broker, where no client
counter can see it: a stock Mosquitto (max_queued_messages 1000) at 5,000 readings/s stored
62-65 % of them while the window said "dropped 0", and only the broker's log told. Mosquitto
counts them in ``$SYS/broker/publish/messages/dropped`` and publishes it, retained, every
``sys_interval`` seconds (10 by default) — only when it changed, except ``uptime``, which
changes at every tick and so marks one; a count never published by a tick after we subscribed
(retained messages come at once) has not changed since the broker started: 0. The counts are the whole broker's since it started
(not this client's): ``dropped_since_start`` is the rise seen while we were connected, a
broker restart (the counter back to a lower value) carried over. A broker that publishes no
$SYS (not Mosquitto, or an ACL that refuses the subscription) leaves them ``None``: unknown,
never 0.
"""
from __future__ import annotations

import threading
import time

DROPPED = "$SYS/broker/publish/messages/dropped"
STORED = "$SYS/broker/store/messages/count"  # messages the broker holds (queued, retained, in flight)
UPTIME = "$SYS/broker/uptime"  # "N seconds": republished at every tick
TOPICS = (DROPPED, STORED, UPTIME)


def _number(payload: bytes) -> int | None:
    try:
        return int(payload.decode("ascii").split()[0])
    except (UnicodeDecodeError, ValueError, IndexError):
        return None


class BrokerCounters:
    """Written by paho's network thread (``take``), read by anyone (plain attribute reads)."""

    def __init__(self):
        self.dropped: int | None = None      # the broker's counter as last published
        self.held: int | None = None         # messages in its store
        self.uptime: int | None = None
        self.interval: float | None = None   # seconds between two ticks, once two were seen
        self.refused = False                 # the broker refused our $SYS subscription
        self._first: int | None = None
        self._carried = 0                    # rises seen before a broker restart reset the counter
        self._tick = threading.Event()

    def take(self, topic: str, payload: bytes) -> bool:
        """True if ``topic`` is one of ours (then it is consumed, never a reading)."""
        if topic not in TOPICS:
            return False
        n = _number(payload)
        if n is None:
            return True
        if topic == DROPPED:
            if self._first is None:
                self._first = n
            elif self.dropped is not None and n < self.dropped:  # the broker restarted: its count began again
                self._carried += self.dropped - self._first
                self._first = 0
            self.dropped = n
        elif topic == STORED:
            self.held = n
        else:
            if self.uptime is not None and n > self.uptime:
                self.interval = float(n - self.uptime)
                if self.dropped is None:  # Mosquitto publishes a count only once it changed: none yet is 0
                    self.dropped = self._first = 0
            self.uptime = n
            self._tick.set()
        return True

    @property
    def publishes(self) -> bool:
        """The broker has published its counters at least once."""
        return self.uptime is not None or self.dropped is not None

    @property
    def dropped_since_start(self) -> int | None:
        if self.dropped is None or self._first is None:
            return None
        return self._carried + self.dropped - self._first

    def wait_tick(self, timeout: float, hurry: threading.Event | None = None) -> bool:
        """Wait for the broker's next publication of its counters (at most ``timeout`` s)."""
        self._tick.clear()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self._tick.wait(0.1):
                return True
            if hurry is not None and hurry.is_set():
                return False
        return False

    def next_tick_within(self) -> float:
        """How long the next tick may take: the interval seen, or Mosquitto's default (10 s)."""
        return (self.interval or 10.0) * 1.5 + 1.0
