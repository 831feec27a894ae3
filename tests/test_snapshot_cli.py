"""Headless tools as a user runs them: `snapshot` and `info`, with no display at all."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from console.snapshot import build_project, render_view
from console.vtk_imports import vtk_to_numpy, vtkWindowToImageFilter

DACANG_BRIDGE = (121.20483, 31.00767)  # geofacts.md, WGS84
ZUIBAICHI = (121.2265, 31.0035)  # a heritage site with no HBIM model drawn over its marker


def run_cli(*args, timeout=240):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "console", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env)


def frame(window) -> np.ndarray:
    window.Render()
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.ReadFrontBufferOff()
    grab.Update()
    out = grab.GetOutput()
    w, h, _ = out.GetDimensions()
    return vtk_to_numpy(out.GetPointData().GetScalars()).reshape(h, w, -1)[::-1, :, :3].astype(int)


def read_png(path) -> np.ndarray:
    from console.vtk_imports import vtkPNGReader
    reader = vtkPNGReader()
    reader.SetFileName(str(path))
    reader.Update()
    out = reader.GetOutput()
    w, h, _ = out.GetDimensions()
    return vtk_to_numpy(out.GetPointData().GetScalars()).reshape(h, w, -1)[::-1, :, :3].astype(int)


def pixel_of(scene, lon, lat, lift=6.0):
    """(row, col) in a top-down image array of a WGS84 point in the view."""
    from console.scene.camera import display_of
    dx, dy = display_of(scene, lon, lat, lift)
    h = scene.renderer.GetRenderWindow().GetSize()[1]
    return h - 1 - int(round(dy)), int(round(dx))


@pytest.fixture(scope="module")
def old_town():
    project = build_project()
    window, scene = render_view(project, "old-town", 800, 600)
    yield project, window, scene
    window.Finalize()


def test_snapshot_command_writes_the_old_town_png(tmp_path):
    out = tmp_path / "old-town.png"
    result = run_cli("snapshot", "--view", "old-town", "--size", "640x400", "--out", out)
    assert result.returncode == 0, result.stderr
    img = read_png(out)
    assert img.shape[:2] == (400, 640)
    assert img.std() > 20  # a scene, not an empty background


def test_heritage_site_is_drawn_at_its_projected_position(old_town):
    project, window, scene = old_town
    row, col = pixel_of(scene, *ZUIBAICHI)
    assert 0 <= row < 600 and 0 <= col < 800, "Zuibaichi must be in the old-town view"
    heritage = next(lyr for lyr in project.layers if lyr.source.endswith("heritage_sites.geojson"))
    with_sites = frame(window)
    heritage.visible = False
    without = frame(window)
    heritage.visible = True
    near = np.abs(with_sites[row - 3:row + 4, col - 3:col + 4] - without[row - 3:row + 4, col - 3:col + 4])
    assert near.sum(axis=2).max() > 120, "the heritage marker changes the pixels at its own position"
    far = np.abs(with_sites[row - 60:row - 40, col - 60:col - 40] - without[row - 60:row - 40, col - 60:col - 40])
    assert far.sum(axis=2).max() < 30, "and not 50 px away"


def test_old_town_district_is_tinted_in_its_view(old_town):
    project, window, scene = old_town
    import shapely
    districts = next(lyr for lyr in project.layers if lyr.source.endswith("districts.geojson"))
    i = districts.data.columns["id"].index("old-town")
    px, py = shapely.get_coordinates(shapely.point_on_surface(districts.data.geometries[i]))[0]
    lon, lat = project.crs.to_wgs84(px, py)
    row, col = pixel_of(scene, float(lon), float(lat), lift=2.0)
    labels = [a.labels for a in scene.adapters.values() if getattr(a, "labels", None) is not None]
    for actor in labels:
        actor.SetVisibility(False)  # labels may sit on the probe point; the fill is what is checked
    shown = frame(window)
    districts.visible = False
    hidden = frame(window)
    districts.visible = True
    for actor in labels:
        actor.SetVisibility(True)
    diff = shown[row - 2:row + 3, col - 2:col + 3].mean(axis=(0, 1)) - hidden[row - 2:row + 3, col - 2:col + 3].mean(axis=(0, 1))
    assert np.abs(diff).sum() > 15, "the district fill visibly tints the old town"


def test_unknown_view_exits_with_one_line():
    result = run_cli("snapshot", "--view", "moon", "--out", "x.png")
    assert result.returncode != 0
    assert "moon" in result.stderr and "Traceback" not in result.stderr


def test_snapshot_of_a_bad_file_names_it(tmp_path):
    bad = tmp_path / "broken.geojson"
    bad.write_text("{not json")
    out = tmp_path / "x.png"
    result = run_cli("snapshot", "--view", "hub", "--out", out, bad)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "invalid JSON" in lines[0]
    assert not out.exists(), "no partial PNG is left behind"


def test_info_json_on_a_geopackage(shared_data):
    result = run_cli("info", shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == "GeoPackage" and report["project_crs"] == "EPSG:4549"
    poly = next(lyr for lyr in report["layers"] if lyr.get("table") == "polygon2d")
    assert poly["crs"] == "EPSG:32631" and poly["feature_count"] == 2
    assert len(poly["bounds"]["wgs84"]) == 4
    # The data lie off West Africa, far outside where EPSG:4549 is valid: no project bounds, a warning.
    assert "project" not in poly["bounds"]
    assert any("area of use of EPSG:4549" in w for w in poly["warnings"])


def test_info_text_on_a_geotiff(shared_data):
    result = run_cli("info", shared_data / "raster" / "rasterio_shade.tif")
    assert result.returncode == 0, result.stderr
    assert "EPSG:3857" in result.stdout and "WGS84 bounds" in result.stdout


@pytest.mark.parametrize("content", [None, b"", b"garbage that is no geodata"])
def test_info_refuses_bad_files_in_one_line(tmp_path, content):
    path = tmp_path / "thing.tif"
    if content is not None:
        path.write_bytes(content)
    result = run_cli("info", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]


def test_project_crs_is_configurable_for_snapshots(tmp_path):
    project = build_project(project_crs="EPSG:32651")  # WGS 84 / UTM 51N
    districts = next(lyr for lyr in project.layers if lyr.source.endswith("districts.geojson"))
    from pyproj import Transformer
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(121.2258, 30.985)
    assert districts.bounds[0] < x < districts.bounds[3] and districts.bounds[1] < y < districts.bounds[4]
    result = run_cli("snapshot", "--view", "hub", "--project-crs", "EPSG:32651", "--size", "320x200",
                     "--out", tmp_path / "utm.png")
    assert result.returncode == 0, result.stderr


def test_geographic_project_crs_is_refused_in_one_line(tmp_path):
    result = run_cli("snapshot", "--view", "hub", "--project-crs", "EPSG:4326", "--out", tmp_path / "x.png")
    assert result.returncode == 2 and "projected" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_snapshot_labels_follow_the_language(tmp_path):
    from layers import i18n
    from console.scene.scene import Scene
    project = build_project()
    try:
        i18n.set_language("en")
        scene = Scene(project.crs, project.layers)
        assert "Songjiang Hub core area" in scene.labels.texts and "松江枢纽核心区" not in scene.labels.texts
    finally:
        i18n.set_language("zh")
    result = run_cli("snapshot", "--view", "hub", "--lang", "en", "--size", "320x200", "--out", tmp_path / "en.png")
    assert result.returncode == 0, result.stderr


def test_snapshot_that_cannot_be_written_says_so_in_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = blocker / "x.png"  # a path under a file: no one can write it, root included
    result = run_cli("snapshot", "--view", "hub", "--size", "320x200", "--out", out)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(out) in lines[0] and "Traceback" not in result.stderr
