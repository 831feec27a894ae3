"""The field journey as a surveyor makes it, in the real window under Xvfb: nothing made in the field is lost.

Issue 20: edits made in field mode (`--offline FILE.gpkg`) were never synced — the window
opened the package's records with a bare HbimStore, so no outbox row was written, the
"Add photo…" buttons stayed hidden, and annotations stayed in the window. Here the whole
day runs through the real parts: `package create` (CLI) → the window in field mode, built
as `--offline` builds it, every layer of the package on → an inspection and a damage record
through the HBIM inspector's widgets → a photo through its "Add photo…" button and file
dialog → a pin placed by clicking on a bridge component → the window closed → `package sync`
(CLI) → the centre store holds the records, the photo and the annotation with its GlobalId.
The headless version of the same journey is tests/test_records_opener.py.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from tests.helpers import REPO, field_profile, has_display
from tests.test_hbim_gui import _index, _screen_pos_of

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "console", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def _click(qtbot, widget, x, y):
    from PySide6.QtCore import QPoint, Qt
    qtbot.mousePress(widget, Qt.LeftButton, pos=QPoint(int(x), int(y)))
    qtbot.mouseRelease(widget, Qt.LeftButton, pos=QPoint(int(x), int(y)))


def _choose_in_file_dialog(path, tries=200):
    """When the file dialog opens (modal, its own event loop), type ``path`` into its name box and press Open, as a
    user does. (``selectFile`` with a path outside the dialog's folder waits on the dialog's asynchronous folder
    model, and a dialog left open would hang the test: give up after ``tries``, closing whatever modal is up.)"""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

    def answer(left=tries):
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            if left:
                QTimer.singleShot(50, lambda: answer(left - 1))
            return
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(path))
        if dialog.selectedFiles() != [str(path)]:
            dialog.reject()  # the test then fails on the missing photo, instead of hanging
            return
        dialog.accept()
    QTimer.singleShot(50, answer)


def _field_window(qtbot, pkg):
    """The window on ``pkg`` as `songjiang-console --offline PKG` builds it: one Workspace (offline/workspace.py)."""
    from tests.helpers import open_workspace_window
    win = open_workspace_window(qtbot, pkg)
    qtbot.waitUntil(lambda: sum(lyr.kind == "bim" for lyr in win.project.layers) == 5
                    and any(lyr.kind == "sensors" for lyr in win.project.layers) and not win.loader.busy(),
                    timeout=120000)
    return win


def test_records_photo_and_annotation_made_in_field_mode_all_reach_the_centre(qtbot, tmp_path, jpeg, monkeypatch,
                                                                               request):
    from PySide6.QtCore import QPoint, QRect, Qt
    from layers import i18n
    from offline.store import open_store
    pkg = tmp_path / "old-town.gpkg"
    made = cli("package", "create", "--district", "old-town", "--out", pkg)
    assert made.returncode == 0, made.stderr[-2000:]
    field_profile(monkeypatch, tmp_path, "李伟/老城遗产组")
    i18n.set_language("en")
    request.addfinalizer(lambda: i18n.set_language("zh"))
    win = _field_window(qtbot, pkg)
    assert win.errors == [] and all(lyr.visible for lyr in win.project.layers)  # every layer of the package on

    # a component of the Dacang Bridge, picked by a click in the view
    layer = win.panels.hbim.model_layer("dacang_bridge")
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)
    qtbot.wait(50)
    index = _index(layer, "Arch ring 3")
    guid = layer.data.elements[index]["guid"]
    x, y = _screen_pos_of(win, win.scene.adapters[layer.id], index)
    _click(qtbot, win.view, x, y)
    inspector = win.panels.hbim.inspector
    assert inspector.guid == guid

    # records, through the inspector's forms
    forms = inspector.forms
    forms.grade.setValue(4)
    qtbot.mouseClick(forms.set_grade, Qt.LeftButton)
    forms.damage_type.setCurrentIndex(forms.damage_type.findData("efflorescence"))
    forms.severity.setValue(3)
    qtbot.keyClicks(forms.extent, "40 cm")
    qtbot.mouseClick(forms.add_damage, Qt.LeftButton)

    # a photo, through "Add photo…" and its file dialog (read off the GUI thread, kept on it)
    assert forms.photo_box.isVisibleTo(inspector), "field mode offers Add photo…"
    # and a user finds it: the records dock came to the front with the click, the button whole in it (issue 26)
    button = forms.add_photo
    assert button.isVisible() and button.isEnabled() and button.text() == "Add photo…"

    def scrolled_to_whole():  # the forms scroll in a short dock (issue 26): a user scrolls until the button shows
        inspector.forms_area.ensureWidgetVisible(button)
        return button.visibleRegion().boundingRect() == button.rect()
    qtbot.waitUntil(scrolled_to_whole, timeout=5000)  # fails as "Add photo… is clipped" if it never shows whole
    assert win.rect().contains(QRect(button.mapTo(win, QPoint(0, 0)), button.size()))
    _choose_in_file_dialog(jpeg)
    with qtbot.waitSignal(inspector.message, timeout=20000):
        qtbot.mouseClick(forms.add_photo, Qt.LeftButton)
    assert win.errors == []

    # a pin placed by clicking on the same component: it keeps the component's GlobalId
    panel = win.panels.annotations
    panel.widget.tool_buttons["marker"].click()
    x, y = _screen_pos_of(win, win.scene.adapters[layer.id], index)
    _click(qtbot, win.view, x, y)
    pins = list(panel.layer().data)
    assert len(pins) == 1 and pins[0].anchor == guid
    assert win.errors == []

    win.close()  # the real close: nothing is saved by hand

    assert not pkg.with_name(pkg.name + "-wal").exists()  # the package is one file again, edits inside
    centre = tmp_path / "centre.sqlite"
    run = cli("package", "sync", pkg, "--store", centre)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["edits"], report["applied"], report["photos"], report["annotations"]) == (4, 4, 1, 1), report
    store = open_store(centre)
    try:
        # beside the records the package was cut from (a new centre store starts with them: issue 26)
        grades = [r for r in store.records("inspections") if r["guid"] == guid and r["illustrative"] != "1"]
        assert [(r["condition_grade"], r["surveyor"]) for r in grades] == [("4", "李伟")]
        damage = [r for r in store.records("damage") if r["guid"] == guid and r["illustrative"] != "1"]
        assert [(r["type"], r["severity"], r["extent"]) for r in damage] == [("efflorescence", "3", "40 cm")]
        sha = hashlib.sha256(jpeg.read_bytes()).hexdigest()
        assert hashlib.sha256(store.photo(sha)).hexdigest() == sha
        (note,) = store.annotations()
        assert (note["id"], note["guid"], note["body"]["anchor"]) == (pins[0].id, guid, guid)
        assert note["author"] == "李伟"
    finally:
        store.close()

    again = _field_window(qtbot, pkg)  # the package reopened: the pin is where it was placed
    shown = list(again.panels.annotations.layer().data)
    assert [(a.id, a.anchor, a.points) for a in shown] == [(pins[0].id, guid, pins[0].points)]
    again.close()


def test_a_sync_from_the_field_window_shows_what_the_centre_sent_at_once(qtbot, tmp_path, monkeypatch):
    """`--offline PKG`: the centre adds an inspection to a component the surveyor has selected; the
    surveyor syncs from the window and the inspector lists it then and there (it used to appear only
    after another selection or a reopen: the pull writes into the package on its own connection)."""
    from PySide6.QtWidgets import QTreeWidgetItemIterator
    from offline.store import open_store
    centre = open_store(tmp_path / "ops.sqlite")  # a new centre store starts with the records packages are cut from
    pkg = tmp_path / "old-town.gpkg"
    made = cli("package", "create", "--district", "old-town", "--out", pkg)
    assert made.returncode == 0, made.stderr[-2000:]
    monkeypatch.setenv("SONGJIANG_STORE", centre.url)
    field_profile(monkeypatch, tmp_path, "李伟/老城遗产组")
    win = _field_window(qtbot, pkg)
    assert win.panels.hbim.select_by_name("dacang_bridge", "Arch ring 3")
    guid = win.panels.hbim.inspector.guid

    def listed() -> str:
        it, texts = QTreeWidgetItemIterator(win.panels.hbim.inspector.records), []
        while it.value():
            texts += [it.value().text(c) for c in range(it.value().columnCount())]
            it += 1
        return " ".join(texts)
    assert "桥面中心复测" not in listed()
    centre.put("inspections", {"id": "centre-1", "guid": guid, "date": "2026-12-07", "surveyor": "王",
                               "condition_grade": "3", "notes": "桥面中心复测"}, "运营中心 王")
    centre.close()
    dlg = win.panels.field.sync_dialog(str(pkg))
    with qtbot.waitSignal(dlg.synced, timeout=60000) as sent:
        dlg.start()
    assert sent.args[0]["received"]["records"] >= 1, sent.args[0]
    qtbot.waitUntil(lambda: "桥面中心复测" in listed(), timeout=5000)
    dlg.close()
    win.close()
