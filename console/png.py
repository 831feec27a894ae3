"""The one PNG writer: `snapshot`, the window's File › Save image and File › Export map all write here.

Not VTK's: an export carries its title and provenance as PNG text, and those are Chinese as often
as not; VTK's vtkPNGWriter.AddText writes Latin-1 ``tEXt`` chunks (UTF-8 comes back as mojibake).
A page drawn with QPainter (a QImage) is written by Qt's writer, which writes ``iTXt``; a rendered
frame (an array: `snapshot`, File › Save image) is encoded here with zlib, ``iTXt`` likewise, so a
headless snapshot does not import Qt at all (~0.4 s of a whole `snapshot`, issue 25) and encodes
faster (rows "Up"-filtered with numpy, one zlib stream). Written through a temporary file and
renamed (layers/files.py), so a crash never leaves half a PNG.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from layers.files import atomic_write


def qimage(rgb: np.ndarray):
    """An (H, W, 3) uint8 array (row 0 at the top) as a QImage that owns its pixels."""
    from PySide6.QtGui import QImage
    h, w, _ = rgb.shape
    return QImage(np.ascontiguousarray(rgb).data, w, h, 3 * w, QImage.Format_RGB888).copy()


def encode_png(rgb: np.ndarray, text: dict[str, str] | None = None) -> bytes:
    """An (H, W, 3) uint8 array (row 0 at the top) as PNG bytes, ``text`` as UTF-8 ``iTXt`` chunks."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    rows = rgb.reshape(h, w * 3)
    up = rows.copy()
    up[1:] -= rows[:-1]  # PNG filter 2 ("Up"): each byte less the one above, modulo 256
    raw = np.hstack([np.full((h, 1), 2, np.uint8), up]).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    texts = [chunk(b"iTXt", key.encode("latin-1")[:79] + b"\0\0\0\0\0" + str(value).encode("utf-8"))
             for key, value in (text or {}).items()]
    return b"".join([b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)),
                     *texts, chunk(b"IDAT", zlib.compress(raw, 6)), chunk(b"IEND", b"")])


def write_png(image, out, text: dict[str, str] | None = None) -> Path:
    """Write ``image`` (a QImage, or an (H, W, 3) uint8 array) to ``out`` with ``text`` chunks."""
    if isinstance(image, np.ndarray):
        data = encode_png(image, text)
        return atomic_write(Path(out), lambda tmp: tmp.write_bytes(data))
    from PySide6.QtGui import QImageWriter
    for key, value in (text or {}).items():
        image.setText(key, value)

    def write(tmp: Path):
        writer = QImageWriter(str(tmp), b"png")
        if not writer.write(image):
            raise OSError(writer.errorString())
    return atomic_write(Path(out), write)
