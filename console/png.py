"""The one PNG writer: `snapshot`, the window's File › Save image and File › Export map all write here.

Qt's writer, not VTK's: an export carries its title and provenance as PNG text, and those are
Chinese as often as not; VTK's vtkPNGWriter.AddText writes Latin-1 ``tEXt`` chunks (UTF-8 comes
back as mojibake), Qt writes ``iTXt``. QImage needs no QGuiApplication, so the headless paths
use it as well. Written through a temporary file and renamed (layers/files.py), so a crash never
leaves half a PNG.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from layers.files import atomic_write


def qimage(rgb: np.ndarray):
    """An (H, W, 3) uint8 array (row 0 at the top) as a QImage that owns its pixels."""
    from PySide6.QtGui import QImage
    h, w, _ = rgb.shape
    return QImage(np.ascontiguousarray(rgb).data, w, h, 3 * w, QImage.Format_RGB888).copy()


def write_png(image, out, text: dict[str, str] | None = None) -> Path:
    """Write ``image`` (a QImage, or an (H, W, 3) uint8 array) to ``out`` with ``text`` chunks."""
    from PySide6.QtGui import QImage, QImageWriter
    image = image if isinstance(image, QImage) else qimage(image)
    for key, value in (text or {}).items():
        image.setText(key, value)

    def write(tmp: Path):
        writer = QImageWriter(str(tmp), b"png")
        if not writer.write(image):
            raise OSError(writer.errorString())
    return atomic_write(Path(out), write)
