"""Bad IFC input and misbehaving workers give one clear IfcReadError; the caller survives."""
import shutil
from pathlib import Path

import pytest

from layers.crs import ProjectCRS
from layers.ifc import IfcReadError, read_ifc
from layers.ifc.worker import TEST_HOOK_ENV
from layers.progress import Cancelled, Progress

SHARED_IFC = Path(__file__).resolve().parents[2] / "shared" / "data" / "ifc"
HOUSE = "webifc_IfcOpenHouse_IFC4.ifc"


@pytest.fixture
def house(tmp_path):
    if not SHARED_IFC.is_dir():
        pytest.skip(f"shared IFC test data not found at {SHARED_IFC}")
    dst = tmp_path / HOUSE
    shutil.copy(SHARED_IFC / HOUSE, dst)
    return dst


def one_line_naming(exc, path):
    text = str(exc)
    assert "\n" not in text and str(path) in text
    return text


def test_truncated_file(house, tmp_path):
    bad = tmp_path / "truncated.ifc"
    bad.write_bytes(house.read_bytes()[: house.stat().st_size // 2])
    with pytest.raises(IfcReadError) as err:
        read_ifc(bad, ProjectCRS(), use_cache=False)
    assert "truncated" in one_line_naming(err.value, bad)


def test_unsupported_schema(house, tmp_path):
    bad = tmp_path / "old.ifc"
    bad.write_bytes(house.read_bytes().replace(b"FILE_SCHEMA(('IFC4'))", b"FILE_SCHEMA(('IFC2X2_FINAL'))"))
    with pytest.raises(IfcReadError) as err:
        read_ifc(bad, ProjectCRS(), use_cache=False)
    assert "unsupported IFC schema IFC2X2_FINAL" in one_line_naming(err.value, bad)


def test_not_an_ifc_file(tmp_path):
    bad = tmp_path / "photo.ifc"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(IfcReadError) as err:
        read_ifc(bad, ProjectCRS(), use_cache=False)
    assert "not an IFC file" in one_line_naming(err.value, bad)


def test_garbage_data_section_is_reported_by_the_worker(tmp_path):
    bad = tmp_path / "garbage.ifc"
    bad.write_bytes(b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nFILE_NAME('','',(''),(''),'','','');\n"
                    b"FILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFCWALL(garbage(((;\n#2=\x00\x01\x02;\nENDSEC;\nEND-ISO-10303-21;\n")
    with pytest.raises(IfcReadError) as err:
        read_ifc(bad, ProjectCRS(), use_cache=False)
    one_line_naming(err.value, bad)


@pytest.mark.parametrize("mode, words", [("abort", "crashed (SIGABRT)"), ("exit", "exit code 3")])
def test_worker_crash_leaves_caller_alive(house, monkeypatch, mode, words):
    monkeypatch.setenv(TEST_HOOK_ENV, mode)
    with pytest.raises(IfcReadError) as err:
        read_ifc(house, ProjectCRS(), use_cache=False)
    assert words in one_line_naming(err.value, house)
    monkeypatch.delenv(TEST_HOOK_ENV)
    assert len(read_ifc(house, ProjectCRS(), use_cache=False).elements) > 0  # still working


def test_hung_worker_is_stopped_at_the_time_limit(house, monkeypatch):
    monkeypatch.setenv(TEST_HOOK_ENV, "hang")
    with pytest.raises(IfcReadError) as err:
        read_ifc(house, ProjectCRS(), use_cache=False, timeout=2)
    assert "longer than 2 s" in one_line_naming(err.value, house)


def test_memory_limit_gives_clear_error(house):
    with pytest.raises(IfcReadError) as err:
        read_ifc(house, ProjectCRS(), use_cache=False, memory_mb=200)
    assert "memory" in one_line_naming(err.value, house) or "crashed" in str(err.value)


def test_cancel_stops_the_worker(house):
    seen = []
    progress = Progress(lambda f, m: (seen.append(f), progress.cancel()))
    with pytest.raises(Cancelled):
        read_ifc(house, ProjectCRS(), progress=progress, use_cache=False)
    assert seen
