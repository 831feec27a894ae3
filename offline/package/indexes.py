"""The package's derived indexes, checked read-only: every R*Tree and every full-text table.

``PRAGMA integrity_check`` of the SQLite the console ships (3.40) looks at neither: a corrupt
R*Tree node makes GDAL and QGIS spatial filters miss features, and a dropped full-text shadow
table makes every later edit of that record kind fail. ``rtreecheck()`` reads only. FTS's own
``integrity-check`` is an INSERT, which a read-only connection refuses, and a read-write one
could roll a hot journal back into the file; so each full-text table is rebuilt from the
package's rows (its content table and shadow tables, copied byte for byte by SQLite from the
package attached read-only) in a private in-memory database and checked there. The package is
never opened for writing.
"""
from __future__ import annotations

import re
import sqlite3

from layers.sqlite_uri import ro_uri

_MODULE = re.compile(r"\bUSING\s+(\w+)", re.I)
_CONTENT = re.compile(r"""\bcontent\s*=\s*(?:'([^']*)'|"([^"]*)"|\[([^\]]*)\]|(\w+))""", re.I)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _virtual(con: sqlite3.Connection, modules: tuple[str, ...]) -> list[tuple[str, str]]:
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%' "
                       "ORDER BY name").fetchall()
    out = []
    for name, sql in rows:
        m = _MODULE.search(sql or "")
        if m and m.group(1).lower() in modules:
            out.append((name, sql))
    return out


def rtree_problems(con: sqlite3.Connection) -> list[str]:
    """``rtreecheck()`` of every R*Tree (its nodes, parents and bounding boxes agree)."""
    problems = []
    for name, _ in _virtual(con, ("rtree", "rtree_i32")):
        try:
            report = con.execute("SELECT rtreecheck(?)", (name,)).fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "no such function" in str(exc):  # an SQLite built without it: nothing to ask
                return []
            report = str(exc)
        if report != "ok":
            first = " ".join(str(report).split("\n")[0].split())[:160]
            problems.append(f"rtreecheck: {name!r} is damaged ({first})")
    return problems


def _copy(mem, table: str, rowid: bool):
    """src's rows into main's table of the same name, byte for byte (no round trip through Python text)."""
    cols = [_q(r[1]) for r in mem.execute(f"PRAGMA src.table_info({_q(table)})")]
    if rowid:  # an external-content FTS table finds its rows by rowid
        cols.insert(0, "rowid")
    listed = ", ".join(cols)
    mem.execute(f"INSERT INTO main.{_q(table)} ({listed}) SELECT {listed} FROM src.{_q(table)}")


def _fts_problem(mem: sqlite3.Connection, name: str, sql: str) -> str | None:
    master = dict(mem.execute("SELECT name, sql FROM src.sqlite_master WHERE type='table'").fetchall())
    try:
        m = _CONTENT.search(sql)
        content = next((g for g in m.groups() if g is not None), "") if m else ""
        if content:
            if content not in master:
                return f"fts: {name!r} indexes {content!r}, which the file does not hold"
            mem.execute(master[content])
            _copy(mem, content, rowid=True)
        mem.execute(sql)
        shadows = [r[0] for r in mem.execute("SELECT name FROM main.sqlite_master WHERE type='table' AND name LIKE ? "
                                             "ESCAPE '\\'", (name.replace("_", "\\_") + "\\_%",))]
        missing = [s for s in shadows if s not in master]
        if missing:
            return f"fts: {name!r} lacks its shadow table{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        for shadow in shadows:
            mem.execute(f"DELETE FROM main.{_q(shadow)}")
            _copy(mem, shadow, rowid=False)
        if _MODULE.search(sql).group(1).lower() == "fts5":  # rank 1: also against the external content table
            mem.execute(f"INSERT INTO main.{_q(name)} ({_q(name)}, rank) VALUES ('integrity-check', 1)")
        else:
            mem.execute(f"INSERT INTO main.{_q(name)} ({_q(name)}) VALUES ('integrity-check')")
    except sqlite3.Error as exc:
        return f"fts: {name!r} does not agree with its records ({' '.join(str(exc).split())[:160]})"
    return None


def fts_problems(con: sqlite3.Connection) -> list[str]:
    """Each full-text table has its shadow tables and passes its own integrity-check (on a private copy)."""
    path = next(r[2] for r in con.execute("PRAGMA database_list") if r[1] == "main")
    problems = []
    for name, sql in _virtual(con, ("fts3", "fts4", "fts5")):
        mem = sqlite3.connect(":memory:", uri=True, isolation_level=None)  # uri: ATTACH reads the URI as one
        try:
            mem.execute("ATTACH DATABASE ? AS src", (ro_uri(path),))
            problems.append(_fts_problem(mem, name, sql))
        finally:
            mem.close()
    return [p for p in problems if p]
