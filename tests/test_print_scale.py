"""Issue 24 item 1: the perspective is said not to be to scale; a given scale is the page's.

The measurement of a page's true scale (scale bar and heritage markers against the ground)
is in test_print_districts.py, for every district and page shape; the reading-back helpers
in tests/print_pages.py.
"""
from __future__ import annotations

import subprocess

from tests.print_pages import needs_poppler as _needs_poppler
from tests.print_pages import snapshot as _cli


def test_the_3d_view_is_still_printable_as_a_perspective_said_not_to_scale(tmp_path):
    _needs_poppler()
    pdf = tmp_path / "view.pdf"
    result = _cli("--view", "old-town", "--out", pdf, "--dpi", 72, "--style", "view", "--lang", "en")
    assert result.returncode == 0, result.stderr[-3000:]
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "perspective — not to scale" in text and "Scale 1:" not in text


def test_a_given_scale_is_the_page_scale_and_a_malformed_one_is_a_usage_error(tmp_path):
    _needs_poppler()
    pdf = tmp_path / "hub.pdf"
    result = _cli("--view", "hub", "--out", pdf, "--dpi", 72, "--scale", "1:10,000")
    assert result.returncode == 0, result.stderr[-3000:]
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "比例尺 1:10,000" in text
    bad = _cli("--view", "hub", "--out", tmp_path / "bad.pdf", "--scale", "1:ten")
    assert bad.returncode == 2 and "1:ten" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad.pdf").exists()
