"""Scene labels: every layer's names placed together, each name once (no window needed)."""
from __future__ import annotations

import numpy as np


class _Labelled:
    def __init__(self, texts, priority):
        self.texts, self.priority = texts, priority

    def label_points(self):
        return np.arange(3 * len(self.texts), dtype=float).reshape(-1, 3), self.texts, self.priority


def test_a_name_given_by_several_features_is_labelled_once_at_its_highest_priority():
    from console.scene.labels import SceneLabels
    from console.vtk_imports import vtk_to_numpy, vtkRenderer
    labels = SceneLabels(vtkRenderer())
    labels.collect([_Labelled(["黄浦江上游", "华阳湖", "黄浦江上游"], 20), _Labelled(["上海松江站", "黄浦江上游"], 30)])
    assert sorted(labels.texts) == sorted(["黄浦江上游", "华阳湖", "上海松江站"])
    pd = labels.hierarchy.GetInput()
    kept = dict(zip(labels.texts, vtk_to_numpy(pd.GetPointData().GetArray("priority"))))
    assert kept["黄浦江上游"] == 30 and kept["华阳湖"] == 20
