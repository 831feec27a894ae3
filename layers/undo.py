"""One application-wide undo stack of small, Qt-free commands.

Every undoable edit — an HBIM record, a layer's visibility/opacity/style, a BIM
view change, and later annotations and field edits — is a ``Command`` pushed
here; Edit › Undo/Redo in the window (and tests, headless) walk this one stack.
``push`` runs the command's ``redo`` once: pushing *is* doing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from psygnal import Signal

MAX_STEPS = 500


@dataclass
class Command:
    text: str
    redo: Callable[[], None]
    undo: Callable[[], None]


class UndoStack:
    changed = Signal()

    def __init__(self, limit: int = MAX_STEPS):
        self.limit = limit
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def push(self, command: Command) -> Command:
        command.redo()
        return self._file(command)

    def record(self, text: str, undo: Callable[[], None], redo: Callable[[], None]) -> Command:
        """File a step that has already been done (e.g. a store that applies edits itself)."""
        return self._file(Command(text, redo, undo))

    def _file(self, command: Command) -> Command:
        self._done.append(command)
        del self._done[:-self.limit]
        self._undone.clear()
        self.changed.emit()
        return command

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""

    def undo(self):
        if self._done:
            command = self._done.pop()
            command.undo()
            self._undone.append(command)
            self.changed.emit()

    def redo(self):
        if self._undone:
            command = self._undone.pop()
            command.redo()
            self._done.append(command)
            self.changed.emit()

    def clear(self):
        self._done.clear()
        self._undone.clear()
        self.changed.emit()


def set_layer_property(stack: UndoStack, layer, name: str, value, text: str = "") -> Command | None:
    """Change one layer field (visible, opacity, style…) as an undoable step; no step if nothing changes."""
    before = getattr(layer, name)
    if before == value:
        return None
    return stack.push(Command(text or f"{layer.name}: {name}",
                              lambda: setattr(layer, name, value), lambda: setattr(layer, name, before)))


def change_views(stack: UndoStack, views: list, change: Callable[[], None], text: str) -> Command | None:
    """Run ``change`` (which edits view-state objects) as one undoable step over all of ``views``."""
    before = [v.to_dict() for v in views]
    change()
    after = [v.to_dict() for v in views]
    if before == after:
        return None

    def restore(states):
        def run():
            for v, s in zip(views, states):
                v.update_from_dict(s)
        return run
    return stack.record(text, restore(before), restore(after))
