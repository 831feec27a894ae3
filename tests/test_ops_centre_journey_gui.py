"""The operations-centre journey through the real window (issue 21's acceptance).

The field-mode journey has its window test (test_field_journey_gui.py); this is the centre's:
a window built on ``Workspace.ops_centre`` (as `open --store` builds it), a surveyor's package
synced through HBIM › Sync field package… (the action by id, the real dialog and its worker),
the conflict dialog the window opens by itself, the field's value chosen with its button, and
the value arriving in the store the workspace names. The headless variant is
test_workspace.py::test_the_field_journey_runs_headless_through_the_workspace.
"""
from __future__ import annotations

import shutil

import pytest

from stores import store_url
from tests.helpers import has_display, old_town_package_fixture

created = old_town_package_fixture()


@pytest.mark.gui
def test_a_package_synced_and_its_conflict_resolved_in_the_centres_window(created, tmp_path, qtbot, make_window):
    if not has_display():
        pytest.skip("needs a display; the test command runs xvfb-run")
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    from offline.store import open_store
    from offline.workspace import OPS_CENTRE, Workspace
    from widgets.field.conflicts import ConflictDialog

    package = tmp_path / "old-town.gpkg"
    shutil.copyfile(created, package)
    url = store_url("sqlite", tmp_path)
    field = open_records(package, profile=FieldProfile("李伟", "老城遗产组", "laptop-1"))
    try:
        changed, untouched = field.records("damage")[:2]
        changed.severity = 2 if changed.severity != 2 else 3
        field.put(changed)
        untouched.severity = 4 if untouched.severity != 4 else 5  # applied: the centre left this one alone
        field.put(untouched)
    finally:
        field.close()
    store = open_store(url)  # the centre changed one of the same records meanwhile
    centre_severity = 5 if changed.severity != 5 else 1
    store.put("damage", {**store.get("damage", changed.id), "severity": str(centre_severity)}, "运营中心 王")
    store.close()

    workspace = Workspace.ops_centre(url)
    assert workspace.mode == OPS_CENTRE
    win = make_window(workspace=workspace, demo_feed=False)
    win.actions["field.sync"].trigger()  # HBIM › Sync field package…
    dialog = win.panels.field.dialog
    assert dialog.store.text() == url  # the workspace's store, as the window was opened on it
    dialog.package.setText(str(package))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: isinstance(win.panels.field.dialog, ConflictDialog), timeout=120000)
    review = win.panels.field.dialog  # opened by the window itself: the sync queued a conflict
    assert review.table.rowCount() == 1
    review.table.selectRow(0)
    review.take_field.click()
    qtbot.waitUntil(lambda: review.table.rowCount() == 0, timeout=30000)

    store = open_store(url)
    try:
        assert store.get("damage", changed.id)["severity"] == str(changed.severity)    # the field's, chosen
        assert store.get("damage", untouched.id)["severity"] == str(untouched.severity)  # applied at once
        assert store.conflicts() == []
    finally:
        store.close()
