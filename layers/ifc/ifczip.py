"""``.ifczip``: an IFC file in a ZIP archive (buildingSMART's compressed form) → the IFC inside.

The one ``.ifc`` member is unpacked into the cache, once per archive content, with
the checks untrusted archives need: no path tricks (only the member's base name is
used), a cap on the unpacked size and on the compression ratio.
"""
from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

from layers.ifc.errors import IfcReadError

MAX_BYTES = 4 * 1024 ** 3
MAX_RATIO = 200  # IFC text compresses ~10-20x; far more is a zip bomb


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:24]


def extract(path: Path) -> Path:
    """The IFC file inside ``path``, unpacked into the cache; IfcReadError naming the archive."""
    from layers.paths import cache_dir
    try:
        with zipfile.ZipFile(path) as z:
            members = [m for m in z.infolist() if not m.is_dir() and m.filename.lower().endswith(".ifc")]
            if len(members) != 1:
                raise IfcReadError(path, f"an .ifczip must hold exactly one .ifc file, this one holds {len(members)}")
            m = members[0]
            if m.file_size > MAX_BYTES or m.file_size > MAX_RATIO * max(1, m.compress_size):
                raise IfcReadError(path, f"{m.filename} unpacks to {m.file_size} bytes; refused as unsafe")
            target = cache_dir() / "ifczip" / _digest(path) / Path(m.filename.replace("\\", "/")).name
            if target.exists() and target.stat().st_size == m.file_size:
                return target
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_suffix(".part")
            with z.open(m) as src, open(part, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            part.replace(target)
            return target
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise IfcReadError(path, f"not a readable .ifczip ({exc})") from exc
    except OSError as exc:
        raise IfcReadError(path, f"cannot unpack ({exc.strerror or exc})") from exc
