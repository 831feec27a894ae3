"""Sensor registry: kinds/thresholds, the generated 200k default, CSV/GeoPackage/SensorThings loaders."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from layers.crs import ProjectCRS
from layers.sensors import kinds as K
from console.feeds import sta_http
from tests.sta_server import sta_server
from layers.sensors import loaders, sta
from layers.sensors.generate import BOXES, _district_shapes, generate, heritage as monitored_sites
from layers.sensors.registry import DISTRICTS, RegistryError

SHARED_STA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sta"


@pytest.fixture(scope="module")
def default_registry():
    return generate()


def test_every_kind_names_its_standard_and_national_limits_match():
    assert {"pm25", "aqi", "noise", "water_nh3n", "soil_moisture", "traffic_flow", "parking",
            "hydrant_pressure", "camera_status", "tilt", "crack_width"} <= set(K.BY_NAME)
    for k in K.KINDS:
        assert k.standard and k.unit
        assert (k.crit - k.warn) * k.direction > 0, k.name  # critical is beyond warning
    pm = K.BY_NAME["pm25"]
    assert (pm.warn, pm.crit) == (35, 75) and "GB 3095-2012" in pm.standard
    h = K.BY_NAME["hydrant_pressure"]
    assert (h.warn, h.crit, h.direction) == (0.14, 0.10, -1) and "GB 50974-2014" in h.standard
    assert "GB 3096-2008" in K.BY_NAME["noise"].standard and K.BY_NAME["noise"].night_delta == 10
    assert "GB 3838-2002" in K.BY_NAME["water_nh3n"].standard
    assert "HJ 633-2012" in K.BY_NAME["aqi"].standard


def test_default_registry_is_200k_deterministic_and_placed_in_songjiang(default_registry):
    import json
    reg = default_registry
    assert len(reg) == 200_000 and len(set(reg.ids[:1000])) == 1000
    again = generate()
    assert np.array_equal(reg.xyz, again.xyz) and np.array_equal(reg.kind, again.kind)
    lon, lat = ProjectCRS().to_wgs84(reg.xyz[:, 0], reg.xyz[:, 1])
    assert 121.15 < lon.min() and lon.max() < 121.30 and 30.97 < lat.min() and lat.max() < 31.04
    assert set(np.unique(reg.district)) == set(range(len(DISTRICTS)))
    assert np.bincount(reg.kind, minlength=K.N_KINDS).min() > 0  # every kind present
    # each street/water terminal lies in its district's polygon (districts.geojson when present,
    # else the table-B boxes), with 50 m slack for kerb offsets
    import shapely

    shapes = _district_shapes(ProjectCRS())
    assert set(shapes) == set(BOXES)
    for di, d in enumerate(DISTRICTS):
        sel = (reg.district == di) & (reg.mounted_on == "")
        inside = shapely.contains_xy(shapes[d].buffer(50), reg.xyz[sel, 0], reg.xyz[sel, 1])
        assert inside.mean() > 0.999, (d, inside.mean())
    heritage = (reg.mounted_on != "") & (reg.district == DISTRICTS.index("old-town"))
    assert set(reg.kind_names()[heritage]) == {"tilt", "crack_width"}
    # the hub's building systems: each bound to an IFC element of the station or towers by GlobalId
    from layers.sensors.generate import HUB_INDEX
    hub = {t["guid"]: t for t in json.loads(HUB_INDEX.read_text(encoding="utf-8"))["terminals"]}
    bound = (reg.mounted_on != "") & ~heritage
    assert set(reg.mounted_on[bound]) == set(hub) and len(hub) > 800
    assert set(reg.kind_names()[bound]) == {"energy_power", "elevator_status", "smoke_detector", "hydrant_pressure",
                                            "gate_flow"}
    assert all(reg.ids[i] == hub[reg.mounted_on[i]]["sensor_id"] for i in np.flatnonzero(bound))
    # modelled sites: mounted on a component of their HBIM model; the others: on the site
    from layers.sensors.generate import HBIM_INDEX, HBIM_MODELS
    components = {c["guid"]: c for c in json.loads(HBIM_INDEX.read_text(encoding="utf-8"))["components"]}
    on_sites = {m.split(":")[1] for m in reg.mounted_on[heritage] if m.startswith("heritage:")}
    on_models = {components[m]["model"] for m in reg.mounted_on[heritage] if not m.startswith("heritage:")}
    assert on_sites == {h[0] for h in monitored_sites()} - set(HBIM_MODELS)
    assert on_models == set(HBIM_MODELS.values())
    pagoda = np.array([components.get(m, {}).get("model") == "xilin_pagoda" for m in reg.mounted_on])
    assert reg.xyz[pagoda, 2].max() > 20  # up the 46.5 m pagoda, not on the ground
    square = reg.mounted_on == "heritage:square_pagoda"
    assert reg.xyz[square, 2].max() > 20


def test_csv_round_trip_and_clear_errors(tmp_path):
    reg = generate(500, seed=3)
    path = tmp_path / "sensors.csv"
    loaders.write_csv(reg, path)
    back = loaders.read_csv(path)
    assert list(back.ids) == list(reg.ids) and np.array_equal(back.kind, reg.kind)
    assert np.allclose(back.xyz, reg.xyz, atol=0.01) and np.array_equal(back.datastream, reg.datastream)
    assert back.district_of(0) == reg.district_of(0)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,kind,lon,lat\nA,smell,121.2,31.0\n")
    with pytest.raises(RegistryError, match="unknown sensor kind.*smell"):
        loaders.read_csv(bad)
    bad.write_text("id,kind,x,y\nA,pm25,abc,1\n")
    with pytest.raises(RegistryError, match=r"bad.csv: row 2: x='abc'"):
        loaders.read_csv(bad)
    lonlat = tmp_path / "ll.csv"
    lonlat.write_text("id,kind,lon,lat,district\nA,noise,121.2258,30.985,hub\n")
    one = loaders.read_csv(lonlat)
    x, y = ProjectCRS().from_wgs84(121.2258, 30.985)
    assert np.allclose(one.xyz[0, :2], [x, y]) and one.district_of(0) == "hub"
    assert one.warn[0] == 60 and one.crit[0] == 70  # kind defaults where no column


def test_geopackage_in_wgs84_is_reprojected(tmp_path):
    import pyogrio.raw
    import shapely

    pts = shapely.points([[121.20483, 31.00767, 12.0], [121.2417, 31.0071, 3.0]])
    path = tmp_path / "s.gpkg"
    pyogrio.raw.write(path, shapely.to_wkb(pts), [np.array(["T1", "T2"], dtype=object), np.array(["tilt", "crack_width"], dtype=object),
                                  np.array(["old-town"] * 2, dtype=object),
                                  np.array(["heritage:dacang_bridge", ""], dtype=object)],
                      fields=["id", "kind", "district", "mounted_on"], geometry_type="Point Z", crs="EPSG:4326", driver="GPKG", layer="sensors")
    reg = loaders.read_gpkg(path)
    x, y = ProjectCRS().from_wgs84(121.20483, 31.00767)
    assert np.allclose(reg.xyz[0], [x, y, 12.0]) and reg.mounted_on[0] == "heritage:dacang_bridge"
    assert list(reg.kind_names()) == ["tilt", "crack_width"]
    with pytest.raises(RegistryError, match="cannot read GeoPackage"):
        (tmp_path / "junk.gpkg").write_bytes(b"not sqlite")
        loaders.read_gpkg(tmp_path / "junk.gpkg")


def test_sensorthings_registry_paged_with_nextlink(tmp_path):
    reg = generate(25, seed=9)
    project = ProjectCRS()
    things = [loaders.dumps_thing(reg, i, project) for i in range(len(reg))]
    with sta_server(things) as (url, requests):
        got = sta_http.read_sensorthings(url)
    assert len(requests) == 3 and len(got) == 25
    assert list(got.ids) == list(reg.ids) and np.array_equal(got.kind, reg.kind)
    assert np.allclose(got.xyz, reg.xyz, atol=0.01)
    with pytest.raises(RegistryError, match="127.0.0.1:9"):
        sta_http.read_sensorthings("http://127.0.0.1:9/v1.1", timeout=2)


def test_shared_sensorthings_payloads_parse():
    if not SHARED_STA.is_dir():
        pytest.skip(f"shared test data absent ({SHARED_STA})")
    for name in ("frost_example_Observation_1.json", "frost_example_Observation_2.json"):
        t, v = sta.parse_observation(sta.loads((SHARED_STA / name).read_bytes()))
        assert v == 49.0 and sta.format_time(t) == "2020-10-11T10:13:14.000Z"
    loc = sta.loads((SHARED_STA / "frost_example_Location.json").read_bytes())
    assert sta.location_lonlat(loc) == (8.10, 50.00, 0.0)
    foi = sta.loads((SHARED_STA / "frost_example_FeatureOfInterest.json").read_bytes())
    assert sta.location_lonlat(foi) == (8.10, 50.00, 0.0)
    ds = sta.loads((SHARED_STA / "frost_example_Datastream.json").read_bytes())
    assert ds["unitOfMeasurement"]["symbol"] == "°C" and sta.entity_id(ds["Thing"]) == 999
    for name in ("Thing", "Sensor", "ObservedProperty"):
        assert isinstance(sta.loads((SHARED_STA / f"frost_example_{name}.json").read_bytes()), dict)


def test_a_project_layer_from_a_sensorthings_server_loads_or_says_why(tmp_path):
    from layers.errors import ReadError
    from layers.loading import load_spec
    from layers.sensors.source import sta_spec
    reg = generate(12, seed=4)
    things = [loaders.dumps_thing(reg, i, ProjectCRS()) for i in range(len(reg))]
    with sta_server(things) as (url, _):
        (layer,) = load_spec(sta_spec(url), ProjectCRS())
    assert layer.kind == "sensors" and list(layer.data.registry.ids) == list(reg.ids)
    assert layer.source == sta_spec(url).source, "a saved project reopens from the same server"
    with pytest.raises(ReadError, match=r"http://127\.0\.0\.1:9/v1\.1: cannot list the SensorThings terminals"):
        load_spec(sta_spec("http://127.0.0.1:9/v1.1"), ProjectCRS())
