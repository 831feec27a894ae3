"""The bookmarks toolbar: one button per project bookmark, named in the interface language."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QToolBar

from layers import i18n


class BookmarkBar(QToolBar):
    def __init__(self, parent):
        super().__init__(parent)
        self.setObjectName("bookmarks")

    def fill(self, bookmarks: dict, fly_to: Callable[[str], None]):
        self.clear()
        for bid, bm in bookmarks.items():
            act = self.addAction(bm.name(i18n.language()), lambda b=bid: fly_to(b))
            act.setObjectName(f"bookmark-{bid}")
            act.setToolTip(bid)
        self.setWindowTitle(i18n.tr("bookmarks"))
