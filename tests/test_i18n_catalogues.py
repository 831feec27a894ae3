"""Translations are loaded explicitly, never by importing a module.

Six modules used to add their words to the shared table when imported, so what a widget showed
depended on which modules some other code had happened to import first (17 imports marked
``noqa: F401`` existed only for that). Now each catalogue is a plain table and the entry points call
``layers.i18n.load_all()``. Both checks run in a fresh interpreter: the suite's conftest has
already loaded everything in this one.
"""
from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import REPO

IMPORT_EVERYTHING = r"""
import json, pkgutil, importlib
from layers import i18n
before = dict(i18n.STRINGS)
failed = []
for top in ("layers", "offline", "widgets", "console"):
    pkg = importlib.import_module(top)
    for m in pkgutil.walk_packages(pkg.__path__, top + "."):
        if m.name.endswith("__main__"):
            continue
        importlib.import_module(m.name)
print(json.dumps({"changed": sorted(set(i18n.STRINGS) ^ set(before))[:20],
                  "same_values": all(i18n.STRINGS[k] == v for k, v in before.items())}))
"""

LOAD_ALL = r"""
import json
from layers import i18n
core = dict(i18n.STRINGS)
i18n.load_all()
missing = {name: sorted(k for k, v in table.items() if i18n.STRINGS.get(k) != v)
           for name, table in i18n.catalogues().items()}
size = len(i18n.STRINGS)
i18n.load_all()
print(json.dumps({"missing": {n: m for n, m in missing.items() if m}, "core_kept": all(k in i18n.STRINGS for k in core),
                  "catalogues": len(i18n.CATALOGUES), "size": size, "again": len(i18n.STRINGS)}))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=180,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_any_module_leaves_the_translation_table_alone():
    got = _run(IMPORT_EVERYTHING)
    assert got["changed"] == [], f"importing these registered words as a side effect: {got['changed']}"
    assert got["same_values"]


def test_load_all_registers_every_catalogue():
    got = _run(LOAD_ALL)
    assert got["missing"] == {}
    assert got["core_kept"] and got["catalogues"] >= 6
    assert got["again"] == got["size"]  # a second call adds nothing


def test_no_import_exists_only_to_register_words():
    """The `noqa: F401` imports that once registered a catalogue are gone from product code."""
    hits = []
    for top in ("layers", "offline", "widgets", "console"):
        for path in (REPO / top).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "noqa: F401" in line and "strings" in line:
                    hits.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert hits == []


def test_a_picked_feature_is_reshown_in_the_new_language(qtbot):
    """Models return terms (codes), the inspector translates them: switching the language re-shows a picked
    building's use and a sensor's state in the new language (they were frozen in the old one)."""
    from layers import i18n
    from layers.buildings.strings import display
    from layers.layer import Layer
    from widgets.inspector import Inspector
    with i18n.using("zh"):
        inspector = Inspector()
        qtbot.addWidget(inspector)
        inspector.show_feature(Layer("建筑", "buildings"), {"use": display("use", "office"),
                                                            "district": display("district", "old-town")})
        shown = {inspector.table.item(r, 0).text(): inspector.table.item(r, 1).text() for r in range(2)}
        assert shown == {"用途": "办公", "片区": "老城风貌区"}
        i18n.set_language("en")
        inspector.retranslate()
        shown = {inspector.table.item(r, 0).text(): inspector.table.item(r, 1).text() for r in range(2)}
        assert shown == {"Use": "office", "District": "Old town"}
