"""Qt-free progress reporting and cancellation for slow work.

A worker calls ``progress.update(fraction, message)`` often; it raises
``Cancelled`` once the user has asked to stop, so readers need no extra checks.
"""
from __future__ import annotations

import threading
from typing import Callable


class Cancelled(Exception):
    """The user cancelled a long operation."""


class Progress:
    def __init__(self, callback: Callable[[float, str], None] | None = None,
                 cancel_event: threading.Event | None = None):
        self._callback = callback
        self._cancel = cancel_event or threading.Event()  # a background job's own (widgets/background.py)

    def cancel(self):
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def update(self, fraction: float, message: str = ""):
        if self._cancel.is_set():
            raise Cancelled(message or "cancelled")
        if self._callback is not None:
            self._callback(max(0.0, min(1.0, fraction)), message)


NULL_PROGRESS = Progress()
