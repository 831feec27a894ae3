"""What GDAL and QGIS offer as layers in a package: the map layers and the HBIM record tables, named for people.

GDAL's GeoPackage driver, which QGIS opens packages with, lists the tables gpkg_contents registers,
and with its default ``LIST_ALL_TABLES=AUTO`` every other table of the file too (the full-text
search tables and their shadow tables among them, which fail to open as layers) unless
gpkg_contents registers at least one 'attributes' table (ogrgeopackagedatasource.cpp). A package
registers its HBIM record tables as attributes, so GDAL lists registered tables only; the
console's own bookkeeping (``package_*``, ``ifc_tessellation*``, ``field_*``) and the search
indexes stay out of gpkg_contents and are named in gpkg_extensions instead, as the tables of the
``sj_field_package`` extension (GeoPackage 1.2 §2.3: an extended GeoPackage says what it adds).

Each listed table's identifier (gpkg_contents.identifier, what QGIS shows beside the table name)
is its name in the interface language followed by the table name: ``交通（线） (transport_lines)``.
A package an older console wrote keeps its gpkg_contents rows for package_* (the content checksum
covers them); only its field_* rows, which the checksum leaves out, move when the journal attaches.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import PurePosixPath

from layers.package_strings import STRINGS

EXTENSION = "sj_field_package"
DEFINITION = ("Extension Title: Songjiang console field package internal tables (the console's bookkeeping "
              "and search indexes; not layers)")
INTERNAL_PREFIXES = ("package_", "ifc_tessellation", "field_")
GPKG_EXTENSIONS_DDL = """CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,
    extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"""
_SEARCH = re.compile(r"\bUSING\s+fts\d", re.I)


def search_tables(con: sqlite3.Connection) -> list[str]:
    """The full-text tables and their shadow tables (``<name>_data``, ``_idx``, ``_content``…)."""
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type='table'").fetchall()
    virtual = [name for name, sql in rows if sql and _SEARCH.search(sql)]
    return sorted(name for name, _ in rows for v in virtual if name == v or name.startswith(v + "_"))


PHOTOS = "field_photos"  # a layer where it has an integer key (QGIS and QField add photos: capture.py)


def photos_listed(con: sqlite3.Connection) -> bool:
    """Is the package's photo table one QGIS can add rows to (an integer ``fid`` key), and so a layer?"""
    cols = con.execute(f'PRAGMA table_info("{PHOTOS}")').fetchall()
    return any(c[1] == "fid" and c[5] == 1 and str(c[2]).upper() == "INTEGER" for c in cols)


def internal_tables(con: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    listed = {PHOTOS} if photos_listed(con) else set()
    return sorted({n for n in names if n.startswith(INTERNAL_PREFIXES) and n not in listed} | set(search_tables(con)))


def list_photos(con: sqlite3.Connection, language: str | None = None):
    """The photo table as an attributes layer (GDAL and QGIS list it; what a photo is added to) when it has its
    integer key; in gpkg_contents and out of the internal tables' extension rows."""
    if not photos_listed(con):
        return
    if con.execute("SELECT 1 FROM sqlite_master WHERE name='gpkg_extensions'").fetchone():
        con.execute("DELETE FROM gpkg_extensions WHERE table_name=? AND extension_name=?", (PHOTOS, EXTENSION))
    zh, en = STRINGS[f"package.layer.{PHOTOS}"]
    con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) VALUES "
                "(?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                (PHOTOS, f"{en if language == 'en' else zh} ({PHOTOS})"))


def declare_internal(con: sqlite3.Connection, tables, create: bool = False):
    """``tables`` are not layers: out of gpkg_contents, into gpkg_extensions (made when ``create``; a
    package without one keeps it so, since adding the table would change its content checksum)."""
    tables = list(tables)
    con.executemany("DELETE FROM gpkg_contents WHERE table_name=?", [(t,) for t in tables])
    if create:
        con.execute(GPKG_EXTENSIONS_DDL)
    if con.execute("SELECT 1 FROM sqlite_master WHERE name='gpkg_extensions'").fetchone():
        con.executemany("INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, "
                        "scope) VALUES (?, NULL, ?, ?, 'read-write')", [(t, EXTENSION, DEFINITION) for t in tables])


def part_styles(spec: dict, written) -> dict:
    """table → style entry of the tables one embedded layer was written as: a layer split by geometry
    kind (``transport`` → ``transport_lines``, ``transport_points``) names each part."""
    stem = PurePosixPath(spec["file"]).stem
    out = {}
    for table in written:
        kind = table[len(stem) + 1:] if table != stem else ""
        if not kind:
            out[table] = spec
            continue
        zh, en = STRINGS[f"package.part.{kind}"]
        out[table] = {**spec, "name_zh": f"{spec['name_zh']}（{zh}）", "name_en": f"{spec['name_en']} ({en})"}
    return out


def name_layers(con: sqlite3.Connection, language: str):
    """Every listed table's identifier: its name in ``language`` ("zh"|"en"), then the table name."""
    pick = 1 if language == "en" else 0
    names = {t: (zh, en) for t, zh, en in con.execute("SELECT table_name, name_zh, name_en FROM package_styles")}
    rows = con.execute("SELECT table_name FROM gpkg_contents").fetchall()
    for (table,) in rows:
        pair = names.get(table) or STRINGS.get(f"package.layer.{table}")
        if pair and pair[pick]:
            con.execute("UPDATE gpkg_contents SET identifier=? WHERE table_name=?", (f"{pair[pick]} ({table})", table))


def present(con: sqlite3.Connection, language: str):
    """A new package as GDAL and QGIS should list it: internal tables declared, layers named."""
    declare_internal(con, internal_tables(con), create=True)
    list_photos(con, language)
    name_layers(con, language)
