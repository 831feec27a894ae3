"""IFC files as "bim" layers (the engine itself lives in layers/ifc)."""
from __future__ import annotations

from pathlib import Path

from layers.ifc.georef import Placement
from layers.ifc.reader import read_ifc


def read_ifc_layer(path: Path, project, options, progress):
    """IfcReadError is a ReadError: one line naming the file, like every reader."""
    placement = Placement.from_dict(options.placement) if options.placement else None
    model = read_ifc(path, project, progress, placement=placement)
    layer = model.to_layer(placement=placement)
    layer.meta["warnings"] = list(model.warnings)
    layer.meta["element_count"] = len(model.elements)
    return layer
