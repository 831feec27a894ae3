"""Coordinates: project CRS round trips, the local origin, GCJ-02 against published pairs."""
from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from layers import gcj02
from layers.crs import GCJ02, ProjectCRS, CRSNotUnderstood, normalise_crs, transform_xy

GEOD = Geod(ellps="WGS84")


def metres_between(lon1, lat1, lon2, lat2):
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_default_project_crs_is_cgcs2000_gk_120e():
    p = ProjectCRS()
    assert p.crs == "EPSG:4549"
    # the origin sits in the new city, in whole kilometres
    assert p.origin[0] % 1000 == 0 and p.origin[1] % 1000 == 0
    lon, lat = p.to_wgs84(p.origin[0], p.origin[1])
    assert 121.1 < lon < 121.4 and 30.9 < lat < 31.2


def test_wgs84_project_round_trip_is_exact_to_a_millimetre():
    p = ProjectCRS()
    lon, lat = np.meshgrid(np.linspace(121.10, 121.40, 31), np.linspace(30.90, 31.15, 26))
    x, y = p.from_wgs84(lon.ravel(), lat.ravel())
    lon2, lat2 = p.to_wgs84(x, y)
    assert metres_between(lon.ravel(), lat.ravel(), lon2, lat2).max() < 0.001
    x2, y2 = p.from_wgs84(lon2, lat2)
    assert np.hypot(x2 - x, y2 - y).max() < 0.001


def test_scene_coordinates_keep_millimetres_in_float32():
    p = ProjectCRS()
    xyz = np.array([[p.origin[0] + 12345.678, p.origin[1] - 9876.543, 4.321]])
    scene = p.to_scene(xyz)
    assert scene.dtype == np.float32
    assert np.abs(p.from_scene(scene) - xyz).max() < 0.001
    # the naive way — float32 of raw Gauss-Kruger coordinates — loses ~0.1 m
    assert np.abs(xyz.astype(np.float32).astype(float) - xyz).max() > 0.01


def test_gcj02_forward_matches_published_reference():
    # wandergis/coordtransform README: wgs84togcj02(116.404, 39.915)
    lon, lat = gcj02.wgs_to_gcj(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


@pytest.mark.parametrize("wgs, gcj, tol_m", [
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164), 0.5),  # published, full precision
    ((121.20483, 31.00767), (121.20927, 31.00556), 1.2),   # Dacang Bridge, geofacts.md (5 decimals)
    ((121.24167, 31.00657), (121.24608, 31.00442), 1.2),   # Square Pagoda, geofacts.md
    ((121.2258, 30.985), (121.23021, 30.98285), 1.2),      # Shanghai Songjiang station
])
def test_gcj02_to_wgs84_against_published_pairs(wgs, gcj, tol_m):
    lon, lat = gcj02.gcj_to_wgs(*gcj)
    assert metres_between(wgs[0], wgs[1], lon, lat) < tol_m


def test_gcj02_inverse_is_exact_inverse_of_forward():
    lon, lat = np.meshgrid(np.linspace(120.8, 122.0, 50), np.linspace(30.6, 31.6, 50))
    g = gcj02.wgs_to_gcj(lon.ravel(), lat.ravel())
    back = gcj02.gcj_to_wgs(*g)
    assert metres_between(lon.ravel(), lat.ravel(), *back).max() < 0.001


def test_gcj02_is_identity_outside_china():
    lon, lat = gcj02.wgs_to_gcj(8.4, 49.1)
    assert (float(lon), float(lat)) == (8.4, 49.1)


def test_gcj02_as_a_source_crs_reaches_the_project_crs():
    p = ProjectCRS()
    x, y = transform_xy([121.20927], [31.00556], GCJ02, p.crs)
    xw, yw = p.from_wgs84(121.20483, 31.00767)
    assert np.hypot(x - xw, y - yw)[0] < 1.5


def test_unknown_crs_is_refused_clearly():
    with pytest.raises(CRSNotUnderstood, match="unknown CRS"):
        normalise_crs("EPSG:99999999")
    with pytest.raises(CRSNotUnderstood, match="projected"):
        ProjectCRS("EPSG:4326")


def test_the_default_origin_is_songjiang_centre_to_the_kilometre():
    from layers.crs import DEFAULT_ORIGIN, DEFAULT_PROJECT_CRS, transform_xy
    x, y = transform_xy(121.23, 31.02, "EPSG:4326", DEFAULT_PROJECT_CRS)
    assert DEFAULT_ORIGIN == (round(float(x), -3), round(float(y), -3), 0.0)
