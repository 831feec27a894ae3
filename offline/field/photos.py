"""Photos taken in the field: bytes kept in the package with their SHA-256, EXIF time and place.

Pillow reads the EXIF (it is already installed with the console's imaging stack and reads
JPEG, TIFF, PNG and WebP alike; piexif would read only JPEG/TIFF and could not tell a
damaged image from a photo without EXIF). The bytes live in ``field_photos`` inside the
package (one file to carry and back up), keyed by SHA-256 so a photo added twice is one
row. Adding a photo is one transaction: the photo, its outbox row and, when it documents
a damage record, that record's updated photo list with its own outbox row.
"""
from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import replace
from pathlib import Path

from offline.hbim import Damage
from offline.guard import StoreRefused

SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME = 36867, 306


def _degrees(dms, ref) -> float | None:
    try:
        d, m, s = (float(v) for v in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60.0 + s / 3600.0
    return -value if str(ref).upper() in ("S", "W") else value


def read_exif(data: bytes) -> dict:
    """{"taken_at": ISO time or None, "lon", "lat": degrees or None}; raises ValueError for a non-image."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
            img.verify()
    except UnidentifiedImageError:
        raise ValueError("cannot read photo (not a JPEG, PNG or TIFF image)") from None
    except (OSError, SyntaxError) as exc:  # a truncated or damaged image
        raise ValueError(f"cannot read photo ({exc})") from None
    when = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    taken = None
    if when:
        try:
            taken = datetime.datetime.strptime(str(when).strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
        except ValueError:
            taken = None
    gps = exif.get_ifd(GPS_IFD)
    lat = _degrees(gps.get(2), gps.get(1, "N")) if gps.get(2) else None
    lon = _degrees(gps.get(4), gps.get(3, "E")) if gps.get(4) else None
    return {"taken_at": taken, "lon": lon, "lat": lat}


def add_photo(store, source, guid: str, record_id: str = "") -> str:
    """Keep the photo at ``source`` in the package for component ``guid``; returns its SHA-256.

    With ``record_id`` of a damage record, the photo joins that record's photo list in the same
    transaction (undoable: undo writes the compensating edit; the photo's bytes stay).
    """
    if store.journal is None:
        raise StoreRefused(f"{store.path}: photos are kept in field packages only")
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read photo ({exc.strerror})") from None
    try:
        meta = {"name": path.name, "guid": guid, "record_id": record_id, **read_exif(data)}
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    sha = hashlib.sha256(data).hexdigest()
    cmds = []
    damage = store.get("damage", record_id) if record_id else None
    if isinstance(damage, Damage) and sha not in damage.photos:
        from offline.hbim import _Put
        cmds.append(_Put("damage", store._encode(damage), store._encode(replace(damage, photos=[*damage.photos, sha]))))
    db = store.db
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("INSERT OR IGNORE INTO field_photos (sha256, name, guid, record_id, taken_at, lon, lat, size, data) "
                   "VALUES (?,?,?,?,?,?,?,?,?)", (sha, meta["name"], guid, record_id, meta["taken_at"], meta["lon"],
                                                  meta["lat"], len(data), data))
        edits = [store.journal.log(db, "photos", sha, None, meta, op="photo")]
        for c in cmds:
            store._apply(c.table, c.after, c.after["id"])
            edits.append(store.journal.log(db, c.table, c.after["id"], c.before, c.after))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    store.last_edits = edits
    if cmds:
        store.undo_stack.record(f"photo {path.name}", lambda: store._run(cmds, undo=True), lambda: store._run(cmds))
        store.changed.emit("damage", guid)
    return sha


def import_folder(store, folder, guid: str, record_id: str = "") -> list[str]:
    """Every photo in a camera folder (oldest name first); the ones already kept are kept once."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES) if folder.is_dir() else []
    if not files:
        raise ValueError(f"{folder}: no photos (.jpg, .jpeg, .png, .tif) in this folder")
    return [add_photo(store, p, guid, record_id) for p in files]


def photos(store, guid: str | None = None) -> list[dict]:
    """Metadata of the package's photos (no bytes), for a component or all."""
    cur = store.db.execute("SELECT sha256, name, guid, record_id, taken_at, lon, lat, size FROM field_photos"
                           + (" WHERE guid = ?" if guid else "") + " ORDER BY taken_at, name", (guid,) if guid else ())
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


__all__ = ["add_photo", "import_folder", "photos", "read_exif"]
