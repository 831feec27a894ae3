"""Colours of the sensor layer: the state LUT and a value ramp per kind (the window's legend panel
and the export's legend show the same colours)."""
from __future__ import annotations

from console.vtk_imports import vtkLookupTable
from layers.sensors import kinds as K

# normal, warning, critical, stale, offline: traffic-light colours plus two muted ones
STATE_RGB = ((0.18, 0.80, 0.44), (1.00, 0.76, 0.03), (0.96, 0.16, 0.16),
             (0.62, 0.55, 0.95), (0.52, 0.52, 0.56))
NAN_RGBA = (0.45, 0.45, 0.48, 1.0)


def categorical_lut(colours) -> vtkLookupTable:
    """Codes 0..n-1 → these colours; the range ±0.5 makes each code its own bin."""
    lut = vtkLookupTable()
    lut.SetNumberOfTableValues(len(colours))
    for i, rgb in enumerate(colours):
        lut.SetTableValue(i, *rgb, 1.0)
    lut.SetTableRange(-0.5, len(colours) - 0.5)
    return lut


def state_lut() -> vtkLookupTable:
    """uint8 state codes 0..4 → colours."""
    return categorical_lut(STATE_RGB)


def value_range(kind: K.Kind) -> tuple[float, float]:
    """A colour range that puts the kind's thresholds in the upper (bad) part of the ramp."""
    span = abs(kind.crit - kind.warn) or 1.0
    if kind.direction > 0:
        lo, hi = kind.warn - 3 * span, kind.crit + span
    else:
        lo, hi = kind.crit - span, kind.warn + 3 * span
    lo = max(lo, kind.lo) if kind.lo > -1e9 else lo
    return float(lo), float(hi)


def value_lut(kind: K.Kind) -> vtkLookupTable:
    """Green → yellow → red towards the bad side (reversed for low-is-bad kinds)."""
    lut = vtkLookupTable()
    lut.SetNumberOfTableValues(256)
    lut.SetHueRange((0.33, 0.0) if kind.direction > 0 else (0.0, 0.33))
    lut.SetSaturationRange(0.85, 0.85)
    lut.SetValueRange(0.95, 0.95)
    lut.SetTableRange(*value_range(kind))
    lut.SetNanColor(*NAN_RGBA)
    lut.Build()
    return lut
