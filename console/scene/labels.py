"""Readable 3D labels: screen-aligned, de-cluttered by priority, CJK-capable."""
from __future__ import annotations

import numpy as np

from console.fonts import apply_cjk_font
from console.scene import polydata
from console.vtk_imports import (
    numpy_to_vtk, vtkActor2D, vtkLabelPlacementMapper, vtkPointSetToLabelHierarchy, vtkStringArray,
)


def make_labels(xyz: np.ndarray, texts: list[str], size: int = 16, colour=(1, 1, 1),
                priority=1) -> vtkActor2D:
    """One 2D actor holding every label; overlapping labels of lower priority are hidden."""
    pd = polydata.vertices(xyz)
    names = vtkStringArray()
    names.SetName("label")
    for t in texts:
        names.InsertNextValue(t)
    pd.GetPointData().AddArray(names)
    pri = np.broadcast_to(np.asarray(priority, dtype=np.int32), (len(texts),)).copy()
    parr = numpy_to_vtk(pri, deep=True)
    parr.SetName("priority")
    pd.GetPointData().AddArray(parr)
    hierarchy = vtkPointSetToLabelHierarchy()
    hierarchy.SetInputData(pd)
    hierarchy.SetLabelArrayName("label")
    hierarchy.SetPriorityArrayName("priority")
    tp = hierarchy.GetTextProperty()
    apply_cjk_font(tp)
    tp.SetFontSize(size)
    tp.SetColor(*colour)
    tp.SetBold(True)
    tp.SetShadow(True)
    mapper = vtkLabelPlacementMapper()
    mapper.SetInputConnection(hierarchy.GetOutputPort())
    mapper.SetShapeToRoundedRect()
    mapper.SetStyleToFilled()
    mapper.SetBackgroundColor(0.1, 0.1, 0.12)
    mapper.SetBackgroundOpacity(0.55)
    mapper.SetMargin(3)
    mapper.UseDepthBufferOff()
    actor = vtkActor2D()
    actor.SetMapper(mapper)
    return actor
