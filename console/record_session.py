"""`record`'s MQTT session: persistent by default, and a warning when the broker says it dropped.

A clean session (a fresh client id at every start) loses everything published while `record`
is down: 33.6 % of a stream over 15 kills. So `record` keeps ONE persistent session per history
file: clean_session false, QoS 1 subscriptions, and a client id derived from the resolved
``--db`` path, the same at every start, which the broker queues for while it is away.
That queue is the broker's: Mosquitto keeps at most ``max_queued_messages`` (default 1000)
per session and, without ``persistence true``, nothing over its own restart; what it drops is
in its log and in ``$SYS/broker/publish/messages/dropped`` — which `record` watches and says.
docs/sensors.md gives the broker settings (``songjiang-console broker-config`` prints them).
"""
from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)
PREFIX = "songjiang-rec-"  # + 8 hex digits: 22 characters, within MQTT 3.1.1's 23

MOSQUITTO_CONF = """\
# mosquitto.conf for the Songjiang console (`songjiang-console record` and the window's feed)
# printed by `songjiang-console broker-config`; docs/sensors.md, "The broker record needs", says why.
listener {port}
# Mosquitto 2 refuses anonymous clients on a listener of its own: give users a password (record
# --username; the console keeps the password in the OS keyring), or on a closed network allow them
#password_file /etc/mosquitto/passwd
#allow_anonymous true
# sessions and their queued messages survive a broker restart
persistence true
persistence_location {data}
autosave_interval 60
# what the broker keeps for each subscriber that is away or behind. The default 1000 is ~0.4 s of the
# city's 2,500 readings/s: past it a stock broker DROPS (at 5,000/s it lost a third of them).
# 1,000,000 one-reading messages is ~7 min, bounded in bytes below.
max_queued_messages 1000000
max_queued_bytes 1073741824
# readings sent and not yet acknowledged, per subscriber: record acknowledges each only once it is
# stored (a batch every ~0.1 s), so 20 (the default) would hold the stream to a trickle
max_inflight_messages 1000
# sessions of recorders that never come back are removed after a week
persistent_client_expiration 7d
# the broker's own counters ($SYS/broker/publish/messages/dropped, store/messages/count), which record
# and the window show, every 2 s (default 10: record waits for one more update when it stops)
sys_interval 2
"""


def broker_config(port: int = 1883, data: str = "/var/lib/mosquitto/") -> str:
    """The mosquitto.conf `broker-config` prints, for a listener port and a persistence folder."""
    return MOSQUITTO_CONF.format(port=int(port), data=str(data).rstrip("/") + "/")


def _identity(db) -> str:
    """A history file's or SQLite store's resolved path; a PostgreSQL store's redacted URL."""
    from offline.store import conninfo
    return conninfo.redact(str(db)) if conninfo.is_postgres(str(db)) else str(Path(db).resolve())


def client_id_for(db) -> str:
    """The recorder's stable MQTT client id for one history file (or operations-centre store)."""
    return PREFIX + hashlib.sha256(_identity(db).encode()).hexdigest()[:8]


def session_of(db, client_id: str, clean: bool, share: str = "") -> tuple[str, str, object]:
    """(client id to use, "" for a clean session; the line `record` starts with, saying which; what holds a
    ``--share`` member's number, to keep open while recording: console/record_share.py)."""
    if share:
        return _member_session(db, client_id, clean, share)
    if clean:
        return "", "clean MQTT session (--clean-session): what is published while record is away is lost", None
    cid = client_id or client_id_for(db)
    why = "" if client_id else f", derived from {_identity(db)}"
    return cid, (f"persistent MQTT session, client id {cid}{why}: the broker keeps what is published "
                 "while record is away (up to its max_queued_messages; see docs/sensors.md)"), None


def _member_session(db, client_id: str, clean: bool, group: str) -> tuple[str, str, object]:
    from console.record_share import claim
    where = f"shared subscription $share/{group}/… (MQTT 5)"
    if clean:
        return "", (f"{where}, clean session (--clean-session): what the broker sent this recorder and it had "
                    "not stored is lost when it stops or is killed"), None
    cid, slot = (client_id, None) if client_id else claim(_identity(db), group)
    who = "" if client_id else f" (member {slot.number} of {group!r} on this machine)"
    return cid, (f"{where}, persistent session, client id {cid}{who}: the broker keeps this member's share "
                 "while it is away and redelivers it when it is back (docs/scaling.md)"), slot


class DropWatch:
    """The broker's own drop counter for `record`: a warning once per increase, the progress line, the summary."""

    def __init__(self, feed):
        self.feed, self.seen = feed, None

    def check(self) -> bool:
        n = self.feed.broker_dropped
        if self.feed.broker.refused and self.seen is None:
            self.seen = -1
            sys.stderr.write("record: WARNING the broker refuses the subscription to its $SYS counters: what it "
                             "drops cannot be shown (allow this user to read $SYS/broker/#)\n")
            sys.stderr.flush()
            return True
        if n is None or (self.seen is not None and n <= self.seen):
            return False
        before, self.seen = self.seen, n
        if before is None and n == 0:
            return False
        more = f"{n} since it started" if before is None else f"{n - before} more, {n} in all"
        sys.stderr.write(f"record: WARNING the broker reports dropped messages ({more}); readings may be "
                         "missing: raise its max_queued_messages (see docs/sensors.md)\n")
        sys.stderr.flush()
        return True

    def progress_note(self) -> str:
        since = self.feed.broker.dropped_since_start
        return f" broker_dropped={since}" if since is not None else " broker_dropped=?"

    def settle(self, hurry=None) -> None:
        """Wait (bounded) for the broker's next publication of its counters, so the summary is current.

        Mosquitto publishes them every sys_interval s (10 by default); a stop between two ticks
        would otherwise report a count that misses the last drops.
        """
        b = self.feed.broker
        if not b.publishes:
            sys.stderr.write("record: the broker published no drop counters ($SYS/broker/publish/messages/dropped, "
                             "not Mosquitto or not allowed to this user): what it dropped is unknown\n")
            return
        if not self.feed.connected:
            return
        within = b.next_tick_within()
        sys.stderr.write(f"record: waiting for the broker's next drop count (up to {within:.0f} s; "
                         "Ctrl+C again to skip)\n")
        sys.stderr.flush()
        b.wait_tick(within, hurry)
        self.check()

    def summary(self) -> dict:
        b = self.feed.broker
        return {"broker_dropped": b.dropped_since_start, "broker_dropped_total": b.dropped}


class SlowWatch:
    """Says once each time readings fall below the registry's expected rate (and once when they recover)."""

    def __init__(self, registry, window_s: float):
        from layers.sensors.arrival import ArrivalWatch, expected_rate
        self.watch = ArrivalWatch(expected_rate(registry), window_s)
        self.terminals, self.slow = len(registry), None

    def check(self, now: float, received: int) -> None:
        self.watch.add(now, received)
        slow = self.watch.slow()
        if (slow is None) == (self.slow is None):
            self.slow = slow
            return
        self.slow = slow
        w = self.watch
        if slow is not None:
            sys.stderr.write(f"record: WARNING readings arrive at {w.rate():,.1f}/s, {slow:.0%} of the "
                             f"{w.expected:,.1f}/s the registry's {self.terminals:,} terminals report: readings "
                             "are being lost before record (a broker queue, a publisher, the network)\n")
        else:
            sys.stderr.write(f"record: readings arrive at the expected rate again ({w.rate():,.1f}/s)\n")
        sys.stderr.flush()

    def progress_note(self) -> str:
        return f" SLOW {self.slow:.0%} of expected" if self.slow is not None else ""
