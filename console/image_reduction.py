"""Moving-camera frames at reduced resolution, scaled up (ParaView's "image reduction factor").

On software GL (llvmpipe) and on integrated GPUs driving a 4K wall a frame is fill-bound: its
cost follows the pixels drawn. While the camera moves (console/view3d.py sets ``active``) each
frame is drawn at 1/FACTOR of the window's pixels each way (a quarter of the pixels at 2) and
scaled up to the whole window on the GPU; STILL_MS after the camera stops the view draws one
full-resolution frame. This stacks on the scene's own level of detail (``scene.interactive``).

How, inside one ``vtkRenderWindow.Render()``:
- at the window's StartEvent every renderer's viewport shrinks into the lower-left 1/FACTOR of
  the window (an inset renderer keeps its place, scaled);
- at its RenderEvent, which VTK fires after the renderers drew and before the frame is shown
  (``vtkRenderWindow::CopyResultFrame``), the viewports are restored (so picking and the camera
  between frames see the whole window) and the small picture is copied to the display framebuffer
  and blitted back over the whole render framebuffer with linear filtering (a framebuffer cannot
  be blitted onto itself where the two rectangles overlap).
Screen-sized things (line widths, point sprites, text) are drawn at twice their size while the
camera moves, as in ParaView; the still frame has them right.

``frame_px`` is what the last frame's renderers drew, in pixels: the state tests read.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

FACTOR = 2  # 1/2 of the window's pixels each way while moving
GL_READ_FRAMEBUFFER = 0x8CA8
GL_DRAW_FRAMEBUFFER = 0x8CA9
GL_COLOR_BUFFER_BIT = 0x4000
GL_NEAREST = 0x2600
GL_LINEAR = 0x2601
GL_SCISSOR_TEST = 0x0C11


def _renderers(window) -> list:
    rens = window.GetRenderers()
    return [rens.GetItemAsObject(i) for i in range(rens.GetNumberOfItems())]


class ImageReduction:
    """Observers on one render window; ``active`` while the camera moves, ``factor`` 1 turns it off."""

    def __init__(self, window, factor: int = FACTOR):
        self.window = window
        self.factor = factor
        self.active = False
        self.frame_px: tuple[int, int] | None = None  # pixels the last frame was drawn at
        self._saved: list | None = None  # (renderer, its viewport) while a reduced frame is drawn
        self._small = (0, 0)
        self._failed = False
        self._tags = [window.AddObserver("StartEvent", self._shrink),
                      window.AddObserver("RenderEvent", self._expand),
                      window.AddObserver("EndEvent", self._restore)]

    @property
    def reduced(self) -> bool:
        """The last frame was drawn at reduced resolution."""
        return self.frame_px is not None and self.frame_px != tuple(self.window.GetSize())

    def release(self):
        """Remove the observers (they hold this object, and through it the window)."""
        for tag in self._tags:
            self.window.RemoveObserver(tag)
        self._tags = []

    def _wanted(self, w: int, h: int) -> bool:
        f = self.factor
        # not a multisampled buffer (it cannot be blitted scaled), nor a render that is not shown:
        # a hardware selector's (picking by colour ids) turns buffer swaps off and reads what was drawn
        return (self.active and f > 1 and not self._failed and w >= 2 * f and h >= 2 * f
                and self.window.GetMultiSamples() <= 1 and self.window.GetSwapBuffers())

    def _shrink(self, *_):
        w, h = self.window.GetSize()
        self._saved = None
        if not self._wanted(w, h):
            return
        rw, rh = max(1, w // self.factor), max(1, h // self.factor)
        sx, sy = rw / w, rh / h
        self._saved = []
        for ren in _renderers(self.window):
            vp = ren.GetViewport()
            self._saved.append((ren, vp))
            ren.SetViewport(vp[0] * sx, vp[1] * sy, vp[2] * sx, vp[3] * sy)
        self._small = (rw, rh)

    def _restore(self, *_) -> bool:
        """Give the renderers their own viewports back (also at EndEvent: a render cut short)."""
        if self._saved is None:
            return False
        for ren, vp in self._saved:
            ren.SetViewport(*vp)
        self._saved = None
        return True

    def _expand(self, *_):
        if not self._restore():
            self.frame_px = tuple(self.window.GetSize())
            return
        w, h = self.window.GetSize()
        rw, rh = self._small
        try:
            self._scale_up(w, h, rw, rh)
        except (AttributeError, TypeError) as exc:  # not an OpenGL window (a stand-in): draw full frames
            log.warning("reduced-resolution frames unavailable: %s", exc)
            self._failed = True
            return
        self.frame_px = (rw, rh)

    def _scale_up(self, w: int, h: int, rw: int, rh: int):
        """The lower-left rw×rh of the render framebuffer, scaled over all of it (via the display one)."""
        win = self.window
        state, render, display = win.GetState(), win.GetRenderFramebuffer(), win.GetDisplayFramebuffer()
        state.PushFramebufferBindings()
        scissor = state.GetEnumState(GL_SCISSOR_TEST)
        state.vtkglDisable(GL_SCISSOR_TEST)  # a blit is clipped by the scissor box (the small viewport)
        try:
            render.Bind(GL_READ_FRAMEBUFFER)
            render.ActivateReadBuffer(0)
            display.Bind(GL_DRAW_FRAMEBUFFER)
            display.ActivateDrawBuffer(0)
            state.vtkglBlitFramebuffer(0, 0, rw, rh, 0, 0, rw, rh, GL_COLOR_BUFFER_BIT, GL_NEAREST)
            display.Bind(GL_READ_FRAMEBUFFER)
            display.ActivateReadBuffer(0)
            render.Bind(GL_DRAW_FRAMEBUFFER)
            render.ActivateDrawBuffer(0)
            state.vtkglBlitFramebuffer(0, 0, rw, rh, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_LINEAR)
        finally:
            if scissor:
                state.vtkglEnable(GL_SCISSOR_TEST)
            state.PopFramebufferBindings()
