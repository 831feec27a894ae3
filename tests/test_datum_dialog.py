"""The project's datum transformation: the dialog collects a valid Helmert set; projects keep it."""
from __future__ import annotations

import pytest

from layers.crs import ProjectCRS
from layers.helmert import DatumShift
from layers.project import Project, open_project

pytestmark = pytest.mark.gui


def test_dialog_refuses_bad_numbers_and_keeps_a_good_set(qtbot):
    from widgets.datum_dialog import DatumDialog
    dialog = DatumDialog()
    qtbot.addWidget(dialog)
    dialog.source.setText("EPSG:2437")
    dialog.params.setText("1,2,3")
    dialog.accept()
    assert dialog.shift is None and "7" in dialog.error.text()
    dialog.params.setText("-15.2,150.4,49.8,0.11,-0.24,0.31,1.52")
    dialog.convention.setCurrentIndex(dialog.convention.findData("position_vector"))
    dialog.accept()
    assert dialog.shift.kind == "helmert7" and dialog.shift.convention == "position_vector"
    assert dialog.shift.params["dx"] == -15.2


def test_dialog_clear_goes_back_to_projs_choice(qtbot):
    from widgets.datum_dialog import DatumDialog
    dialog = DatumDialog(DatumShift.parse("EPSG:2437", "100,-50,10,2"))
    qtbot.addWidget(dialog)
    assert dialog.params.text() == "100,-50,10,2"
    dialog.clear()
    assert dialog.shift is None


def test_a_saved_project_keeps_its_datum_shift(tmp_path):
    shift = DatumShift.parse("EPSG:2437", "-15.2,150.4,49.8,0.11,-0.24,0.31,1.52")
    path = Project(crs=ProjectCRS(datum_shift=shift)).save(tmp_path / "p.sjproj")
    assert open_project(path)[0].crs.datum_shift == shift
