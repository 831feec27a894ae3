"""The user's settings: one typed, versioned object in one file (``settings.json`` in the config folder).

What a user chose and the console remembers: the interface language and theme, who acknowledges alarms
(the operator), the saved broker profiles (never a password: those are in the OS keyring). Behaviour is
steered by this object and by command-line options, never by environment variables (only the deployment
folders are: ``layers/paths.py``).

A file written by an older console is migrated when read: ``MIGRATIONS[n]`` turns a version-``n``
document into a version-``n+1`` one. Version 1 is the layout before this file existed: separate
QSettings keys (``ui/language``, ``sensors/mqtt_profiles`` as a JSON string…), which the console's
shell hands in as ``legacy``. A newer version's file is read for the fields this console knows; a
damaged file is left as it is (the defaults apply) until the user changes a setting.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

VERSION = 2


@dataclass
class Settings:
    version: int = VERSION
    language: str = ""          # "zh" | "en"; "" follows the system locale
    theme: str = "light"        # "light" | "wall"
    operator: str = ""          # who acknowledges alarms and signs annotations; "" is the OS user
    mqtt_profiles: dict = field(default_factory=dict)  # name → connection fields (no password)
    mqtt_last: str = ""

    CHOICES = {"language": ("", "zh", "en"), "theme": ("light", "wall")}


def _from_1(doc: dict) -> dict:
    """Version 1: the QSettings keys of the consoles before this file."""
    raw = doc.get("sensors/mqtt_profiles") or ""
    try:
        profiles = json.loads(raw) if isinstance(raw, str) and raw else (raw or {})
    except ValueError:
        profiles = {}
    return {"version": 2, "language": doc.get("ui/language", ""), "theme": doc.get("ui/theme", "light"),
            "operator": doc.get("sensors/operator", ""), "mqtt_profiles": profiles,
            "mqtt_last": doc.get("sensors/mqtt_last", "")}


MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _from_1}


def migrate(doc: dict) -> dict:
    version = doc.get("version", 1)
    while isinstance(version, int) and version in MIGRATIONS:
        doc = MIGRATIONS[version](doc)
        version = doc["version"]
    return doc


def from_dict(doc: dict) -> Settings:
    """Known fields of the right type; anything else (a wrong type, a value out of its choices) the default."""
    default, values = Settings(), {}
    for f in fields(Settings):
        value = doc.get(f.name, getattr(default, f.name))
        if not isinstance(value, type(getattr(default, f.name))) or \
                value not in Settings.CHOICES.get(f.name, (value,)):
            log.warning("settings: %s=%r is not valid; using %r", f.name, value, getattr(default, f.name))
            value = getattr(default, f.name)
        values[f.name] = value
    return Settings(**{**values, "version": VERSION})


def load(path: Path, legacy: Callable[[], dict] | None = None) -> Settings:
    """The settings in ``path``; with no file, ``legacy()``'s version-1 keys migrated and written there."""
    path = Path(path)
    if path.exists():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            log.warning("%s: cannot read the settings (%s); using the defaults", path, exc)
            return Settings()
        if isinstance(doc.get("version"), int) and doc["version"] > VERSION:
            log.info("%s: written by a newer console (version %s); reading what this one knows", path, doc["version"])
            return from_dict(doc)
        migrated = migrate(doc)
        settings = from_dict(migrated)
        if doc.get("version") != VERSION:
            save(path, settings)
        return settings
    old = legacy() if legacy is not None else {}
    settings = from_dict(migrate({**old, "version": 1})) if old else Settings()
    if old:
        save(path, settings)
    return settings


def save(path: Path, settings: Settings) -> None:
    """Write atomically (a crash leaves the old file or the new one, never half)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(settings), out, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
