"""A PostgreSQL password never leaks (issue 20, item 4): not into output, logs, packages, settings or children.

On main a ``?password=`` in the store URL was printed in the sync JSON and written into the
package's ``field_sync`` table (which travels back to the field), ``open --store`` copied the URL
into ``SONGJIANG_STORE`` for every child process, and the sync dialog showed it in clear. Here a
real throw-away cluster has a role that must log in with a password (scram-sha-256 on loopback),
a sentinel password is given every way the README allows (in the store string from
``$SONGJIANG_STORE`` as URL user info, ``?password=`` and keyword string; ``PGPASSWORD``; a libpq
passfile; the OS keyring), and the sentinel must then be in no stdout/stderr of ``package sync`` /
``package conflicts`` (run with ``-v``, so the log lines are there too), no byte of the package
or its -wal, no file under the run's home and config folders but the keyring's own, and no child
environment. On the command line a password is refused in one line, the package untouched.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from field_package import cut_from, seed_rows
from tests.helpers import REPO

SENTINEL = "SjSentinel" + uuid.uuid4().hex[:10]
TESTS = Path(__file__).resolve().parent


# -- the redaction, over every libpq form ---------------------------------------------------------
FORMS = [
    "postgresql://ops:{pw}@db.example:5432/ops",
    "postgres://ops:{pw}@db.example/ops",
    "postgresql://ops@db.example:5432/ops?password={pw}",
    "postgresql://ops@db.example/ops?sslmode=disable&password={pw}&application_name=desk",
    "postgresql://ops@db.example/ops?sslpassword={pw}",
    "postgresql://ops@db.example/ops?pass%77ord={pw}",  # libpq decodes the key
    "postgresql://ops:{pw}@/ops?host=/var/run/postgresql",
    "postgresql://ops:{pw}@h1:5432,h2:5433/ops",
    "postgresql://ops:{pw}@[::1]:5432/ops",
    "host=db.example port=5432 user=ops password={pw} dbname=ops",
    "host=db.example password = {pw} dbname=ops",
    "host=db.example password='{pw}' dbname=ops",
    "host=db.example password='a b\\' {pw}' dbname=ops",  # quoted, with a space and an escaped quote
    "password={pw} host=db.example",
    "host=/tmp dbname=ops sslpassword={pw}",
]
BROKEN = [  # libpq cannot read these, or reads them other than meant: scrubbed, never echoed
    "postgresql://ops:p@ss{pw}@db.example/ops",   # an unescaped "@" in the password
    "postgresql://ops:a/{pw}@db.example/ops",     # an unescaped "/" in the password
    "host=db.example password=two {pw} dbname=ops",  # an unquoted space
    "host=db.example password='{pw} dbname=ops",  # an unterminated quote
]


@pytest.mark.parametrize("form", FORMS)
def test_every_libpq_form_is_redacted_and_still_names_the_same_store(form):
    from psycopg.conninfo import conninfo_to_dict
    from offline.store.conninfo import is_postgres, redact, split
    text = form.format(pw=SENTINEL)
    shown = redact(text)
    assert SENTINEL not in shown and "password" not in shown
    assert is_postgres(text)
    parsed = {k: v for k, v in conninfo_to_dict(text).items() if k not in ("password", "sslpassword")}
    assert conninfo_to_dict(shown) == parsed  # the identity still connects to the same place
    assert redact(shown) == shown
    assert split(text)[1] and SENTINEL in "".join(split(text)[1].values())


def test_one_store_has_one_identity_in_every_form():
    from offline.store.conninfo import redact
    forms = ["postgresql://ops:{pw}@db.example:5432/ops", "postgresql://ops@db.example:5432/ops?password={pw}",
             "host=db.example port=5432 user=ops password={pw} dbname=ops", "postgresql://ops@db.example:5432/ops"]
    assert {redact(f.format(pw=SENTINEL)) for f in forms} == {"postgresql://ops@db.example:5432/ops"}


@pytest.mark.parametrize("form", BROKEN)
def test_strings_libpq_cannot_read_are_scrubbed(form):
    from offline.store.conninfo import redact, scrub
    text = form.format(pw=SENTINEL)
    assert SENTINEL not in redact(text) and SENTINEL not in scrub(text)
    assert SENTINEL not in scrub(f"connection failed: {text} (boom)")


def test_sqlite_paths_are_not_store_urls():
    from offline.store.conninfo import is_postgres, redact
    for path in ("/data/ops-store.sqlite", "老城 #2 %41.sqlite", "C:\\ops\\store.sqlite", "password.sqlite"):
        assert not is_postgres(path) and redact(path) == path


def test_a_mistyped_scheme_is_refused_not_made_into_a_file(tmp_path, monkeypatch):
    from offline.store import open_store
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError) as info:
        open_store(f"postgresq://ops:{SENTINEL}@db.example/ops")
    assert SENTINEL not in str(info.value) and not list(tmp_path.iterdir())


def test_the_refusals_are_told_in_chinese_too(tmp_path, monkeypatch):
    import re
    from console.store_login import refuse_argv_password
    from layers.messages import localize
    from offline.store import open_store
    from offline.store.conninfo import BadConninfo, parse
    monkeypatch.chdir(tmp_path)
    raised = []
    for call, arg in ((parse, f"postgresql://ops:p@{SENTINEL}@db.example/ops"),
                      (parse, f"host=db.example password='{SENTINEL}"),
                      (refuse_argv_password, f"postgresql://ops:{SENTINEL}@db.example/ops"),
                      (open_store, f"postgresq://ops:{SENTINEL}@db.example/ops")):
        with pytest.raises(ValueError) as info:
            call(arg)
        raised.append(str(info.value))
    assert isinstance(BadConninfo(""), ValueError)
    for message in raised:
        assert SENTINEL not in message and "\n" not in message
        assert re.search(r"[\u4e00-\u9fff]", localize(message, "zh")), message


# -- a real cluster, a role that needs its password -------------------------------------------------
@pytest.fixture(scope="module")
def secured():
    """(cluster, role, the store's URL without the password), seeded with the HBIM records."""
    from postgres import require_postgres
    from offline.store import open_store
    cluster = require_postgres()
    role = cluster.password_role(SENTINEL)
    url = cluster.new_database(owner=role)
    store = open_store(_with_password(url))
    for table, rows in seed_rows().items():
        store.import_rows(table, rows)
    store.close()
    return cluster, role, url


def _with_password(url: str) -> str:
    """The test's own way in (any console version takes it in-process): the password in the URL."""
    return url.replace("@127.0.0.1", f":{SENTINEL}@127.0.0.1")


def _edited_package(url: str, tmp_path: Path) -> Path:
    from offline.records import open_records
    from offline.field.profile import FieldProfile
    from offline.store import open_store
    store = open_store(_with_password(url))
    package = cut_from(store, tmp_path / "field.gpkg")
    first = store.records("inspections")[0]["id"]
    store.close()
    field = open_records(package, profile=FieldProfile("Li Wei", "old-town team", "laptop-1"))
    rec = field.get("inspections", first)
    rec.notes = "east arch: new crack " + uuid.uuid4().hex[:6]
    field.put(rec)
    field.close()
    return package


def _home(tmp_path: Path) -> dict:
    """A home and XDG folders of the run's own, to read back afterwards."""
    dirs = {"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_DATA_HOME": "data", "XDG_CACHE_HOME": "cache",
            "XDG_STATE_HOME": "state", "SONGJIANG_DATA_DIR": "sj-data", "SONGJIANG_CACHE_DIR": "sj-cache",
            "SONGJIANG_CONFIG_DIR": "sj-config"}
    env = {}
    for var, sub in dirs.items():
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp_path / sub)
    return env


def _ways(cluster, role: str, url: str, tmp_path: Path) -> dict:
    """way → (--store argument or None, extra environment)."""
    host = f"127.0.0.1:{cluster.port}"
    db = url.rsplit("/", 1)[1]
    return {
        "url-userinfo": (None, {"SONGJIANG_STORE": f"postgresql://{role}:{SENTINEL}@{host}/{db}"}),
        "url-query": (None, {"SONGJIANG_STORE": f"postgresql://{role}@{host}/{db}?password={SENTINEL}"}),
        "keywords": (None, {"SONGJIANG_STORE": f"host=127.0.0.1 port={cluster.port} user={role} "
                                               f"password='{SENTINEL}' dbname={db}"}),
        "PGPASSWORD": (url, {"PGPASSWORD": SENTINEL}),
        "pgpassfile": (url, {"PGPASSFILE": str(tmp_path / "pgpass")}),
        "~/.pgpass": (url, {}),
        "keyring": (url, {"PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring"}),
    }


def _run(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "console", "-v", "package", *map(str, args), "--lang", "en"],
                          cwd=REPO, capture_output=True, text=True, env=env, timeout=180)


def _leaks(root: Path, skip=()) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and p not in skip and SENTINEL.encode() in p.read_bytes()]


@pytest.mark.parametrize("way", ["url-userinfo", "url-query", "keywords", "PGPASSWORD", "pgpassfile", "~/.pgpass",
                                 "keyring"])
def test_the_password_is_found_nowhere_after_sync_and_conflicts(secured, tmp_path, way):
    cluster, role, url = secured
    package = _edited_package(url, tmp_path)
    store_arg, extra = _ways(cluster, role, url, tmp_path)[way]
    run_dirs = _home(tmp_path / "run")
    env = {k: v for k, v in os.environ.items() if k not in ("SONGJIANG_STORE", "PGPASSWORD", "PGPASSFILE")}
    env.update(run_dirs, PYTHONPATH=os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]), **extra)
    passfile = Path(extra.get("PGPASSFILE") or Path(run_dirs["HOME"]) / ".pgpass")
    keyring_file = None
    if "pgpass" in way:
        passfile.write_text(f"127.0.0.1:{cluster.port}:*:{role}:{SENTINEL}\n")
        passfile.chmod(0o600)
    if way == "keyring":
        keyring_file = Path(run_dirs["XDG_DATA_HOME"]) / "python_keyring" / "test-keyring.json"
        keyring_file.parent.mkdir(parents=True)
        keyring_file.write_text(json.dumps({f"songjiang-console/postgresql\t{role}@127.0.0.1:{cluster.port}":
                                            SENTINEL}))
    store = ["--store", store_arg] if store_arg else []
    sync = _run(env, "sync", package, *store)
    assert sync.returncode == 0, sync.stderr
    report = json.loads(sync.stdout)
    assert report["applied"] == 1 and report["store"] == url
    assert "synced" in sync.stderr  # the -v log line is there, and was looked at
    conflicts = _run(env, "conflicts", *store)
    assert conflicts.returncode == 0, conflicts.stderr
    for out in (sync, conflicts):
        assert SENTINEL not in out.stdout + out.stderr
    with sqlite3.connect(package) as con:
        assert {r[0] for r in con.execute("SELECT store FROM field_sync")} == {url}
    assert not _leaks(tmp_path, skip={passfile, keyring_file})  # where the user put it, and nowhere else


@pytest.mark.parametrize("form", ["postgresql://{role}:{pw}@{host}/{db}",
                                  "postgresql://{role}@{host}/{db}?password={pw}",
                                  "host=127.0.0.1 port={port} user={role} password={pw} dbname={db}"])
def test_a_password_on_the_command_line_is_refused_in_one_line(secured, tmp_path, form):
    cluster, role, url = secured
    package = _edited_package(url, tmp_path)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.glob("field.gpkg*")}
    text = form.format(role=role, pw=SENTINEL, host=f"127.0.0.1:{cluster.port}", port=cluster.port,
                       db=url.rsplit("/", 1)[1])
    env = {**os.environ, **_home(tmp_path / "run")}
    for args in (("sync", package, "--store", text), ("conflicts", "--store", text)):
        out = _run(env, *args)
        assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
        assert SENTINEL not in out.stdout + out.stderr
        assert "PGPASSWORD, ~/.pgpass or the OS keyring" in out.stderr
    out = subprocess.run([sys.executable, "-m", "console", "open", "--store", text, "--lang", "zh"], cwd=REPO,
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 2 and SENTINEL not in out.stdout + out.stderr and "密钥环" in out.stderr, out.stderr
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.glob("field.gpkg*")} == before


def test_a_wrong_password_is_told_without_the_password(secured, tmp_path):
    cluster, role, url = secured
    wrong = "Wrong" + SENTINEL
    env = {**os.environ, **_home(tmp_path / "run"), "SONGJIANG_STORE": url.replace(f"//{role}@", f"//{role}:{wrong}@")}
    env.pop("PGPASSWORD", None)
    out = _run(env, "conflicts")
    assert out.returncode == 3 and out.stderr.count("\n") == 1, out.stderr
    assert SENTINEL not in out.stderr and "password authentication failed" in out.stderr
    assert out.stderr.startswith(f"songjiang-console: {url}: cannot connect")


def test_no_child_process_inherits_a_store_secret(monkeypatch, tmp_path):
    """The IFC worker (a child the console starts for every model) gets an environment without them."""
    from layers.ifc import worker
    monkeypatch.setenv("SONGJIANG_STORE", f"postgresql://ops:{SENTINEL}@db.example/ops")
    monkeypatch.setenv("PGPASSWORD", SENTINEL)
    monkeypatch.setenv(worker.TEST_HOOK_ENV, "hang")
    proc, conn, err = worker._start(tmp_path / "none.ifc", {}, (0, 1), None)
    try:
        environ = b""
        while not environ and proc.poll() is None:  # empty until the kernel has finished exec'ing it
            environ = Path(f"/proc/{proc.pid}/environ").read_bytes()
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert b"SJ_IFC_WORKER_TEST_CRASH=hang" in environ  # it is the child's, read while it runs
        assert SENTINEL.encode() not in environ + cmdline
    finally:
        proc.kill()
        proc.wait()
        conn.close()
        err.close()


def test_the_sync_dialog_masks_the_password_and_keeps_it_only_in_the_keyring(
        secured, tmp_path, qtbot, monkeypatch, memory_keyring, caplog):
    """HBIM › Sync field package… against the password-protected store: from the environment, typed, then saved."""
    import logging
    from tests.helpers import has_display
    if not has_display():
        pytest.skip("needs a display; the test command runs xvfb-run")
    from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow
    from console.panels.field import FieldPanel
    from layers.i18n import tr
    done = tr("field.sync.done", edits=1, applied=1, same=0, partial=0, conflict=0, already=0, quarantined=0,
             photos=0, annotations=0)
    caplog.set_level(logging.DEBUG)
    cluster, role, url = secured
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    from offline.workspace import Workspace

    from console.actions import Actions
    from console.panels import Panels
    from console.panels.context import PanelContext
    from console.status import Status
    win = QMainWindow()  # the panel's host: what it needs of a window is its context's Workspace and status bar
    qtbot.addWidget(win)
    errors = []
    panel = FieldPanel(PanelContext(
        workspace=Workspace.open(demo_feed=False), project=None, scene=None, view=None, loader=None,
        actions=Actions(win), status=Status(win.statusBar(), lambda: None), panels=Panels(), inspector=None,
        inspector_dock=None, tree=None, host=win, report_error=errors.append, fly_to=None, load_specs=None,
        add_dock=win.addDockWidget, tabify=win.tabifyDockWidget, add_toolbar=win.addToolBar, set_title=win.setWindowTitle))

    def sync(dialog):
        dialog.start()
        qtbot.waitUntil(lambda: not dialog.busy() and dialog.start_button.isEnabled(), timeout=60000)
        shown = [w.text() for w in dialog.findChildren(QLineEdit) if w is not dialog.password]
        shown += [w.text() for w in dialog.findChildren(QLabel)] + [win.statusBar().currentMessage()]
        assert not any(SENTINEL in t for t in shown), shown
        return (dialog.result.text().splitlines() or [""])[0]  # what was sent (the next line: what came back)

    # 1. the password in $SONGJIANG_STORE: used, never shown, not put in the keyring
    monkeypatch.setenv("SONGJIANG_STORE", f"{url}?password={SENTINEL}")
    for sub in "abcd":
        (tmp_path / sub).mkdir()
    package = _edited_package(url, tmp_path / "a")
    dialog = panel.sync_dialog(str(package))
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.store.text() == url
    assert sync(dialog) == done and memory_keyring == {}
    # 2. typed into the store's URL: it moves into the masked field, and to the keyring once the store took it
    monkeypatch.delenv("SONGJIANG_STORE")
    dialog = panel.sync_dialog(str(_edited_package(url, tmp_path / "b")))
    dialog.store.setText(_with_password(url))
    assert sync(dialog) == done
    assert dialog.store.text() == url and dialog.password.text() == SENTINEL
    assert memory_keyring == {("songjiang-console/postgresql", f"{role}@127.0.0.1:{cluster.port}"): SENTINEL}
    # 3. nothing typed: the keyring's password opens the store
    dialog = panel.sync_dialog(str(_edited_package(url, tmp_path / "c")))
    dialog.store.setText(url)
    assert sync(dialog) == done
    # 4. a URL libpq reads otherwise than meant ("@" unescaped in the password): refused, never shown
    dialog = panel.sync_dialog(str(_edited_package(url, tmp_path / "d")))
    dialog.store.setText(url.replace(f"{role}@", f"{role}:p@{SENTINEL}@"))
    assert sync(dialog) != done
    for pkg in (tmp_path / "a" / "field.gpkg", tmp_path / "b" / "field.gpkg", tmp_path / "c" / "field.gpkg"):
        with sqlite3.connect(pkg) as con:
            assert {r[0] for r in con.execute("SELECT store FROM field_sync")} == {url}
    assert SENTINEL not in caplog.text
    settings = [Path(os.environ[v]) for v in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")]
    assert not [leak for root in settings if root.is_dir() for leak in _leaks(root)]
    assert not _leaks(tmp_path)

