"""Feature panels: the glue between the window and a layer kind's widgets.

Each kind in console/panels/kinds.py may name an ``install(context)`` here; given the
window's ``PanelContext`` (console/panels/context.py: workspace, scene, view, undo,
actions by id, status, report_error — never the window) it adds the kind's docks,
menus and tools and returns its panels by name. The window keeps them in its
``panels`` (a ``Panels``, filled by ``install_all``): nothing sets an attribute on
the window from outside it, and no panel takes or keeps the window
(tests/test_architecture.py). Panels never
register adapters, sources or start-up layers: the kind's registry entry does, so
headless paths see them too. A broken panel is reported and skipped, not fatal.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Panels:
    """The window's panels; None when a kind's panel is not installed (or failed to)."""
    field: Any = None          # console/panels/field.py FieldPanel (profile, sync, conflicts)
    hbim: Any = None           # console/panels/hbim.py HbimPanel
    sensor_panel: Any = None   # console/panels/sensors SensorPanel
    city: Any = None           # console/panels/buildings.py CityPanel
    annotations: Any = None    # console/panels/annotations.py AnnotationPanel
    field_mode: Any = None     # console/panels/field_mode.py FieldMode (title and status in field mode)


def install_all(context, panels: Panels) -> list[str]:
    """Run every kind's panel installer into ``panels``; return the one-line errors of those that failed."""
    from console.panels import kinds
    from layers.layer_kinds import resolve
    names = {f.name for f in fields(Panels)}
    errors = []
    for target in kinds.panels():
        try:
            installed = resolve(target)(context) or {}
            unknown = set(installed) - names
            if unknown:
                raise ValueError(f"unknown panel names {sorted(unknown)} (add them to Panels)")
            for name, panel in installed.items():
                setattr(panels, name, panel)
        except Exception as exc:  # noqa: BLE001 — one broken panel must not stop the console
            log.exception("panel %s failed to install", target)
            errors.append(f"{target}: {type(exc).__name__}: {exc}")
    return errors
