"""Photo thumbnails in a conflict's cell: the reviewer sees which photos each side holds, not their hashes.

The bytes come from the operations-centre store (``Store.photo``, verified against their SHA-256
when synced); a photo the store does not hold yet is shown by its name alone.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

THUMB = 48  # px: the row grows to hold them


class PhotoStrip(QWidget):
    def __init__(self, store, shas, text: str, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        self.thumbs: list[QLabel] = []
        for sha in shas:
            data = store.photo(sha)
            pix = QPixmap()
            if data and pix.loadFromData(data):
                label = QLabel()
                label.setPixmap(pix.scaled(THUMB, THUMB, Qt.KeepAspectRatio, Qt.SmoothTransformation))
                label.setToolTip(text)
                row.addWidget(label)
                self.thumbs.append(label)
        self.text = QLabel(text)
        self.text.setToolTip(text)
        row.addWidget(self.text, 1)
