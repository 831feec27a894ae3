"""Alarm rules operators can live with (after ISA-18.2 / EEMUA 191 alarm management practice).

Per sensor kind:
- ``confirm``: consecutive readings over a threshold before an alarm is raised. A single
  spike raises nothing; structural and fire-hydrant monitors raise at once (``confirm=1``).
- ``deadband``: hysteresis as a fraction of the warning-to-critical span. A reading only
  counts as "back in range" below the threshold minus the deadband, so a value oscillating
  around a threshold does not raise and clear over and over.
- ``clear_after_s``: back in range for this long and the alarm is cleared by "system",
  acknowledged or not. It stays in the log, and nothing is left open forever.
- ``escalate_after_s``: active and unacknowledged for this long gives an "escalated" event once.
- ``flap_count`` / ``flap_window_s``: an alarm that comes back this many times within the
  window is "flapping" (ISA-18.2 chattering): marked once, and its further returns to normal
  are no longer logged one by one (the occurrences are still counted).

One alarm is open per terminal (a terminal measures one kind). A new excursion while it is
open counts an occurrence instead of opening another.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from layers.sensors import kinds as K


@dataclass(frozen=True)
class AlarmRule:
    confirm: int = 2
    deadband: float = 0.1
    clear_after_s: float = 600.0
    escalate_after_s: float = 1800.0
    flap_count: int = 3
    flap_window_s: float = 600.0


DEFAULT = AlarmRule()
RULES: dict[str, AlarmRule] = {
    "tilt": replace(DEFAULT, confirm=1, clear_after_s=3600.0),
    "crack_width": replace(DEFAULT, confirm=1, clear_after_s=3600.0),
    "hydrant_pressure": replace(DEFAULT, confirm=1),
    "camera_status": replace(DEFAULT, deadband=0.0),  # codes: 0 ok, 1 degraded, 2 fault
}


def rule_of(kind: str, overrides: dict | None = None) -> AlarmRule:
    return (overrides or {}).get(kind) or RULES.get(kind, DEFAULT)


def rule_columns(registry, overrides: dict | None = None) -> dict[str, np.ndarray]:
    """Per-terminal arrays of every rule field (vectorised lookups in the alarm book)."""
    per_kind = [rule_of(k.name, overrides) for k in K.KINDS]
    code = registry.kind
    span = np.abs(np.asarray(registry.crit, float) - np.asarray(registry.warn, float))
    return {
        "confirm": np.array([r.confirm for r in per_kind], np.int16)[code],
        "deadband": np.nan_to_num(np.array([r.deadband for r in per_kind])[code] * span),
        "clear_after_s": np.array([r.clear_after_s for r in per_kind])[code],
        "escalate_after_s": np.array([r.escalate_after_s for r in per_kind])[code],
        "flap_count": np.array([r.flap_count for r in per_kind], np.int32)[code],
        "flap_window_s": np.array([r.flap_window_s for r in per_kind])[code],
    }
