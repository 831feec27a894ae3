"""MQTT feed (paho-mqtt 2.x): SensorThings Observation topics plus the compact batch topic.

- ``on_message`` runs on paho's network thread and only appends (topic, payload)
  to a bounded deque; a full deque counts ``dropped``.
- Parsing, validation, Datastream lookup and de-duplication happen in
  ``next_batch`` on the pipeline's worker thread.
- ``reconnect_delay_set(1, 4)``: paho retries at most 4 s apart, so a restarted
  broker is back within 5 s; ``on_connect`` re-subscribes every time.
- Password: only from the OS keyring (service ``KEYRING_SERVICE``, user name =
  the MQTT user name); it is never read from or written to settings.
"""
from __future__ import annotations

import logging
import os
import ssl
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
import paho.mqtt.client as mqtt

from layers.sensors import batch as B
from layers.sensors import sta
from layers.sensors.feed import Batch, Deduper, Feed
from console.feeds import broker_sys, shared

log = logging.getLogger(__name__)
KEYRING_SERVICE = "songjiang-console/mqtt"
MAX_BATCH_OBS = 50_000  # per pipeline step: keeps each history transaction ~0.1 s
POLL_S = 0.02  # worker poll period when few messages are queued (GUI redraws at 10-20 Hz anyway)
POLL_MIN_MESSAGES = 2_000
STA_SUBSCRIPTION = "v1.1/+/Observations"  # matches v1.1/Datastreams(<id>)/Observations
FEED_TOPICS = [(STA_SUBSCRIPTION, 1), (B.BATCH_TOPIC, 1)]
LOGIN_REFUSED = {"bad user name or password", "not authorized"}
# Mosquitto's count of messages it discarded (a full session queue: max_queued_messages), retained,
# sent every sys_interval s. It is broker-wide: it says drops happened, not whose (broker_sys.py).
SYS_DROPPED = broker_sys.DROPPED


MAX_QUEUED_OBS = 4_000_000  # ~80 MB of batch records: beyond it QoS 0 is dropped (counted), QoS 1 held back


class FeedError(RuntimeError):
    pass


def _observations(topic: str, payload: bytes) -> int:
    return 1 if topic != B.BATCH_TOPIC else max(1, len(payload) // B.RECORD.itemsize)


@dataclass
class MqttSettings:
    """What settings may hold: no password here, ever."""
    host: str = "127.0.0.1"
    port: int = 1883
    username: str = ""
    tls: bool = False
    ca_certs: str = ""
    certfile: str = ""
    keyfile: str = ""
    client_id: str = ""  # set one to keep a persistent session (clean_session=False)
    share: str = ""  # a group: MQTT 5 shared subscriptions ($share/GROUP/…, console/feeds/shared.py)
    leave: bool = False  # with share: unsubscribe, take what the session still holds, then end it (record --leave)
    qos: int = 1
    keepalive: int = 15
    allow_insecure: bool = False  # a password over plain TCP only when the user says so


def password_from_keyring(settings: MqttSettings) -> str:
    import keyring
    from keyring.errors import KeyringError

    try:
        pw = keyring.get_password(KEYRING_SERVICE, settings.username)
    except KeyringError as exc:
        raise FeedError(f"OS keyring unavailable for MQTT user {settings.username!r}: {exc}") from None
    if pw is None:
        raise FeedError(f"no password for MQTT user {settings.username!r} in the OS keyring "
                        f"(service {KEYRING_SERVICE!r})")
    return pw


def save_password(username: str, password: str) -> None:
    """Into the OS keyring, where password_from_keyring finds it; FeedError when there is no keyring."""
    import keyring
    from keyring.errors import KeyringError
    try:
        keyring.set_password(KEYRING_SERVICE, username, password)
    except KeyringError as exc:
        raise FeedError(f"cannot keep the password of MQTT user {username!r}: no usable OS keyring ({exc})") from None


def make_client(settings: MqttSettings, client_id: str = "") -> mqtt.Client:
    cid = client_id or settings.client_id
    # manual_ack: a QoS 1 reading is acknowledged to the broker only once it is stored (MqttFeed.commit),
    # so a crash leaves it with the broker (a persistent session redelivers it) instead of losing it
    v5 = bool(settings.share)  # MQTT 5 only for a shared subscription: its session is set at connect (start)
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=cid or f"sj-{os.getpid()}-{time.time_ns()}",
                    clean_session=None if v5 else not cid, protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
                    manual_ack=True)
    c.reconnect_delay_set(1, 4)
    if settings.username and not settings.tls and not settings.allow_insecure:
        raise FeedError(f"refusing to send the password of MQTT user {settings.username!r} unencrypted to "
                        f"{settings.host}:{settings.port}; give a CA file for TLS, or allow it explicitly "
                        "(--allow-insecure) on a network you trust")
    if settings.username:
        c.username_pw_set(settings.username, password_from_keyring(settings))
    if settings.tls:
        c.tls_set(ca_certs=settings.ca_certs or None, certfile=settings.certfile or None,
                  keyfile=settings.keyfile or None)
    return c


class MqttFeed(Feed):
    def __init__(self, registry, settings: MqttSettings, queue_size: int = 200_000,
                 dedupe_capacity: int = 2_000_000, watch_broker_drops: bool = True):
        super().__init__(registry, queue_size)
        self.settings = settings
        self.watch_broker_drops = watch_broker_drops  # the window and record both watch: drops are not ours to hide
        self.broker = broker_sys.BrokerCounters()  # the broker's own counts ($SYS), None until it says
        self._sys_mid = None
        self.subscribed = threading.Event()  # the broker acknowledged the readings' subscription once
        self.dedupe = Deduper(dedupe_capacity)
        self._connects = 0
        self._connected = False
        self.fatal = ""  # a failure that retrying will not mend (login refused, certificate not trusted)
        self._queued_obs = 0
        self._stopping = False
        self._got = self._acked = 0  # QoS 1 messages taken in / acknowledged (each written by one thread)
        self._last_arrival = 0.0
        self._churn = shared.Churn()
        self.client: mqtt.Client | None = None

    @property
    def label(self) -> str:
        return f"MQTT {self.settings.host}:{self.settings.port}"

    @property
    def connected(self) -> bool:
        return self._connected

    @property
    def broker_dropped(self) -> int | None:
        """The broker's drop counter as it last published it (broker-wide, since it started)."""
        return self.broker.dropped

    def start(self):
        self._stopping = False
        self.client = c = make_client(self.settings)
        c.on_connect, c.on_disconnect, c.on_message = self._on_connect, self._on_disconnect, self._on_message
        c.on_connect_fail = self._on_connect_fail
        c.on_subscribe = self._on_subscribe
        v5 = shared.connect_args(self.settings.client_id) if self.settings.share else {}
        c.connect_async(self.settings.host, int(self.settings.port), keepalive=self.settings.keepalive, **v5)
        c.loop_start()

    def stop(self):
        ended = self.settings.leave and self.drained()  # a member leaving, its session emptied: end the session
        self._stopping = True
        if self.client is not None:
            self.client.disconnect(properties=shared.session_end() if ended else None)
            self.client.loop_stop()

    def drained(self) -> bool:
        """Connected, every message taken in acknowledged, none queued, none arriving for a while (--leave)."""
        return (self._connected and not self._queue and self._got == self._acked
                and time.monotonic() - self._last_arrival >= shared.QUIET_S)

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            self.last_error = f"broker refused connection: {reason_code}"
            log.warning("%s:%s %s", self.settings.host, self.settings.port, self.last_error)
            if str(reason_code).lower() in LOGIN_REFUSED:
                self.fatal = f"{self.settings.host}:{self.settings.port} refused the login of " \
                             f"{self.settings.username or 'an anonymous client'!r}: {reason_code}"
            return
        self._connects += 1
        if self._connects > 1:
            self.counters.add("reconnects")
        self._connected = True
        self.last_error = ""
        self._last_arrival = time.monotonic()
        self._churn.connected(self._last_arrival)
        if self.settings.leave:  # the session's subscriptions go; what it holds is redelivered and stored
            client.unsubscribe([t for t, _ in shared.topics(self.settings.share, FEED_TOPICS)])
            return
        q = self.settings.qos
        sys_topics = [(t, 0) for t in broker_sys.TOPICS] if self.watch_broker_drops else []
        feed = [(topic, q) for topic, _ in FEED_TOPICS]
        if self.settings.share:
            feed = shared.topics(self.settings.share, feed)
        self._sys_mid = client.subscribe(feed + sys_topics)[1]

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        """A broker that refuses $SYS (an ACL) says so here: its drops stay unknown, said, never shown as 0."""
        if mid == self._sys_mid and reason_codes and not reason_codes[0].is_failure:
            self.subscribed.set()
        if mid == self._sys_mid and self.settings.share:  # a broker without shared subscriptions: never silent
            self.fatal = self.fatal or shared.refusal(self._where, self.settings.share, reason_codes[:2])
        if mid == self._sys_mid and self.watch_broker_drops and len(reason_codes) > 2:
            self.broker.refused = all(rc.is_failure for rc in reason_codes[2:])
            if self.broker.refused:
                log.warning("%s:%s refused the subscription to its $SYS counters: what it drops cannot be shown",
                            self.settings.host, self.settings.port)

    def _on_connect_fail(self, client, userdata):
        """Called by paho inside its ``except OSError``: the exception says why."""
        exc = sys.exc_info()[1]
        where = f"{self.settings.host}:{self.settings.port}"
        if isinstance(exc, ssl.SSLCertVerificationError):
            self.fatal = f"{where}: TLS failed, the broker's certificate is not trusted ({exc.verify_message})"
        elif isinstance(exc, ssl.SSLError):
            self.fatal = f"{where}: TLS failed ({exc})"
        self.last_error = f"{where}: {exc or 'connection failed'}"

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self._connected = False
        if self.settings.share and not self._stopping:  # two members on one id would take turns: say it, stop
            churned = self._churn.lost(time.monotonic())
            self.fatal = self.fatal or shared.taken_over(self._where, self.settings.client_id, reason_code, churned)

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _on_message(self, client, userdata, msg):
        if msg.topic.startswith("$SYS/") and self.broker.take(msg.topic, msg.payload):
            return
        try:
            self._enqueue(msg)
        except Exception:  # noqa: BLE001 — an exception here would end paho's network thread: no more readings
            log.exception("message on %s not queued", msg.topic)
            self.counters.reject("malformed")

    def _enqueue(self, msg):
        q = self._queue  # network thread: enqueue only
        n = _observations(msg.topic, msg.payload)
        if len(q) >= self.queue_size or self._queued_obs + n > MAX_QUEUED_OBS:
            if msg.qos == 0:
                self.counters.add("dropped", n)  # QoS 0 promises nothing: counted, not kept
                return
            self._hold_back(n)
        self._queued_obs += n  # approximate across the two threads; it only bounds memory
        self._got += msg.qos > 0
        self._last_arrival = time.monotonic()
        q.append((msg.topic, msg.payload, msg.mid, msg.qos))  # no Event.set(): waking the worker per message
        # makes the two threads trade the GIL 20,000 times a second; it polls instead

    def _hold_back(self, n: int):
        """QoS 1 over the bound: stop reading until the writer catches up (flow control).

        Nothing is dropped: what the broker has not delivered stays with it (unacknowledged
        messages are its to keep), and TCP holds the rest. Brokers do not all honour an
        in-flight limit for v3.1.1 clients (Mosquitto 2 sent 18,000 unacknowledged 2,000-record
        batches), so the bound is kept here.
        """
        self.counters.add("held_back")
        while (len(self._queue) >= self.queue_size or self._queued_obs + n > MAX_QUEUED_OBS) \
                and self._queue and not self._stopping:
            time.sleep(0.01)

    def pending_observations(self) -> int:
        return sum(_observations(topic, payload) for topic, payload, *_ in list(self._queue))

    def _take_obs(self, max_obs: int, timeout: float) -> list:
        """Queued messages worth about max_obs observations (a batch message counts its records)."""
        if len(self._queue) < POLL_MIN_MESSAGES:
            time.sleep(min(timeout, POLL_S))
        out, n, q = [], 0, self._queue
        while q and n < max_obs:
            item = q.popleft()
            out.append(item)
            n += _observations(item[0], item[1])
        self._queued_obs = max(0, self._queued_obs - n)
        return out

    def next_batch(self, timeout: float = 0.1) -> Batch | None:
        msgs = self._take_obs(MAX_BATCH_OBS, timeout)
        if not msgs:
            return None
        ds_l, t_l, v_l, arrays = [], [], [], []
        received = 0
        acks = [(m[2], m[3]) for m in msgs if len(m) > 2 and m[3] > 0]
        for topic, payload, *_ in msgs:
            try:
                if topic == B.BATCH_TOPIC:
                    ds, t, v, bad = B.decode(payload)
                    received += len(ds) + len(bad)
                    for reason in bad:
                        self.counters.reject(reason)
                    arrays.append((ds, t, v))
                    continue
                received += 1
                d = sta.datastream_from_topic(topic)
                t, v = sta.parse_observation(sta.loads(payload))
            except sta.Rejected as exc:
                received += topic == B.BATCH_TOPIC  # a bad batch counts as one received message
                self.counters.reject(str(exc))
                continue
            except Exception:  # noqa: BLE001 — a parser bug must cost one message, never the recording
                log.exception("unparsed message on %s counted as rejected", topic)
                received += topic == B.BATCH_TOPIC
                self.counters.reject("malformed")
                continue
            ds_l.append(d), t_l.append(t), v_l.append(v)
        self.counters.add("received", received)
        if ds_l:
            arrays.append((np.array(ds_l, np.int64), np.array(t_l), np.array(v_l)))
        if not arrays:
            self._ack(acks)  # all rejected: nothing to store, nothing to redeliver
            return None
        ds, t, v = (np.concatenate(a) for a in zip(*arrays))
        idx = self.registry.index_of_datastreams(ds)
        known = idx >= 0
        self.counters.reject("unknown datastream", int((~known).sum()))
        ds, t, v, idx = ds[known], t[known], v[known], idx[known]
        fresh = self.dedupe.fresh(Deduper.keys(ds, np.round(t * 1000).astype(np.int64)))
        self.counters.add("duplicates", int((~fresh).sum()))
        if not fresh.any():
            self._ack(acks)
            return None
        return Batch(idx[fresh], t[fresh], v[fresh], acks)

    def commit(self, batch: Batch) -> None:
        self._ack(batch.acks)

    def _ack(self, acks):
        client = self.client
        if client is None:
            return
        self._acked += len(acks)
        for mid, qos in acks:
            client.ack(mid, qos)  # after a disconnect this sends nothing: the broker redelivers
