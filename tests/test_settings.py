"""Settings are one typed, versioned object (layers/settings.py) and an old console's settings migrate.

Before, five loose QSettings keys held the language, theme, operator and broker profiles (one of them
a JSON string inside an ini value), with no version to migrate from. These tests write what an older
console left behind and check the new one reads it, types it and keeps it.
"""
from __future__ import annotations

import json

import pytest

from layers import settings as S

V1 = {"ui/language": "en", "ui/theme": "wall", "sensors/operator": "王芳",
      "sensors/mqtt_profiles": json.dumps({"centre": {"host": "10.0.0.5", "port": 8883}}),
      "sensors/mqtt_last": "centre"}


def test_a_version_1_console_s_settings_migrate(tmp_path):
    path = tmp_path / "settings.json"
    calls = []
    got = S.load(path, legacy=lambda: calls.append(1) or dict(V1))
    assert got == S.Settings(language="en", theme="wall", operator="王芳",
                             mqtt_profiles={"centre": {"host": "10.0.0.5", "port": 8883}}, mqtt_last="centre")
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == S.VERSION == got.version
    assert S.load(path, legacy=lambda: calls.append(2) or {}) == got and calls == [1]  # migrated once


def test_bad_values_fall_back_and_a_damaged_file_is_left_alone(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 2, "language": "fr", "theme": 3, "mqtt_profiles": [], "operator": "x"}))
    got = S.load(path)
    assert (got.language, got.theme, got.mqtt_profiles, got.operator) == ("", "light", {}, "x")
    path.write_bytes(b"{not json")
    assert S.load(path) == S.Settings() and path.read_bytes() == b"{not json"


def test_a_newer_console_s_file_is_read_for_what_this_one_knows(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": S.VERSION + 1, "language": "zh", "wall_scale": 2.0}))
    assert S.load(path).language == "zh"


@pytest.mark.usefixtures("qapp")
def test_the_console_migrates_the_keys_it_kept_in_qsettings(tmp_path, monkeypatch):
    monkeypatch.setenv("SONGJIANG_CONFIG_DIR", str(tmp_path / "config"))
    from console import settings
    qs = settings.settings()
    for k, v in V1.items():
        qs.setValue(k, v)
    qs.sync()
    try:
        assert settings.saved_language() == "en" and settings.saved_theme() == "wall"
        assert settings.operator_name() == "王芳" and settings.last_mqtt_profile() == "centre"
        assert settings.mqtt_profiles() == {"centre": {"host": "10.0.0.5", "port": 8883}}
        assert not any(settings.settings().contains(k) for k in V1)  # moved, not copied
        settings.save_language("zh")
        assert json.loads((tmp_path / "config" / "settings.json").read_text(encoding="utf-8"))["language"] == "zh"
    finally:
        for k in V1:
            qs.remove(k)
        qs.sync()


# Deployment folders only (README "Settings and environment"); the rest moved onto the Workspace, the
# command line or the settings object. NOT_YET (empty) is for a variable on its way out: it may only shrink.
DEPLOYMENT = {"SONGJIANG_DATA_DIR", "SONGJIANG_CACHE_DIR", "SONGJIANG_CONFIG_DIR", "SONGJIANG_STORE"}
NOT_YET: set = set()


def test_no_behaviour_is_steered_by_other_environment_variables():
    import re
    from tests.helpers import REPO
    read = set()
    for top in ("console", "layers", "offline", "widgets"):
        for path in (REPO / top).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            read |= set(re.findall(r"environ(?:\.get\(|\[)\s*[\"'](SONGJIANG_\w+)", text))
            read |= set(re.findall(r"(?:DEMO_ENV|_ENV)\s*=\s*[\"'](SONGJIANG_\w+)", text))
    assert read - DEPLOYMENT - NOT_YET == set()


def test_the_scripted_demo_and_dialogs_are_command_line_options_on_the_workspace():
    from console.cli import build_parser
    from offline.workspace import Workspace
    args = build_parser().parse_args(["open", "--demo", "hbim", "--no-dialogs"])
    assert args.demo == "hbim" and args.no_dialogs
    assert Workspace.open(demo=args.demo, history="").demo == "hbim" and Workspace.open(history="").demo == ""
    # a workspace made in code never asks (tests, docs tools); the window a user starts does
    assert not Workspace.open(history="").dialogs and Workspace.open(history="", dialogs=True).dialogs
