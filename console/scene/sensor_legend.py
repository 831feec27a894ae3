"""Colours of the sensor layer: the state LUT, a value ramp per kind, and the legend actor."""
from __future__ import annotations

from console.fonts import apply_cjk_font
from console.vtk_imports import vtkLookupTable, vtkScalarBarActor, vtkVariant
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


class Legend:
    """A vtkScalarBarActor: categorical swatches (with counts) for states, a ramp for values."""

    def __init__(self):
        self.actor = vtkScalarBarActor()
        self.actor.SetPosition(0.01, 0.12)  # above the scale bar in the bottom-left corner
        self.actor.SetWidth(0.16)
        self.actor.SetHeight(0.32)
        self.actor.SetBarRatio(0.18)
        self.actor.DrawTickLabelsOn()
        self.actor.SetMaximumWidthInPixels(200)
        self.actor.UnconstrainedFontSizeOn()  # the font sizes below, not scaled to the bar
        self.actor.SetAnnotationLeaderPadding(4)
        self.actor.DrawBackgroundOn()  # readable over pale terrain and imagery
        self.actor.GetBackgroundProperty().SetColor(0.08, 0.1, 0.14)
        self.actor.GetBackgroundProperty().SetOpacity(0.55)
        for tp in (self.actor.GetTitleTextProperty(), self.actor.GetLabelTextProperty(),
                   self.actor.GetAnnotationTextProperty()):
            apply_cjk_font(tp)
            tp.SetFontSize(13)
            tp.SetColor(0.95, 0.95, 0.95)
            tp.SetShadow(True)
            tp.SetItalic(False)
            tp.SetBold(False)
        self.actor.GetTitleTextProperty().SetBold(True)
        self.actor.GetTitleTextProperty().SetFontSize(15)
        self._states = vtkLookupTable()
        self._states.IndexedLookupOn()
        self._states.SetNumberOfTableValues(len(STATE_RGB))
        for i, rgb in enumerate(STATE_RGB):
            self._states.SetTableValue(i, *rgb, 1.0)

    def show_states(self, title: str, labels, counts):
        """labels: per state code; counts: terminals drawn per state (shown next to the swatch)."""
        self._states.ResetAnnotations()
        for i, (label, n) in enumerate(zip(labels, counts)):
            self._states.SetAnnotation(vtkVariant(i), f"{label} {int(n):,}")
        self.actor.SetLookupTable(self._states)
        self.actor.SetTitle(title)
        self.actor.DrawAnnotationsOn()
        self.actor.SetNumberOfLabels(0)
        self.actor.SetTextPositionToPrecedeScalarBar()  # annotations go to the other side: right

    def show_values(self, title: str, lut: vtkLookupTable):
        self.actor.SetLookupTable(lut)
        self.actor.SetTitle(title)
        self.actor.DrawAnnotationsOff()
        self.actor.SetNumberOfLabels(5)
        self.actor.SetTextPositionToSucceedScalarBar()
        self.actor.SetLabelFormat("%-#6.3g")
