"""Sensor kinds: what each terminal measures, its unit and its alarm thresholds.

Thresholds follow Chinese national standards where one exists; the others are
project settings and say so (``standard`` starts with "project setting").
See docs/sensors.md for the table and caveats (e.g. GB 3095 limits are 24-h
means; the console compares single readings, so a warning is an early signal,
not a legal exceedance).

``direction`` is +1 when high values are bad and -1 when low values are bad
(hydrant pressure). ``night_delta`` lowers both thresholds between 22:00 and
06:00 local time (GB 3096-2008 night limits).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Kind:
    code: int
    name: str
    label: str
    unit: str
    interval_s: float  # nominal sampling interval
    warn: float
    crit: float
    standard: str
    direction: int = 1
    night_delta: float = 0.0
    # simulator model: daily mean, daily amplitude, noise sd, lower/upper clip
    mean: float = 0.0
    amp: float = 0.0
    sd: float = 0.0
    lo: float = 0.0
    hi: float = float("inf")
    peak_hour: float = 14.0


KINDS: tuple[Kind, ...] = (
    Kind(0, "pm25", "Air PM2.5", "µg/m³", 60, 35, 75,
         "GB 3095-2012 24-h mean: Grade I 35, Grade II 75 µg/m³",
         mean=18, amp=7, sd=4, hi=999, peak_hour=8),
    Kind(1, "aqi", "Air quality index", "AQI", 300, 100, 200,
         "HJ 633-2012: >100 light pollution, >200 heavy pollution",
         mean=60, amp=20, sd=10, hi=500, peak_hour=8),
    Kind(2, "noise", "Environmental noise", "dB(A)", 60, 60, 70,
         "GB 3096-2008 Leq, class 2 zone 60/50 dB(A) day/night; critical = class 4a day limit 70",
         night_delta=10, mean=47, amp=7, sd=2.5, lo=20, hi=140, peak_hour=14),
    Kind(3, "water_nh3n", "Surface water NH3-N", "mg/L", 900, 1.0, 2.0,
         "GB 3838-2002 ammonia nitrogen: class III 1.0, class V 2.0 mg/L",
         mean=0.6, amp=0.1, sd=0.08, hi=50, peak_hour=6),
    Kind(4, "soil_moisture", "Soil moisture (relative)", "%", 1800, 50, 40,
         "after GB/T 32136-2015 agricultural drought grades (relative soil moisture: "
         "<50 % moderate, <40 % severe drought)",
         direction=-1, mean=70, amp=4, sd=2, hi=100, peak_hour=6),
    Kind(5, "traffic_flow", "Traffic flow", "veh/h/lane", 60, 1400, 1800,
         "project setting: 1,800 veh/h/lane ≈ urban arterial lane capacity (CJJ 37-2012 order)",
         mean=700, amp=450, sd=90, hi=4000, peak_hour=17.5),
    Kind(6, "parking", "Parking occupancy", "%", 120, 90, 98,
         "project setting (operator guidance threshold)",
         mean=55, amp=20, sd=5, hi=100, peak_hour=14),
    Kind(7, "hydrant_pressure", "Fire-hydrant pressure", "MPa", 300, 0.14, 0.10,
         "GB 50974-2014: municipal hydrant pressure >= 0.14 MPa normally, never < 0.10 MPa",
         direction=-1, mean=0.30, amp=0.03, sd=0.01, hi=2.0, peak_hour=19),
    Kind(8, "camera_status", "Smart camera status", "code", 60, 1, 2,
         "project setting: 0 ok, 1 degraded, 2 fault",
         mean=0, hi=2),
    Kind(9, "tilt", "Structural tilt change", "mrad", 600, 1.0, 2.0,
         "project setting for heritage structures (change from baseline; to be confirmed by "
         "the structural engineer, cf. GB 50292-2015 reliability grades)",
         mean=0.2, amp=0.05, sd=0.03, lo=-50, hi=50, peak_hour=15),
    Kind(10, "crack_width", "Crack width change", "mm", 600, 0.2, 0.5,
         "project setting; 0.2 mm echoes the GB 50010-2010 crack-width limit for RC, masonry "
         "needs engineer review",
         mean=0.05, amp=0.02, sd=0.01, lo=-5, hi=20, peak_hour=15),
    # the hub's building systems, bound to their IFC elements (mounted_on = GlobalId)
    Kind(11, "energy_power", "Storey electric load", "kW", 300, 120, 150,
         "project setting: a storey meter's share of the contracted capacity (80 % warning, 100 % critical)",
         mean=60, amp=30, sd=6, hi=400, peak_hour=14),
    Kind(12, "elevator_status", "Elevator status", "code", 60, 1, 2,
         "project setting: 0 in service, 1 degraded, 2 out of service (TSG T7001 inspections on site)",
         mean=0, hi=2),
    Kind(13, "smoke_detector", "Smoke detector obscuration", "%/m", 60, 1.0, 2.0,
         "project setting below the alarm band of point smoke detectors in GB 4715-2005",
         mean=0.2, amp=0.05, sd=0.05, hi=20, peak_hour=12),
    Kind(14, "gate_flow", "Station gate passenger flow", "pax/min", 60, 45, 60,
         "project setting: a gate line's design capacity (≈60 passengers per minute)",
         mean=22, amp=15, sd=4, hi=120, peak_hour=8.5),
)

BY_NAME = {k.name: k for k in KINDS}
N_KINDS = len(KINDS)


def kind_code(name: str) -> int:
    try:
        return BY_NAME[name].code
    except KeyError:
        raise ValueError(f"unknown sensor kind {name!r}; known: {', '.join(BY_NAME)}") from None


def column(attr: str, dtype=np.float64) -> np.ndarray:
    """One attribute of every kind as an array indexed by kind code (for vectorised lookups)."""
    return np.array([getattr(k, attr) for k in KINDS], dtype=dtype)
