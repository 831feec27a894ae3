"""Field work in the window (Xvfb): the profile signs inspections, sync runs, conflicts get resolved."""
from __future__ import annotations

import hashlib

import pytest

from field_package import conflicted_store
from tests.helpers import field_profile

pytestmark = pytest.mark.gui


def test_the_conflict_dialog_shows_both_values_and_resolves_into_the_store(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from layers import i18n
    from offline.store.sync import sync
    from widgets.field.conflicts import ConflictDialog
    field_profile(monkeypatch, tmp_path, "Zhao Min")
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
    dlg = win.panels.field.sync_dialog(str(package))
    dlg.start()
    qtbot.waitUntil(lambda: win.panels.field.dialog is not dlg, timeout=30000)
    conflicts = win.panels.field.dialog
    assert conflicts.table.rowCount() == 1
    assert conflicts.table.item(0, 3).text() == "东侧拱圈新增裂缝" and conflicts.table.item(0, 4).text() == "已加固"
    assert "冲突 1" in win.statusBar().currentMessage()
    conflicts.close()


def test_an_inspection_from_the_window_is_signed_by_the_profile(default_window, monkeypatch, tmp_path):
    field_profile(monkeypatch, tmp_path, "李伟")
    win = default_window
    win.panels.hbim.select_by_name("dacang_bridge", "Arch ring 3")
    win.panels.hbim.inspector.set_grade(4)
    guid = win.panels.hbim.inspector.guid
    assert win.panels.hbim.store.records("inspections", guid)[-1].surveyor == "李伟"


@pytest.fixture
def field_package_as_store(tmp_path, monkeypatch):
    """The window's HBIM records are a field package (as in field mode): edits are journalled."""
    from field_package import make_package, seed_rows
    from layers import paths
    paths.hbim_store().parent.mkdir(parents=True, exist_ok=True)  # the test's own data folder (conftest)
    package = make_package(paths.hbim_store(), seed_rows(), base_version=3)  # where the window's records are
    field_profile(monkeypatch, tmp_path, "李伟/老城遗产组")
    return package


def test_field_edits_in_the_window_are_journalled_with_photos_and_undo(field_package_as_store, default_window,
                                                                        jpeg, qtbot):
    from PySide6.QtCore import Qt
    from offline.field.package import outbox
    win = default_window
    assert win.panels.hbim.select_by_name("dacang_bridge", "Arch ring 3")
    inspector = win.panels.hbim.inspector
    store = win.panels.hbim.store
    assert store.journal is not None and inspector.forms.photo_box.isVisibleTo(inspector)
    inspector.set_grade(4)
    inspector.add_damage({"type": "crack", "severity": 3, "extent": "30 cm", "location": "东侧拱顶"})
    damage_id = store.records("damage", inspector.guid)[-1].id
    tree = inspector.records
    node = next(tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
                for j in range(tree.topLevelItem(i).childCount())
                if tree.topLevelItem(i).child(j).data(0, Qt.UserRole) == ("damage", damage_id))
    tree.setCurrentItem(node.child(0))  # a line under the damage record
    with qtbot.waitSignal(inspector.message, timeout=10000):
        inspector.add_photos([str(jpeg)])  # read on a worker thread, kept on this one
    sha = hashlib.sha256(jpeg.read_bytes()).hexdigest()
    assert sha in store.get("damage", damage_id).photos
    rows = outbox(store)
    assert [r["op"] for r in rows] == ["put", "put", "photo", "put"]
    assert {(r["author"], r["team"], r["base_version"]) for r in rows} == {("李伟", "老城遗产组", 3)}
    win.project.undo.undo()  # Edit › Undo: the damage record forgets the photo, by a compensating edit
    assert sha not in store.get("damage", damage_id).photos and len(outbox(store)) == 5
    not_a_photo = jpeg.with_name("notes.txt")
    not_a_photo.write_text("not a photo")
    inspector.add_photos([str(not_a_photo)])
    qtbot.waitUntil(lambda: any("notes.txt: cannot read photo" in e for e in win.errors), timeout=10000)
    assert len(outbox(store)) == 5  # nothing written for it


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_conflict_dialog_follows_another_workstation(qtbot, tmp_path, backend):
    """A conflict resolved at another desk leaves this desk's open dialog within seconds."""
    from offline.store.sync import sync
    from stores import store_url
    from widgets.field.conflicts import ConflictDialog
    store, package, row = conflicted_store(tmp_path, url=store_url(backend, tmp_path))
    sync(package, store)
    dlg = ConflictDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.table.rowCount() == 1
    other = store.reopen()
    other.resolve(other.conflicts()[0]["id"], "已加固", "运营中心 赵强")
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 0, timeout=3000)
    dlg.reject()
    other.close()
    store.close()


def test_the_window_syncs_into_its_workspaces_store(qtbot, tmp_path, monkeypatch):
    """The operations-centre journey through the window: `--store` is the Workspace's (offline/workspace.py),
    not a process-wide setting; $SONGJIANG_STORE names another store, which is never created."""
    from console.app import MainWindow
    from layers import i18n
    from offline.workspace import Workspace
    from tests.helpers import has_display
    if not has_display():
        pytest.skip("needs a display; the test command runs xvfb-run")
    store, package, row = conflicted_store(tmp_path)
    url = store.url
    store.close()
    decoy = tmp_path / "elsewhere" / "ops.sqlite"
    monkeypatch.setenv("SONGJIANG_STORE", str(decoy))
    i18n.set_language("zh")
    win = MainWindow(Workspace.open(store=url, demo_feed=False))
    qtbot.addWidget(win)
    win.show()
    dlg = win.panels.field.sync_dialog(str(package))
    dlg.start()
    qtbot.waitUntil(lambda: win.panels.field.dialog is not dlg, timeout=30000)
    assert win.panels.field.dialog.table.rowCount() == 1  # the conflict is in the workspace's store
    assert not decoy.exists() and not decoy.parent.exists()
    win.panels.field.dialog.close()
    win.close()
