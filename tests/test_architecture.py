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
