"""Rebuild the README's pictures of annotations and exports (run under Xvfb):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_export_screenshots.py

Writes docs/annotations.png (the window with the annotation tools in use on the Dacang Bridge)
and docs/export-a3.png (page 1 of the A3 PDF exported from that view, rendered by pdftoppm).
The annotations are placed by the same clicks a user makes.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_common import ROOT, open_window, pump, quiet_environment  # noqa: E402

quiet_environment()


def click(app, view, x, y):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, QPoint(int(x), int(y)))
    pump(app, 0.2)


def main() -> int:
    from console.image_export import window_image
    app, win = open_window("zh")
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)
    pump(app, 1.0)
    panel, view = win.panels.annotations, win.view
    w, h = view.width(), view.height()
    panel.widget.set_colour("#e4002b")
    panel.widget.text.setText("拱券北侧裂缝待复核")
    panel.widget.tool_buttons["callout"].click()
    click(app, view, w * 0.50, h * 0.52)
    click(app, view, w * 0.36, h * 0.22)
    panel.widget.set_colour("#1f6fd1")
    panel.widget.text.setText("巡查路线")
    panel.widget.tool_buttons["polyline"].click()
    for fx, fy in ((0.18, 0.80), (0.40, 0.70), (0.62, 0.74), (0.84, 0.62)):
        click(app, view, w * fx, h * fy)
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    QTest.keyClick(view, Qt.Key_Return)
    panel.widget.set_colour("#f28c00")
    panel.widget.text.setText("临时围挡")
    panel.widget.tool_buttons["polygon"].click()
    for fx, fy in ((0.70, 0.30), (0.86, 0.32), (0.84, 0.46), (0.68, 0.44)):
        click(app, view, w * fx, h * fy)
    QTest.keyClick(view, Qt.Key_Return)
    panel.widget.set_colour("#7a1fa2")
    panel.widget.text.setText("测点 B")
    panel.widget.tool_buttons["marker"].click()
    click(app, view, w * 0.58, h * 0.47)
    panel.widget.tool_buttons["arrow"].click()
    click(app, view, w * 0.16, h * 0.42)
    click(app, view, w * 0.30, h * 0.50)
    panel.dock.raise_()
    pump(app, 1.0)
    window_image(win).save(str(ROOT / "docs" / "annotations.png"))
    tmp = Path(tempfile.mkdtemp(prefix="songjiang-docs-export-"))
    project = win.exporter.project_file()
    pdf = tmp / "dacang-a3.pdf"
    subprocess.run([sys.executable, "-m", "console", "snapshot", str(project), "--out", str(pdf), "--paper", "A3",
                    "--title", "大仓桥 现场核查", "--subtitle", "老城历史风貌片区 · 遗产巡查", "--author", "遗产测绘组",
                    "--dpi", "200"], cwd=ROOT, check=True)
    subprocess.run(["pdftoppm", "-r", "45", "-png", "-singlefile", str(pdf), str(ROOT / "docs" / "export-a3")],
                   check=True)
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
