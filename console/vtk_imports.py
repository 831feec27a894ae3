"""Every VTK import of the app goes through here: only the modules used, so start-up stays fast.

`import vtk` pulls in every module (~1.2 s here); these few cost a third of that.
"""
# flake8: noqa: F401
import vtkmodules.vtkInteractionStyle  # registers the default interactor styles
import vtkmodules.vtkRenderingFreeType  # text rendering
import vtkmodules.vtkRenderingOpenGL2  # the OpenGL backend (EGL offscreen, GLX under X)
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonCore import (
    VTK_UNSIGNED_CHAR, vtkCommand, vtkFloatArray, vtkIdTypeArray, vtkLogger, vtkOutputWindow,
    vtkPoints, vtkStringArray, vtkUnsignedCharArray,
)
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkImageData, vtkPolyData
from vtkmodules.vtkIOImage import vtkPNGReader, vtkPNGWriter
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTerrain, vtkInteractorStyleTrackballCamera
from vtkmodules.vtkRenderingCore import (
    vtkActor, vtkActor2D, vtkBillboardTextActor3D, vtkCamera, vtkCellPicker, vtkCoordinate,
    vtkPolyDataMapper, vtkPolyDataMapper2D, vtkProperty, vtkRenderer, vtkRenderWindow,
    vtkRenderWindowInteractor, vtkTextActor, vtkTextProperty, vtkTexture, vtkWindowToImageFilter,
)
from vtkmodules.vtkRenderingLabel import (
    vtkLabelPlacementMapper, vtkPointSetToLabelHierarchy,
)

VTK_FONT_FILE = 4  # vtkTextProperty font family id for "use SetFontFile"


def quiet_vtk_logging():
    """Route VTK's own warnings into Python logging instead of stderr pop-ups."""
    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_ERROR)
# BIM adapter (console/scene/bim.py): section planes, outline of the selection, condition legend
from vtkmodules.vtkCommonDataModel import vtkPlane
from vtkmodules.vtkFiltersCore import vtkFeatureEdges
from vtkmodules.vtkRenderingAnnotation import vtkLegendBoxActor
# sensors layer (console/scene/sensors.py): LUT-mapped vertex cloud, legend, exact point picking
from vtkmodules.vtkCommonCore import reference, vtkIdList, vtkLookupTable, vtkVariant
from vtkmodules.vtkCommonDataModel import vtkStaticPointLocator
from vtkmodules.vtkRenderingAnnotation import vtkScalarBarActor
