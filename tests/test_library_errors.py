"""A library's error reaches the user inside a sentence of ours, in the interface language, naming the file.

libtiff, GDAL, SQLite and the IFC engine speak English whatever the interface says; their
words used to be the whole reason ("cog.tif: TIFFReadDirectory:Failed to read directory at
offset 192" in the Chinese interface), or were lost ("Read failed. See previous exception
for details."). Now each is framed by a catalogued sentence (layers/messages.py) that is
translated around the library's words, which say what was wrong.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import REPO

CJK_FRAME = "无法读取该栅格文件"


@pytest.fixture
def cog(tmp_path):
    import rasterio
    from rasterio.transform import from_origin
    path = tmp_path / "dem.tif"
    with rasterio.open(path, "w", driver="COG", width=512, height=512, count=1, dtype="float32", crs="EPSG:4549",
                       transform=from_origin(617000, 3434000, 10, 10)) as ds:
        ds.write(np.random.default_rng(1).random((1, 512, 512), dtype="float32"))
    return path


def _info(path, lang):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(LC_ALL="", LC_MESSAGES="", LANG=lang)
    return subprocess.run([sys.executable, "-m", "console", "info", str(path)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_truncated_geotiff_is_told_in_chinese_with_libtiffs_words_inside(cog, tmp_path):
    cut = tmp_path / "截断的高程.tif"
    cut.write_bytes(cog.read_bytes()[:100])  # the header survives, its first directory does not
    before = cut.read_bytes()
    zh = _info(cut, "zh_CN.UTF-8")
    assert zh.returncode == 2 and zh.stderr.count("\n") == 1, zh.stderr
    line = zh.stderr.strip()
    assert line.startswith(f"songjiang-console: {cut}：{CJK_FRAME}（"), line
    assert "TIFFReadDirectory" in line  # libtiff's words, kept for whoever reports it
    assert f"{cut.name}: TIFF" not in line  # its own file-name prefix dropped: the frame names the file
    en = _info(cut, "en_GB.UTF-8")
    assert en.stderr.strip().startswith(f"songjiang-console: {cut}: cannot read the raster (TIFFReadDirectory"), en.stderr
    assert cut.read_bytes() == before


def test_a_geotiff_cut_in_its_pixels_says_what_libtiff_found(cog, tmp_path):
    cut = tmp_path / "dem-cut.tif"
    cut.write_bytes(cog.read_bytes()[:1000])  # directories whole, tiles missing
    zh = _info(cut, "zh_CN.UTF-8")
    assert zh.returncode == 2, zh.stderr
    line = zh.stderr.strip()
    assert str(cut) in line and "无法读取" in line, line
    assert "See previous exception" not in line and "TIFF" in line, line  # the cause, not rasterio's pointer to it


def test_library_text_is_the_innermost_cause_without_the_file_name(tmp_path):
    from layers.errors import library_text
    path = tmp_path / "a.tif"
    try:
        try:
            raise RuntimeError("a.tif: TIFFReadDirectory:Failed to read directory at offset 192")
        except RuntimeError as inner:
            raise OSError("Read failed. See previous exception for details.") from inner
    except OSError as exc:
        assert library_text(exc, path) == "TIFFReadDirectory:Failed to read directory at offset 192"


def test_the_ifc_engines_words_come_inside_a_translated_sentence(tmp_path):
    from layers.crs import ProjectCRS
    from layers.ifc import IfcReadError, read_ifc
    from layers.messages import localize
    bad = tmp_path / "garbage.ifc"
    bad.write_bytes(b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nFILE_NAME('','',(''),(''),'','','');\n"
                    b"FILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFCWALL(garbage(((;\n#2=\x00\x01\x02;\nENDSEC;\n"
                    b"END-ISO-10303-21;\n")
    with pytest.raises(IfcReadError) as err:
        read_ifc(bad, ProjectCRS(), use_cache=False)
    zh = localize(str(err.value), "zh")
    assert zh.startswith(f"{bad}：") and "IFC 引擎无法读取（" in zh, zh
    for died in ("the IFC engine crashed (SIGSEGV): Segmentation fault", "the IFC engine crashed (signal 99)",
                 "the IFC engine stopped unexpectedly (exit code 3)",
                 "the IFC engine was killed (SIGKILL; out of memory? limit 2048 MB)",
                 "the IFC engine ran out of memory (limit 2048 MB): std::bad_alloc"):
        assert localize(f"{bad}: {died}", "zh").startswith(f"{bad}：IFC 引擎"), died
