"""The field profile: who is editing on this machine, written into every outbox row.

Kept as a small JSON file in the user's config folder (layers/paths.py). The device id
is made once per machine and never changes, so the operations centre can tell two
laptops of one surveyor apart. ``--profile "NAME[/TEAM]"`` (the window, ``package sync``) sets and
saves it; no environment variable overrides it (a shared laptop gives each user their own account).
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import asdict, dataclass

from layers import paths

log = logging.getLogger(__name__)
DEFAULT_SURVEYOR = "console"  # what inspections were signed with before profiles existed


@dataclass
class FieldProfile:
    surveyor: str = DEFAULT_SURVEYOR
    team: str = ""
    device: str = ""

    @property
    def author(self) -> str:
        return f"{self.surveyor} ({self.team})" if self.team else self.surveyor


def load() -> FieldProfile:
    """The saved profile (a new device id is saved on first use)."""
    path = paths.field_profile()
    data = {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:  # a damaged profile must not stop field work
        log.warning("%s: unreadable field profile (%s); using the defaults", path, exc)
    profile = FieldProfile(**{k: str(v) for k, v in data.items() if k in FieldProfile.__dataclass_fields__})
    if not profile.device:
        profile.device = str(uuid.uuid4())
        save(profile)
    profile.surveyor = profile.surveyor or DEFAULT_SURVEYOR
    return profile


def save(profile: FieldProfile):
    """Written to a temporary file and renamed into place: a crash leaves the old profile or the new one."""
    path = paths.field_profile()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(profile), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def set_from_text(text: str) -> FieldProfile:
    """``--profile "NAME[/TEAM]"``: saved for later sessions, the device id kept."""
    name, _, team = text.partition("/")
    if not name.strip():
        raise ValueError(f"field profile {text!r}: give a surveyor name, e.g. --profile 'Li Wei/old-town team'")
    profile = load()
    profile.surveyor, profile.team = name.strip(), team.strip()
    save(profile)
    return profile
