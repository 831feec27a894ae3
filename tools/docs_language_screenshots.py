"""Rebuild the README's pictures of the inspector and the HBIM record tree in both languages:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_language_screenshots.py

Writes docs/inspector-zh.png, docs/inspector-en.png (a noise terminal in alarm) and
docs/hbim-zh.png, docs/hbim-en.png (the Dacang Bridge's arch ring 3 with its records).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_common import ROOT, open_window, pump, quiet_environment  # noqa: E402

quiet_environment()


def main() -> int:
    import numpy as np
    from layers.sensors.kinds import kind_code
    app, win = open_window("zh")
    panel = win.panels.sensor_panel
    reg = panel.model.registry
    i = int(np.flatnonzero((reg.kind == kind_code("noise")) & (reg.district == reg.district_names.index("old-town")))[0])
    now = time.time()
    panel.model.ingest([i, i], [now - 60, now], [95.0, 96.0])
    bridge = next(lyr for lyr in win.project.layers if lyr.kind == "bim" and "dacang" in lyr.source)
    arch = next(k for k, e in enumerate(bridge.data.elements) if e.get("name") == "Arch ring 3")
    for lang in ("zh", "en"):
        win.set_language(lang)
        panel.select_sensor(i)
        win.inspector_dock.raise_()
        pump(app, 0.5)
        win.inspector_dock.grab().save(str(ROOT / "docs" / f"inspector-{lang}.png"))
        win.panels.hbim.inspector.show_element(bridge, arch)
        win.panels.hbim.dock.raise_()
        pump(app, 0.5)
        win.panels.hbim.dock.grab().save(str(ROOT / "docs" / f"hbim-{lang}.png"))
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
