"""The info command's report: schema, counts, georeferencing, warnings, exit codes."""
import io
import json

import pytest

from layers.ifc.info import ifc_info, info_command



def test_info_reports_georeferencing_and_counts(shared_ifc):
    import ifcopenshell
    path = shared_ifc("bsi_IFC4_geographic-referencing.ifc")
    info = ifc_info(path)
    assert info["schema"] == "IFC4"
    assert info["element_counts"]["IfcBuildingElementProxy"] == 1
    assert info["elements"] == len(ifcopenshell.open(str(path)).by_type("IfcProduct"))
    g = info["georeferencing"]
    assert g["method"] == "map_conversion" and g["crs"] == "EPSG:25832"
    assert g["unit_scale"] == pytest.approx(0.001) and g["rotation_deg"] == pytest.approx(74.3, abs=0.01)
    assert g["origin_wgs84"][1] == pytest.approx(49.0956, abs=1e-3)
    assert info["warnings"]


def test_info_command_json_and_failure(shared_ifc, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert info_command(shared_ifc("webifc_IfcOpenHouse_IFC4.ifc"), True, out, err) == 0
    data = json.loads(out.getvalue())
    assert data["needs_placement"] is True and data["georeferencing"]["method"] == "none"
    bad = tmp_path / "notes.ifc"
    bad.write_text("hello")
    out, err = io.StringIO(), io.StringIO()
    assert info_command(bad, True, out, err) == 2
    assert out.getvalue() == "" and err.getvalue().count("\n") == 1 and str(bad) in err.getvalue()
