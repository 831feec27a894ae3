"""layers/ and offline/ are pure models: no Qt, no VTK, no app imports."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "vtk", "vtkmodules", "pyvista", "pyvistaqt", "pyqtgraph", "console", "widgets", "paho")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_model_packages_import_no_qt_or_vtk():
    offenders = []
    for pkg in ("layers", "offline"):
        for path in (REPO / pkg).rglob("*.py"):
            for line, name in _imports(path):
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    assert offenders == []


def test_importing_models_loads_no_gui_toolkit():
    code = ("import sys, importlib, pkgutil, layers, offline\n"
            "for pkg in (layers, offline):\n"
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
            "        importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'vtkmodules', 'pyvista')]\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""


def test_import_linter_contract_is_kept():
    import shutil
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        import pytest
        pytest.skip("import-linter not installed (it is in the [test] extra)")
    out = subprocess.run([exe], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stdout[-2000:]
    import tomllib
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert f"Contracts: {len(contracts)} kept, 0 broken." in out.stdout


def test_no_other_distribution_claims_our_package_names():
    """Our five top-level names install into the console's own venv; nothing else there may ship them."""
    from importlib.metadata import packages_distributions
    owners = packages_distributions()
    ours = ("console", "layers", "widgets", "offline", "assets", "bench")
    clashes = {name: owners[name] for name in ours
               if any(d.lower().replace("_", "-") != "songjiang-console" for d in owners.get(name, []))}
    assert clashes == {}


# Issue 21: the window is a view of a Workspace (offline/workspace.py), not a service locator.
# Field mode used to be window attributes set from outside (console/field.py bind) plus process-wide
# environment variables the CLI wrote; these two tests keep both ways shut.
PRODUCT = ("console", "layers", "widgets", "offline")
PLATFORM_ENV = ("QT_", "VTK_")  # toolkit switches that must be set before the toolkit loads


def _product_modules():
    for package in PRODUCT:
        for path in sorted((REPO / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _environ(node) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ"
            and isinstance(node.value, ast.Name) and node.value.id == "os")


def _platform_key(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(PLATFORM_ENV)


def test_product_code_never_writes_the_environment():
    writes = []
    for path, tree in _product_modules():
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Subscript) and _environ(t.value) and not _platform_key(t.slice):
                        writes.append(where)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                f = node.func
                if _environ(f.value) and f.attr in ("setdefault", "update", "pop", "clear", "__setitem__") \
                        and not (node.args and _platform_key(node.args[0])):
                    writes.append(where)
                elif f.attr in ("putenv", "unsetenv") and isinstance(f.value, ast.Name) and f.value.id == "os":
                    writes.append(where)
    assert writes == [], f"product code writes os.environ (decide it on the Workspace or the CLI): {writes}"


WINDOW_NAMES = ("window", "win", "main_window", "mw")


def _is_window(node) -> bool:
    """``window``/``win`` or ``<anything>.window``: what panels and helpers call the main window."""
    return (isinstance(node, ast.Name) and node.id in WINDOW_NAMES
            or isinstance(node, ast.Attribute) and node.attr in ("window", "_window"))


def _window_methods(tree) -> set[int]:
    """Line numbers inside console/app.py's MainWindow class: the only place the window sets its own attributes."""
    lines = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "MainWindow":
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def test_nothing_sets_an_attribute_on_the_window_from_outside_it():
    outside = []
    roots = [*_product_modules(), *((p, ast.parse(p.read_text(encoding="utf-8"), str(p)))
                                    for d in ("tests", "tools", "bench") for p in sorted((REPO / d).rglob("*.py")))]
    for path, tree in roots:
        inside = _window_methods(tree) if path == REPO / "console" / "app.py" else set()
        for node in ast.walk(tree):
            if node.__class__.__name__ not in ("Assign", "AugAssign", "AnnAssign", "Call"):
                continue
            if node.lineno in inside:
                continue
            if isinstance(node, ast.Call):
                hit = (isinstance(node.func, ast.Name) and node.func.id == "setattr" and node.args
                       and _is_window(node.args[0]))
            else:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
                hit = any(isinstance(t, ast.Attribute) and _is_window(t.value) for t in flat)
            if hit:
                outside.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert outside == [], ("attributes set on the window from outside MainWindow (give it a typed place: "
                           f"window.panels, window.workspace): {outside}")


def test_field_mode_is_decided_by_the_workspace_not_by_window_attributes():
    """Nothing reads field mode off the window (the attributes console/field.py bind() used to set)."""
    gone = ("field_package", "hbim_store_path", "field_meta")
    found = []
    for path, tree in _product_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in gone:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.Constant) and node.value in gone:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.value!r}")
    assert found == [], found


# Issue 21, the window's size and its panels: MainWindow grew by every feature reaching into it (panels took
# the window, placed menus by counting the menu bar's entries, wrote its status bar). These keep it a thin view.
PANELS = REPO / "console" / "panels"
MAX_WINDOW_LINES, MAX_MODULE_LINES = 250, 400


def test_the_window_and_every_product_module_stay_small():
    """MainWindow's class ≤ 250 lines, and no product module (console/, layers/, widgets/, offline/) over 400.

    tools/, tests/ and bench/ are not product code and are not counted.
    """
    app = ast.parse((REPO / "console" / "app.py").read_text(encoding="utf-8"))
    window = next(n for n in app.body if isinstance(n, ast.ClassDef) and n.name == "MainWindow")
    size = window.end_lineno - window.lineno + 1
    assert size <= MAX_WINDOW_LINES, f"MainWindow is {size} lines; move a part into a module of its own"
    big = {str(path.relative_to(REPO)): n for path, _ in _product_modules()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert big == {}, f"modules over {MAX_MODULE_LINES} lines (split them by responsibility): {big}"


def _panel_modules():
    for path in sorted(PANELS.rglob("*.py")):
        if path.name != "context.py":  # builds the context from the window: the one place allowed to
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_panels_get_a_typed_context_never_the_window():
    """No panel takes the window (a parameter), keeps it or reads it (``.window``), or reaches into the
    context's ``host`` (the widget docks and dialogs are parented to: passed on as an argument only)."""
    found = []
    for path, tree in _panel_modules():
        where = str(path.relative_to(REPO))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                found += [f"{where}:{node.lineno} takes {a.arg!r}" for a in args if a.arg in WINDOW_NAMES]
            elif isinstance(node, ast.Attribute) and node.attr in ("window", "_window"):
                found.append(f"{where}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) \
                    and node.value.attr == "host":
                found.append(f"{where}:{node.lineno} host.{node.attr}")
            elif isinstance(node, ast.Name) and node.id in WINDOW_NAMES:
                found.append(f"{where}:{node.lineno} {node.id}")
    assert found == [], f"panels reach the window; give them what they need on PanelContext: {found}"


def test_menus_are_built_by_id_never_by_position():
    """Only console/actions.py touches the menu bar; nothing inserts a menu or an action by position."""
    by_position = ("insertMenu", "insertAction", "insertActions", "insertSeparator", "menuBar")
    found = []
    for path, tree in _product_modules():
        if path == REPO / "console" / "actions.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in by_position:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.func.attr}()")
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call) \
                    and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "actions":
                found.append(f"{path.relative_to(REPO)}:{node.lineno} actions()[…]")
    assert found == [], f"menus by position (register in console/actions.py Actions by menu id): {found}"
