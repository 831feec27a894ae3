"""What the window's first frame does not wait for: the chart's pyqtgraph (issue 25, start-up).

pyqtgraph (~0.5 s to import) was imported when the window was made, on the GUI thread, before the first
frame of the map; the chart is a tab behind the alarms. Now the window is made without it, the chart
builds its plots when it is first shown or given a terminal, and the panel imports pyqtgraph on a thread
once the layers have loaded. A fresh interpreter (the suite's own has imported it long before): the
window made and shown without pyqtgraph, then the chart working as a user finds it.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import REPO, has_display

pytestmark = [pytest.mark.gui, pytest.mark.skipif(not has_display(), reason="needs a display (xvfb-run)")]

PROBE = """
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from console.app import MainWindow
from offline.workspace import Workspace
win = MainWindow(Workspace.open(history="", demo_feed=False))
win.show()
for _ in range(20):
    app.processEvents()
made_without = "pyqtgraph" not in sys.modules
chart = win.panels.sensor_panel.chart
win.panels.sensor_panel.chart_dock.raise_()  # the user opens the chart's tab: its empty plot is made
for _ in range(20):
    app.processEvents()
print(chart.view is not None and "pyqtgraph" in sys.modules)
chart.add_series(7, "T7", "dB(A)", 55.0, 70.0, [time.time() - 60, time.time()], [50.0, 60.0])
print(made_without, chart.units(), len(chart.data(7)[0]))
win.close()
"""


def test_the_window_is_made_without_pyqtgraph_and_the_chart_still_charts():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["True", "True", "['dB(A)']", "2"], out.stdout
