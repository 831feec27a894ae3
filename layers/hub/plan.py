"""The hub plan: the station building and the CBD towers, in the project CRS (EPSG:4549).

One source of truth for tools/build_hub_bim.py (which authors the IFC4 models),
tools/build_buildings.py (which keeps the city's generated buildings off these
sites and adds their simplified massing) and the level-of-detail switch. The
layout is a plausible reading of the plan's "station–city" core, not a survey:
the station hall straddles the Shanghai–Kunming railway at Shanghai Songjiang
station (30.985 N, 121.22583 E, Wikidata), the towers stand north of it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

STATION_LONLAT = (121.22583, 30.985)
STATION_XY = (617094.54, 3429956.20)   # the point above in EPSG:4549 (tests check it)
AXIS_DEG = 8.0                          # the railway and the hub's street grid, counter-clockwise from east
STATION_SIZE = (240.0, 125.0, 28.0)     # hall length along the tracks, depth, roof height (m): 2 × 30,000 m²
STATION_LEVELS = (0.0, 10.0)            # concourse and upper waiting hall
PLATFORMS = 4
PLATFORM_SIZE = (450.0, 12.0, 1.25)
STOREY_HEIGHT = 4.0


@dataclass(frozen=True)
class Tower:
    code: str       # "T1" …
    name_zh: str
    name_en: str
    u: float        # metres along the railway axis from the station centre
    v: float        # metres across it (north is +)
    width: float
    depth: float
    storeys: int

    @property
    def height(self) -> float:
        return self.storeys * STOREY_HEIGHT


TOWERS = (
    Tower("T1", "枢纽中心一号塔", "Hub Centre Tower 1", -330.0, 330.0, 46.0, 46.0, 50),
    Tower("T2", "枢纽中心二号塔", "Hub Centre Tower 2", -150.0, 360.0, 40.0, 40.0, 38),
    Tower("T3", "枢纽中心三号塔", "Hub Centre Tower 3", 30.0, 360.0, 44.0, 38.0, 45),
    Tower("T4", "枢纽中心四号塔", "Hub Centre Tower 4", 210.0, 330.0, 40.0, 40.0, 30),
    Tower("T5", "枢纽商务五号楼", "Hub Business Tower 5", -330.0, 540.0, 38.0, 38.0, 24),
    Tower("T6", "枢纽商务六号楼", "Hub Business Tower 6", -150.0, 560.0, 36.0, 36.0, 28),
    Tower("T7", "枢纽商务七号楼", "Hub Business Tower 7", 30.0, 560.0, 40.0, 36.0, 32),
    Tower("T8", "枢纽商务八号楼", "Hub Business Tower 8", 210.0, 540.0, 36.0, 36.0, 22),
)


def to_xy(u: float, v: float) -> tuple[float, float]:
    """Hub-local (along, across the railway) → EPSG:4549."""
    a = math.radians(AXIS_DEG)
    return (STATION_XY[0] + u * math.cos(a) - v * math.sin(a),
            STATION_XY[1] + u * math.sin(a) + v * math.cos(a))


def rectangle(u: float, v: float, width: float, depth: float) -> list[tuple[float, float]]:
    """Corners (EPSG:4549) of a width × depth rectangle centred at (u, v), aligned with the hub grid."""
    return [to_xy(u + du * width / 2, v + dv * depth / 2) for du, dv in ((-1, -1), (1, -1), (1, 1), (-1, 1))]


def sites() -> list[dict]:
    """Each modelled building: its IFC model file, footprint and height (for massing and keep-outs)."""
    out = [{"model": "hub_station", "code": "station", "name_zh": "上海松江站站房", "name_en": "Shanghai Songjiang station",
            "footprint": rectangle(0.0, 0.0, STATION_SIZE[0], STATION_SIZE[1]), "height": STATION_SIZE[2]}]
    out += [{"model": "hub_towers", "code": t.code, "name_zh": t.name_zh, "name_en": t.name_en,
             "footprint": rectangle(t.u, t.v, t.width, t.depth), "height": t.height} for t in TOWERS]
    return out


def keep_out() -> list[list[tuple[float, float]]]:
    """Where generated city buildings must not stand: the modelled sites and the tracks."""
    zones = [rectangle(0.0, 0.0, STATION_SIZE[0] + 60, STATION_SIZE[1] + 60),
             rectangle(0.0, 0.0, 3000.0, 80.0)]  # the railway corridor through the hub
    zones += [rectangle(t.u, t.v, t.width + 40, t.depth + 40) for t in TOWERS]
    return zones
