"""At district scale a click on the Dacang Bridge's red symbol selects the bridge (issue 26, item 8).

A model too small to see is drawn as a red disc over everything beneath it; a terminal under the
bridge (not drawn there: the disc covers it) used to take 22–24 of 40 clicks, because the symbol
was not pickable and the sensor layer answered exactly. What is drawn on top wins. The clicks are
real mouse clicks in the default window at the old-town view, each on a pixel the frame shows in
the symbol's red.
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.view_probe import frame

pytestmark = pytest.mark.gui


def _symbol_pixels(win, layer, n: int):
    """Up to n widget pixels around the bridge's symbol that the frame shows in the symbol's red."""
    from console.scene.bim import MARKER
    from console.scene.sensor_pick import project
    from console.scene.style import rgb
    adapter = win.scene.adapters[layer.id]
    assert adapter.marker.GetVisibility(), "the bridge is not drawn as a symbol at this scale"
    top = np.array([adapter.marker.GetMapper().GetInput().GetPoint(0)])
    (dx, dy), = project(win.scene.renderer, top)[0]
    ratio = win.view.devicePixelRatioF()
    cx, cy = dx / ratio, win.view.height() - dy / ratio
    image = frame(win.view).astype(int)
    red = np.array(rgb(MARKER)) * 255
    found = []
    for r in (0, 1, 2, 3):
        for a in np.linspace(0, 2 * np.pi, 12, endpoint=False):
            x, y = int(round(cx + r * np.cos(a))), int(round(cy + r * np.sin(a)))
            if (x, y) not in found and np.abs(image[y, x] - red).sum() < 90:
                found.append((x, y))
    return found[:n]


@pytest.fixture
def bridge_window(make_window, qtbot, monkeypatch):
    """The default window's base map, its 200,000 terminals and the bridge (the rest of the default
    scene adds load time, not clicks), at the old-town view; no feed."""
    from layers import layer_kinds
    from layers.loading import embedded_specs
    from tests.helpers import wait_for_frame
    monkeypatch.setenv("SONGJIANG_NO_DIALOGS", "1")
    win = make_window(start_view="old-town", demo_feed=False, size=(1200, 800))
    win.load_specs(embedded_specs() + [s for s in layer_kinds.default_specs()
                                       if s.source.startswith("sensors:") or "dacang_bridge" in s.source])
    qtbot.waitUntil(lambda: not win.loader.busy() and win.panels.hbim.model_layer("dacang_bridge") is not None
                    and any(lyr.kind == "sensors" for lyr in win.project.layers), timeout=120000)
    win.fly_to("old-town", animate=False)
    wait_for_frame(qtbot, win)
    return win


def test_forty_district_scale_clicks_on_the_bridge_symbol_select_the_bridge(bridge_window):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    win = bridge_window
    bridge = win.panels.hbim.model_layer("dacang_bridge")
    pixels = _symbol_pixels(win, bridge, 40)
    assert len(pixels) >= 10, f"only {len(pixels)} pixels of the symbol are drawn"
    targets = [pixels[i % len(pixels)] for i in range(40)]
    chosen = []
    for x, y in targets:
        win.panels.hbim.select(None, None)
        QTest.mouseClick(win.view, Qt.LeftButton, Qt.NoModifier, QPoint(x, y))
        picked = win.panels.hbim.selection
        chosen.append(picked is not None and picked[0] is bridge)
    assert sum(chosen) >= 38, f"{sum(chosen)} of 40 clicks on the bridge's symbol selected the bridge"
    element = win.panels.hbim.selection[1]
    assert bridge.data.elements[element]["ifc_class"] == "IfcBuilding"  # the bridge itself, named in the inspector
