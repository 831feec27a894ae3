"""The VTK view inside Qt: the one render scheduler, click-to-pick, cursor position.

Every redraw goes through ``request_render``: interface changes (selection, a
layer switched) draw on the next tick; data-driven ones (the live feed) at most
every DATA_RENDER_S and never more than 1/RENDER_DUTY of the time, so a slow
software-GL frame cannot starve the event loop; nothing is drawn when nothing
asked. While the camera moves the scene draws its interactive level of detail
(scene.interactive) at half the window's pixels each way, scaled up (console/image_reduction.py);
STILL_MS after it stops, one full-resolution, full-detail frame with FXAA.
"""
from __future__ import annotations

import time

import vtkmodules.qt

vtkmodules.qt.PyQtImpl = "PySide6"
from PySide6.QtCore import Qt, QTimer, Signal  # noqa: E402
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor  # noqa: E402

from console.image_reduction import ImageReduction  # noqa: E402
from console.scene.camera import view_ray  # noqa: E402
from console.scene.picking import pick  # noqa: E402
from console.vtk_imports import vtkInteractorStyleTrackballCamera  # noqa: E402

RENDER_INTERVAL_MS = 16
DATA_RENDER_S = 0.1      # feed-driven redraws at most ~10 Hz ...
RENDER_DUTY = 8.0        # ... and at least this many frame-times apart
STILL_MS = 180           # the camera is still this long after the last move: full detail
BUSY_RENDER_INTERVAL_MS = 250  # while layers stream in, show progress without re-rendering per layer
CLICK_SLOP_PX = 4
HOVER_MS = 80  # pick under a resting mouse at most this often (a pick costs ~10 ms)


class View3D(QVTKRenderWindowInteractor):
    picked = Signal(object, object)      # layer, attributes dict (None, None when nothing)
    hit = Signal(object)                 # the full Hit (layer, feature index, position) or None
    hovered = Signal(object)             # the Hit under the resting mouse, or None
    cursor_moved = Signal(float, float, float)  # project-CRS x, y, z

    def __init__(self, scene, parent=None):
        super().__init__(parent)
        self.scene = scene
        self.window = self.GetRenderWindow()
        self.window.SetMultiSamples(0)  # MSAA triples frame time on software GL; users with GPUs lose little
        self.scene.attach(self.window)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.timeout.connect(self._render)
        self.held = False  # console/startup.py: no frame before the map is in
        scene.set_render_callback(self.request_render)
        style = vtkInteractorStyleTrackballCamera()
        self.SetInteractorStyle(style)
        self.frame_s, self._last_end, self._data_pending = 0.0, 0.0, False
        # removed at shutdown: they hold this QObject (console/gc_guard.py)
        self._observers = [(self.window, self.window.AddObserver("StartEvent", self._frame_started)),
                           (self.window, self.window.AddObserver("EndEvent", self._frame_ended))]
        self._still = QTimer(self)
        self._still.setSingleShot(True)
        self._still.setInterval(STILL_MS)
        self._still.timeout.connect(self._camera_still)
        self._observers += [(style, style.AddObserver("StartInteractionEvent", self._camera_moving)),
                            (style, style.AddObserver("EndInteractionEvent", lambda *_: self._still.start()))]
        self.fxaa = True  # anti-aliased still frames; off while moving
        self.lod = True   # the cheaper level of detail while the camera moves (benches compare without)
        self.reduction = ImageReduction(self.window)  # ... drawn at reduced resolution (factor 1: off)
        scene.renderer.SetUseFXAA(self.fxaa)
        self._press = None
        self.is_busy = None
        self._hover_at = None
        self._hover = QTimer(self)
        self._hover.setSingleShot(True)
        self._hover.setInterval(HOVER_MS)
        self._hover.timeout.connect(self._pick_hover)

    def frame_image(self):
        """The current frame as a QImage in widget (logical pixel) size."""
        from PySide6.QtGui import QImage

        from console.vtk_imports import vtk_to_numpy, vtkWindowToImageFilter
        moving, self.reduction.active = self.reduction.active, False  # an export grabs full resolution
        try:
            self.window.Render()
            grab = vtkWindowToImageFilter()
            grab.SetInput(self.window)
            grab.SetInputBufferTypeToRGB()
            grab.ReadFrontBufferOff()
            grab.Update()
        finally:
            self.reduction.active = moving
        out = grab.GetOutput()
        w, h, _ = out.GetDimensions()
        rgb = vtk_to_numpy(out.GetPointData().GetScalars()).reshape(h, w, 3)[::-1].copy()
        image = QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()
        return image.scaled(self.width(), self.height()) if (w, h) != (self.width(), self.height()) else image

    def shutdown(self):
        """Stop rendering before the GL window goes: a queued render after Finalize() crashes."""
        self._closed = True
        self._timer.stop()
        self._still.stop()
        self._hover.stop()
        for obj, tag in self._observers:
            obj.RemoveObserver(tag)
        self._observers = []
        self.reduction.release()
        self.scene.release()  # the layers' signal groups would keep the scene and window alive
        self.Finalize()

    def request_render(self, data: bool = False):
        """Many model events in one tick → one render; ``data`` marks a feed-driven redraw."""
        if getattr(self, "_closed", False):
            return
        if data:
            if self.scene.interactive:  # the moving camera draws the new colours anyway
                return
            wait = max(DATA_RENDER_S, RENDER_DUTY * self.frame_s) - (time.perf_counter() - self._last_end)
            if wait > 0:
                self._data_pending = True
                if not self._timer.isActive():
                    self._timer.start(int(wait * 1000) + 1)
                return
        interval = BUSY_RENDER_INTERVAL_MS if self.busy() else RENDER_INTERVAL_MS
        if not self._timer.isActive() or self._timer.remainingTime() > interval:  # a click never waits for the feed
            self._timer.start(interval)

    def _render(self):
        if not self.held:
            self.window.Render()

    def paintEvent(self, ev):
        if not self.held:
            super().paintEvent(ev)

    def _frame_started(self, *_):
        self._t0 = time.perf_counter()

    def _frame_ended(self, *_):
        self._last_end = time.perf_counter()
        self.frame_s = self._last_end - getattr(self, "_t0", self._last_end)
        self._data_pending = False

    def _camera_moving(self, *_):
        self._still.stop()
        self.reduction.active = True
        if self.lod and not self.scene.interactive:
            self.scene.set_interactive(True)
            self.scene.renderer.SetUseFXAA(False)

    def _camera_still(self):
        if getattr(self, "_closed", False):
            return
        self.reduction.active = False
        self.scene.set_interactive(False)
        self.scene.renderer.SetUseFXAA(self.fxaa)
        self.request_render()

    def busy(self) -> bool:
        """Set by the window while the loader works (a callable, so the view needs no loader)."""
        return bool(self.is_busy and self.is_busy())

    def mousePressEvent(self, ev):
        self._press = ev.position().toPoint()
        super().mousePressEvent(ev)

    def mouseReleaseEvent(self, ev):
        pos = ev.position().toPoint()
        click = self._press is not None and (pos - self._press).manhattanLength() <= CLICK_SLOP_PX
        self._press = None
        if not click:
            super().mouseReleaseEvent(ev)
            return
        self.pick_at(pos.x(), pos.y(), add=bool(ev.modifiers() & Qt.ControlModifier))
        # The interactor style ends its (unmoved) rotation with a full render of its own; the one
        # render scheduler draws the selection instead, without making the click wait for a frame.
        interactor = self.window.GetInteractor()
        interactor.EnableRenderOff()
        try:
            super().mouseReleaseEvent(ev)
        finally:
            interactor.EnableRenderOn()
        self.request_render()

    def mouseMoveEvent(self, ev):
        super().mouseMoveEvent(ev)
        p = ev.position()
        if ev.buttons() == Qt.NoButton:  # not while dragging the camera
            self._hover_at = (p.x(), p.y())
            if not self._hover.isActive():
                self._hover.start()
        xyz = self.ground_at(p.x(), p.y())
        if xyz is not None:
            self.cursor_moved.emit(*xyz)

    def _display_xy(self, x, y):
        ratio = self.devicePixelRatioF()
        return x * ratio, (self.height() - y) * ratio

    def leaveEvent(self, ev):
        self._hover_at = None
        self.hovered.emit(None)
        super().leaveEvent(ev)

    def _pick_hover(self):
        if self._hover_at is None or getattr(self, "_closed", False):
            return
        self.hovered.emit(pick(self.scene, *self._display_xy(*self._hover_at)))

    def pick_at(self, x, y, add: bool = False):
        """Select what is under widget position (x, y); ``add`` (Ctrl) adds to the selection,
        and a Ctrl+click on nothing keeps it."""
        dx, dy = self._display_xy(x, y)
        hit = pick(self.scene, dx, dy)
        if add:
            if hit is None:
                return
            hit.add = True
        self.hit.emit(hit)
        if hit is None:
            self.picked.emit(None, None)
        else:
            self.picked.emit(hit.layer, hit.attributes)

    def ground_at(self, x, y):
        """Where the view ray meets the ground, in the project CRS (cheap: no picker)."""
        r = self.scene.renderer
        ends = view_ray(r, *self._display_xy(x, y))
        if ends is None:
            return None
        a, b = (self.scene.project.from_scene(e[None])[0] for e in ends)
        z = float(self.scene.height_at([a[0]], [a[1]])[0])
        for _ in range(3):  # refine against the terrain height under the ray
            if abs(b[2] - a[2]) < 1e-9:
                return None
            t = (z - a[2]) / (b[2] - a[2])
            if not 0 <= t <= 1:
                return None
            p = a + t * (b - a)
            z = float(self.scene.height_at([p[0]], [p[1]])[0])
        return float(p[0]), float(p[1]), z
