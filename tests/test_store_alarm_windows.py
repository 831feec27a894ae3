"""Windows that follow the store show its alarms, and an acknowledgement made on one shows on every other (issue 22 item 4).

Before, a window opened on an operations-centre store (`open --store URL`) showed the alarms it computed
itself from whatever readings it received, and an acknowledgement made on one desk was invisible on the
next. Now such a window's alarm dock is a mirror of the store's alarms (offline/store/alarm_mirror.py),
woken by the alarm service's notification on PostgreSQL and polling SQLite, and its buttons file requests
the alarm service applies (offline/store/alarm_requests.py).

What a user checks, with the real alarm service (`alarms serve`, a subprocess) raising alarms from stored
readings (tests/alarm_writer.py), real windows under Xvfb, real PostgreSQL (tests/postgres.py, real roles
from `store init`) and SQLite: an acknowledgement clicked on window A shows on B and C with A's operator
(the delay is printed, not asserted); A closed and opened again shows the same open alarms and
acknowledgements; two windows acknowledging one alarm at once are both in the history; a viewer-role
window is told in one line why it cannot act and files nothing; an alarm is assigned from the CLI and from
the window ("Assign to…") and every side shows whom to.
"""
from __future__ import annotations

import json
import signal
import time

import pytest
from PySide6.QtCore import Qt

from postgres import require_postgres
from tests.helpers import console_cli
from tests.test_alarm_requests import _stored
from tests.test_alarm_service import _once, _serve, _wait_for
from tests.test_store_history import _sql
from tests.test_store_roles import admin, store  # noqa: F401 — fixtures: a store with one login per role

pytestmark = pytest.mark.gui


def _url(backend, tmp_path) -> str:
    return require_postgres().new_database() if backend == "postgresql" else str(tmp_path / "ops-store.sqlite")


def _window(qtbot, make_window, url, operator):
    """`open --store URL` as the operator ``operator`` (the setting a desk keeps), the sensor layer loaded."""
    from console import settings
    from layers.sensors.source import sensor_spec
    settings.change(operator=operator)
    win = make_window(store=url, follow=True, demo_feed=False, size=(1100, 700))
    win.load_specs([sensor_spec()])
    panel = win.panels.sensor_panel
    qtbot.waitUntil(lambda: getattr(panel, "store_alarms", None) is not None and panel.store_alarms.book.loaded,
                    timeout=120000)
    book = panel.store_alarms.book  # and the dock lists what the store holds (its refresh follows a read)
    qtbot.waitUntil(lambda: len(panel.alarms.model.cols["id"]) == len(book.open_alarms() + book.recently_cleared(200)),
                    timeout=10000)
    return win, panel


def _shown(panel) -> dict:
    """What the dock lists as open: alarm id → (status, acknowledged by, assignee), as the rows say it."""
    dock = panel.alarms
    dock.refresh()
    out = {}
    for row in range(dock.rows()):
        aid = dock.model.alarm_at(row)
        if dock.cell(row, "status") != _tr("sensors.status_cleared"):
            out[aid] = (dock.cell(row, "status"), dock.cell(row, "acked").split(" ")[0], dock.cell(row, "assignee"))
    return out


def _tr(key, **kw):
    from layers.sensors.strings import tr
    return tr(key, **kw)


def _click(qtbot, dock, alarm_id, button):
    """As a user: the alarm's row selected, then the button."""
    dock.select_alarms([alarm_id])
    assert dock.selected_alarms() == [alarm_id]
    qtbot.mouseClick(button, Qt.LeftButton)


def _an_active(panel) -> int:
    """An unacknowledged alarm still out of range (an acknowledgement leaves it open)."""
    found = [a.id for a in panel.model.alarms.open_alarms() if a.status == "active" and a.normal_since is None]
    assert found, "the stored readings raised no such alarm"
    return found[0]


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_an_acknowledgement_on_one_window_shows_on_the_others_and_after_reopening(backend, tmp_path, qtbot,
                                                                                  make_window):
    from layers import i18n
    i18n.set_language("en")
    url = _url(backend, tmp_path)
    _stored(url)  # readings stored, alarms raised by the service
    log = tmp_path / "alarms.log"
    svc = _serve(url, log=log)
    try:
        _wait_for(log, "evaluating the alarms of")
        (a, pa), (b, pb), (c, pc) = (_window(qtbot, make_window, url, who) for who in ("王芳", "李伟", "张敏"))
        open_ids = {r[0] for r in _sql(url, "SELECT id FROM alarms WHERE status <> 'cleared'")}
        for p in (pa, pb, pc):  # every window shows the store's alarms, none of its own
            assert set(_shown(p)) == open_ids and open_ids
        alarm = _an_active(pa)
        clicked = time.monotonic()
        _click(qtbot, pa.alarms, alarm, pa.alarms.ack_button)
        acked = _tr("sensors.status_acknowledged")
        seen = {}
        for name, p in (("B", pb), ("C", pc)):
            qtbot.waitUntil(lambda p=p: _shown(p).get(alarm, ("",))[:2] == (acked, "王芳"), timeout=30000)
            seen[name] = time.monotonic() - clicked
        print(f"\n{backend}: acknowledged on A, seen on B after {seen['B'] * 1000:.0f} ms, "
              f"on C after {seen['C'] * 1000:.0f} ms")
        qtbot.waitUntil(lambda: _shown(pa).get(alarm, ("",))[:2] == (acked, "王芳"), timeout=30000)
        assert _sql(url, f"SELECT who FROM alarm_events WHERE alarm = {alarm} AND event = 'acknowledged'") == [("王芳",)]
        before = _shown(pb)
        a.close()
        a, pa = _window(qtbot, make_window, url, "王芳")  # reopened: the store's alarms and acknowledgements
        assert _shown(pa) == before == _shown(pc)
    finally:
        svc.send_signal(signal.SIGTERM)
        svc.communicate(timeout=60)


def test_two_windows_acknowledging_one_alarm_at_once_are_both_in_the_history(tmp_path, qtbot, make_window):
    """Both click before the service applies either: both requests pending on both desks, then both in the history."""
    from layers import i18n
    i18n.set_language("en")
    url = require_postgres().new_database()
    _stored(url)
    (a, pa), (b, pb) = (_window(qtbot, make_window, url, who) for who in ("王芳", "李伟"))
    alarm = _an_active(pa)
    for p in (pa, pb):
        _click(qtbot, p.alarms, alarm, p.alarms.ack_button)
    qtbot.waitUntil(lambda: _sql(url, "SELECT count(*) FROM alarm_requests WHERE applied_at IS NULL")[0][0] == 2,
                    timeout=30000)
    pending = f"{_tr('sensors.status_active')} · {_tr('sensors.pending')}"
    for p in (pa, pb):  # the other desk's request shows too
        qtbot.waitUntil(lambda p=p: _shown(p)[alarm][0] == pending, timeout=30000)
    assert _once(url)["requests"] == 2
    acked = _tr("sensors.status_acknowledged")
    for p in (pa, pb):
        qtbot.waitUntil(lambda p=p: _shown(p)[alarm][0] == acked, timeout=30000)
    assert sorted(_sql(url, f"SELECT who FROM alarm_events WHERE alarm = {alarm} AND event = 'acknowledged'")) == \
        [("李伟",), ("王芳",)]
    outcomes = sorted(o for (o,) in _sql(url, f"SELECT outcome FROM alarm_requests WHERE alarm = {alarm}"))
    assert outcomes == ["again", "done"]


def test_a_viewer_window_cannot_acknowledge_and_says_why(store, qtbot, make_window):  # noqa: F811
    """The wall's role reads the alarms; its button files nothing and one line in the status bar says why (zh, en)."""
    from layers import i18n
    from tests.test_alarm_requests import alarms_raised
    owner_url, urls = store
    alarms_raised(urls)
    win, panel = _window(qtbot, make_window, urls["viewer"], "墙")
    assert set(_shown(panel)) == {r[0] for r in _sql(owner_url, "SELECT id FROM alarms WHERE status <> 'cleared'")}
    alarm = _an_active(panel)
    for lang, words in (("en", "may not acknowledge alarms"), ("zh", "无权确认报警")):
        i18n.set_language(lang)
        win.statusBar().clearMessage()
        _click(qtbot, panel.alarms, alarm, panel.alarms.ack_button)
        qtbot.waitUntil(lambda: words in win.statusBar().currentMessage(), timeout=30000)
        line = win.statusBar().currentMessage()
        assert "\n" not in line and "viewer_" in line, line  # one line naming the wall's role
        qtbot.waitUntil(lambda: _shown(panel)[alarm][0] == _tr("sensors.status_active"), timeout=10000)
    assert _sql(owner_url, "SELECT count(*) FROM alarm_requests")[0][0] == 0  # nothing filed, nothing changed
    assert _sql(owner_url, f"SELECT status, COALESCE(acked_by, '') FROM alarms WHERE id = {alarm}") == [("active", "")]


def test_an_alarm_is_assigned_from_the_cli_and_from_the_window(tmp_path, qtbot, make_window):
    from layers import i18n
    i18n.set_language("en")
    url = str(tmp_path / "ops-store.sqlite")
    _stored(url)
    win, panel = _window(qtbot, make_window, url, "王芳")
    first, second = [a.id for a in panel.model.alarms.open_alarms() if a.normal_since is None][:2]
    asked = console_cli("alarms", "assign", first, "--to", "赵强", "--as", "李伟", "--store", url)
    assert asked.returncode == 0 and json.loads(asked.stdout)["action"] == "assign", asked.stderr
    dock = panel.alarms
    dock.select_alarms([second])
    assert dock.selected_alarms() == [second]
    qtbot.mouseClick(dock.assign_button, Qt.LeftButton)  # "Assign to…": a small dialog asks whom
    qtbot.waitUntil(lambda: dock.assign_dialog is not None and dock.assign_dialog.isVisible(), timeout=5000)
    dock.assign_dialog.setTextValue("陈静")
    dock.assign_dialog.accept()
    qtbot.waitUntil(lambda: _sql(url, "SELECT count(*) FROM alarm_requests WHERE action = 'assign'")[0][0] == 2,
                    timeout=30000)
    assert _once(url)["requests"] == 2
    qtbot.waitUntil(lambda: _shown(panel)[first][2] == "赵强" and _shown(panel)[second][2] == "陈静", timeout=30000)
    assert _sql(url, "SELECT alarm, who, note FROM alarm_events WHERE event = 'assigned' ORDER BY seq") == \
        [(first, "李伟", "赵强"), (second, "王芳", "陈静")]
    listed = console_cli("alarms", "list", "--store", url)
    assert listed.returncode == 0
    lines = {int(line.split("\t")[0]): line for line in listed.stdout.splitlines()}
    assert "assigned to 赵强" in lines[first] and "assigned to 陈静" in lines[second]
    refused = console_cli("alarms", "assign", first, "--to", " ", "--as", "李伟", "--store", url, "--lang", "en")
    assert refused.returncode == 2 and "give the assignee's name with --to" in refused.stderr, refused.stderr


@pytest.mark.slow
def test_a_window_carries_on_after_the_store_restarted(tmp_path, qtbot, make_window):
    """The server restarted under the window and the service: one line says so, then acknowledging works again."""
    from layers import i18n
    i18n.set_language("en")
    cluster = require_postgres()
    url = cluster.new_database()
    _stored(url)
    log = tmp_path / "alarms.log"
    svc = _serve(url, log=log)
    try:
        _wait_for(log, "evaluating the alarms of")
        win, panel = _window(qtbot, make_window, url, "王芳")
        cluster.restart()
        lost = _tr("sensors.store_alarms_lost", msg="")
        qtbot.waitUntil(lambda: lost in win.statusBar().currentMessage(), timeout=30000)
        _wait_for(log, "evaluating the alarms of", 2)  # the service is back on the store too
        alarm = _an_active(panel)
        _click(qtbot, panel.alarms, alarm, panel.alarms.ack_button)  # its kept connection died: a new one
        qtbot.waitUntil(lambda: _shown(panel)[alarm][:2] == (_tr("sensors.status_acknowledged"), "王芳"),
                        timeout=60000)
    finally:
        svc.send_signal(signal.SIGTERM)
        svc.communicate(timeout=60)
