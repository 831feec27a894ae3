"""numpy arrays → vtkPolyData without Python loops over cells."""
from __future__ import annotations

import numpy as np

from console.vtk_imports import (
    numpy_to_vtk, numpy_to_vtkIdTypeArray, vtkCellArray, vtkFeatureEdges, vtkPoints, vtkPolyData,
)


def _cells(offsets: np.ndarray, connectivity: np.ndarray) -> vtkCellArray:
    cells = vtkCellArray()
    cells.SetData(numpy_to_vtkIdTypeArray(np.ascontiguousarray(offsets, dtype=np.int64), deep=True),
                  numpy_to_vtkIdTypeArray(np.ascontiguousarray(connectivity, dtype=np.int64), deep=True))
    return cells


def points(xyz: np.ndarray) -> vtkPoints:
    pts = vtkPoints()
    pts.SetData(numpy_to_vtk(np.ascontiguousarray(xyz, dtype=np.float32), deep=True))
    return pts


def triangles(xyz: np.ndarray) -> vtkPolyData:
    n = len(xyz) // 3
    pd = vtkPolyData()
    pd.SetPoints(points(xyz))
    pd.SetPolys(_cells(np.arange(0, 3 * n + 1, 3), np.arange(3 * n)))
    return pd


def mesh(xyz: np.ndarray, faces: np.ndarray) -> vtkPolyData:
    """Indexed triangles: faces is (M, 3) indices into xyz."""
    pd = vtkPolyData()
    pd.SetPoints(points(xyz))
    pd.SetPolys(_cells(np.arange(0, 3 * len(faces) + 1, 3), np.asarray(faces).ravel()))
    return pd


def polylines(xyz: np.ndarray, offsets: np.ndarray) -> vtkPolyData:
    pd = vtkPolyData()
    pd.SetPoints(points(xyz))
    pd.SetLines(_cells(offsets, np.arange(len(xyz))))
    return pd


def vertices(xyz: np.ndarray) -> vtkPolyData:
    pd = vtkPolyData()
    pd.SetPoints(points(xyz))
    pd.SetVerts(_cells(np.arange(len(xyz) + 1), np.arange(len(xyz))))
    return pd


def add_cell_ids(pd: vtkPolyData, feature: np.ndarray, name: str = "feature"):
    arr = numpy_to_vtk(np.ascontiguousarray(feature, dtype=np.int64), deep=True)
    arr.SetName(name)
    pd.GetCellData().AddArray(arr)


def grid_surface(xs: np.ndarray, ys: np.ndarray, z: np.ndarray) -> vtkPolyData:
    """A regular grid (rows = ys, cols = xs) as triangles, z (rows, cols)."""
    rows, cols = z.shape
    gx, gy = np.meshgrid(xs, ys)
    xyz = np.column_stack([gx.ravel(), gy.ravel(), z.ravel()])
    r, c = np.meshgrid(np.arange(rows - 1), np.arange(cols - 1), indexing="ij")
    a = (r * cols + c).ravel()
    quads = np.column_stack([a, a + 1, a + cols, a + 1, a + cols + 1, a + cols]).reshape(-1, 3)
    return mesh(xyz, quads)


def outline(pd: vtkPolyData, feature_angle: float) -> vtkPolyData:
    """The edges that draw a solid's outline (boundary and creases): selection and hover marks."""
    edges = vtkFeatureEdges()
    edges.SetInputData(pd)
    edges.SetFeatureAngle(feature_angle)
    edges.BoundaryEdgesOn()
    edges.FeatureEdgesOn()
    edges.ManifoldEdgesOff()
    edges.NonManifoldEdgesOff()
    edges.ColoringOff()
    edges.Update()
    return edges.GetOutput()
