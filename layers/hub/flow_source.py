"""The flows layer's built-in source ("flows:city"): road segments and gate lines fed by the default terminals."""
from __future__ import annotations

import numpy as np

from layers.layer import Layer
from layers.spec import LayerSpec

SOURCE = "flows:city"
NAME = ("交通与客流（实时）", "Traffic and passenger flows (live)")


def default_specs() -> list[LayerSpec]:
    return [LayerSpec(source=SOURCE, name=NAME[0], name_en=NAME[1])]


def build_layers(spec: LayerSpec, project_crs, progress=None) -> list[Layer]:
    if spec.source != SOURCE:
        raise ValueError(f"{spec.source}: unknown flows source ('{SOURCE}')")
    from layers.crs import transform_xy
    from layers.hub.flows import build
    from layers.sensors.model import default_registry
    reg = default_registry()  # the same (cached) registry object the sensor layer holds
    net = build(reg, project_crs)
    if reg.crs != project_crs.crs and len(net):
        xy = net.ends.reshape(-1, 2)
        x, y = transform_xy(xy[:, 0], xy[:, 1], reg.crs, project_crs.crs)
        net.ends = np.column_stack([x, y]).reshape(-1, 2, 2)
    return [Layer(name=NAME[0], kind="flows", data=net, bounds=net.bounds(), source=spec.source,
                  source_crs=project_crs.crs, meta={"name_en": NAME[1], "segment_count": len(net)})]
