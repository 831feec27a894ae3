"""Roles and least privilege in the PostgreSQL operations-centre store (issue 22, item 5).

`store init`, run by the store's owner (a role with CREATEROLE, not a superuser), migrates the
schema (versioned, offline/store/migrations.py) and makes the group roles with exactly their
privileges (offline/store/roles.py); login roles log in as members of one group. Each test here
logs in as a real role of a real throw-away cluster (tests/postgres.py, one per run) and goes
through the real CLI: a viewer cannot sync or resolve a conflict and is told so in one line (exit
3, zh too), a recorder cannot read HBIM records (it only inserts observations), a field-sync role cannot read a restricted table
and still syncs a package, and `store init` twice changes nothing. Before, any role that could
connect could do anything its grants allowed, and a refusal was a psycopg traceback.
SQLite has no roles: `--login-role` there is a usage error.
"""
from __future__ import annotations

import json
import re
import shutil
import uuid

import numpy as np
import pytest

from postgres import require_postgres
from tests.helpers import console_cli, old_town_package_fixture

created = old_town_package_fixture()


@pytest.fixture(scope="module")
def admin():
    """A login role that owns the test stores and may create roles: what `store init` runs as."""
    import psycopg
    cluster = require_postgres()
    name = "own_" + uuid.uuid4().hex[:8]
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as con:
        con.execute(f"CREATE ROLE {name} LOGIN CREATEROLE")
    return cluster, name


def _init(url: str, *args):
    return console_cli("store", "init", "--store", url, "--lang", "en", *args)


def _as(url: str, login: str) -> str:
    return re.sub(r"//[^@/]+@", f"//{login}@", url, count=1)


@pytest.fixture
def store(admin):
    """A new store, `store init` run on it by its owner with one login role per group."""
    cluster, owner = admin
    url = cluster.new_database(owner=owner)
    tag = uuid.uuid4().hex[:6]
    logins = {g: f"{g}_{tag}" for g in ("viewer", "operator", "recorder", "field_sync", "alarms")}
    run = _init(url, *[a for g, n in logins.items() for a in ("--login-role", f"{n}:{g}")])
    assert run.returncode == 0, run.stderr[-2000:]
    return url, {g: _as(url, n) for g, n in logins.items()}


def _edited_package(created, tmp_path):
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    pkg = tmp_path / "old-town.gpkg"
    shutil.copyfile(created, pkg)
    field = open_records(pkg, profile=FieldProfile("李伟", "老城遗产组", "li-laptop"))
    try:
        damage = field.records("damage")[0]
        damage.severity = 5 if damage.severity != 5 else 4
        field.put(damage)
    finally:
        field.close()
    return pkg, damage


def _one_line(run, *words):
    assert run.returncode == 3, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def test_a_viewer_cannot_sync_or_resolve_and_is_told_in_one_line(store, created, tmp_path):
    _, urls = store
    pkg, _ = _edited_package(created, tmp_path)
    before = pkg.read_bytes()
    run = console_cli("package", "sync", pkg, "--store", urls["viewer"], "--lang", "en")
    line = _one_line(run, "may not submit field edits (sync)", "viewer_")
    assert pkg.read_bytes() == before  # nothing marked synced in the package
    from layers.messages import localize
    assert "无权提交外业编辑（同步）" in localize(line.removeprefix("songjiang-console: "), "zh")
    listed = console_cli("package", "conflicts", "--store", urls["viewer"], "--lang", "en")
    assert listed.returncode == 0, listed.stderr  # reading is what a viewer may do
    from offline.store import open_store
    from offline.store.pg_store import PermissionRefused
    wall = open_store(urls["viewer"])
    try:
        with pytest.raises(PermissionRefused, match="may not resolve conflicts"):
            wall.resolve("any", "x", "wall")
    finally:
        wall.close()


def test_a_recorder_cannot_read_hbim_records(store):
    import psycopg
    _, urls = store
    with psycopg.connect(urls["recorder"], autocommit=True) as con:
        assert con.execute("SELECT version FROM schema_version ORDER BY version DESC").fetchone()[0] >= 3
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT * FROM hbim_damage")
    run = console_cli("package", "conflicts", "--store", urls["recorder"], "--lang", "en")
    _one_line(run, "may not read the store")
    with psycopg.connect(urls["recorder"], autocommit=True) as con:
        for table in ("observations", "latest"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(f"SELECT * FROM {table}")


def test_a_recorder_records_observations_it_cannot_read_or_drop(store):
    """Issue 22 item 1: the recorder inserts (binary COPY, day partitions made for it, ``latest`` kept by the
    owner's trigger) and may do nothing else with them."""
    import psycopg
    from offline.store import open_store
    from offline.store.observations import Observations
    from offline.store.pg_store import PermissionRefused
    owner_url, urls = store
    obs = Observations(open_store(urls["recorder"], seed=False))
    try:
        t = 1_765_100_000.0
        assert obs.append([5, 6], [t, t + 1], [1.0, 2.0]) == 2
        assert obs.append([5, 6], [t, t + 2], [1.0, 3.0]) == 1  # a repeat: the slower path, still only INSERT
        with pytest.raises(PermissionRefused, match="may not drop old sensor observations"):
            obs.drop_before(t + 3 * 86400)
    finally:
        obs.store.close()
    with psycopg.connect(owner_url, autocommit=True) as con:
        assert con.execute("SELECT datastream, result FROM latest ORDER BY 1").fetchall() == [(5, 1.0), (6, 3.0)]
        assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == 3


def test_a_field_sync_role_syncs_but_cannot_read_restricted_tables(admin, store, created, tmp_path):
    import psycopg
    owner_url, urls = store
    with psycopg.connect(owner_url, autocommit=True) as con:  # a restricted layer the centre keeps in its store
        con.execute("CREATE TABLE heritage_sites (id TEXT PRIMARY KEY, geom TEXT)")
    project = tmp_path / "centre.sjproj"
    project.write_text(json.dumps({"format": "songjiang-console-project", "version": 2, "layers": [],
                                   "restricted": ["heritage_sites"]}), encoding="utf-8")
    run = _init(owner_url, "--project", project)
    assert run.returncode == 0 and "restricted: heritage_sites" in run.stdout, run.stdout + run.stderr
    with psycopg.connect(urls["field_sync"], autocommit=True) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT * FROM heritage_sites")
    with psycopg.connect(urls["viewer"], autocommit=True) as con:
        con.execute("SELECT * FROM heritage_sites")  # the centre's own roles may see it
    pkg, _ = _edited_package(created, tmp_path)
    run = console_cli("package", "sync", pkg, "--store", urls["field_sync"], "--lang", "en")
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["edits"], report["applied"]) == (1, 1), report


def test_an_operator_resolves_a_conflict_that_a_viewer_cannot(store, created, tmp_path):
    from offline.store import open_store
    from offline.store.pg_store import PermissionRefused
    owner_url, urls = store
    pkg, damage = _edited_package(created, tmp_path)
    centre = open_store(owner_url)  # the centre changed the same field meanwhile: the sync queues a conflict
    try:
        centre.put("damage", {"id": damage.id, "severity": "1" if str(damage.severity) != "1" else "2"}, "centre")
    finally:
        centre.close()
    run = console_cli("package", "sync", pkg, "--store", urls["field_sync"], "--lang", "en")
    assert run.returncode == 0 and json.loads(run.stdout.splitlines()[-1])["conflict"] == 1, run.stdout + run.stderr
    wall, desk = open_store(urls["viewer"]), open_store(urls["operator"])
    try:
        (conflict,) = wall.conflicts()
        with pytest.raises(PermissionRefused, match="may not resolve conflicts"):
            wall.resolve(conflict["id"], conflict["field_value"], "wall")
        desk.resolve(conflict["id"], conflict["field_value"], "zhang")
        assert desk.get("damage", damage.id)["severity"] == conflict["field_value"]
        assert wall.conflicts() == []
    finally:
        wall.close()
        desk.close()


def test_only_the_alarm_service_role_writes_alarms_and_the_centre_reads_them(store):
    """Issue 22 item 3: the alarm service's own role reads the readings and writes alarms, their events and
    its checkpoint; a recorder (which stores the readings) may not touch alarms; viewer and operator read them."""
    import psycopg
    from layers.sensors.generate import generate
    from offline.store import open_store
    from offline.store.observations import Observations
    owner_url, urls = store
    reg = generate(50)
    obs = Observations(open_store(urls["recorder"], seed=False))
    try:
        tilt = int(reg.datastream[list(reg.kind_names()).index("tilt")])
        obs.append([tilt, tilt], [1_765_100_000.0, 1_765_100_010.0], [1e6, 1e6])  # far over: raised at once
    finally:
        obs.store.close()
    run = console_cli("alarms", "serve", "--store", urls["alarms"], "--terminals", "50", "--once", "--lang", "en")
    assert run.returncode == 0 and json.loads(run.stdout)["events"] == 1, run.stderr[-2000:]
    for who in ("viewer", "operator"):
        with psycopg.connect(urls[who], autocommit=True) as con:
            assert con.execute("SELECT datastream, event FROM alarm_events").fetchall() == [(tilt, "raised")]
            assert con.execute("SELECT count(*) FROM alarms WHERE status = 'active'").fetchone()[0] == 1
    with psycopg.connect(urls["recorder"], autocommit=True) as con:
        for sql in ("INSERT INTO alarm_events (alarm, datastream, event, severity, at) VALUES (9, 1, 'raised', 2, 0)",
                    "UPDATE alarm_service SET checkpoint = 0", "SELECT * FROM alarms"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(sql)
    with psycopg.connect(urls["alarms"], autocommit=True) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT * FROM hbim_components")  # the alarm service reads readings, not HBIM records


def test_the_alarm_service_role_writes_the_vital_signs_and_only_the_centre_reads_them(store):
    """Issue 22 item 4: the city vital signs' minute samples (``vitals``) are the alarm service's to write (it
    rebuilds each terminal's latest reading from ``latest`` and the readings when it starts); viewer and
    operator read them (a following window's sparklines); nobody else writes them, the recorder reads nothing."""
    import psycopg
    from layers.sensors.generate import generate
    from offline.store import open_store
    from offline.store.observations import Observations
    _, urls = store
    reg = generate(50)
    obs = Observations(open_store(urls["recorder"], seed=False))
    try:
        for k in range(10):  # a reading of every terminal every 30 s, for five minutes
            obs.append(reg.datastream, np.full(len(reg), 1_765_100_000.0 + 30 * k), np.ones(len(reg)))
    finally:
        obs.store.close()
    for _ in range(2):  # the second run starts by rebuilding the state from what the alarm role may read
        run = console_cli("alarms", "serve", "--store", urls["alarms"], "--terminals", "50", "--once", "--lang", "en")
        assert run.returncode == 0, run.stderr[-2000:]
    for who in ("viewer", "operator"):
        with psycopg.connect(urls[who], autocommit=True) as con:
            minutes = con.execute("SELECT time FROM vitals WHERE district = 'all' AND indicator = 'online' "
                                  "ORDER BY time").fetchall()
            assert len(minutes) == 4, minutes
    for who in ("viewer", "operator", "recorder"):
        with psycopg.connect(urls[who], autocommit=True) as con:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("INSERT INTO vitals (district, indicator, time, value) VALUES ('all', 'online', 0, 1)")
    with psycopg.connect(urls["recorder"], autocommit=True) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT * FROM vitals")


def _state(url):
    import psycopg
    with psycopg.connect(url, autocommit=True) as con:
        versions = con.execute("SELECT version, applied_at FROM schema_version ORDER BY version").fetchall()
        acl = con.execute("SELECT relname, relacl::text FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                          "ORDER BY relname").fetchall()
        members = con.execute("SELECT r.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
                               "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname LIKE 'songjiang_%' "
                               "ORDER BY 1, 2").fetchall()
    return versions, acl, members


def test_store_init_twice_changes_nothing_and_an_older_schema_migrates(store):
    import psycopg
    owner_url, urls = store
    first = _state(owner_url)
    from offline.store.migrations import LATEST
    assert [v for v, _ in first[0]] == list(range(1, LATEST + 1))
    again = _init(owner_url)
    assert again.returncode == 0 and "0 records added" in again.stdout, again.stdout + again.stderr
    assert _state(owner_url) == first
    with psycopg.connect(owner_url, autocommit=True) as con:  # as a console before versioned migrations left it
        con.execute("DROP TABLE schema_version, restricted_tables")
        con.execute("ALTER TABLE conflicts DROP COLUMN reason")
    old = console_cli("package", "conflicts", "--store", urls["viewer"], "--lang", "en")
    _one_line(old, "may not update the store's schema; its owner runs songjiang-console store init")
    assert _init(owner_url).returncode == 0
    with psycopg.connect(urls["viewer"], autocommit=True) as con:
        assert [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version")] == \
            list(range(1, LATEST + 1))
        con.execute("SELECT reason FROM conflicts")


def test_login_roles_on_sqlite_are_a_usage_error(tmp_path):
    target = tmp_path / "ops.sqlite"
    run = console_cli("store", "init", "--store", target, "--login-role", "wall:viewer", "--lang", "en")
    assert run.returncode == 2 and "an SQLite store has no roles" in run.stderr, run.stderr
    assert not target.exists()


def test_every_refused_action_has_its_chinese_words():
    """A new ``tx("…")`` without its zh entry would print English in a Chinese session."""
    from pathlib import Path
    from layers.messages import STORE_ACTIONS
    from offline.store.migrations import MIGRATE
    root = Path(__file__).resolve().parent.parent
    said = {MIGRATE, "read the store", "write to the store"}
    for path in [*root.glob("offline/store/*.py"), *root.glob("console/cli_*.py")]:
        said.update(re.findall(r'\.tx\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert len(said) > 5 and said <= set(STORE_ACTIONS), said - set(STORE_ACTIONS)
