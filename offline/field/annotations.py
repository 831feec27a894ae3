"""Annotations placed in field mode: kept in the package and journalled for sync like records.

In the workstation an annotation is project content (layers/annotations.py); in field mode
the package is the surveyor's file, so each annotation is a row of ``field_annotations``
(the Annotation as JSON, with the GlobalId of the component it is anchored to) written in
one transaction with its outbox row (op ``annotation``, or ``annotation-delete``), exactly
as a record edit is. Reopening the package shows them again; ``package sync`` applies them
to the operations-centre store's ``annotations`` table (offline/store/base.py).
"""
from __future__ import annotations

import json
import sqlite3

from offline.field.journal import now
from offline.guard import StoreRefused

TABLE = "annotations"  # the outbox rows' ``tbl``
OPS = ("annotation", "annotation-delete")


def write_annotation(store, before: dict | None, after: dict | None) -> str:
    """Record one change of an annotation (add: before None; delete: after None); returns the edit's UUID.

    ``store``: the records of a field package, from offline/records.open_records.
    """
    if store.journal is None:
        raise StoreRefused(f"{store.path}: annotations are kept in field packages only")
    ident = str((after or before)["id"])
    db = store.db
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            if after is None:
                db.execute("DELETE FROM field_annotations WHERE id = ?", (ident,))
            else:  # an edit keeps the row (and so its place in the drawing order)
                db.execute("INSERT INTO field_annotations (id, anchor, body, at) VALUES (?,?,?,?) ON CONFLICT (id) "
                           "DO UPDATE SET anchor = excluded.anchor, body = excluded.body",
                           (ident, after.get("anchor") or "", json.dumps(after, ensure_ascii=False), now()))
            edit = store.journal.log(db, TABLE, ident, before, after, op=OPS[after is None])
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:  # nothing was saved; the message says where and why
        raise StoreRefused(f"{store.path}: the annotation was not saved ({exc})") from exc
    store.last_edits = [edit]
    return edit


def annotations(store) -> list[dict]:
    """The package's annotations (Annotation dicts), in the order they were placed."""
    return _rows(store.db) if store.journal is not None else []


def read_annotations(path) -> list[dict]:
    """The same, read from the package file without writing to it (field mode's layer, `snapshot --offline`)."""
    from layers.sqlite_uri import connect_ro
    try:
        con = connect_ro(path)
    except sqlite3.Error as exc:
        raise StoreRefused(f"{path}: cannot open field package ({exc})") from None
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'field_annotations'").fetchone():
            return []  # never annotated
        return _rows(con)
    except sqlite3.DatabaseError as exc:
        raise StoreRefused(f"{path}: damaged field package ({exc})") from None
    finally:
        con.close()


def _rows(con) -> list[dict]:
    return [json.loads(r[0]) for r in con.execute("SELECT body FROM field_annotations ORDER BY rowid")]
