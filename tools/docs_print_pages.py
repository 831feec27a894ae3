"""Rebuild the README's pictures of print pages (issue 24): a district page and the atlas's contents.

    .venv/bin/python tools/docs_print_pages.py

Writes docs/print-old-town-a3.png (`snapshot --view old-town --paper A3`: the map at its scale,
grid, overview inset, legend, names) and docs/print-atlas-a3.png (page 1 of `snapshot --atlas
districts --paper A3`: the contents and the index map), each rendered from its PDF by pdftoppm,
as a reader's PDF viewer shows it. Headless (no display needed); the user's data are not read.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_common import ROOT, quiet_environment  # noqa: E402

quiet_environment()
LOOK_DPI = "70"   # the picture's: an A3 page 1157 px wide, its 9 pt names still legible


def snapshot(*args):
    subprocess.run([sys.executable, "-m", "console", "snapshot", *map(str, args)], cwd=ROOT, check=True)


def picture(pdf: Path, page: int, name: str):
    subprocess.run(["pdftoppm", "-r", LOOK_DPI, "-f", str(page), "-l", str(page), "-png", "-singlefile", str(pdf),
                    str(ROOT / "docs" / name)], check=True)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="songjiang-docs-print-"))
    page = tmp / "old-town-a3.pdf"
    snapshot("--view", "old-town", "--out", page, "--paper", "A3", "--dpi", "200", "--author", "松江新城运行中心")
    picture(page, 1, "print-old-town-a3")
    atlas = tmp / "atlas-a3.pdf"
    snapshot("--atlas", "districts", "--out", atlas, "--paper", "A3", "--dpi", "150", "--author", "松江新城运行中心")
    picture(atlas, 1, "print-atlas-a3")
    return 0


if __name__ == "__main__":
    sys.exit(main())
