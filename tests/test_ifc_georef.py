"""Georeferencing: compound angles, IfcMapConversion, RefLatitude/RefLongitude, placement."""
import math

import numpy as np
import pytest
from pyproj import Transformer

from layers.crs import ProjectCRS
from layers.ifc.georef import Placement, compound_to_degrees, helmert_matrix, resolve



def to_4549(src, x, y):
    return Transformer.from_crs(src, "EPSG:4549", always_xy=True).transform(x, y)


def test_compound_angles_including_negative_parts():
    assert compound_to_degrees((49, 6, 1, 566000)) == pytest.approx(49 + 6 / 60 + 1.566 / 3600)
    assert compound_to_degrees((-87, -38, -21, -839999)) == pytest.approx(-(87 + 38 / 60 + 21.839999 / 3600))
    assert compound_to_degrees((0, -30, 0)) == pytest.approx(-0.5)
    assert compound_to_degrees(None) is None


def test_helmert_rotates_scales_and_offsets():
    m = helmert_matrix(1000.0, 2000.0, 5.0, 0.0, 1.0, 2.0)  # local X points map north
    p = m @ np.array([1.0, 0.0, 0.0, 1.0])
    assert p[:3] == pytest.approx([1000.0, 2002.0, 5.0])


def test_placement_puts_model_where_the_user_says():
    project = ProjectCRS()
    geo = resolve({"unit_scale": 1.0}, project.crs, Placement(x=500000.0, y=3430000.0, elevation=4.0,
                                                               rotation_deg=90.0))
    pts = geo.to_project([[0, 0, 0], [10, 0, 0]])
    assert pts[0] == pytest.approx([500000.0, 3430000.0, 4.0])
    assert pts[1] == pytest.approx([500000.0, 3430010.0, 4.0])
    assert Placement.from_dict(Placement(1, 2, 3, 4).to_dict()) == Placement(1, 2, 3, 4)


def test_bsi_map_conversion_with_rotation_and_millimetres(shared_ifc):
    from layers.ifc.reader import read_ifc
    model = read_ifc(shared_ifc("bsi_IFC4_geographic-referencing.ifc"), ProjectCRS(), use_cache=False)
    g = model.georef
    assert g["method"] == "map_conversion" and g["crs"] == "EPSG:25832"
    assert g["unit_scale"] == pytest.approx(0.001)
    # Hand computation from the file: IFCMAPCONVERSION(#.., #1, 458658.78, 5438232.79, 113.7,
    # 0.270600445976, 0.962691746426, $); project unit mm, map unit m, so Scale = 0.001.
    a, b = 0.270600445976, 0.962691746426
    n = math.hypot(a, b)
    x_mm, y_mm, z_mm = 10000.0, 5000.0, 2000.0  # a model point 10 m, 5 m, 2 m from the origin
    e = 458658.78 + 0.001 * (a / n * x_mm - b / n * y_mm)
    nn = 5438232.79 + 0.001 * (b / n * x_mm + a / n * y_mm)
    h = 113.7 + 0.001 * z_mm
    geo = model.transform
    in_map = geo.matrix @ np.array([10.0, 5.0, 2.0, 1.0])
    assert in_map[:3] == pytest.approx([e, nn, h], abs=0.01)
    ex, ey = to_4549("EPSG:25832", e, nn)
    assert geo.to_project([[10.0, 5.0, 2.0]])[0] == pytest.approx([ex, ey, h], abs=0.01)
    ox, oy = to_4549("EPSG:25832", 458658.78, 5438232.79)
    assert g["origin_project"] == pytest.approx([ox, oy, 113.7], abs=0.01)
    assert g["rotation_deg"] == pytest.approx(math.degrees(math.atan2(b, a)))
    assert any("area of use" in w for w in model.warnings)


@pytest.mark.parametrize("name, lat, lon", [
    ("webifc_AC20-FZK-Haus.ifc", 49 + 6 / 60 + 1.566 / 3600, 8 + 26 / 60 + 11.5404 / 3600),
    ("webifc_duplex.ifc", 41 + 52 / 60 + 27.84 / 3600, -(87 + 38 / 60 + 21.839999 / 3600)),
])
def test_ref_latitude_longitude_lands_at_site(shared_ifc, name, lat, lon):
    from layers.ifc.reader import read_ifc
    model = read_ifc(shared_ifc(name), ProjectCRS(), use_cache=False)
    assert model.georef["method"] == "ref_lat_lon" and not model.needs_placement
    # Far outside EPSG:4549's zone (120°E): PROJ still computes; the reader warns.
    x, y = to_4549("EPSG:4326", lon, lat)
    assert model.georef["origin_project"][:2] == pytest.approx([x, y], abs=1.0)
    assert model.georef["origin_wgs84"][:2] == pytest.approx([lon, lat], abs=1e-7)
    assert any("area of use" in w for w in model.warnings)
    # The mesh sits within a few tens of metres of the site point (distortion is small locally).
    centre = model.points.mean(axis=0)
    assert math.hypot(centre[0] - x, centre[1] - y) < 200


def test_fzk_true_north_rotation(shared_ifc):
    from layers.ifc.reader import read_ifc
    model = read_ifc(shared_ifc("webifc_AC20-FZK-Haus.ifc"), ProjectCRS(), use_cache=False)
    # TrueNorth (0.766, 0.643) in model space: north is 40° above model X, so the model turns 50°.
    assert model.georef["rotation_deg"] == pytest.approx(50.0, abs=1e-6)
