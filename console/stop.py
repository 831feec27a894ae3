"""SIGTERM ends a headless command the way an error does: through its ``finally`` blocks.

Python's default for SIGTERM is to die on the spot, so a snapshot stopped by a service
manager or a timeout left its half-written temporary file (".map.png.x1y2z3ab.part")
beside the target, and a store its open transaction. Raising SystemExit instead runs
the clean-up (layers/files.atomic_write removes its temporary file) and exits 143, the
status a shell reports for SIGTERM. The window and the feed commands (`record`,
`simulate`) handle their own stop.
"""
from __future__ import annotations

import signal
import threading

EXIT_SIGTERM = 128 + signal.SIGTERM


def _raise(signum, frame):
    raise SystemExit(EXIT_SIGTERM)


def exit_on_sigterm() -> None:
    """From the main thread, before a headless command starts its work."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise)
