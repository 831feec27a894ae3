"""Each registry is owned where it is used, and a layer's kind is compared only inside them.

layers/layer_kinds.py keeps the headless facts of a kind and names no GUI module
(kind → adapter lives in console/scene/kinds.py, kind → panel in
console/panels/kinds.py). Per-kind behaviour is a hook on the kind (``describe``
for info, ``legend`` for exports, ``pick_rank``…), so ``layer.kind == "bim"``
chains do not grow back across the code: an AST walk finds them.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from layers import layer_kinds

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ("console", "layers", "widgets", "offline")
# The registries and their hooks: the only modules that may compare a layer's kind.
REGISTRIES = {"layers/layer_kinds.py", "console/scene/kinds.py", "console/panels/kinds.py"}
GUI_NAME = re.compile(r"\b(PySide6|shiboken6|vtk\w*|pyvista\w*|pyqtgraph)\b|\b(console|widgets)\.\w")


def _docstrings(tree) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def test_the_model_packages_name_no_gui_module():
    """Not even as a "module:attribute" string resolved later (docstrings may say where things live)."""
    offenders = []
    for pkg in ("layers", "offline"):
        for path in sorted((REPO / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs = _docstrings(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs \
                        and GUI_NAME.search(node.value):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno} {node.value[:60]!r}")
    assert offenders == []


def _names_a_kind(node, names) -> bool:
    """A string constant naming a layer kind, or a tuple/list/set of them."""
    if isinstance(node, ast.Constant):
        return node.value in names
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_kind(e, names) for e in node.elts)
    return False


def _is_kind(node) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "kind") or (isinstance(node, ast.Name) and node.id == "kind")


def kind_tests(source: str) -> list[int]:
    """Lines comparing ``x.kind``/``kind`` with a layer kind's name (==, !=, in), or looping over kind names."""
    names = set(layer_kinds.KINDS)
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_kind(o) for o in operands) and any(_names_a_kind(o, names) for o in operands):
                lines.append(node.lineno)
        elif isinstance(node, ast.For) and isinstance(node.iter, (ast.Tuple, ast.List)) \
                and node.iter.elts and all(_names_a_kind(e, names) for e in node.iter.elts):
            lines.append(node.lineno)
    return lines


def test_a_layer_kind_is_compared_only_inside_the_registries():
    assert kind_tests('if layer.kind == "bim": pass') == [1]  # the walk finds what it is meant to
    assert kind_tests('x = lyr.kind != "terrain"') == [1]
    assert kind_tests('x = layer.kind in ("terrain", "imagery")') == [1]
    assert kind_tests('for kind in ("imagery", "terrain"): pass') == [1]
    assert kind_tests('x = a.kind == "polygon"\ny = reg.kind == code') == [], "other kinds (annotations, sensors) pass"
    offenders = []
    for pkg in PRODUCT:
        for path in sorted((REPO / pkg).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel in REGISTRIES:
                continue
            offenders += [f"{rel}:{line}" for line in kind_tests(path.read_text(encoding="utf-8"))]
    assert offenders == [], "ask the kind's hook (layers/layer_kinds.py, console/scene/kinds.py, console/panels/kinds.py)"


def test_every_kind_is_drawn_and_its_panel_is_a_registered_kind():
    from console.panels import kinds as panel_kinds
    from console.scene import kinds as scene_kinds
    assert set(scene_kinds.SCENE_KINDS) == set(layer_kinds.KINDS), "a kind without a scene entry draws nothing"
    assert set(panel_kinds.PANELS) <= set(layer_kinds.KINDS)
    for kind in scene_kinds.SCENE_KINDS.values():
        kind.adapter_class()  # loads: a typo fails here, not in front of a user
    for target in panel_kinds.panels():
        layer_kinds.resolve(target)


def test_adapters_are_asked_through_their_protocol_not_probed():
    """``hasattr(adapter, "relabel")``-style probes hid typos; ``SceneAdapter`` lists what may be asked."""
    from console.scene.base import LayerAdapter, SceneAdapter
    from console.scene import kinds as scene_kinds
    members = {n for n in dir(SceneAdapter) if not n.startswith("_")} | set(SceneAdapter.__annotations__)
    offenders = []
    for path in sorted((REPO / "console").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr") \
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value in members \
                    and not (isinstance(node.args[0], ast.Name) and node.args[0].id == "self"):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno} {node.func.id}(…, {node.args[1].value!r})")
    assert offenders == []
    for kind in scene_kinds.SCENE_KINDS.values():
        cls = kind.adapter_class()
        assert issubclass(cls, LayerAdapter) and all(hasattr(cls, m) for m in members - {"layer", "props"}), cls
