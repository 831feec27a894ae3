"""One key per heritage site, shared by the heritage points, the HBIM models and their records.

A site's key is the ``id`` of its point in ``assets/songjiang/heritage_sites.geojson`` (written by
``tools/build_assets.py``). Where the model *is* the site (a bridge, a pagoda, a house), the key is also
the HBIM model's file stem, the ``model`` of its components and the key of its seed records, so a GIS
joins ``heritage_sites.id`` to ``hbim_components.model`` directly. The Guanding Chan Temple is the one
exception: its model is of the temple's main hall only, so the model stays ``guanding_hall`` and the site
``guanding_temple``. Every point therefore also carries ``hbim_model`` (the stem, or null), the join field
that works for all five (assets/README.md).

Keys were hyphenated before (``dacang-bridge``) and the sensor generator had its own spellings
(``screen-wall``); a registry or package saved then may still name them (``heritage:dacang-bridge``), so
readers map them through ``site_key``.
"""
from __future__ import annotations

HERITAGE_PREFIX = "heritage:"  # a sensor mounted on a site (not on a model component): "heritage:<key>"

MODEL_OF = {  # site key → HBIM model stem (assets/hbim/<stem>.ifc)
    "dacang_bridge": "dacang_bridge", "xilin_pagoda": "xilin_pagoda", "du_mansion": "du_mansion",
    "xu_pawnshop": "xu_pawnshop", "guanding_temple": "guanding_hall",
}

_OLD = ("dacang-bridge", "xu-pawnshop", "guanding-temple", "du-mansion", "xilin-pagoda", "square-pagoda",
        "fangta-park", "ming-screen-wall", "yunjian-first-tower", "tang-sutra-pillar", "kuatang-bridge",
        "cangcheng-historic-area", "xiutang-bridge")
OLD_KEYS = {old: old.replace("-", "_") for old in _OLD} | {
    # the sensor generator's own former spellings of three table A sites
    "screen-wall": "ming_screen_wall", "yunjian-tower": "yunjian_first_tower", "tang-pillar": "tang_sutra_pillar"}


def site_key(key: str) -> str:
    """Today's key for a site key, old spellings included; anything else unchanged."""
    return OLD_KEYS.get(key, key)


def mounted_on(value: str) -> str:
    """A sensor's ``mounted_on`` with an old ``heritage:<key>`` spelling mapped to today's key."""
    if isinstance(value, str) and value.startswith(HERITAGE_PREFIX):
        return HERITAGE_PREFIX + site_key(value[len(HERITAGE_PREFIX):])
    return value
