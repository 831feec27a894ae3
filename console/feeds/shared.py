"""MQTT 5 shared subscriptions for `record --share GROUP` (issue 22 item 2): N recorders split one feed.

A member subscribes to ``$share/GROUP/<topic>``; the broker hands each message to one member of the
group (Mosquitto 2: round robin over the members, connected or not). MQTT 5, not 3.1.1: a broker
without shared subscriptions answers a 3.1.1 client's ``$share/…`` as a plain topic that nothing is
ever published to (a recorder storing nothing, silently), an MQTT 5 one with reason 0x9E, which
`record` says and stops on. Each member keeps its own persistent session (clean start false, a
session expiry of a week, like ``persistent_client_expiration`` in broker-config's mosquitto.conf):
what Mosquitto sends a member that was killed waits in its session for it and is redelivered when it
comes back; with a clean session it would be discarded with the session (docs/scaling.md, measured).
Two members on one client id take the session from each other (MQTT 5 reason 0x8E, or with Mosquitto 2.0
a connection closed right after it was made, again and again: ``Churn``): said, and fatal.
"""
from __future__ import annotations

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

SESSION_EXPIRY_S = 7 * 86400  # a member gone this long loses its session (and what was queued for it)
QUIET_S = 1.0  # --leave: nothing arrived this long, everything acknowledged: the session holds no more
TAKEN_OVER = 0x8E  # DISCONNECT reason: another connection took this client id's session


def group_name(text: str) -> str:
    """A share name as MQTT 5 allows it (4.8.2: no "/", "+" or "#", not empty); ValueError otherwise."""
    if not text or any(c in text for c in "/+#"):
        raise ValueError(f"expected a group name without '/', '+' or '#', got {text!r}")
    return text


def session_end() -> Properties:
    """DISCONNECT's properties that end the session at the broker (a member leaving the group, drained)."""
    props = Properties(PacketTypes.DISCONNECT)
    props.SessionExpiryInterval = 0
    return props


def topics(group: str, subscriptions: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(f"$share/{group}/{topic}", qos) for topic, qos in subscriptions]


def connect_args(client_id: str) -> dict:
    """connect_async's MQTT 5 arguments: a persistent session for a client id, a clean one without."""
    if not client_id:
        return {"clean_start": True}
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = SESSION_EXPIRY_S
    return {"clean_start": False, "properties": props}


def refusal(where: str, group: str, reason_codes) -> str:
    """The one line for a broker that refused the group's subscriptions ("" when it took them)."""
    bad = [rc for rc in reason_codes if rc.is_failure]
    if not bad:
        return ""
    return f"{where} refused the shared subscription $share/{group}/…: {bad[0]}"


class Churn:
    """Connections closed right after they were made, in a row: the mark of two clients on one id.

    MQTT 5 lets the broker say it (DISCONNECT 0x8E, session taken over), but Mosquitto 2.0.11 just
    closes the old connection: each member then reconnects a second later and takes the session back,
    for ever. ``SHORT_S``/``IN_A_ROW``: a network that drops every connection within 3 s of its
    CONNACK three times running would be told the same, and a supervisor restarts the recorder.
    """
    SHORT_S, IN_A_ROW = 3.0, 3

    def __init__(self):
        self.since, self.short = None, 0

    def connected(self, now: float):
        self.since = now

    def lost(self, now: float) -> bool:
        """True once IN_A_ROW connections in a row ended within SHORT_S of being made."""
        brief = self.since is not None and now - self.since < self.SHORT_S
        self.short, self.since = (self.short + 1 if brief else 0), None
        return self.short >= self.IN_A_ROW


def taken_over(where: str, client_id: str, reason_code, churned: bool) -> str:
    """The one line for a session another client took ("" for any other disconnect)."""
    if getattr(reason_code, "value", None) != TAKEN_OVER and not churned:
        return ""
    return (f"{where}: the broker gave this recorder's session (client id {client_id}) to another client "
            "again and again; give each recorder its own --client-id, or none (--share then chooses one per member)")
