"""An alarm's own story for its table row: the operator's note and the tooltip of its life.

Issue 26 item 10: the note typed when acknowledging or clearing was kept on the alarm and shown
nowhere. It is now in the row's "note" column, and every cell's tooltip tells the alarm's history
(raised, acknowledged, cleared: who, when, the note). The note is in the history file's alarm
events too (offline/history.py), so a replay shows it the same way.
"""
from __future__ import annotations

from html import escape

from layers.sensors.strings import fmt_time, tr


def note_text(cols: dict, r: int) -> str:
    """The note as the row shows it: one line."""
    return " ".join(str(cols["note"][r] or "").split())


def alarm_tooltip(cols: dict, r: int, value_text: str) -> str:
    """The alarm's history as rich text, oldest first (Qt wraps rich-text tooltips)."""
    raised = fmt_time(float(cols["raised"][r]))  # a replayed alarm has no value of its own
    lines = [tr("sensors.tip_raised", time=raised, value=value_text) if value_text
             else tr("sensors.tip_raised_at", time=raised)]
    for who_key, at_key, key in (("acked_by", "acked_at", "sensors.tip_acked"),
                                 ("cleared_by", "cleared_at", "sensors.tip_cleared")):
        who, at = cols[who_key][r], float(cols[at_key][r])
        if who and at == at:
            lines.append(tr(key, time=fmt_time(at), who=who))
    note = str(cols["note"][r] or "").strip()
    if note:
        lines.append(tr("sensors.tip_note", note=note))
    return "<p>" + "<br>".join(escape(line) for line in lines) + "</p>"
