"""Find a font file with Simplified Chinese glyphs for VTK (Qt finds its own via fontconfig)."""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from layers.child_env import child_environment

# VTK's FreeType always opens face 0 of a collection: face 0 of WenQuanYi Micro
# Hei is the Simplified Chinese face (with Latin); face 0 of Noto CJK is the
# Japanese variant, so it comes later. DroidSansFallback has no Latin letters.
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


@lru_cache(maxsize=1)
def cjk_font_file() -> str | None:
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    fc = shutil.which("fc-match")
    if fc:
        out = subprocess.run([fc, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                             env=child_environment(), timeout=5, check=False).stdout.strip()
        if out and Path(out).is_file():
            return out
    return None


def apply_cjk_font(text_property) -> bool:
    """Point a vtkTextProperty at the CJK font; False if none is installed (Latin only)."""
    from console.vtk_imports import VTK_FONT_FILE
    path = cjk_font_file()
    if path is None:
        return False
    text_property.SetFontFamily(VTK_FONT_FILE)
    text_property.SetFontFile(path)
    return True
