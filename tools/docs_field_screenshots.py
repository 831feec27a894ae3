"""Rebuild the README's picture of field mode on the old-town package (1920×1080, under Xvfb):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_field_screenshots.py

Creates an old-town field package in a temporary folder, opens it as `--offline` does
(no feed, records from the package), picks arch ring 3 of the Dacang Bridge and writes
docs/field-mode-zh.png and docs/field-mode-en.png.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_common import ROOT, pump, quiet_environment  # noqa: E402

quiet_environment()


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from console.app import MainWindow
    from console.image_export import window_image
    from console.field import workspace_specs
    from layers.project import Project
    from offline.workspace import Workspace
    from layers import i18n
    from offline.package import PackageRequest, create_package
    from offline.package.areas import district_area
    tmp = Path(tempfile.mkdtemp(prefix="songjiang-field-"))
    pkg = create_package(PackageRequest(out=tmp / "old-town.gpkg", area=district_area("old-town"),
                                        district="old-town", created_by="docs"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.set_language("zh")
    workspace, project = Workspace.open(pkg), Project()  # as `--offline PKG`: the package checked first
    specs = workspace_specs(workspace, project)
    win = MainWindow(workspace, project)
    win.resize(1920, 1080)
    win.show()
    win.load_specs(specs)
    while win.loader.busy() or sum(lyr.kind == "bim" for lyr in win.project.layers) < 5:
        pump(app, 0.05)
    pump(app, 0.5)
    bridge = win.panels.hbim.model_layer("dacang_bridge")
    arch = next(k for k, e in enumerate(bridge.data.elements) if e.get("name") == "Arch ring 3")
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)
    win.panels.hbim.select(bridge, arch)
    for lang in ("zh", "en"):
        win.set_language(lang)
        win.panels.hbim.dock.raise_()
        pump(app, 1.0)
        window_image(win).save(str(ROOT / "docs" / f"field-mode-{lang}.png"))
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
