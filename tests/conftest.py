"""Shared fixtures: the public data in ../shared, an isolated settings/home, headless defaults."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_IFC = SHARED / "data" / "ifc"

# Error dialogs would block a test; the window still reports through its status bar and .errors.
os.environ.setdefault("SONGJIANG_NO_DIALOGS", "1")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is absent (public test files live beside the repo, not in it)")
    return data


@pytest.fixture
def copy_shared(shared_data, tmp_path):
    """Copy a shared file before anything may write to it."""
    def _copy(rel: str) -> Path:
        dst = tmp_path / Path(rel).name
        shutil.copy2(shared_data / rel, dst)
        return dst
    return _copy


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    """QSettings and caches go to a temp home, so tests never touch the user's."""
    home = tmp_path_factory.getbasetemp() / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("SONGJIANG_HBIM_DB", str(home / "data" / "hbim-test.sqlite"))


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@pytest.fixture
def shared_ifc(tmp_path):
    """Copy one shared IFC file into tmp (the IFC tests may write caches or records beside it)."""
    if not SHARED_IFC.is_dir():
        pytest.skip(f"shared IFC test data not found at {SHARED_IFC}")

    def copy(name):
        dst = tmp_path / name
        shutil.copy(SHARED_IFC / name, dst)
        return dst
    return copy
