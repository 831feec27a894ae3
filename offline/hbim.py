"""HBIM records per IFC component, stored in the project's SQLite, with undo/redo.

Four record kinds, all keyed to a component by its IFC GlobalId and each with
its own UUID: ``Component`` (heritage classification, period/phase, material,
structural role), ``Inspection`` (Pset_Condition-like), ``Damage`` (ICOMOS-ISCS
stone-deterioration pattern, severity 1-5) and ``Intervention`` (IfcTask-like).
Field edits: synchronous=FULL and ``BEGIN IMMEDIATE``; WAL for a workstation store, a rollback
journal for a field package (one file, see ``_open``).
Every edit is one step (rows before → rows after) on the application's undo stack.
IFC round-trip lives in ``offline/hbim_ifc.py``.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import sqlite_utils
from psygnal import Signal

from layers.i18n import Term
from layers.undo import UndoStack
from offline.guard import StoreRefused, check_store

from offline.hbim_records import (  # noqa: F401  (the record kinds, re-exported where they were)
    APPLICATION_ID, CONDITION_GRADES, ICOMOS_ISCS, KINDS, SEARCHABLE, TABLE_OF, Component, Damage, Inspection,
    Intervention, _LISTS, _key, _uid)


def create_schema(con: sqlite3.Connection):
    """Tables, indexes and full-text search, made with sqlite-utils; idempotent.

    A store written by an older version gains the columns newer record types added,
    so an upgraded console opens a surveyor's existing file instead of failing on it.
    Field packages (offline/package) make their hbim_* tables with this too.
    """
    db = sqlite_utils.Database(con)
    for table, cls in KINDS.items():
        t = db.table(f"hbim_{table}")
        columns = {f.name: str for f in fields(cls)}
        if not t.exists():
            t.create(columns, pk=_key(table))
        for name in columns.keys() - t.columns_dict.keys():
            t.add_column(name, str)
        if table != "components":
            t.create_index(["guid"], index_name=f"hbim_{table}_guid", if_not_exists=True)
        if not t.detect_fts():
            t.enable_fts(SEARCHABLE[table], create_triggers=True)


def validate(rec):
    if isinstance(rec, Damage):
        if rec.type not in ICOMOS_ISCS:
            raise ValueError(f"damage type {rec.type!r} is not an ICOMOS-ISCS glossary term")
        if not 1 <= int(rec.severity) <= 5:
            raise ValueError(f"severity must be 1-5, got {rec.severity}")
    if isinstance(rec, Inspection) and int(rec.condition_grade) not in CONDITION_GRADES:
        raise ValueError(f"condition grade must be 1-5, got {rec.condition_grade}")


@dataclass
class _Put:
    """One undoable edit: ``before``/``after`` rows (None = absent)."""

    table: str
    before: dict | None
    after: dict | None


class HbimStore:
    changed = Signal(str, str)  # table, component GlobalId

    def __init__(self, path, undo_stack: UndoStack | None = None, journal=None):
        """``journal`` (offline/field/journal.py): a field package's outbox, written in each edit's transaction."""
        self.path = Path(path)
        self.undo_stack = undo_stack if undo_stack is not None else UndoStack()
        self.journal = journal
        self.last_edits: list[str] = []  # outbox UUIDs of the last committed edit (field packages)
        if journal is not None:
            new = journal.check(self.path)
        else:  # never a field package: offline/records.open_records opens those with their journal on
            new = check_store(self.path, APPLICATION_ID, "HBIM record store", {"hbim_*"})
        try:
            self._open(new)
        except sqlite3.DatabaseError as exc:
            raise StoreRefused(f"{self.path}: cannot open HBIM record store ({exc})") from None

    def _open(self, new: bool):
        self.db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        # A field package stays one file, in rollback-journal mode: in field mode GDAL (rasterio, pyogrio)
        # reads the same package in this process with its own copy of SQLite, which does not see our
        # locks and, closing, deletes a WAL it takes for unused — with the surveyor's edits in it.
        self.db.execute("PRAGMA journal_mode=" + ("DELETE" if self.journal is not None else "WAL"))
        self.db.execute("PRAGMA synchronous=FULL")  # field edits must survive power loss
        self.db.execute("PRAGMA busy_timeout=5000")
        # a trigger's own writes fire the triggers that keep the full-text index in step
        self.db.execute("PRAGMA recursive_triggers=ON")
        self._schema()
        if self.journal is not None:
            self.journal.attach(self.db)
            return  # a package keeps the GeoPackage application_id
        if new or self.db.execute("PRAGMA application_id").fetchone()[0] == 0:
            self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")

    def _schema(self):
        create_schema(self.db)

    def close(self):
        self.db.close()

    # -- reading -----------------------------------------------------------
    def _row(self, table: str, key: str) -> dict | None:
        cols = ", ".join(f'"{f.name}"' for f in fields(KINDS[table]))  # not a package's integer fid
        cur = self.db.execute(f"SELECT {cols} FROM hbim_{table} WHERE {_key(table)}=?", (key,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else None

    @staticmethod
    def _decode(table: str, row: dict):
        cls = KINDS[table]
        out = {}
        for f in fields(cls):
            v = row.get(f.name)
            if f.name in _LISTS:
                v = json.loads(v or "[]")
            elif f.name == "illustrative":
                v = v == "1"
            elif f.name in ("severity", "condition_grade"):  # a row another tool added may hold none, or "3.0"
                v = f.default if v in (None, "") else int(float(v))
            out[f.name] = v if v is not None else ""
        return cls(**out)

    def get(self, table: str, key: str):
        row = self._row(table, key)
        return self._decode(table, row) if row else None

    def records(self, table: str, guid: str | None = None) -> list:
        order = "guid" if table == "components" else "guid, " + ("date" if table != "interventions" else "start")
        sql = f"SELECT * FROM hbim_{table}" + (" WHERE guid=?" if guid else "") + f" ORDER BY {order}, rowid"
        cur = self.db.execute(sql, (guid,) if guid else ())
        names = [c[0] for c in cur.description]
        return [self._decode(table, dict(zip(names, r))) for r in cur.fetchall()]

    def search(self, text: str, limit: int = 50) -> list[str]:
        """GlobalIds of components whose records mention ``text`` (full-text, best match first).

        A GlobalId, or its start, finds its component too, whatever the tokenizer makes of "$" and "_".
        """
        text = text.strip()
        if not text:
            return []
        found = [r[0] for r in self.db.execute(
            "SELECT guid FROM hbim_components WHERE guid LIKE ? ESCAPE '\\' ORDER BY guid LIMIT ?",
            (text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", limit))]
        db = sqlite_utils.Database(self.db)
        for table in KINDS:
            for row in db.table(f"hbim_{table}").search(text, columns=["guid"], limit=limit, quote=True):
                found.append(row["guid"])
        return list(dict.fromkeys(found))[:limit]

    def for_component(self, guid: str) -> dict:
        return {"component": self.get("components", guid),
                **{t: self.records(t, guid) for t in KINDS if t != "components"}}

    # -- writing (undoable) ------------------------------------------------
    @staticmethod
    def _encode(rec) -> dict:
        d = asdict(rec)
        return {k: json.dumps(v) if k in _LISTS else ("1" if v is True else "0" if v is False else
                                                       None if v is None else str(v)) for k, v in d.items()}

    def _apply(self, table: str, row: dict | None, key: str):
        if row is None:
            self.db.execute(f"DELETE FROM hbim_{table} WHERE {_key(table)}=?", (key,))
        else:
            # an upsert keeps the row (and a package's fid, which QGIS identifies a feature by)
            cols, key_col = list(row), _key(table)
            updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != key_col)
            self.db.execute(f"INSERT INTO hbim_{table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                            f"ON CONFLICT ({key_col}) DO UPDATE SET {updates}", [row[c] for c in cols])

    def _run(self, cmds: list[_Put], undo: bool = False):
        edits = []
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                since = self.journal.begin(self.db) if self.journal is not None else 0
                for c in (reversed(cmds) if undo else cmds):
                    row = c.before if undo else c.after
                    key = (c.before or c.after)[_key(c.table)]
                    self._apply(c.table, row, key)
                    if self.journal is not None:  # an undo is a compensating edit with its own outbox row
                        edits.append(self.journal.log(self.db, c.table, key, c.after if undo else c.before, row))
                if self.journal is not None:
                    self.journal.end(self.db, since)  # the package's triggers captured these too: once is enough
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:  # nothing was saved; the message says where and why
            raise StoreRefused(f"{self.path}: the record was not saved ({exc})") from exc
        self.last_edits = edits
        for c in cmds:
            self.changed.emit(c.table, (c.before or c.after)["guid"])

    def _do(self, cmds: list[_Put], label=None):
        """Apply and file one undo step, named by a term the Edit menu words in its language: the table and
        ``label`` (the component as the caller names it, e.g. ``glossary.Name``), else its GlobalId."""
        self._run(cmds)
        first = cmds[0]
        component = label if label is not None else (first.after or first.before).get("guid", "")
        text = Term(f"hbim.undo.{first.table}", first.table, component=component)
        self.undo_stack.record(text, lambda: self._run(cmds, undo=True), lambda: self._run(cmds))

    def put(self, rec, label=None) -> str:
        """Add or replace a record; returns its key (GlobalId for components, UUID otherwise)."""
        validate(rec)
        table = TABLE_OF[type(rec)]
        after = self._encode(rec)
        key = after[_key(table)]
        self._do([_Put(table, self._row(table, key), after)], label)
        return key

    def delete(self, table: str, key: str, label=None):
        before = self._row(table, key)
        if before is not None:
            self._do([_Put(table, before, None)], label)

    def put_many(self, recs, undoable: bool = True):
        """Several records in one transaction (one undo step), e.g. an import."""
        cmds = []
        for rec in recs:
            validate(rec)
            table = TABLE_OF[type(rec)]
            after = self._encode(rec)
            cmds.append(_Put(table, self._row(table, after[_key(table)]), after))
        if undoable:
            self._do(cmds)
        else:
            self._run(cmds)

    # undo goes through the application's one stack (layers/undo.py); these are shortcuts to it
    @property
    def can_undo(self) -> bool:
        return self.undo_stack.can_undo

    @property
    def can_redo(self) -> bool:
        return self.undo_stack.can_redo

    def undo(self):
        self.undo_stack.undo()

    def redo(self):
        self.undo_stack.redo()
