"""Placement assistant for an IFC model without georeference: where its origin goes in the project."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QPushButton,
    QRadioButton, QVBoxLayout,
)

from layers.i18n import tr
from layers.ifc.georef import Placement


def _spin(lo, hi, decimals, value=0.0) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setValue(value)
    return s


class PlacementDialog(QDialog):
    """``view_centre()`` returns project (x, y, ground z) or None; ``crs`` is the ProjectCRS."""

    def __init__(self, name: str, crs, view_centre=None, parent=None):
        super().__init__(parent)
        self.crs, self.view_centre = crs, view_centre
        self.setWindowTitle(tr("hbim.place.title"))
        ox, oy, _ = crs.origin
        self.projected = QRadioButton(tr("hbim.place.projected", crs=crs.crs))
        self.lonlat = QRadioButton(tr("hbim.place.lonlat"))
        self.projected.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.projected)
        group.addButton(self.lonlat)
        self.x = _spin(-1e8, 1e8, 2, ox)
        self.y = _spin(-1e8, 1e8, 2, oy)
        lon, lat = crs.to_wgs84(ox, oy)
        self.lon = _spin(-180, 180, 7, float(lon))
        self.lat = _spin(-90, 90, 7, float(lat))
        self.rotation = _spin(-360, 360, 2)
        self.elevation = _spin(-1000, 10000, 2)
        self.centre = QPushButton(tr("hbim.place.view_centre"))
        self.centre.clicked.connect(self.use_view_centre)
        self.centre.setEnabled(view_centre is not None)
        form = QFormLayout()
        form.addRow(self.projected)
        form.addRow("X", self.x)
        form.addRow("Y", self.y)
        form.addRow(self.lonlat)
        form.addRow(tr("hbim.place.lon"), self.lon)
        form.addRow(tr("hbim.place.lat"), self.lat)
        form.addRow(tr("hbim.place.rotation"), self.rotation)
        form.addRow(tr("hbim.place.elevation"), self.elevation)
        form.addRow(self.centre)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        intro = QLabel(tr("hbim.place.intro", name=name))
        intro.setWordWrap(True)
        box.addWidget(intro)
        box.addLayout(form)
        box.addWidget(buttons)

    def use_view_centre(self):
        found = self.view_centre() if self.view_centre else None
        if found is None:
            return
        x, y, z = found
        self.projected.setChecked(True)
        self.x.setValue(x)
        self.y.setValue(y)
        self.elevation.setValue(z)
        lon, lat = self.crs.to_wgs84(x, y)
        self.lon.setValue(float(lon))
        self.lat.setValue(float(lat))

    def placement(self) -> Placement:
        """Always in the project CRS (crs ""), whichever way the point was typed."""
        if self.lonlat.isChecked():
            x, y = self.crs.from_wgs84(self.lon.value(), self.lat.value())
        else:
            x, y = self.x.value(), self.y.value()
        return Placement(float(x), float(y), self.elevation.value(), self.rotation.value())
