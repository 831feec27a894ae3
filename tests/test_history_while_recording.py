"""Exports read the sensor history while a window records into it, and "damaged" means damaged.

Issue 26 item 1: with a window recording, 24 of 25 `snapshot` runs failed with "感知历史记录已损坏"
on a healthy file. Two things together: the store guard read the file's header with a plain
open()/close(), and closing any descriptor of a file drops every POSIX lock the process holds on
it, so each check the window made (its history reader, the demo's trends) silently released the
recording connection's locks; the snapshot then opened the history read-WRITE, found itself the
"last" connection when it closed, checkpointed and deleted the WAL under the window, whose next
commits went to a deleted file and left the next reader a torn database. Now a check opens the
file only through SQLite (read-only, one read transaction), exports read through ``HistoryReader``
(read-only, never checkpointing), and only SQLITE_CORRUPT/NOTADB is called damage. Real SQLite
files, real child processes, the real CLI and (slow) the real window.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from offline.guard import StoreRefused
from offline.history import HistoryStore, check_history
from tests.helpers import REPO, has_display

# A writer process doing what the recording window does: one connection committing readings,
# and, beside it in the same process, the checks its history reader and trends make.
WRITER = textwrap.dedent("""
    import sys, numpy as np
    from offline.history import HistoryStore, check_history
    store = HistoryStore(sys.argv[1])
    def batch(k):
        store.append(np.arange(2000) % 500, 1_764_400_000 + k * 10_000 + np.arange(2000.0), np.full(2000, float(k)))
    batch(0)
    check_history(sys.argv[1])          # the window's history reader opening beside its pipeline
    print("ready", flush=True)
    for line in sys.stdin:
        batch(int(line))
        print("stored", flush=True)
""")


def _writer(path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _commit(proc, k):
    proc.stdin.write(f"{k}\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "stored"


def test_an_export_beside_a_recording_process_leaves_its_history_whole(tmp_path):
    from console.snapshot import replay_history
    from layers.sensors.model import SensorModel, default_registry
    from layers.sqlite_uri import connect_ro
    path = tmp_path / "history.sqlite"
    writer = _writer(path)
    try:
        model = SensorModel(default_registry(), history_path=path)
        for k in range(1, 4):
            replay_history(model, None)  # what `snapshot` and `report` read, in this other process
            assert model.replay is not None
            _commit(writer, k)  # the recording goes on after each export
        assert (path.with_name(path.name + "-wal")).exists(), "the export deleted the WAL under the writer"
        con = connect_ro(path)
        try:
            assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            assert con.execute("SELECT count(*) FROM obs").fetchone()[0] == 4 * 2000, \
                "readings the recorder committed after an export are not in the file"
        finally:
            con.close()
    finally:
        writer.stdin.close()
        writer.wait(30)


def test_a_history_another_program_holds_is_busy_not_damaged(tmp_path):
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as store:
        store.append([1, 2], [1_764_400_000.0, 1_764_400_001.0], [0.5, 0.6])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreRefused) as info:
            check_history(path)
        message = str(info.value)
        assert "damaged" not in message and "busy" in message and str(path) in message, message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert check_history(path) is False  # let go: the same file checks whole


def test_a_truly_damaged_history_is_still_called_damaged_by_snapshot(tmp_path):
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as store:
        n = 20_000
        store.append(np.arange(n) % 500, 1_764_400_000 + np.arange(n, dtype=float), np.zeros(n))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[5 * 4096: 5 * 4096 + 64] = b"\xff" * 64  # a b-tree page header of garbage
    path.write_bytes(bytes(data))
    from console.snapshot import replay_history
    from layers.sensors.model import SensorModel, default_registry
    from offline.history import HistoryError
    with pytest.raises(HistoryError) as info:  # what `snapshot` reads (the CLI exits 3 with this line)
        replay_history(SensorModel(default_registry(), history_path=path), None)
    assert "damaged sensor history" in str(info.value) and path.read_bytes() == bytes(data)


@pytest.mark.slow
@pytest.mark.timeout(3600)  # 25 offscreen renders beside a live window: ~10 s each on an idle machine
@pytest.mark.gui
@pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")
def test_25_snapshots_while_the_window_records_are_all_written(qtbot, tmp_path, monkeypatch, make_window):
    """The user's run: the window open with its feed recording, 25 `snapshot` runs meanwhile."""
    import os
    from tests.helpers import open_default_window
    from layers import paths
    history = paths.sensor_history()  # the test's data folder (conftest); the snapshots inherit it
    win = open_default_window(qtbot, view="old-town", make=make_window)
    model = next(lyr.data for lyr in win.project.layers if lyr.kind == "sensors")
    qtbot.waitUntil(lambda: model.pipeline is not None and model.pipeline.counters.as_dict().get("stored", 0) > 0,
                    timeout=60000)
    written, damaged = 0, []
    for k in range(25):
        out = tmp_path / f"a{k}.png"
        proc = subprocess.Popen([sys.executable, "-m", "console", "snapshot", "--view", "old-town", "--out",
                                 str(out)], cwd=REPO, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=300000)  # the window records meanwhile
        err = proc.stderr.read()
        written += proc.returncode == 0 and out.is_file()
        if "damaged" in err or "损坏" in err:
            damaged.append(err.strip().splitlines()[-1])
    assert (written, damaged) == (25, [])
    assert model.pipeline.error == ""
    con = sqlite3.connect(history)
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    con.close()
