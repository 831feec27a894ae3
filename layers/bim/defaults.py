"""The BIM layers of the default scene: the old town's heritage models and the hub's station and towers."""
from __future__ import annotations


def default_specs() -> list:
    from layers.bim.heritage import default_specs as heritage
    from layers.hub.source import default_specs as hub
    return heritage() + hub()
