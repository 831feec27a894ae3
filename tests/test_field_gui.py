"""Field work in the window (Xvfb): the profile signs inspections, sync runs, conflicts get resolved."""
from __future__ import annotations

import pytest

from field_package import conflicted_store

pytestmark = pytest.mark.gui


def test_the_conflict_dialog_shows_both_values_and_resolves_into_the_store(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from layers import i18n
    from offline.store.sync import sync
    from widgets.field.conflicts import ConflictDialog
    monkeypatch.setenv("SONGJIANG_SURVEYOR", "Zhao Min")
    i18n.set_language("en")
    store, package, row = conflicted_store(tmp_path, "Li Wei", "new crack east", "consolidated")
    sync(package, store)
    dlg = ConflictDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    t = dlg.table
    cells = [t.item(0, c).text() for c in range(t.columnCount())]
    assert t.rowCount() == 1 and cells[1:5] == ["Notes", row["notes"], "new crack east", "consolidated"], cells
    assert cells[5].startswith("Li Wei")
    dlg.edit.setText("new crack east; consolidated 2026-11")
    qtbot.mouseClick(dlg.take_edit, Qt.LeftButton)
    assert t.rowCount() == 0 and dlg.status.text() == "No conflicts waiting"
    assert store.get("inspections", row["id"])["notes"] == "new crack east; consolidated 2026-11"
    last = store.changes_since(0)[-1]
    assert last["author"] == "Zhao Min" and last["source"].startswith("conflict:")
    i18n.set_language("zh")


def test_sync_from_the_window_opens_the_conflicts(default_window, qtbot, tmp_path, monkeypatch):
    store, package, row = conflicted_store(tmp_path)
    monkeypatch.setenv("SONGJIANG_STORE", store.url)
    store.close()
    win = default_window
    menu_texts = [a.text() for m in win.menuBar().actions() if m.menu() for a in m.menu().actions()]
    assert "同步外业数据包…" in menu_texts and "处理同步冲突…" in menu_texts
    dlg = win.field.sync_dialog(str(package))
    dlg.start()
    qtbot.waitUntil(lambda: win.field.dialog is not dlg, timeout=30000)
    conflicts = win.field.dialog
    assert conflicts.table.rowCount() == 1
    assert conflicts.table.item(0, 3).text() == "东侧拱圈新增裂缝" and conflicts.table.item(0, 4).text() == "已加固"
    assert "冲突 1" in win.statusBar().currentMessage()
    conflicts.close()


def test_an_inspection_from_the_window_is_signed_by_the_profile(default_window, monkeypatch):
    monkeypatch.setenv("SONGJIANG_SURVEYOR", "李伟")
    win = default_window
    win.hbim.select_by_name("dacang_bridge", "Arch ring 3")
    win.hbim.inspector.set_grade(4)
    guid = win.hbim.inspector.guid
    assert win.hbim.store.records("inspections", guid)[-1].surveyor == "李伟"
