"""Mutated inputs (bit flips, truncation, splices) of every format the readers take.

Each one must either read or fail with a ReadError — never another exception,
never a crash. Reading runs in a child process so a native crash in GDAL would
show up as a failed test here instead of killing pytest. CI runs a small
sample; `-m slow` runs 1,000 per format (reliability battery T6).
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, traceback
from layers.crs import ProjectCRS
from layers.readers import ReadError, read_path
project = ProjectCRS()
out = []
for path in sys.argv[1:]:
    try:
        read_path(path, project)
        out.append(("ok", path, ""))
    except ReadError as exc:
        msg = str(exc)
        out.append(("refused" if path in msg and "\n" not in msg else "bad-message", path, msg))
    except Exception as exc:
        out.append(("crash", path, traceback.format_exc(limit=3)))
print(json.dumps(out))
"""


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    how = rng.choice(["flip", "truncate", "splice", "zero"])
    if how == "flip":
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif how == "truncate":
        del b[rng.randrange(1, len(b)):]
    elif how == "splice":
        i, j = sorted(rng.randrange(len(b)) for _ in range(2))
        b[i:i] = b[j:j + rng.randint(1, 64)]
    else:
        i = rng.randrange(len(b))
        b[i:i + rng.randint(1, 256)] = bytes(min(len(b) - i, 256))
    return bytes(b)


def seeds(shared_data) -> dict[str, Path]:
    return {
        "geojson": REPO / "assets" / "songjiang" / "districts.geojson",
        "echarts": shared_data / "shanghai" / "echarts_shanghai_province_encoded.json",
        "geotiff": shared_data / "raster" / "rasterio_shade.tif",
        "gpkg": shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg",
        "cityjson": shared_data / "cityjson" / "cjio_zurich_subset_lod2.city.json",
    }


def run_batch(paths: list[Path]) -> list:
    proc = subprocess.run([sys.executable, "-c", CHILD, *map(str, paths)], capture_output=True, text=True,
                          cwd=REPO, timeout=900)
    assert proc.returncode == 0, f"reader process died (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fuzz(shared_data, tmp_path, fmt: str, count: int):
    seed_file = seeds(shared_data)[fmt]
    data = seed_file.read_bytes()
    rng = random.Random(f"{fmt}-{count}-1")
    paths = []
    for i in range(count):
        p = tmp_path / f"{fmt}_{i}{seed_file.suffix}"
        p.write_bytes(mutate(data, rng))
        paths.append(p)
    results = []
    for start in range(0, len(paths), 100):
        results += run_batch(paths[start:start + 100])
    problems = [r for r in results if r[0] not in ("ok", "refused")]
    assert problems == [], problems[:3]
    assert any(r[0] == "refused" for r in results), "mutations must hit the error paths"


@pytest.mark.parametrize("fmt", ["geojson", "echarts", "geotiff", "gpkg", "cityjson"])
def test_mutated_files_read_or_are_refused_cleanly(shared_data, tmp_path, fmt):
    fuzz(shared_data, tmp_path, fmt, 40)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["geojson", "echarts", "geotiff", "gpkg", "cityjson"])
def test_thousand_mutations_per_format(shared_data, tmp_path, fmt):
    fuzz(shared_data, tmp_path, fmt, 1000)
