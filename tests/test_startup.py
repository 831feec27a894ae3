"""Start-up shows the map first (issue 26, item 12): the first frame the view draws after the
window opens holds map pixels, not only sky.

The window used to draw from the moment it appeared, with the camera where VTK puts it, and
placed the start view only after every layer had loaded: the user (and the start-up benchmark's
"first frame") saw empty sky for 1.7 s. The test opens the window the way `songjiang-console`
does (console/startup.py `start`: base map first) and looks at the pixels of the very first
frame drawn. No timing: what is in the frame, not when.
"""
from __future__ import annotations

import numpy as np
import pytest

from layers.districts import WHOLE

pytestmark = pytest.mark.gui


def _sky(win, rgb) -> float:
    """Share of pixels on the sky's gradient (between the theme's zenith and horizon colours)."""
    theme = win.scene.theme
    top, horizon = (np.array(c, float) * 255 for c in (theme.sky_top, theme.sky_horizon))
    px = rgb.reshape(-1, 3).astype(float)
    axis = horizon - top
    t = np.clip(((px - top) @ axis) / float(axis @ axis), 0, 1)
    return float((np.linalg.norm(px - (top + t[:, None] * axis), axis=1) < 8.0).mean())


def test_the_first_frame_after_start_shows_the_map(make_window, qtbot):
    from console.snapshot import frame_rgb
    from console.startup import start
    from layers.loading import embedded_specs
    win = make_window(start_view=WHOLE, demo_feed=False, size=(1200, 800), show=False)
    frames = []
    tag = win.view.window.AddObserver("EndEvent", lambda *_: frames.append(frame_rgb(win.view.window, False)))
    start(win, embedded_specs())
    qtbot.waitUntil(lambda: bool(frames) and not win.loader.busy(), timeout=120000)
    win.view.window.RemoveObserver(tag)
    first = frames[0]
    assert first.shape[0] > 100 and first.shape[1] > 100, first.shape
    sky = _sky(win, first)
    assert sky < 0.5, f"the first frame is {sky:.0%} sky: the map was not in it"
    # the map itself, in its own colours, not only the ground's haze: many distinct colours
    px = first.reshape(-1, 3).astype(int) // 8
    assert len(np.unique(px[:, 0] * 1024 + px[:, 1] * 32 + px[:, 2])) > 40


def test_what_the_kinds_add_is_read_after_the_map_shows_and_then_all_loads(make_window, qtbot, monkeypatch):
    """The 200,000 terminals, the BIM models and the city's buildings took the two cores and the GIL from
    the base map's first frame (py-spy: ~5 CPU-s before it); they are queued at start and read once the map
    shows. Queued, they keep the loader busy ("all loaded" still means all), and they never keep the map
    hidden: it shows with the ground and the start view, then everything loads."""
    import console.loader as loader
    from console.startup import start
    from layers import layer_kinds
    from layers.loading import embedded_specs
    win = make_window(start_view=WHOLE, demo_feed=False, size=(1000, 700), show=False)
    read, when, held = loader._read, {}, win.map_first.holding  # (a bound method: no reference kept after)

    def recorded(job, spec, crs):
        when[spec.source] = held()  # read while the map is still held back?
        return read(job, spec, crs)
    monkeypatch.setattr(loader, "_read", recorded)
    base, more = embedded_specs(), layer_kinds.default_specs()
    start(win, base, more)
    qtbot.waitUntil(lambda: not win.map_first.holding() and not win.loader.busy(), timeout=120000)
    assert {s.source for s in base + more} <= set(when)
    assert not [s.source for s in more if when[s.source]], "a kind's layer was read before the map showed"
    assert any(when[s.source] for s in base), "the base map is read while the map is held (test sanity)"
    assert len(win.project.layers) > len(base)  # and what the kinds add is in
    del held
