"""A field package is also a QGIS (and QField) project: the project XML written into the GeoPackage.

QGIS keeps projects in a GeoPackage in a table ``qgis_projects (name TEXT PRIMARY KEY, metadata
BLOB, content BLOB)``: ``content`` the zipped project (a .qgz: one ``.qgs`` XML member) as hex
text, ``metadata`` JSON with the last modification's time and user, as QGIS's own GeoPackage
project storage writes them; Project › Open From › GeoPackage, or the browser, lists and opens
it. QField and QFieldCloud open project *files* only (.qgs/.qgz in a folder or ZIP beside the
data, QField's "Import project from folder/ZIP"), not projects kept in a GeoPackage: the same
project written as a .qgz file beside the package (``package qgis``, offline/package/qfield.py) makes
that bundle, since the project names the package by its path relative to itself (``./NAME.gpkg``).

The project is written from a template in Python, with no QGIS at package-build time: every
layer the package lists (gpkg_contents) in the console's style (qgis_style.py) and in the
package's language, the record tables' forms (qgis_form.py), relations from each component to
its inspections, damage records, interventions and photos and from a damage record to its
photos, the project CRS and the package's area as the starting view. The project and the styles
are outside the content checksum (a user may re-save them); nothing in them names a path the
console reads or writes, and the console never reads them back.
"""
from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from offline.package import qgis_form, qgis_style

TABLE = "qgis_projects"
PROJECTS_SQL = f"CREATE TABLE IF NOT EXISTS {TABLE} (name TEXT PRIMARY KEY, metadata BLOB, content BLOB)"
RASTER_TYPES = ("tiles", "2d-gridded-coverage")
CHILDREN = {"hbim_inspections": ("hbim.inspections", "guid"), "hbim_damage": ("hbim.damage", "guid"),
            "hbim_interventions": ("hbim.interventions", "guid"), "field_photos": ("hbim.field.photos", "guid")}
GEOMETRY_NAMES = {"point": "Point", "line": "Line", "polygon": "Polygon"}


@dataclass
class VectorLayer:
    table: str
    name: str
    geometry: str | None        # "point" | "line" | "polygon"; None for a table of records
    geometry_column: str | None
    wkb: str                    # gpkg_geometry_columns' type name, QGIS's wkbType
    srs_id: int | None
    visible: bool
    body: str                   # renderer and form (qgis_style.layer_body)


@dataclass
class RasterLayer:
    table: str
    name: str
    srs_id: int | None
    visible: bool


def _names(con, language: str) -> dict:
    pick = 2 if language == "en" else 1
    return {r[0]: (r[pick] or r[0], bool(r[3])) for r in con.execute(
        "SELECT table_name, name_zh, name_en, visible FROM package_styles")}


def _display_name(table: str, identifier: str | None, names: dict) -> str:
    if table in names:
        return names[table][0]
    return (identifier or table).removesuffix(f" ({table})")


def layers_of(con: sqlite3.Connection, language: str) -> tuple[list[VectorLayer], list[RasterLayer]]:
    """The layers the package lists (gpkg_contents), each with its style and form."""
    names = _names(con, language)
    geoms = {t: (c, g) for t, c, g in con.execute("SELECT table_name, column_name, geometry_type_name "
                                                  "FROM gpkg_geometry_columns")}
    vectors, rasters = [], []
    for table, kind, identifier, srs in con.execute("SELECT table_name, data_type, identifier, srs_id "
                                                     "FROM gpkg_contents ORDER BY rowid").fetchall():
        if table == qgis_style.TABLE:  # QGIS's own table of styles, not a layer of the map
            continue
        name, visible = _display_name(table, identifier, names), names.get(table, ("", True))[1]
        if kind in RASTER_TYPES:
            rasters.append(RasterLayer(table, name, srs, visible and kind == "tiles"))
            continue
        column, wkb = geoms.get(table, (None, None))
        geometry = qgis_style.geometry_kind(wkb)
        quoted = table.replace('"', '""')  # a name the file chose: quoted, never trusted
        columns = [r[1] for r in con.execute(f'PRAGMA table_info("{quoted}")')]
        body = qgis_style.layer_body(geometry, qgis_style.style_of(con, table),
                                     qgis_form.form(table, columns, language))
        vectors.append(VectorLayer(table, name, geometry, column, wkb or "", srs, visible, body))
    order = {"point": 0, "line": 1, "polygon": 2, None: 3}
    vectors.sort(key=lambda v: order[v.geometry])  # points drawn over lines over areas
    return vectors, rasters


def _srs(con, srs_id) -> str:
    row = con.execute("SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
                      "WHERE srs_id=?", (srs_id,)).fetchone() if srs_id is not None else None
    if not row or str(row[0]).upper() != "EPSG":
        return ""
    wkt = f"<wkt>{escape(row[2])}</wkt>" if row[2] and row[2] != "undefined" else ""
    return f"<spatialrefsys>{wkt}<authid>EPSG:{int(row[1])}</authid></spatialrefsys>"


def _layer_id(table: str) -> str:
    return f"{table}_songjiang"


def _maplayer(con, lyr, source: str) -> str:
    srs = _srs(con, lyr.srs_id)
    common = (f"<id>{_layer_id(lyr.table)}</id><datasource>{escape(source)}</datasource>"
              f"<layername>{escape(lyr.name)}</layername><srs>{srs}</srs>")
    if isinstance(lyr, RasterLayer):
        return f'<maplayer type="raster">{common}<provider>gdal</provider></maplayer>'
    geometry = GEOMETRY_NAMES.get(lyr.geometry, "No geometry")
    wkb = _wkb_name(lyr.wkb) if lyr.geometry else "NoGeometry"
    return (f'<maplayer type="vector" geometry="{geometry}" wkbType="{wkb}" labelsEnabled="0" readOnly="0" '
            f'styleCategories="AllStyleCategories">{common}<provider encoding="UTF-8">ogr</provider>'
            f"{lyr.body}</maplayer>")


def _wkb_name(type_name: str) -> str:
    """GeoPackage's geometry type name (``MULTILINESTRING``) as QGIS names it (``MultiLineString``)."""
    t = type_name.upper()
    multi = t.startswith("MULTI")
    base = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon", "CURVE": "CompoundCurve",
            "GEOMETRY": "Unknown"}.get(t.removeprefix("MULTI"), "Unknown")
    return f"Multi{base}" if multi and base != "Unknown" else base


def _tree_layer(lyr, source: str, provider: str) -> str:
    checked = "Qt::Checked" if lyr.visible else "Qt::Unchecked"
    return (f'<layer-tree-layer id="{_layer_id(lyr.table)}" name={quoteattr(lyr.name)} source={quoteattr(source)} '
            f'providerKey="{provider}" checked="{checked}" expanded="0"/>')


def _relations(tables: set[str], language: str) -> str:
    from layers.bim.strings import STRINGS
    pick = 1 if language == "en" else 0
    parent = STRINGS["hbim.component"][pick]
    out = []
    if "hbim_components" in tables:
        for child, (key, field) in CHILDREN.items():
            if child in tables:
                out.append((f"{child}_of_component", f"{parent} → {STRINGS[key][pick]}", child, "hbim_components",
                            field, "guid"))
    if {"hbim_damage", "field_photos"} <= tables:
        damage, photos = STRINGS["hbim.damage"][pick], STRINGS["hbim.field.photos"][pick]
        out.append(("field_photos_of_damage", f"{damage} → {photos}",
                    "field_photos", "hbim_damage", "record_id", "id"))
    return "<relations>" + "".join(
        f'<relation id="{rid}" name={quoteattr(name)} referencingLayer="{_layer_id(child)}" '
        f'referencedLayer="{_layer_id(parent_table)}" strength="Association">'
        f'<fieldRef referencingField="{fk}" referencedField="{pk}"/></relation>'
        for rid, name, child, parent_table, fk, pk in out) + "</relations>"


def _extent(con, crs: str) -> str:
    import shapely
    from offline.package.content import area_in
    meta = dict(con.execute("SELECT key, value FROM package_meta").fetchall())
    try:
        x0, y0, x1, y1 = area_in(shapely.from_wkt(meta["area_wkt"]), crs).bounds
    except (KeyError, ValueError, shapely.errors.GEOSException):
        return ""
    return (f"<mapcanvas name=\"theMapCanvas\"><units>meters</units><extent><xmin>{x0}</xmin><ymin>{y0}</ymin>"
            f"<xmax>{x1}</xmax><ymax>{y1}</ymax></extent><rotation>0</rotation></mapcanvas>"
            f'<ProjectViewSettings UseProjectScales="0"><DefaultViewExtent xmin="{x0}" ymin="{y0}" xmax="{x1}" '
            f'ymax="{y1}"/></ProjectViewSettings>')


def project_xml(con: sqlite3.Connection, gpkg_name: str, title: str, language: str,
                crs: str = "EPSG:4549") -> tuple[str, list[VectorLayer]]:
    """The .qgs text of the package at ``./gpkg_name`` (or the relative path given) beside the project; and its
    vector layers (their QML is the same)."""
    vectors, rasters = layers_of(con, language)
    path = gpkg_name if gpkg_name.startswith(("./", "../")) else f"./{gpkg_name}"
    tree, maps = [], []
    records = [v for v in vectors if v.geometry is None]
    for lyr in [v for v in vectors if v.geometry] + rasters:
        raster = isinstance(lyr, RasterLayer)
        source = f"GPKG:{path}:{lyr.table}" if raster else f"{path}|layername={lyr.table}"
        tree.append(_tree_layer(lyr, source, "gdal" if raster else "ogr"))
        maps.append(_maplayer(con, lyr, source))
    group = []
    for lyr in records:
        source = f"{path}|layername={lyr.table}"
        group.append(_tree_layer(lyr, source, "ogr"))
        maps.append(_maplayer(con, lyr, source))
    from layers.bim.strings import STRINGS
    if group:
        tree.insert(0, f'<layer-tree-group name={quoteattr(STRINGS["hbim.records"][1 if language == "en" else 0])} '
                       f'checked="Qt::Checked" expanded="1">{"".join(group)}</layer-tree-group>')
    srs_id = int(crs.split(":")[1]) if crs.upper().startswith("EPSG:") and crs.split(":")[1].isdigit() else None
    xml = (f"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           f"<qgis projectname={quoteattr(title)} version={quoteattr(qgis_style.QGIS_VERSION)}>"
           f'<homePath path=""/><title>{escape(title)}</title>'
           f"<projectCrs>{_srs(con, srs_id)}</projectCrs>"
           f'<layer-tree-group>{"".join(tree)}</layer-tree-group>'
           f"{_relations({v.table for v in vectors}, language)}{_extent(con, crs)}"
           f'<projectlayers>{"".join(maps)}</projectlayers>'
           '<properties><Paths><Absolute type="bool">false</Absolute></Paths>'
           '<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys></properties></qgis>\n')
    return xml, vectors


def qgz(xml: str, name: str) -> bytes:
    """The zipped project, as QGIS writes a .qgz (one .qgs member); a fixed date, so one project is one byte string."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo(f"{name}.qgs", date_time=(2020, 1, 1, 0, 0, 0)), xml.encode("utf-8"))
    return buf.getvalue()


def write_project(con: sqlite3.Connection, name: str, gpkg_name: str, title: str, language: str, author: str,
                  crs: str = "EPSG:4549"):
    """The package's QGIS project (``qgis_projects``) and its layers' default styles (``layer_styles``)."""
    xml, vectors = project_xml(con, gpkg_name, title, language, crs)
    con.execute(PROJECTS_SQL)
    meta = {"last_modified_time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
            "last_modified_user": author}
    con.execute(f"INSERT OR REPLACE INTO {TABLE} (name, metadata, content) VALUES (?, ?, ?)",
                (name, json.dumps(meta), qgz(xml, name).hex()))  # hex text, as QGIS's own storage writes it
    qgis_style.write_styles(con, vectors, title, language)

