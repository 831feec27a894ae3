"""What the window shows at a pixel, found without the console's picking code (for honest tests).

A pixel "shows" a BIM element when the element's triangle is the nearest of its
model along that pixel's view ray *and* the depth buffer holds that distance
(nothing else — a sensor dot, a label's plane, another model — is drawn in front).
"""
from __future__ import annotations

import random

import numpy as np


def _ray(renderer, dx, dy):
    from console.scene.camera import view_ray
    a, b = view_ray(renderer, dx, dy)
    return a, (b - a) / np.linalg.norm(b - a)


def _nearest_triangle(corners, origin, direction):
    """Möller–Trumbore over all triangles at once: (index, distance) of the nearest hit, or None."""
    e1, e2 = corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]
    p = np.cross(direction, e2)
    det = np.einsum("ij,ij->i", e1, p)
    ok = np.abs(det) > 1e-12
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    s = origin - corners[:, 0]
    u = np.einsum("ij,ij->i", s, p) * inv
    q = np.cross(s, e1)
    v = (q @ direction) * inv
    t = np.einsum("ij,ij->i", e2, q) * inv
    hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 0)
    if not hit.any():
        return None
    i = int(np.flatnonzero(hit)[np.argmin(t[hit])])
    return i, float(t[i])


def depth_buffer(view) -> np.ndarray:
    """(h, w) depth values of the last frame, row 0 at the bottom (display coordinates)."""
    from console.vtk_imports import vtk_to_numpy, vtkFloatArray
    window = view.window
    window.Render()
    w, h = window.GetSize()
    arr = vtkFloatArray()
    window.GetZbufferData(0, 0, w - 1, h - 1, arr)
    return vtk_to_numpy(arr).reshape(h, w)


def element_under(view, adapter, x: int, y: int, zbuf) -> int | None:
    """The element of ``adapter``'s model the user sees at widget pixel (x, y), or None."""
    renderer = view.scene.renderer
    dy = view.height() - y
    origin, direction = _ray(renderer, x, dy)
    model = adapter.layer.data
    solid = adapter.state[model.triangle_element] == 2
    tris = model.triangles[solid]
    xyz = np.array([adapter.points.GetPoint(i) for i in range(adapter.points.GetNumberOfPoints())])
    found = _nearest_triangle(xyz[tris], origin, direction)
    if found is None:
        return None
    i, t = found
    renderer.SetDisplayPoint(x, dy, float(zbuf[int(dy), int(x)]))
    renderer.DisplayToWorld()
    w = renderer.GetWorldPoint()
    drawn = np.linalg.norm(np.array(w[:3]) / w[3] - origin)
    if abs(drawn - t) > 0.05 + 0.002 * t:
        return None  # something else is drawn in front of the model here
    return int(model.triangle_element[solid][i])


def visible_element_pixels(win, adapter, n: int, seed: int = 0):
    """n widget pixels (x, y, element) where the model's element is what is seen, the same element
    on the pixels around it too (so a click is not decided by rounding at an edge)."""
    view = win.view
    zbuf = depth_buffer(view)
    b = np.array(adapter.points.GetBounds())
    corners = np.array([[b[i], b[2 + j], b[4 + k]] for i in (0, 1) for j in (0, 1) for k in (0, 1)])
    from console.scene.sensor_pick import project
    disp, _ = project(view.scene.renderer, corners)
    x0, x1 = np.clip([disp[:, 0].min(), disp[:, 0].max()], 2, view.width() - 3).astype(int)
    y0, y1 = np.clip([view.height() - disp[:, 1].max(), view.height() - disp[:, 1].min()],
                     2, view.height() - 3).astype(int)
    rng = random.Random(seed)
    out = []
    for _ in range(4000):
        if len(out) == n:
            break
        x, y = rng.randint(x0, x1), rng.randint(y0, y1)
        e = element_under(view, adapter, x, y, zbuf)
        if e is None or any(element_under(view, adapter, x + a, y + c, zbuf) != e
                            for a, c in ((-2, 0), (2, 0), (0, -2), (0, 2))):
            continue
        out.append((x, y, e))
    return out


# pixels a new layer may change ------------------------------------------------------------------

def frame(view) -> np.ndarray:
    """(h, w, 3) uint8 of the 3D view as shown, row 0 at the top."""
    image = view.frame_image().convertToFormat(view.frame_image().Format.Format_RGB888)
    ptr = image.constBits()
    return np.array(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, :3 * image.width()] \
        .reshape(image.height(), image.width(), 3).copy()


def to_widget(view, scene_xyz) -> tuple[np.ndarray, np.ndarray]:
    """Scene points → widget pixels (N,2) and whether each is in front of the camera."""
    renderer = view.scene.renderer
    w, h = renderer.GetSize()
    m = renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
    mat = np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])
    hom = np.column_stack([np.asarray(scene_xyz, float), np.ones(len(scene_xyz))]) @ mat.T
    front = hom[:, 3] > 1e-9
    ndc = hom[:, :2] / np.where(front, hom[:, 3], 1.0)[:, None]
    ratio = view.devicePixelRatioF()
    xy = np.column_stack([(ndc[:, 0] + 1) * 0.5 * w / ratio, view.height() - (ndc[:, 1] + 1) * 0.5 * h / ratio])
    return xy, front


def footprint(win, layer, margin: int = 8) -> np.ndarray:
    """(h, w) bool: where the layer's own geometry (and its labels) is drawn, widened by ``margin`` px.

    Vector layers: their triangles, lines and points draped as the scene drapes them; other kinds:
    the screen hull of their 3D bounds. Nothing of the console's drawing code is used.
    """
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF
    view, scene = win.view, win.scene
    image = QImage(view.width(), view.height(), QImage.Format_Grayscale8)
    image.fill(0)
    painter = QPainter(image)
    painter.setPen(QPen(QColor(255, 255, 255), 2 * margin, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    painter.setBrush(QColor(255, 255, 255))

    def draped(xyz, lift):
        xyz = np.array(xyz, float)
        flat = ~np.isfinite(xyz[:, 2])
        xyz[flat, 2] = scene.height_at(xyz[flat, 0], xyz[flat, 1]) + lift
        return to_widget(view, scene.project.to_scene(xyz))

    def polygon(xy):
        painter.drawPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in xy]))

    if layer.kind == "vector":
        t = layer.data.tessellation()
        xy, front = draped(t.tri_xyz, 2.0)
        for k in range(0, len(xy), 3):
            if front[k:k + 3].all():
                polygon(xy[k:k + 3])
        xy, front = draped(t.line_xyz, 3.0)
        for a, b in zip(t.line_offsets[:-1], t.line_offsets[1:]):
            if front[a:b].all():
                painter.drawPolyline(QPolygonF([QPointF(float(x), float(y)) for x, y in xy[a:b]]))
        xy, front = draped(t.point_xyz, 6.0)
        for (x, y), ok in zip(xy, front):
            if ok:
                painter.drawEllipse(QPointF(float(x), float(y)), 12.0, 12.0)
        _label_boxes(win, layer, painter, draped, QRectF)
    elif layer.has_bounds():
        b = layer.bounds
        corners = np.array([[x, y, z] for x in (b[0], b[3]) for y in (b[1], b[4])
                            for z in (b[2] - 60, b[5] + 60)])
        xy, front = to_widget(view, scene.project.to_scene(corners))
        if front.all():
            import shapely
            hull = shapely.convex_hull(shapely.multipoints(xy))
            if hull.geom_type == "Polygon":
                polygon(np.asarray(hull.exterior.coords))
    painter.end()
    ptr = image.constBits()
    return np.array(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width()] > 0


def _label_boxes(win, layer, painter, draped, QRectF):
    """Generous boxes where the layer's labels may be placed (anchors as the adapter lifts them)."""
    import shapely
    from layers.styles import VectorStyle
    style = VectorStyle.of(layer.style)
    if not style.label_field or style.label_field not in layer.data.columns:
        return
    geoms = layer.data.geometries
    texts = layer.data.columns[style.label_field]
    for g, text in zip(geoms, texts):
        if g is None or text in (None, ""):
            continue
        x, y = shapely.get_coordinates(shapely.point_on_surface(g))[0]
        xy, front = draped(np.array([[x, y, np.nan]]), style.label_lift)
        if front[0]:
            w = 20.0 * len(str(text)) + 40.0
            painter.drawRect(QRectF(xy[0, 0] - w / 2, xy[0, 1] - 24, w, 48))
