"""``package sync``'s second half: the centre's changes since the package's base version, into the package.

After the push (offline/store/sync.py), the store is read (offline/store/changes.py: the records,
photos and annotations changed since the package's base version, and this package's conflicts at
the centre) and the package is written in ONE transaction: each record merged field by field
(offline/store/pull_merge.py), the photos' metadata and bytes (checked against their SHA-256; kept
inside the package as the surveyor's own are, never as files), the annotations, the conflict list,
and the new base version (offline/field/pulled.py). A kill before the commit leaves the package as it
was and the next run does it all again; a run with nothing new writes nothing.

The package's capture triggers (offline/package/capture.py) see these writes like any other, so the
transaction first drains what other tools captured before it (their edits, journalled as usual),
then drops what its own writes captured (``discard``), exactly as the console's own edits do
(offline/field/journal.py): what came from the centre is never journalled as a field edit, and so
never sent back. Record and ``field_*`` tables are outside the content checksum and the signature
(offline/package/checksum.py), so ``package verify`` passes after a pull as before it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from offline.field import pulled
from offline.field.drain import discard, drain, mark
from offline.field.journal import ensure_tables, now
from offline.field.outbox import decode
from offline.guard import StoreRefused
from offline.store.changes import since
from offline.store.pull_merge import decide
from offline.store.schema import RECORD_TABLES, key_of, record_columns

log = logging.getLogger(__name__)


@dataclass
class Pulled:
    records: int = 0       # records of the package changed
    photos: int = 0
    annotations: int = 0
    conflicts: int = 0     # conflicts newly listed in the package
    base_version: int = 0  # the store version the package is now based on

    def to_dict(self) -> dict:
        return asdict(self)


@contextmanager
def damaged(path: Path):
    """SQLite errors reading or writing the package name the package (the store's have their own)."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise StoreRefused(f"{path}: damaged field package ({exc})") from None


def pull(path, store) -> Pulled:
    """Bring the centre's changes since the package's base version into the package (checked before)."""
    path = Path(path)
    con = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        with damaged(path):
            con.execute("PRAGMA busy_timeout=10000")
            base = pulled.base_version(con, store.version())
            package_id = dict(con.execute("SELECT key, value FROM package_meta").fetchall()).get("package_id", "")
        delta = since(store, base, package_id)
        out = Pulled(base_version=delta.version)
        if not delta.fields and not delta.conflicts and delta.version == base:
            return out  # nothing new: nothing written
        with damaged(path):
            blobs = _photo_bytes(con, store, delta, _scope(con, delta))
            con.execute("BEGIN IMMEDIATE")
            try:
                _apply(con, delta, blobs, out, base, store.url)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
    finally:
        con.close()
    log.info("pulled into %s from %s: %s", path, store.url, out.to_dict())
    return out


def _apply(con, delta, blobs: dict, out: Pulled, base: int, store_url: str):
    ensure_tables(con)
    pulled.ensure_tables(con)
    drain(con, base)  # other tools' edits made before this pull are edits: into the outbox first
    since_mark = mark(con)
    local = _unsynced(con)
    held: dict = {}
    for c in delta.conflicts:
        if c["status"] == "open":
            held.setdefault((c["tbl"], c["key"]), set()).add(c["field"])
    scope = _scope(con, delta)
    found = []
    for (tbl, key), names in sorted(delta.fields.items()):
        if tbl not in RECORD_TABLES:
            continue
        centre, mine, edit = delta.rows.get((tbl, key)), _row(con, tbl, key), local.get((tbl, key))
        if mine is None and edit is None and (centre is None or centre.get("guid") not in scope):
            continue  # not a record of this package's area
        row, write, conflicts = decide(names, centre, mine, edit, held.get((tbl, key), set()))
        if write:
            _write(con, tbl, key, row)
            out.records += 1
        found += [(cid, e, tbl, key, name, b, fv, cv) for cid, e, name, b, fv, cv in conflicts]
    out.photos = _photos(con, delta, blobs)
    out.annotations = _annotations(con, delta, scope, local)
    out.conflicts = _mirror(con, delta.conflicts, found)
    discard(con, since_mark)  # what these writes captured came from the centre: not a field edit
    if delta.version != base:
        pulled.set_base(con, delta.version, store_url, now())


def _scope(con, delta) -> set:
    """GlobalIds of the package's components, and of the centre's new components of the package's models."""
    guids, models = set(), set()
    for guid, model in con.execute("SELECT guid, model FROM hbim_components"):
        guids.add(guid)
        models.add(model)
    models.discard(None)
    models.discard("")
    guids |= {key for (tbl, key), row in delta.rows.items()
              if tbl == "components" and row is not None and row.get("model") in models}
    return guids


def _unsynced(con) -> dict:
    """(table, key) → (UUID, record before) of the first edit of each record the centre has not acknowledged."""
    out: dict = {}
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name='field_outbox'").fetchone():
        return out
    factory, con.text_factory = con.text_factory, decode
    try:
        rows = con.execute("SELECT o.uuid, o.tbl, o.key, o.before FROM field_outbox o LEFT JOIN field_sync s "
                           "ON s.uuid = o.uuid WHERE s.outcome IS NULL OR s.outcome = 'quarantined' "
                           "ORDER BY o.seq").fetchall()
    finally:
        con.text_factory = factory
    for edit, tbl, key, before in rows:
        try:
            record = json.loads(before) if before else None
        except (TypeError, ValueError):
            continue  # a damaged row: quarantined by the push, its record held by that conflict
        out.setdefault((tbl, key), (edit, record if isinstance(record, dict) else None))
    return out


def _columns(con, tbl: str) -> list[str]:
    present = {r[1] for r in con.execute(f'PRAGMA table_info("hbim_{tbl}")')}
    return [c for c in record_columns(tbl) if c in present]


def _listed(cols: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)  # "end" (interventions) is a reserved word


def _row(con, tbl: str, key: str) -> dict | None:
    cols = _columns(con, tbl)
    cur = con.execute(f"SELECT {_listed(cols)} FROM hbim_{tbl} "
                      f"WHERE {key_of(tbl)} = ?", (key,))
    found = cur.fetchone()
    return dict(zip(cols, found)) if found else None


def _write(con, tbl: str, key: str, row: dict | None):
    if row is None:
        con.execute(f"DELETE FROM hbim_{tbl} WHERE {key_of(tbl)} = ?", (key,))
        return
    cols = [c for c in _columns(con, tbl) if c in row]
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != key_of(tbl))
    con.execute(f"INSERT INTO hbim_{tbl} ({_listed(cols)}) VALUES "
                f"({', '.join('?' * len(cols))}) ON CONFLICT ({key_of(tbl)}) DO UPDATE SET {updates}",
                [row[c] for c in cols])


def _photo_bytes(con, store, delta, scope: set) -> dict:
    """sha256 → bytes of the centre's new photos of the package's components, read before the package is
    locked; a photo whose bytes at the centre do not match its SHA-256 is left there (logged)."""
    have = set()
    if con.execute("SELECT 1 FROM sqlite_master WHERE name='field_photos'").fetchone():
        have = {r[0] for r in con.execute("SELECT sha256 FROM field_photos")}
    out = {}
    for sha, meta in delta.photos.items():
        if meta.get("guid") in scope and sha not in have:
            data = store.photo(sha)
            if data is not None and hashlib.sha256(data).hexdigest() == sha:
                out[sha] = data
            else:
                log.warning("%s: photo %s does not match its SHA-256 at the centre; not brought", store.url, sha)
    return out


def _plain_name(name) -> str:
    """A photo's file name as a label only: whatever folders the centre's record names are dropped."""
    return str(name or "").replace("\\", "/").rsplit("/", 1)[-1]


def _photos(con, delta, blobs: dict) -> int:
    count = 0
    for sha, data in blobs.items():
        m = delta.photos[sha]
        cur = con.execute("INSERT OR IGNORE INTO field_photos (sha256, name, guid, record_id, taken_at, lon, lat, "
                          "size, data) VALUES (?,?,?,?,?,?,?,?,?)",
                          (sha, _plain_name(m.get("name")), m.get("guid"), m.get("record_id"), m.get("taken_at"),
                           m.get("lon"), m.get("lat"), len(data), data))
        count += cur.rowcount
    return count


def _annotations(con, delta, scope: set, local: dict) -> int:
    """The centre's annotations of the package's components; one the surveyor changed and has not synced is
    kept as it is here (the push applies it as sent: its author owns it)."""
    count = 0
    for ident, new in sorted(delta.annotations.items()):
        if ("annotations", ident) in local:
            continue
        have = con.execute("SELECT body FROM field_annotations WHERE id = ?", (ident,)).fetchone()
        if new is None:
            if have is not None:
                con.execute("DELETE FROM field_annotations WHERE id = ?", (ident,))
                count += 1
            continue
        try:
            body = json.loads(new["body"])
        except (TypeError, ValueError):
            body = None
        if not isinstance(body, dict) or (have is None and new["guid"] not in scope):
            continue
        if have is not None and have[0] == new["body"]:
            continue
        con.execute("INSERT INTO field_annotations (id, anchor, body, at) VALUES (?,?,?,?) ON CONFLICT (id) DO "
                    "UPDATE SET anchor = excluded.anchor, body = excluded.body", (ident, new["guid"] or "",
                                                                                  new["body"], now()))
        count += 1
    return count


UPSERT = (f"INSERT INTO field_conflicts ({', '.join(pulled.COLUMNS)}, listed_at) VALUES "
          f"({', '.join('?' * (len(pulled.COLUMNS) + 1))}) ON CONFLICT (id) DO UPDATE SET "
          + ", ".join(f"{c} = excluded.{c}" for c in pulled.COLUMNS[1:]))


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _mirror(con, centre: list, found: list) -> int:
    """The centre's conflicts of this package, and those the pull found, in the package's list; returns how
    many open ones are new there."""
    have = {r[0]: r[1:] for r in con.execute(f"SELECT {', '.join(pulled.COLUMNS)} FROM field_conflicts")}
    rows = [tuple(c[k] for k in pulled.COLUMNS[:-2]) + ("centre", c["reason"]) for c in centre]
    ids = {r[0] for r in rows}
    for cid, edit, tbl, key, name, b, fv, cv in found:
        if cid not in ids:
            who = con.execute("SELECT author, at FROM field_outbox WHERE uuid = ?", (edit,)).fetchone() or (None, None)
            rows.append((cid, edit, tbl, key, name, _json(b), _json(fv), _json(cv), *who, "open", "package", None))
    new = 0
    status = pulled.COLUMNS.index("status")
    for r in rows:
        if have.get(r[0]) != r[1:]:
            new += r[0] not in have and r[status] == "open"
            con.execute(UPSERT, (*r, now()))
    # one the pull found whose edit the centre has since taken without a conflict is settled
    con.execute("UPDATE field_conflicts SET status = 'resolved' WHERE origin = 'package' AND status = 'open' AND "
                "edit_id IN (SELECT uuid FROM field_sync WHERE outcome != 'quarantined')")
    return new
