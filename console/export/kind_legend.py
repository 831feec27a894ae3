"""Each kind's rows in an export's legend (the ``legend`` hook of console/scene/kinds.py).

A row is (title, colour as "#rrggbb"): the colour the layer is drawn in, for what is on the
page: ``extent`` is the ground the page shows (a shapely polygon in the project CRS,
console/export/extent.py; None: everything). A layer with nothing in it has no row; a layer
coloured by a field, by condition or by state has a row per colour drawn there, not one for
the layer. Rows repeated by several layers (every BIM model) are said once (legend.py).
"""
from __future__ import annotations

import numpy as np
import shapely

from layers.styles import VectorStyle

BIM_SWATCH = "#c8b48c"


def title(layer, lang: str) -> str:
    if lang != "en":
        return layer.name
    from layers.i18n import pinyin
    return layer.meta.get("name_en") or (layer.name if layer.name.isascii() else pinyin(layer.name))


def _hex(rgb) -> str:
    return "#%02x%02x%02x" % tuple(round(c * 255) for c in rgb[:3])


def box_in(bounds, extent) -> bool:
    """Whether a layer's (xmin, ymin, zmin, xmax, ymax, zmax) box touches the page's ground."""
    if extent is None:
        return True
    if bounds is None or any(not np.isfinite(v) for v in bounds):
        return False
    return extent.intersects(shapely.box(bounds[0], bounds[1], bounds[3], bounds[4]))


def points_in(xy: np.ndarray, extent) -> np.ndarray:
    """Mask of the (N, ≥2) points on the page's ground."""
    xy = np.asarray(xy, dtype=float)
    if not xy.size:
        return np.zeros(0, bool)
    xy = xy.reshape(-1, xy.shape[-1])
    if extent is None:
        return np.ones(len(xy), bool)
    return shapely.contains_xy(extent, xy[:, 0], xy[:, 1])


def _features_in(data, extent) -> np.ndarray | None:
    """Mask of the vector features on the page (None: not a feature table, judge the box)."""
    geoms = getattr(data, "geometries", None)
    if geoms is None:
        return None
    present = ~shapely.is_missing(geoms)
    if extent is None:
        return present
    return present & shapely.intersects(geoms, extent)


def styled(layer, lang: str, extent=None) -> list:
    s = VectorStyle.of(layer.style)
    inside = _features_in(layer.data, extent)
    if inside is None:
        return [(title(layer, lang), s.fill_colour or s.colour or s.line_colour or "#999999")] \
            if box_in(layer.bounds, extent) else []
    if not inside.any():
        return []
    columns = getattr(layer.data, "columns", {})
    values = columns.get(s.colour_field) if s.colour_field else None
    if values is None:
        return [(title(layer, lang), s.fill_colour or s.colour or s.line_colour or "#999999")]
    return _categories(layer, lang, s, values, inside)


def _categories(layer, lang: str, s: VectorStyle, values, inside) -> list:
    """A row per value drawn on the page, in its colour as the adapter picks it (console/scene/vector.py)."""
    from console.scene.style import PALETTE, rgb
    named = s.colours if isinstance(s.colours, dict) else {}
    codes = {v: i for i, v in enumerate(dict.fromkeys(values))}
    names = layer.data.columns.get("name_en" if lang == "en" else "name_zh") or [None] * len(values)
    rows = []
    for i in np.flatnonzero(inside):
        v = values[i]
        colour = _hex(rgb(named.get(str(v)), rgb(PALETTE[codes[v] % len(PALETTE)])))
        row = (str(names[i] or v), colour)
        if row not in rows:
            rows.append(row)
    return rows


def bim(layer, lang: str, extent=None) -> list:
    """As drawn: a row per condition grade (or sensor state) of the model's elements, else one
    "BIM models" row however many models there are."""
    from layers import i18n
    if not box_in(layer.bounds, extent):
        return []
    view = layer.view
    mode = view.colour_by if view is not None else "none"
    with i18n.using(lang):
        if mode in ("condition", "damage"):
            from console.scene.bim import GRADE_COLOURS, NO_DATA
            values = view.grade_of()
            grades = sorted({int(values.get(e["guid"], 0)) for e in layer.data.elements}, reverse=True)
            head = i18n.tr(f"hbim.colour.{mode}")
            return [(f"{head} · {i18n.tr(f'hbim.grade.{g}')}", GRADE_COLOURS.get(g, NO_DATA)) for g in grades]
        models = i18n.tr("hbim.legend.models")
        codes = sorted({int(c) for c in view.grade_of().values()}) if mode == "sensors" else []
        return [(models, BIM_SWATCH)] + [(f"{models} · {label}", colour) for label, colour in _state_rows(lang, codes)]


def _state_rows(lang: str, codes) -> list:
    from console.scene.sensor_legend import STATE_RGB
    from layers import i18n
    from layers.sensors.strings import state_label
    with i18n.using(lang):
        return [(state_label(i), _hex(STATE_RGB[i])) for i in codes]


def sensors(layer, lang: str, extent=None) -> list:
    """One row per state drawn on the page, in the state's colour."""
    model = layer.data
    inside = points_in(model.registry.xyz[:, :2], extent)
    if not inside.any():
        return []
    state, now = model.view()
    codes = np.unique(state.states(now)[inside])
    return [(f"{title(layer, lang)} · {label}", colour) for label, colour in _state_rows(lang, map(int, codes))]


def annotations(layer, lang: str, extent=None) -> list:
    colours = [a.colour for a in layer.data if len(a.points) and points_in(np.asarray(a.points)[:, :2], extent).any()]
    return [(title(layer, lang), max(set(colours), key=colours.count))] if colours else []
