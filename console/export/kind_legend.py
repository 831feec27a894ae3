"""Each kind's rows in an export's legend (the ``legend`` hook of console/scene/kinds.py).

A row is (title, colour as "#rrggbb"): the colour the layer is drawn in.
"""
from __future__ import annotations

from layers.styles import VectorStyle

BIM_SWATCH = "#c8b48c"


def title(layer, lang: str) -> str:
    if lang != "en":
        return layer.name
    from layers.i18n import pinyin
    return layer.meta.get("name_en") or (layer.name if layer.name.isascii() else pinyin(layer.name))


def styled(layer, lang: str) -> list:
    s = VectorStyle.of(layer.style)
    return [(title(layer, lang), s.fill_colour or s.colour or s.line_colour or "#999999")]


def bim(layer, lang: str) -> list:
    return [(title(layer, lang), BIM_SWATCH)]


def sensors(layer, lang: str) -> list:
    """One row per state, in the state's colour."""
    from console.scene.sensor_legend import STATE_RGB
    from layers import i18n
    from layers.sensors.strings import state_label
    state_hex = ["#%02x%02x%02x" % tuple(round(c * 255) for c in rgb) for rgb in STATE_RGB]
    with i18n.using(lang):
        return [(f"{title(layer, lang)} · {state_label(i)}", state_hex[i]) for i in range(5)]


def annotations(layer, lang: str) -> list:
    colours = [a.colour for a in layer.data]
    return [(title(layer, lang), max(set(colours), key=colours.count))] if colours else []
