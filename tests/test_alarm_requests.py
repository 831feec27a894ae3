"""Operators acknowledge, clear and annotate the store's alarms through the alarm service (issue 22 item 4).

Before, an acknowledgement lived only in the window that made it: the store's alarms (written by
`alarms serve`) could not be acknowledged at all, and a desk updating `alarms` itself would have been
overwritten by the service's next step. Now `alarms ack|clear|note` inserts a request with the operator's
name; the service applies pending requests in its step, in the same transaction as its checkpoint.

What a user checks: two operators acknowledging the same alarm at once both succeed and the history
shows both names; a request whose service is killed before applying it is applied once by the next
one; a viewer (wall) role is refused in one line naming the role, an operator role is not. Real
PostgreSQL (tests/postgres.py) with the roles `store init` makes, SQLite, the real CLI in subprocesses.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from postgres import require_postgres
from tests.alarm_writer import TERMINALS
from tests.helpers import console_cli
from tests.test_alarm_service import ROOT, WRITER, _once, _serve
from tests.test_store_history import _sql
from tests.test_store_roles import admin, store  # noqa: F401 — fixtures: a store with one login per role


def _stored(url):
    """A few batches of readings, evaluated: the store has open alarms."""
    w = subprocess.run([sys.executable, str(WRITER), url, "1", "6", "300", "3.0"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert w.returncode == 0, w.stderr[-2000:]
    _once(url)


def _an_active_alarm(url, normal: bool = False) -> int:
    """An unacknowledged alarm still out of range (``normal``: one back to normal, which an acknowledgement closes)."""
    rows = _sql(url, f"SELECT id FROM alarms WHERE status = 'active' AND normal_since IS {'NOT ' if normal else ''}NULL "
                     "ORDER BY id")
    assert rows, "the readings raised no such alarm"
    return int(rows[0][0])


def _ask(url, action, alarm, who, *extra):
    return [sys.executable, "-m", "console", "alarms", action, str(alarm), "--store", url, "--as", who,
            "--lang", "en", *extra]


def _acks(url, alarm):
    return _sql(url, f"SELECT who, note FROM alarm_events WHERE alarm = {alarm} AND event = 'acknowledged' ORDER BY seq")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_operators_acknowledging_one_alarm_at_once_are_both_in_the_history(backend, tmp_path):
    url = require_postgres().new_database() if backend == "postgresql" else str(tmp_path / "ops-store.sqlite")
    _stored(url)
    alarm, normal = _an_active_alarm(url), _an_active_alarm(url, normal=True)
    desks = [subprocess.Popen(_ask(url, "ack", a, who, "--note", note), cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for a in (alarm, normal) for who, note in (("王芳", "已派人"), ("李伟", "收到"))]
    for d in desks:
        out, err = d.communicate(timeout=120)
        assert d.returncode == 0 and json.loads(out)["outcome"] is None, err[-2000:]  # pending: no service yet
    listed = json.loads(console_cli("alarms", "list", "--store", url, "--json").stdout)
    assert sorted(p["who"] for p in next(a for a in listed if a["id"] == alarm)["pending"]) == ["李伟", "王芳"]
    assert _once(url)["requests"] == 4
    for a in (alarm, normal):  # both, each with their words (the first closes the one back to normal: still both)
        assert sorted(_acks(url, a)) == sorted([("王芳", "已派人"), ("李伟", "收到")])
    assert _sql(url, f"SELECT status FROM alarms WHERE id = {normal}") == [("cleared",)]
    outcomes = _sql(url, f"SELECT outcome FROM alarm_requests WHERE alarm = {alarm} ORDER BY id")
    assert sorted(o for (o,) in outcomes) == ["again", "done"], outcomes
    first = _sql(url, f"SELECT who FROM alarm_requests WHERE alarm = {alarm} AND outcome = 'done'")[0][0]
    assert _sql(url, f"SELECT acked_by FROM alarms WHERE id = {alarm}")[0][0] == first  # the first desk's name stays
    # a note and a clear go the same way; the clear leaves the open list
    assert console_cli("alarms", "note", alarm, "--store", url, "--as", "李伟", "--note", "传感器松动").returncode == 0
    assert console_cli("alarms", "clear", alarm, "--store", url, "--as", "王芳").returncode == 0
    assert _once(url)["requests"] == 2
    notes = _sql(url, f"SELECT event, who, note FROM alarm_events WHERE alarm = {alarm} AND event IN ('note', 'cleared')")
    assert notes == [("note", "李伟", "传感器松动"), ("cleared", "王芳", "")], notes
    assert alarm not in [a["id"] for a in json.loads(console_cli("alarms", "list", "--store", url, "--json").stdout)]
    again = console_cli("alarms", "ack", alarm, "--store", url, "--as", "李伟", "--lang", "en")
    assert again.returncode == 2 and f"alarm {alarm} is already cleared" in again.stderr, again.stderr


def test_an_acknowledgement_outlives_a_service_killed_before_committing_it(tmp_path):
    """The service applies the request in memory and writes its step, then waits on the request's row (held
    here) to mark it applied: killed there, its whole step is rolled back and the next service applies it once.
    (PostgreSQL: its row locks let the step get that far; on SQLite a step is the same one transaction.)"""
    import psycopg
    url = require_postgres().new_database()
    _stored(url)
    alarm = _an_active_alarm(url)
    asked = console_cli("alarms", "ack", alarm, "--store", url, "--as", "王芳", "--note", "夜班")
    assert asked.returncode == 0, asked.stderr
    log = tmp_path / "alarms.log"
    with psycopg.connect(url) as hold:
        hold.execute("SELECT * FROM alarm_requests FOR UPDATE")
        svc = _serve(url, log=log)
        try:
            end = time.monotonic() + 60
            while not _sql(url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                "AND query LIKE 'UPDATE alarm_requests%'")[0][0]:
                assert time.monotonic() < end and svc.poll() is None, log.read_text()[-2000:]
                time.sleep(0.05)
        finally:
            svc.send_signal(signal.SIGKILL)
            svc.wait(timeout=60)
        hold.rollback()
    assert _acks(url, alarm) == []  # killed before its commit: nothing applied ...
    assert _sql(url, "SELECT applied_at FROM alarm_requests") == [(None,)]  # ... and the request still pending
    assert _once(url)["requests"] == 1
    assert _acks(url, alarm) == [("王芳", "夜班")]  # applied once by the next service
    assert _once(url)["requests"] == 0 and _acks(url, alarm) == [("王芳", "夜班")]  # and never again


def alarms_raised(urls: dict):
    """A recorder role stores readings that raise alarms; the alarm service evaluates them once."""
    w = subprocess.run([sys.executable, str(WRITER), urls["recorder"], "1", "6", "300", "3.0"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert w.returncode == 0, w.stderr[-2000:]
    run = console_cli("alarms", "serve", "--store", urls["alarms"], "--terminals", TERMINALS, "--once", "--lang", "en")
    assert run.returncode == 0, run.stderr[-2000:]


def test_a_viewer_cannot_acknowledge_and_an_operator_can(store):  # noqa: F811 — the fixture imported above
    from tests.test_store_roles import _one_line
    owner_url, urls = store
    alarms_raised(urls)
    alarm = _an_active_alarm(owner_url)
    wall = console_cli("alarms", "ack", alarm, "--store", urls["viewer"], "--as", "墙", "--lang", "en")
    line = _one_line(wall, "may not acknowledge alarms", "viewer_")  # the viewer's login role is named
    assert "permission denied" in line
    zh = console_cli("alarms", "ack", alarm, "--store", urls["viewer"], "--as", "墙", "--lang", "zh")
    _one_line(zh, "无权确认报警")
    assert _sql(owner_url, "SELECT count(*) FROM alarm_requests")[0][0] == 0
    desk = console_cli("alarms", "ack", alarm, "--store", urls["operator"], "--as", "王芳", "--lang", "en")
    assert desk.returncode == 0, desk.stderr
    run = console_cli("alarms", "serve", "--store", urls["alarms"], "--terminals", TERMINALS, "--once", "--lang", "en")
    assert run.returncode == 0 and json.loads(run.stdout)["requests"] == 1, run.stderr[-2000:]
    assert _acks(owner_url, alarm) == [("王芳", "")]
    login = _sql(owner_url, "SELECT login FROM alarm_requests")[0][0]
    assert login.startswith("operator_")  # the server names the role that asked, whatever --as says
    shown = console_cli("alarms", "list", "--store", urls["viewer"], "--json")  # the wall reads who acknowledged
    assert [k["who"] for a in json.loads(shown.stdout) if a["id"] == alarm for k in a["acknowledgements"]] == ["王芳"]
