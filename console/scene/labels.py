"""Readable 3D labels: one screen-aligned label set for the whole scene.

Every vector layer contributes its labels; one vtkLabelPlacementMapper places
them all, so labels of different layers de-clutter against each other and the
higher ``label_priority`` wins where they collide. Rebuilt only when a layer's
labels change, never per frame.
"""
from __future__ import annotations

import numpy as np

from console.fonts import apply_cjk_font
from console.scene import polydata
from console.vtk_imports import (
    numpy_to_vtk, vtkActor2D, vtkLabelHierarchy, vtkLabelPlacementMapper, vtkPointSetToLabelHierarchy,
    vtkStringArray,
)


class SceneLabels:
    def __init__(self, renderer, size: int = 15):
        self.hierarchy = vtkPointSetToLabelHierarchy()
        self.hierarchy.SetLabelArrayName("label")
        self.hierarchy.SetPriorityArrayName("priority")
        tp = self.hierarchy.GetTextProperty()
        apply_cjk_font(tp)
        tp.SetFontSize(size)
        tp.SetColor(1, 1, 1)
        tp.SetBold(True)
        # above and to the right of its anchor, as maps place point names: centred on it, the
        # name's box hid the very station, heritage site or pin it names
        tp.SetJustificationToLeft()
        tp.SetVerticalJustificationToBottom()
        mapper = vtkLabelPlacementMapper()
        mapper.SetInputConnection(self.hierarchy.GetOutputPort())
        mapper.SetShapeToRoundedRect()
        mapper.SetStyleToFilled()
        mapper.SetBackgroundColor(0.1, 0.1, 0.12)
        mapper.SetBackgroundOpacity(0.6)
        mapper.SetMargin(3)
        mapper.UseDepthBufferOff()
        # The default QUEUE traversal of the label octree drops every label once the camera is
        # within ~7 km of them (a district view showed no names at all); a full sort of a few
        # dozen labels costs nothing and places them at any distance.
        mapper.SetIteratorType(vtkLabelHierarchy.FULL_SORT)
        self.mapper = mapper
        self.actor = vtkActor2D()
        self.actor.SetMapper(mapper)
        self.texts: list[str] = []
        self.set_labels(np.zeros((0, 3)), [], np.zeros(0, int))
        renderer.AddViewProp(self.actor)

    def set_theme(self, theme):
        self.hierarchy.GetTextProperty().SetColor(*theme.label_text)
        self.mapper.SetBackgroundColor(*theme.label_bg)
        self.mapper.SetBackgroundOpacity(0.72 if theme.dark else 0.6)
        self.hierarchy.Modified()

    def set_labels(self, xyz: np.ndarray, texts: list[str], priority: np.ndarray):
        pd = polydata.vertices(np.asarray(xyz, dtype=float).reshape(-1, 3))
        names = vtkStringArray()
        names.SetName("label")
        for t in texts:
            names.InsertNextValue(t)
        pd.GetPointData().AddArray(names)
        parr = numpy_to_vtk(np.asarray(priority, dtype=np.int32).copy(), deep=True)
        parr.SetName("priority")
        pd.GetPointData().AddArray(parr)
        self.hierarchy.SetInputData(pd)
        self.texts = list(texts)
        self.xyz = np.asarray(xyz, dtype=float).reshape(-1, 3)     # exports draw them as vector text
        self.priority = np.asarray(priority, dtype=int)

    def collect(self, adapters):
        """Gather (xyz, text, priority) from every visible adapter that labels."""
        parts = [a.label_points() for a in adapters]
        parts = [p for p in parts if p is not None and len(p[1])]
        if not parts:
            self.set_labels(np.zeros((0, 3)), [], np.zeros(0, int))
            return
        xyz = np.concatenate([p[0] for p in parts])
        texts = [t for p in parts for t in p[1]]
        priority = np.concatenate([np.full(len(p[1]), p[2]) for p in parts])
        keep = _first_of_each(texts, priority)
        self.set_labels(xyz[keep], [texts[i] for i in keep], priority[keep])


def _first_of_each(texts: list[str], priority: np.ndarray) -> np.ndarray:
    """One label per name (a river drawn as several features is named once): the highest-priority
    occurrence, the first one among equals; indices in their original order."""
    seen: set[str] = set()
    keep = []
    for i in np.lexsort((np.arange(len(texts)), -np.asarray(priority))):
        if texts[i] not in seen:
            seen.add(texts[i])
            keep.append(int(i))
    return np.array(sorted(keep), dtype=np.int64)
