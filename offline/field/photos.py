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
from dataclasses import dataclass, replace
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


@dataclass
class Photo:
    """A photo read and hashed, ready to keep: made off the GUI thread, kept on the store's thread."""
    path: Path
    data: bytes
    sha256: str
    meta: dict


def read_photo(source, guid: str, record_id: str = "") -> Photo:
    """Read, hash and take the EXIF of one photo (no store involved, so any thread may do it)."""
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read photo ({exc.strerror})") from None
    try:
        meta = {"name": path.name, "guid": guid, "record_id": record_id, **read_exif(data)}
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return Photo(path, data, hashlib.sha256(data).hexdigest(), meta)


def add_photo(store, source, guid: str, record_id: str = "") -> str:
    """Keep the photo at ``source`` in the package for component ``guid``; returns its SHA-256."""
    return keep_photo(store, read_photo(source, guid, record_id))


def keep_photo(store, photo: Photo) -> str:
    """Store a read photo in the package, with its outbox row, in one transaction.

    With a damage record (``record_id``), the photo joins that record's photo list in the same
    transaction (undoable: undo writes the compensating edit; the photo's bytes stay).
    """
    if store.journal is None:
        raise StoreRefused(f"{store.path}: photos are kept in field packages only")
    sha, meta, guid, record_id = photo.sha256, photo.meta, photo.meta["guid"], photo.meta["record_id"]
    cmds = []
    damage = store.get("damage", record_id) if record_id else None
    if isinstance(damage, Damage) and sha not in damage.photos:
        from offline.hbim import _Put
        cmds.append(_Put("damage", store._encode(damage), store._encode(replace(damage, photos=[*damage.photos, sha]))))
    db = store.db
    db.execute("BEGIN IMMEDIATE")
    try:
        since = store.journal.begin(db)
        db.execute("INSERT OR IGNORE INTO field_photos (sha256, name, guid, record_id, taken_at, lon, lat, size, data) "
                   "VALUES (?,?,?,?,?,?,?,?,?)", (sha, meta["name"], guid, record_id, meta["taken_at"], meta["lon"],
                                                  meta["lat"], len(photo.data), photo.data))
        edits = [store.journal.log(db, "photos", sha, None, meta, op="photo")]
        for c in cmds:
            store._apply(c.table, c.after, c.after["id"])
            edits.append(store.journal.log(db, c.table, c.after["id"], c.before, c.after))
        store.journal.end(db, since)  # journalled above: not again from the package's triggers
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    store.last_edits = edits
    if cmds:
        store.undo_stack.record(f"photo {photo.path.name}", lambda: store._run(cmds, undo=True),
                                lambda: store._run(cmds))
        store.changed.emit("damage", guid)
    return sha


def photo_files(source) -> list[Path]:
    """A photo file as it is; a camera folder as its photos, oldest name first."""
    source = Path(source)
    if not source.is_dir():
        return [source]
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in SUFFIXES)
    if not files:
        raise ValueError(f"{source}: no photos (.jpg, .jpeg, .png, .tif) in this folder")
    return files


def import_folder(store, folder, guid: str, record_id: str = "") -> list[str]:
    """Every photo in a camera folder (oldest name first); the ones already kept are kept once."""
    if not Path(folder).is_dir():
        raise ValueError(f"{folder}: no photos (.jpg, .jpeg, .png, .tif) in this folder")
    return [add_photo(store, p, guid, record_id) for p in photo_files(folder)]


def photos(store, guid: str | None = None) -> list[dict]:
    """Metadata of the package's photos (no bytes), for a component or all."""
    cur = store.db.execute("SELECT sha256, name, guid, record_id, taken_at, lon, lat, size FROM field_photos"
                           + (" WHERE guid = ?" if guid else "") + " ORDER BY taken_at, name", (guid,) if guid else ())
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


__all__ = ["add_photo", "import_folder", "photos", "read_exif"]
