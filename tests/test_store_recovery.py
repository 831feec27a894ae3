"""A damaged store is named, kept as it is, and (in the window) offered a fresh start beside it."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from offline.guard import StoreRefused
from offline.hbim import Component
from offline.records import open_records
from tests.helpers import REPO, has_display


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _truncated_hbim(path):
    store = open_records(path, seed=False)
    store.put_many([Component(guid=f"G{i:04d}", classification="arch ring", material="granite " * 30)
                    for i in range(400)], undoable=False)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a dead battery mid-copy
    return path


def test_cli_names_the_damaged_store_in_one_line_and_leaves_it(tmp_path):
    bad = _truncated_hbim(tmp_path / "hbim.sqlite")
    before = _sha(bad)
    env = {**os.environ, "SONGJIANG_DATA_DIR": str(tmp_path), "LC_ALL": "C.UTF-8"}  # its hbim.sqlite is the bad one
    run = subprocess.run([sys.executable, "-m", "console", "package", "create", "--district", "old-town",
                          "--out", str(tmp_path / "p.gpkg"), "--lang", "en"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert run.stderr.count("\n") == 1 and str(bad) in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert "damaged HBIM record store" in run.stderr
    assert _sha(bad) == before and not (tmp_path / "p.gpkg").exists()


def _click_when_asked(button_text: str, seen: list):
    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, click)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()
    QTimer.singleShot(50, click)


@pytest.fixture
def open_window(qtbot, monkeypatch, tmp_path):
    """The window opened on the stores as they are now (its Workspace takes their paths when it is made)."""
    if not has_display():
        pytest.skip("needs a display; the test command runs xvfb-run")
    from console.app import MainWindow
    from layers import i18n
    from offline.workspace import Workspace
    i18n.set_language("en")
    opened = []

    def open_():
        opened.append(MainWindow(Workspace.open(demo_feed=False, dialogs=True)))  # as a user's window asks
        qtbot.addWidget(opened[-1])
        opened[-1].show()
        return opened[-1]
    yield open_
    i18n.set_language("zh")
    for win in opened:
        win.close()


def _damaged_hbim_store(tmp_path, monkeypatch, answer: str):
    """A truncated store as the window's, and the recovery box to be answered: (path, sha256, texts seen)."""
    monkeypatch.setenv("SONGJIANG_DATA_DIR", str(tmp_path))  # the user's data folder: its hbim.sqlite
    bad = _truncated_hbim(tmp_path / "hbim.sqlite")
    seen: list = []
    _click_when_asked(answer, seen)
    return bad, _sha(bad), seen


def test_window_offers_a_fresh_store_and_keeps_the_damaged_one(open_window, tmp_path, monkeypatch):
    bad, before, seen = _damaged_hbim_store(tmp_path, monkeypatch, "Start a fresh one")
    window = open_window()
    store = window.panels.hbim.store
    assert seen and str(bad) in seen[0] and "damaged HBIM record store" in seen[0]
    assert store.records("components")  # the fresh store, seeded from the models
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("hbim.sqlite.damaged-")
            and not p.name.endswith(("-wal", "-shm"))]  # SQLite's side files move with it
    assert len(kept) == 1 and _sha(kept[0]) == before  # the damaged one, byte for byte, beside it
    assert "kept as" in window.statusBar().currentMessage()
    assert window.isVisible()


def test_window_can_go_on_without_the_damaged_store(open_window, tmp_path, monkeypatch):
    bad, before, seen = _damaged_hbim_store(tmp_path, monkeypatch, "Work without it")
    window = open_window()
    with pytest.raises(StoreRefused):
        window.panels.hbim.store
    assert len(seen) == 1 and any(str(bad) in e for e in window.errors)
    with pytest.raises(StoreRefused):  # asked once, not at every refresh
        window.panels.hbim.store
    assert len(seen) == 1
    assert _sha(bad) == before and not any("damaged" in p.name for p in tmp_path.iterdir())
    window.panels.hbim.inspector.refresh()  # the inspector lives on without records
    assert window.isVisible()


def test_window_offers_a_fresh_sensor_history_and_keeps_the_damaged_one(open_window, qtbot, tmp_path, monkeypatch):
    from layers.sensors.source import sensor_spec
    from offline.history import HistoryStore
    monkeypatch.setenv("SONGJIANG_DATA_DIR", str(tmp_path))  # the user's data folder: its sensor history
    path = tmp_path / "sensor-history.sqlite"
    with HistoryStore(path) as store:
        import numpy as np
        n = 20_000
        store.append(np.arange(n) % 500, 1_764_400_000 + np.arange(n, dtype=float), np.ones(n))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.write_bytes(path.read_bytes()[:8192 + 100])  # cut mid-page
    before = _sha(path)
    seen: list = []
    _click_when_asked("Start a fresh one", seen)
    window = open_window()
    window.load_specs([sensor_spec()])
    qtbot.waitUntil(lambda: window.panels.sensor_panel.model is not None and not window.loader.busy(), timeout=120000)
    assert seen and str(path) in seen[0] and "sensor history" in seen[0]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("sensor-history.sqlite.damaged-")
            and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and _sha(kept[0]) == before
    assert window.panels.sensor_panel.model.history_path == path  # recording goes on, into a fresh file
    assert window.isVisible()
