"""Rebuild the README's pictures of the map: new-city, hub and old-town, in the light and the dark
"wall" theme, at 1920×1080 and 1366×768 — the window as a user opens it (default layout, every
default layer, the simulated live feed), under Xvfb:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_view_screenshots.py

Writes docs/view-<view>-<theme>-<width>.png (palette PNGs: a map has few colours, and twelve
full-colour screenshots would weigh the repository down).
"""
from __future__ import annotations

import os
import sys
import tempfile

from docs_common import ROOT, pump, quiet_environment, save_window_png  # noqa: E402

VIEWS = ("new-city", "hub", "old-town")
SIZES = ((1920, 1080), (1366, 768))


def shoot(app, win, view: str, theme: str, size) -> str:
    win.resize(*size)
    pump(app, 0.5)
    win.set_theme(theme, remember=False)
    win.fly_to(view, animate=False)
    pump(app, 2.5)
    out = ROOT / "docs" / f"view-{view}-{theme}-{size[0]}.png"
    return save_window_png(win, out)


def main() -> int:
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="songjiang-docs-config-")  # the default layout
    quiet_environment(feed=True)
    from docs_common import open_window
    app, win = open_window("zh", "new-city")
    end = 120
    while end > 0 and not win.panels.sensor_panel.settled():
        pump(app, 0.5)
        end -= 0.5
    pump(app, 4.0)  # the feed raises its first alarms
    for size in SIZES:
        for theme in ("light", "wall"):
            for view in VIEWS:
                print(shoot(app, win, view, theme, size))
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
