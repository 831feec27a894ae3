"""Baseline for bench_startup: a bare PySide6 + VTK window showing one cube."""
import sys

import vtkmodules.qt

vtkmodules.qt.PyQtImpl = "PySide6"
import vtkmodules.vtkInteractionStyle  # noqa: E402,F401
import vtkmodules.vtkRenderingOpenGL2  # noqa: E402,F401
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor  # noqa: E402
from vtkmodules.vtkFiltersSources import vtkCubeSource  # noqa: E402
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkRenderer  # noqa: E402

app = QApplication(sys.argv[:1])
win = QMainWindow()
view = QVTKRenderWindowInteractor(win)
win.setCentralWidget(view)
ren = vtkRenderer()
view.GetRenderWindow().SetMultiSamples(0)
view.GetRenderWindow().AddRenderer(ren)
mapper = vtkPolyDataMapper()
cube = vtkCubeSource()
mapper.SetInputConnection(cube.GetOutputPort())
actor = vtkActor()
actor.SetMapper(mapper)
ren.AddActor(actor)
win.resize(1600, 950)
win.show()


def done():
    view.GetRenderWindow().Render()
    import time
    sys.stdout.write(f"FIRST_FRAME cpu={time.process_time():.3f}\n")  # CPU: comparable on a shared machine
    sys.stdout.flush()
    app.quit()


QTimer.singleShot(0, done)
app.exec()
