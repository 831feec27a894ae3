"""IFC engine: georeferencing, element records, tessellation in a worker process.

Public entry points for the GUI and CLI:

* ``read_ifc(path, project_crs, progress, placement=None) -> IfcModel``
* ``ifc_info(path, project_crs) -> dict`` (the ``info --json`` command)
* ``Placement`` — the user's placement for a model without georeference.

Nothing here imports Qt or VTK; parsing and tessellation run in a child
process so a native crash in ifcopenshell never takes the caller down.
"""
from __future__ import annotations

from layers.ifc.errors import IfcReadError
from layers.ifc.georef import Georef, Placement

__all__ = ["IfcReadError", "Georef", "Placement", "read_ifc", "ifc_info", "IfcModel"]


def __getattr__(name):
    # Lazy so that importing the package (e.g. in the worker) stays cheap.
    if name in ("read_ifc", "IfcModel"):
        from layers.ifc import reader
        return getattr(reader, name)
    if name == "ifc_info":
        from layers.ifc.info import ifc_info
        return ifc_info
    raise AttributeError(name)
