"""Typed styles per layer kind: what each key of ``layer.style`` means, its type and its default.

``layer.style`` stays a plain dict (it is what a project file keeps, and a
newer version's keys must survive an older one); adapters and tools read it
through ``style_of(layer)``, which gives the kind's dataclass with bad values
replaced by defaults, so a hand-edited project cannot break a frame.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, fields

log = logging.getLogger(__name__)


def _coerce(cls, style: dict):
    values = {}
    for f in fields(cls):
        if f.name not in (style or {}):
            continue
        v = style[f.name]
        try:
            if f.type in ("float",):
                v = float(v)
            elif f.type in ("int",):
                v = int(v)
            elif f.type in ("bool",):
                v = bool(v)
            elif f.type.startswith("tuple") and v is not None:
                v = tuple(str(x) for x in v)
            elif f.type.startswith("str") and v is not None:
                v = str(v)
        except (TypeError, ValueError):
            log.warning("style %s=%r is not a %s; using the default", f.name, v, f.type)
            continue
        values[f.name] = v
    return cls(**values)


@dataclass(frozen=True)
class VectorStyle:
    colour: str | None = None            # "#rrggbb"; fills and lines default to it
    fill: bool = True
    fill_colour: str | None = None
    fill_opacity: float = 0.35
    line_colour: str | None = None
    line_width: float = 2.0
    point_size: float = 9.0
    colour_field: str | None = None      # one palette colour per value of this field
    colours: dict | None = None          # {value: "#rrggbb"} of colour_field, before the palette
    label_field: str | None = None       # name_zh/name_en follow the interface language
    label_priority: int = 1              # where labels collide, the higher wins
    label_lift: float = 40.0             # metres above the ground

    @classmethod
    def of(cls, style: dict) -> "VectorStyle":
        return _coerce(cls, style)


@dataclass(frozen=True)
class TerrainStyle:
    vertical_exaggeration: float = 1.0

    @classmethod
    def of(cls, style: dict) -> "TerrainStyle":
        return _coerce(cls, style)


@dataclass(frozen=True)
class ImageryStyle:
    @classmethod
    def of(cls, style: dict) -> "ImageryStyle":
        return _coerce(cls, style)


@dataclass(frozen=True)
class SensorStyle:
    colour_by: str = "state"             # "state" | "value"
    value_kind: str | None = None        # the kind whose value ramp is shown
    kinds: tuple[str, ...] | None = None       # only these kinds (None: all)
    districts: tuple[str, ...] | None = None   # only these districts (None: all)

    @classmethod
    def of(cls, style: dict) -> "SensorStyle":
        s = _coerce(cls, style)
        return s if s.colour_by in ("state", "value") else SensorStyle(**{**s.__dict__, "colour_by": "state"})


@dataclass(frozen=True)
class BimStyle:
    """BIM appearance lives in the layer's view state (layers/bim/view.py); the style has nothing yet."""

    @classmethod
    def of(cls, style: dict) -> "BimStyle":
        return _coerce(cls, style)


@dataclass(frozen=True)
class AnnotationStyle:
    """Each annotation carries its own colour, width and font size (layers/annotations.py)."""

    @classmethod
    def of(cls, style: dict) -> "AnnotationStyle":
        return _coerce(cls, style)


def style_of(layer):
    """The layer's style as its kind's dataclass (the kind registry names the class)."""
    from layers import layer_kinds
    return layer_kinds.get(layer.kind).style_class().of(layer.style)
