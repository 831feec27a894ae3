"""Feature panels: the glue between the window and a layer kind's widgets.

Each kind in layers/layer_kinds.py may name an ``install(window)`` here; it adds
the kind's docks, menus and tools. Panels never register adapters, sources or
start-up layers: the kind's registry entry does, so headless paths see them too.
A broken panel is reported and skipped, not fatal.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def install_all(window) -> list[str]:
    """Run every kind's panel installer; return the one-line errors of those that failed."""
    from layers import layer_kinds
    errors = []
    for target in layer_kinds.panels():
        try:
            layer_kinds.resolve(target)(window)
        except Exception as exc:  # noqa: BLE001 — one broken panel must not stop the console
            log.exception("panel %s failed to install", target)
            errors.append(f"{target}: {type(exc).__name__}: {exc}")
    return errors
