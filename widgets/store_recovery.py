"""Asking the user what to do with a damaged store: start a fresh one beside it, or go on without.

The store's own message (file and reason, in the interface language) heads the box; the
damaged file is never changed — a fresh start moves it aside (offline.guard.set_aside).
"""
from __future__ import annotations


from PySide6.QtWidgets import QMessageBox

from layers.i18n import tr
from layers.messages import localize


def offer_fresh_store(parent, message: str, what_key: str, ask: bool = True) -> bool:
    """True when the user chose a fresh store; False (and nothing asked) when dialogs are off (``ask``:
    the window's ``workspace.dialogs``)."""
    if not ask:
        return False
    box = QMessageBox(QMessageBox.Warning, tr("store.damaged_title"),
                      f"{localize(message)}\n\n{tr('store.offer_fresh', what=tr(what_key))}", QMessageBox.NoButton,
                      parent)
    box.setObjectName("store_recovery")
    fresh = box.addButton(tr("store.fresh"), QMessageBox.AcceptRole)
    box.addButton(tr("store.keep"), QMessageBox.RejectRole)
    box.setDefaultButton(fresh)
    box.exec()
    return box.clickedButton() is fresh
