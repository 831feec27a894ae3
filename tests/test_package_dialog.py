"""File › Create field package…: created off the GUI thread with progress; Cancel leaves nothing."""
from __future__ import annotations

import pytest

from tests.helpers import has_display

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


@pytest.fixture
def dialog(qtbot, tmp_path):
    from layers import i18n
    from widgets.package_dialog import PackageDialog
    i18n.set_language("en")
    d = PackageDialog(tmp_path)
    qtbot.addWidget(d)
    d.show()
    yield d
    i18n.set_language("zh")


def test_dialog_creates_a_verified_package_off_the_gui_thread(dialog, qtbot, tmp_path):
    from offline.package import verify
    dialog.area.setCurrentIndex(dialog.area.findData("hub"))
    assert dialog.out.text().endswith("hub.gpkg")
    seen = []
    dialog.progressed.connect(lambda f, m: seen.append(f))
    dialog.create_button.click()
    assert dialog.busy() and not dialog.create_button.isEnabled()  # returned at once: the work is elsewhere
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=120000)
    assert dialog.result_path == tmp_path / "hub.gpkg" and verify(dialog.result_path) == []
    assert len(seen) > 3 and dialog.bar.value() == 100 and "Created" in dialog.status.text()


def test_cancel_stops_and_leaves_no_file(dialog, qtbot, tmp_path):
    dialog.area.setCurrentIndex(dialog.area.findData("new-city"))
    dialog.create_button.click()
    job = dialog.job
    dialog.reject()
    assert job.wait(120)  # the worker ended
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".gpkg"] == []
