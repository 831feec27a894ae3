"""The console's layer styles as QGIS styles: QML text, written into the package's ``layer_styles`` table.

QGIS reads a GeoPackage's ``layer_styles`` table (GDAL's and QGIS's convention: f_table_catalog,
f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,
description, owner, ui, update_time) and applies the row marked ``useAsDefault`` to a layer it
adds from the file, so a package dragged into QGIS without its project still shows the console's
colours. The same renderer and form (offline/package/qgis_form.py) go into the project itself
(qgis_project.py); ``styleSLD`` holds the colours as OGC SLD 1.1 for other tools. The styles are
written as text from the console's own style table
(``package_styles``), with no QGIS at package-build time: the product does not depend on QGIS.

What a user re-saves here (QGIS's "Save as default") is outside the content checksum
(checksum.py): the table is read by QGIS only, never by the console, and nothing in it names a
path the console reads or writes.
"""
from __future__ import annotations

import json
import sqlite3
from xml.sax.saxutils import escape, quoteattr

from layers.package_strings import STRINGS

QGIS_VERSION = "3.22.16-Białowieża"  # the version the text follows; QGIS reads older and newer alike
TABLE = "layer_styles"
LAYER_STYLES_SQL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
    styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),
    ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""
SNAPSHOT_STYLE = {"colour": "#5a6470", "point_size": 2.0}  # the sensor snapshot has no map style of its own
PX_MM = 0.26  # one screen pixel at 96 dpi, in millimetres: the console's widths are pixels


def rgba(hex_colour: str, alpha: float = 1.0) -> str:
    c = hex_colour.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(max(0.0, min(1.0, alpha)) * 255)}"


def _options(props: dict) -> str:
    return "".join(f'<Option type="QString" name={quoteattr(k)} value={quoteattr(str(v))}/>' for k, v in props.items())


def symbol(geometry: str, style: dict, name: str = "0") -> str:
    """One QGIS symbol ("marker", "line" or "fill") in the console's colour for ``geometry``."""
    colour = style.get("colour", "#808080")
    width = f"{max(0.1, float(style.get('line_width', 1.0)) * PX_MM):.2f}"
    if geometry == "point":
        kind, cls = "marker", "SimpleMarker"
        props = {"name": "circle", "color": rgba(colour), "outline_color": rgba(colour), "outline_width": "0",
                 "size": f"{float(style.get('point_size', 6.0)) * PX_MM * 1.5:.2f}", "size_unit": "MM"}
    elif geometry == "line":
        kind, cls = "line", "SimpleLine"
        props = {"line_color": rgba(colour), "line_width": width, "line_width_unit": "MM", "line_style": "solid",
                 "capstyle": "round", "joinstyle": "round"}
    else:
        kind, cls = "fill", "SimpleFill"
        props = {"color": rgba(colour, float(style.get("fill_opacity", 0.3))), "style": "solid",
                 "outline_color": rgba(colour), "outline_width": width, "outline_width_unit": "MM",
                 "outline_style": "solid"}
    return (f'<symbol type="{kind}" name={quoteattr(name)} alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="{cls}" enabled="1" locked="0" pass="0"><Option type="Map">{_options(props)}</Option>'
            "</layer></symbol>")


def renderer(geometry: str, style: dict) -> str:
    """A single-symbol renderer, or a categorized one when the style colours by a field (the districts)."""
    field, colours = style.get("colour_field"), style.get("colours")
    if field and isinstance(colours, dict) and colours:
        cats, syms = [], []
        for i, (value, colour) in enumerate(colours.items()):
            cats.append(f'<category render="true" symbol="{i}" value={quoteattr(str(value))} '
                        f'label={quoteattr(str(value))}/>')
            syms.append(symbol(geometry, {**style, "colour": colour}, str(i)))
        return (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(field)} symbollevels="0" forceraster="0" '
                f'enableorderby="0"><categories>{"".join(cats)}</categories><symbols>{"".join(syms)}</symbols>'
                f'<source-symbol>{symbol(geometry, style)}</source-symbol></renderer-v2>')
    return ('<renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" enableorderby="0">'
            f"<symbols>{symbol(geometry, style)}</symbols></renderer-v2>")


_SLD = ('<?xml version="1.0" encoding="UTF-8"?>\n<StyledLayerDescriptor version="1.1.0" '
        'xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" '
        'xmlns:se="http://www.opengis.net/se">'
        "<NamedLayer><se:Name>{name}</se:Name><UserStyle><se:Name>{name}</se:Name><se:FeatureTypeStyle>{rules}"
        "</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n")


def _sld_symbolizer(geometry: str, style: dict) -> str:
    colour = style.get("colour", "#808080")
    width = f"{max(0.5, float(style.get('line_width', 1.0))):g}"
    stroke = (f'<se:Stroke><se:SvgParameter name="stroke">{colour}</se:SvgParameter>'
              f'<se:SvgParameter name="stroke-width">{width}</se:SvgParameter></se:Stroke>')
    if geometry == "point":
        size = f"{float(style.get('point_size', 6.0)) * 1.5:g}"
        return (f"<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill>"
                f'<se:SvgParameter name="fill">{colour}</se:SvgParameter></se:Fill></se:Mark><se:Size>{size}</se:Size>'
                "</se:Graphic></se:PointSymbolizer>")
    if geometry == "line":
        return f"<se:LineSymbolizer>{stroke}</se:LineSymbolizer>"
    opacity = f"{max(0.0, min(1.0, float(style.get('fill_opacity', 0.3)))):g}"
    return (f'<se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">{colour}</se:SvgParameter>'
            f'<se:SvgParameter name="fill-opacity">{opacity}</se:SvgParameter></se:Fill>{stroke}'
            "</se:PolygonSymbolizer>")


def sld(table: str, geometry: str | None, style: dict) -> str:
    """The same colours as OGC Symbology Encoding (SLD 1.1), for tools that read ``styleSLD``; "" for records."""
    if not geometry:
        return ""
    field, colours = style.get("colour_field"), style.get("colours")
    if field and isinstance(colours, dict) and colours:
        rules = "".join(
            f"<se:Rule><se:Name>{escape(str(v))}</se:Name><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>"
            f"{escape(field)}</ogc:PropertyName><ogc:Literal>{escape(str(v))}</ogc:Literal></ogc:PropertyIsEqualTo>"
            f"</ogc:Filter>{_sld_symbolizer(geometry, {**style, 'colour': c})}</se:Rule>" for v, c in colours.items())
    else:
        rules = f"<se:Rule><se:Name>{escape(table)}</se:Name>{_sld_symbolizer(geometry, style)}</se:Rule>"
    return _SLD.format(name=escape(table), rules=rules)


def geometry_kind(type_name: str | None) -> str | None:
    """gpkg_geometry_columns' type name → "point" | "line" | "polygon" (None: no geometry)."""
    if not type_name:
        return None
    t = type_name.upper()
    return "point" if "POINT" in t else "line" if "LINE" in t or "CURVE" == t else "polygon"


def layer_body(geometry: str | None, style: dict, form: str = "") -> str:
    """What a vector layer's QML and its project ``<maplayer>`` share: renderer (feature tables) and form."""
    return (renderer(geometry, style) if geometry else "") + form


def qml(body: str, geometry: str | None) -> str:
    flags = f'labelsEnabled="0" styleCategories="AllStyleCategories" version={quoteattr(QGIS_VERSION)}'
    return (f"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis {flags}>{body}"
            f"<layerGeometryType>{ {'point': 0, 'line': 1, 'polygon': 2}.get(geometry, 4) }</layerGeometryType>"
            "</qgis>\n")


def style_of(con: sqlite3.Connection, table: str) -> dict:
    row = con.execute("SELECT style FROM package_styles WHERE table_name=?", (table,)).fetchone()
    try:
        style = json.loads(row[0]) if row else {}
    except ValueError:
        style = {}
    return style if isinstance(style, dict) and style else (SNAPSHOT_STYLE if table == "sensor_snapshot" else {})


def write_styles(con: sqlite3.Connection, layers: list, description: str, language: str):
    """One default style per vector layer (``layers``: VectorLayer from qgis_project.layers_of). QGIS reads the
    table through GDAL, which opens only the tables gpkg_contents lists here: it is listed (as QGIS lists it when
    it makes one), an attributes table of its own."""
    con.execute(LAYER_STYLES_SQL)
    zh, en = STRINGS[f"package.layer.{TABLE}"]
    con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) VALUES "
                "(?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                (TABLE, f"{en if language == 'en' else zh} ({TABLE})"))
    for lyr in layers:
        con.execute(f"DELETE FROM {TABLE} WHERE f_table_name=? AND styleName=?", (lyr.table, lyr.table))
        con.execute(f"INSERT INTO {TABLE} (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                    "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
                    "VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL)",
                    (lyr.table, lyr.geometry_column or "", lyr.table, qml(lyr.body, lyr.geometry),
                     sld(lyr.table, lyr.geometry, style_of(con, lyr.table)), description))
