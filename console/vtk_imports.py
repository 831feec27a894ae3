"""Every VTK import of the app goes through here: only the modules used, so start-up stays fast.

`import vtk` pulls in every module (~0.5–1.2 s here); these few cost a fraction of that.
"""
# flake8: noqa: F401
import vtkmodules.vtkInteractionStyle  # registers the default interactor styles
import vtkmodules.vtkRenderingFreeType  # text rendering
import vtkmodules.vtkRenderingOpenGL2  # the OpenGL backend (EGL offscreen, GLX under X)
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonCore import (
    reference, vtkCommand, vtkFloatArray, vtkIdList, vtkLogger, vtkLookupTable, vtkPoints, vtkStringArray,
    vtkUnsignedCharArray,
)
from vtkmodules.vtkCommonDataModel import (
    vtkCellArray, vtkImageData, vtkPlane, vtkPolyData, vtkStaticPointLocator,
)
from vtkmodules.vtkFiltersCore import vtkFeatureEdges
from vtkmodules.vtkIOImage import vtkPNGReader, vtkPNGWriter
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera
from vtkmodules.vtkRenderingCore import (
    vtkActor, vtkActor2D, vtkCellPicker, vtkCoordinate, vtkPolyDataMapper, vtkPolyDataMapper2D,
    vtkRenderer, vtkRenderWindow, vtkTextActor, vtkTexture, vtkWindowToImageFilter,
)
from vtkmodules.vtkRenderingLabel import vtkLabelHierarchy, vtkLabelPlacementMapper, vtkPointSetToLabelHierarchy

VTK_FONT_FILE = 4  # vtkTextProperty font family id for "use SetFontFile"


def quiet_vtk_logging():
    """Keep VTK's warnings off stderr in headless runs (its errors still print)."""
    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_ERROR)

# annotations (console/scene/annotations.py)
from vtkmodules.vtkFiltersCore import vtkTriangleFilter
from vtkmodules.vtkFiltersSources import vtkConeSource
from vtkmodules.vtkRenderingCore import vtkBillboardTextActor3D

# city buildings (console/scene/buildings.py): a cell locator makes a pick among 200,000 triangles cheap
from vtkmodules.vtkCommonDataModel import vtkStaticCellLocator
