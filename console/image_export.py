"""Images of the window: File › Save image (the 3D view's frame), and the whole window for docs and tests."""
from __future__ import annotations

from pathlib import Path

from layers.i18n import tr


def save_image(view, path, status, report_error) -> Path | None:
    """The view's frame as a PNG (console/png.py); a failure (read-only folder, full disk) is told."""
    from console.png import write_png
    from console.snapshot import frame_rgb
    try:
        saved = write_png(frame_rgb(view.window), Path(path))
    except OSError as exc:
        report_error(tr("error.save", msg=str(exc)), "error.save_title")
        return None
    status.show(tr("status.saved", name=str(saved)), 5000)
    return saved


def window_image(window):
    """The whole window as a QImage, with the 3D view's frame painted in.

    QWidget.grab() cannot read an OpenGL surface, so the VTK frame is read back
    from VTK and composited where the view sits.
    """
    from PySide6.QtGui import QPainter
    image = window.grab().toImage()
    frame = window.view.frame_image()
    painter = QPainter(image)
    painter.drawImage(window.view.mapTo(window, window.view.rect().topLeft()), frame)
    painter.end()
    return image
