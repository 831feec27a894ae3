"""What `info` says of a layer beyond its name, CRS and bounds: each kind's ``describe`` hook.

Named by the kind's entry in layers/layer_kinds.py; console/info.py adds what every
layer has. Headless: counts and fields read from the model, never drawn.
"""
from __future__ import annotations


def bim(layer) -> dict:
    return {"element_count": len(layer.data.elements), "schema": layer.data.schema, "view": layer.view.to_dict()}


def sensors(layer) -> dict:
    return {"terminal_count": len(layer.data)}


def flows(layer) -> dict:
    return {"segment_count": len(layer.data)}


def buildings(layer) -> dict:
    out = {"building_count": len(layer.data), "fields": list(layer.data.columns)}
    if layer.meta.get("parts"):
        out["part_count"] = layer.meta["parts"]
    return out


def vector(layer) -> dict:
    out = {"feature_count": len(layer.data), "geometry_types": layer.data.geometry_types,
           "fields": list(layer.data.columns)}
    if layer.meta.get("table"):
        out["table"] = layer.meta["table"]
    return out


def raster(layer) -> dict:
    out = {"size": layer.meta.get("size"), "bands": int(layer.meta.get("band_count") or layer.data.array.shape[0]),
           "role": layer.meta.get("role")}
    if layer.meta.get("table"):
        out["table"] = layer.meta["table"]
    return out


def terrain(layer) -> dict:
    out = raster(layer)
    if layer.data.mask.any():
        valid = layer.data.array[0][layer.data.mask]
        out["elevation"] = [round(float(valid.min()), 3), round(float(valid.max()), 3)]
    return out
