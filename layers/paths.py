"""Where the console keeps the user's data and caches: one helper for every store.

platformdirs gives each platform's convention (XDG folders on Linux, AppData on
Windows, ~/Library on macOS). Paths are looked up at call time, never at
import, so an environment set later (tests, a portable install) is honoured.
``SONGJIANG_DATA_DIR``, ``SONGJIANG_CACHE_DIR`` and ``SONGJIANG_CONFIG_DIR`` move the folders (a
deployment's choice); one store elsewhere is a command-line option (``--history FILE``) on the
Workspace, never an environment variable.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "songjiang-console"


def data_dir() -> Path:
    """Records the user made (HBIM records, sensor history): back these up."""
    env = os.environ.get("SONGJIANG_DATA_DIR")
    return Path(env) if env else platformdirs.user_data_path(APP, appauthor=False)


def cache_dir() -> Path:
    """Anything that can be rebuilt (IFC tessellations): safe to delete."""
    env = os.environ.get("SONGJIANG_CACHE_DIR")
    return Path(env) if env else platformdirs.user_cache_path(APP, appauthor=False)


def hbim_store() -> Path:
    """The user's HBIM records: hbim.sqlite in the data folder."""
    return data_dir() / "hbim.sqlite"


def sensor_history() -> Path:
    """The user's sensor history: sensor-history.sqlite in the data folder (``--history`` picks another)."""
    return data_dir() / "sensor-history.sqlite"


def config_dir() -> Path:
    """Small settings the user chose (the field profile); $SONGJIANG_CONFIG_DIR moves it."""
    env = os.environ.get("SONGJIANG_CONFIG_DIR")
    return Path(env) if env else platformdirs.user_config_path(APP, appauthor=False)


def settings_file() -> Path:
    """The user's settings (layers/settings.py): language, theme, operator, broker profiles."""
    return config_dir() / "settings.json"


def field_profile() -> Path:
    """Who is editing on this machine: surveyor, team, device id (offline/field/profile.py)."""
    return config_dir() / "field-profile.json"


def package_key() -> Path:
    """The centre's key that signs the field packages it makes (offline/package/signature.py)."""
    return config_dir() / "package-signing.key"


def ops_store() -> str:
    """$SONGJIANG_STORE (a file or postgresql://…), else ops-store.sqlite in the data folder."""
    return os.environ.get("SONGJIANG_STORE") or str(data_dir() / "ops-store.sqlite")
