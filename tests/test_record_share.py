"""Recorders that scale out and fail over: `record --share GROUP` (issue 22 item 2).

Before, one `record` took the whole feed, and a second one on the same store took the first one's MQTT
client id (the broker then kicks one off at every connect). Now N recorders split the feed through an
MQTT 5 shared subscription ($share/GROUP/…), each with its own stable client id and persistent session:
Mosquitto keeps sending a killed member its share, into that session, and redelivers it when the member
is back (with a clean session it would discard it: docs/scaling.md). The tests kill one of two members
under a QoS 1 stream and check in SQL that every reading the broker acknowledged to the publisher is in
the store exactly once, written by both members. Real Mosquitto (tests/mosquitto.py), real stores
(SQLite; PostgreSQL from tests/postgres.py in the slow run), the real CLI in subprocesses.
"""
from __future__ import annotations

import itertools
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from layers.sensors import sta
from mosquitto import broker  # noqa: F401  (a fixture: a throw-away Mosquitto per test)
from tests.test_sensors_cli import cli, final_json
from tests.test_store_history import _count, _exactly_once, _sql

pytestmark = pytest.mark.mqtt
ROOT = Path(__file__).resolve().parents[1]
_SEQ = itertools.count(1)


class _Member:
    """One `record --share ops` process; its stderr in a file, read to know that it subscribed."""

    def __init__(self, broker, url, terminals, *extra, logs: Path):
        self.log = logs / f"record-{next(_SEQ)}.log"
        with open(self.log, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "console.cli_sensors", "record", "--mqtt", broker.address, "--store", url,
                 "--share", "ops", "--terminals", str(terminals), *extra],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)

    @property
    def err(self) -> str:
        return self.log.read_text()

    def subscribed(self):
        """Wait until it says the broker acknowledged its subscription: from then its session keeps its share."""
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                pytest.fail(f"record ended with status {self.proc.returncode}: {self.err}")
            if "readings are stored from here" in self.err:
                return self
            time.sleep(0.2)
        pytest.fail(f"record did not start within 60 s: {self.err}")

    def final(self, timeout=90) -> dict:
        out, _ = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, self.err
        return final_json(out)


def _stop_when_stored(members, url, n, seconds):
    """Let the members catch up to ``n`` rows (a restarted one first takes what its session kept), Ctrl+C them."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and _count(url) < n:
        time.sleep(0.3)
    for m in members:
        m.proc.send_signal(signal.SIGINT)
    return [m.final() for m in members]


def _consistent(url, n):
    """Integrity and row counts in SQL: n readings, each key once, ``latest`` each Datastream's newest."""
    _exactly_once(url, n)
    stale = _sql(url, "SELECT count(*) FROM latest l JOIN (SELECT datastream, max(phenomenon_time) AS t "
                      "FROM observations GROUP BY datastream) o ON o.datastream = l.datastream "
                      "WHERE l.phenomenon_time <> o.t")[0][0]
    assert stale == 0, "latest holds each Datastream's newest reading, whichever member wrote it"
    if not url.startswith("postgresql://"):
        assert _sql(url, "PRAGMA integrity_check")[0][0] == "ok"


def _killed_member(broker, url, logs, *, terminals, count, rate, kills, seed):
    """Members A and B of group "ops"; A is SIGKILLed ``kills`` times under the stream and restarted each time."""
    rng = random.Random(seed)
    a = _Member(broker, url, terminals, logs=logs).subscribed()  # from here A's session keeps its share
    b = _Member(broker, url, terminals, logs=logs).subscribed()
    sim = cli("simulate", "--mqtt", broker.address, "--count", str(count), "--rate", str(rate),
              "--terminals", str(terminals), "--qos", "1")
    for _ in range(kills):
        time.sleep(rng.uniform(0.4, 1.2))
        a.proc.kill()  # SIGKILL: readings delivered and not stored, stored and not acknowledged, queued for A
        a.proc.communicate(timeout=10)
        a = _Member(broker, url, terminals, logs=logs)  # member number 1 again: the same client id, the same session
    out, err = sim.communicate(timeout=600)
    published = final_json(out)["stored"]
    assert published == count, err  # every reading was acknowledged by the broker to the publisher
    return a, b, published


def test_two_recorders_share_the_feed_and_a_killed_one_loses_and_repeats_nothing(broker, tmp_path):
    url = str(tmp_path / "ops-store.sqlite")
    a, b, published = _killed_member(broker, url, tmp_path, terminals=2000, count=4000, rate=1000, kills=3, seed=22)
    # one reading published twice: round robin hands one copy to each member, which both try to store
    t = time.time() + 3600.0
    for _ in range(2):
        subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-q", "1", "-t", sta.observation_topic(1),
                        "-m", sta.observation_payload(t, 1.0).decode()], check=True)
    fa, fb = _stop_when_stored([a, b], url, published + 1, 90)
    _consistent(url, published + 1)
    assert fa["stored"] > 0 and fb["stored"] > 0, (fa, fb)  # both members wrote: the feed was split
    assert fa["duplicates"] + fb["duplicates"] >= 1, (fa, fb)  # the second copy was dropped and counted


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_recorders_of_200000_terminals_twenty_kills_every_acknowledged_reading_once(broker, backend, tmp_path):
    from stores import store_url
    url = store_url(backend, tmp_path)
    a, b, published = _killed_member(broker, url, tmp_path, terminals=200_000, count=60_000, rate=2500, kills=20,
                                     seed=20)
    fa, fb = _stop_when_stored([a, b], url, published, 300)
    _consistent(url, published)
    assert fa["stored"] > 0 and fb["stored"] > 0, (fa, fb)


def test_a_stopped_member_keeps_its_share_until_leave_hands_it_over(broker, tmp_path):
    """Ctrl+C keeps a member's session (its share waits for it); `--leave` stores that share and ends the session,
    and from then on the other member takes the whole feed."""
    url = str(tmp_path / "ops-store.sqlite")
    a = _Member(broker, url, 200, logs=tmp_path).subscribed()
    b = _Member(broker, url, 200, logs=tmp_path).subscribed()
    a.proc.send_signal(signal.SIGINT)  # member 1 stops: the broker keeps sending it every second reading
    a.final()

    def burst(seed):
        sim = cli("simulate", "--mqtt", broker.address, "--count", "1000", "--rate", "0", "--terminals", "200",
                  "--qos", "1", "--seed", str(seed))
        out, err = sim.communicate(timeout=60)
        assert final_json(out)["stored"] == 1000, err

    burst(1)
    leaver = _Member(broker, url, 200, "--leave", logs=tmp_path)  # member 1 again (lowest free number): its session
    left = leaver.final()  # it ends by itself once the session is emptied
    assert "left group 'ops'" in leaver.err and 0 < left["stored"] < 1000, (left, leaver.err)
    burst(2)  # member 1's session is gone: every reading goes to member 2
    (fb,) = _stop_when_stored([b], url, 2000, 60)
    _consistent(url, 2000)
    assert fb["stored"] > 1000, fb


@pytest.mark.slow  # ~12 s: three takeovers a second apart before it is told
def test_two_members_on_one_client_id_are_told_and_stop(broker, tmp_path):
    """Two recorders given the same --client-id would take the session from each other for ever: one says so and
    stops with status 2 (Mosquitto 2.0 closes the old connection without MQTT 5's reason 0x8E: feeds/shared.py)."""
    url = str(tmp_path / "ops-store.sqlite")
    pair = [_Member(broker, url, 200, "--client-id", "rec-1", logs=tmp_path).subscribed()]
    pair.append(_Member(broker, url, 200, "--client-id", "rec-1", logs=tmp_path))
    end = time.monotonic() + 60
    while all(m.proc.poll() is None for m in pair) and time.monotonic() < end:
        time.sleep(0.2)
    told = [m for m in pair if m.proc.poll() is not None]
    for m in pair:
        if m.proc.poll() is None:
            m.proc.send_signal(signal.SIGINT)
        m.proc.communicate(timeout=60)
    assert told and told[0].proc.returncode == 2, [m.err for m in pair]
    assert "gave this recorder's session (client id rec-1) to another client" in told[0].err, told[0].err
    assert "Traceback" not in told[0].err


def test_share_needs_the_store_and_a_valid_group(broker, tmp_path):
    """A history file evaluates alarms, which need every reading of a terminal: --share is refused with it."""
    db = tmp_path / "rec.db"
    for extra, said in ((("--db", str(db), "--share", "ops"), "it needs --store"),
                        (("--store", str(tmp_path / "s.sqlite"), "--share", "a/b"), "group name without '/'")):
        rec = cli("record", "--mqtt", broker.address, "--terminals", "200", *extra)
        out, err = rec.communicate(timeout=30)
        assert rec.returncode == 2 and said in err and "Traceback" not in err and not out, err
    assert not db.exists()


def test_a_store_another_recorder_is_making_right_now_is_opened_not_refused(tmp_path):
    """Two recorders started at once on a new SQLite store: the second found the first one's file with its WAL
    header written and its schema not yet committed, and refused it as "another program's database"."""
    import sqlite3
    from offline.store import open_store
    path = tmp_path / "ops-store.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")  # what the first recorder has done so far
    con.close()
    assert path.stat().st_size > 0
    store = open_store(str(path), seed=False)
    try:
        assert store.has_table("observations")
    finally:
        store.close()
