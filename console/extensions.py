"""Feature panels plug into the main window here instead of growing app.py.

Each installer is ``install(window) -> None``; it may add docks, menus, toolbar
actions and scene adapters, and extra layer specs through
``window.extra_specs``. Installers are listed by import path so a broken one is
reported and skipped, not fatal.
"""
from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

INSTALLERS: list[str] = [
    "console.hbim_panel:install",
    "console.sensor_panel:install",
]


def install_all(window) -> list[str]:
    """Run every installer; return the one-line errors of those that failed."""
    errors = []
    for target in INSTALLERS:
        module_name, _, func = target.partition(":")
        try:
            getattr(importlib.import_module(module_name), func)(window)
        except Exception as exc:  # noqa: BLE001 — one broken panel must not stop the console
            log.exception("panel %s failed to install", target)
            errors.append(f"{target}: {type(exc).__name__}: {exc}")
    return errors
