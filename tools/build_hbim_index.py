"""Write assets/hbim/components.json: every HBIM component's GlobalId, name, class and centre.

The sensor generator mounts the heritage structural monitors (tilt, crack width) on these
components, so an alarm can name the arch ring or storey it concerns. Regenerate after
tools/build_hbim.py: `python tools/build_hbim_index.py`.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers.crs import ProjectCRS  # noqa: E402
from layers.ifc import read_ifc  # noqa: E402

MODELS = ("dacang_bridge", "xilin_pagoda", "du_mansion", "xu_pawnshop", "guanding_hall")


def components(stem: str, project: ProjectCRS) -> list[dict]:
    model = read_ifc(ROOT / "assets" / "hbim" / f"{stem}.ifc", project, use_cache=False)
    out = []
    for i, e in enumerate(model.elements):
        faces = model.triangles[model.triangle_element == i]
        if len(faces) == 0:
            continue
        pts = model.points[np.unique(faces)]
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        out.append({"model": stem, "guid": e["guid"], "name": e.get("name"), "ifc_class": e["ifc_class"],
                    "centre": [round(float(v), 3) for v in (lo + hi) / 2],
                    "z_range": [round(float(lo[2]), 3), round(float(hi[2]), 3)]})
    return out


def main() -> int:
    project = ProjectCRS()
    index = {"crs": project.crs, "note": "z is metres above the model's ground (model z)",
             "components": [c for stem in MODELS for c in components(stem, project)]}
    out = ROOT / "assets" / "hbim" / "components.json"
    out.write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(f"{out}: {len(index['components'])} components\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
