"""Rebuild the README picture of the hub's BIM district (run under Xvfb at 1920×1080).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_hub_screenshot.py

Writes docs/hub.png: the window close to the Songjiang hub, where the station and the CBD towers
show as BIM among the city's LoD1 buildings, tower T3 shown at level 12 (the rest of it x-rayed)
through the BIM browser, an energy meter of that storey picked; the demo feed colours the streets'
traffic and the building systems.
"""
from __future__ import annotations

import sys

from docs_common import ROOT, open_window, pump, quiet_environment


def main() -> int:
    quiet_environment(feed=True)  # the demo feed: flows and building systems in their live colours
    from console.image_export import window_image
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget
    from layers.bookmarks import Bookmark
    from layers.hub import plan
    app, win = open_window("en", view="hub")
    win.resize(1920, 1050)
    pump(app, 6.0)  # a few seconds of readings
    for dock in win.findChildren(QDockWidget):  # the picture is about the 3D view and the browser
        if win.dockWidgetArea(dock) == Qt.BottomDockWidgetArea:
            dock.hide()
    t3 = next(t for t in plan.TOWERS if t.code == "T3")
    x, y = plan.to_xy(t3.u - 40.0, t3.v - 60.0)
    win.fly_to(Bookmark("picture", "", "", (x, y, 55.0), 820.0, 205.0, 27.0), animate=False)
    pump(app, 0.5)
    win.panels.hbim.browser_dock.show()
    win.panels.hbim.browser_dock.raise_()
    win.panels.hbim.browser.search("T3 L12")                 # the storey: T3 at level 12, the rest of T3 x-rayed
    win.panels.hbim.browser.search("T3 L12 energy meter")    # and one of its meters picked
    win.panels.hbim.browser_dock.raise_()
    pump(app, 1.0)
    out = ROOT / "docs" / "hub.png"
    window_image(win).save(str(out))
    sys.stdout.write(f"{out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
