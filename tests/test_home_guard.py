"""The suite's home guard catches a test that writes into the home it runs with.

It once did not: a test module's ``from tests.conftest import …`` executed conftest.py a
second time, that copy pointed HOME at a second temporary folder, and the guard kept
watching the first, so a write into ``Path.home()`` passed. Here a throw-away pytest run in
a subprocess uses the suite's own conftest.py (linked into a temporary ``tests`` folder),
imports helpers as the suite's modules do, tries the old re-import, and then writes into its
home on purpose; the run must fail and say so.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

PROBE = '''
from pathlib import Path

from tests.helpers import REPO, has_display  # noqa: F401  (as the suite's modules import them)


def test_reimports_conftest():
    import tests.conftest  # noqa: F401  (what the suite's modules once did)


def test_writes_into_home():
    (Path.home() / ".probe-rc").write_text("written on purpose")
'''


def test_a_write_into_home_is_caught_even_after_a_conftest_reimport(tmp_path):
    tests = tmp_path / "run" / "tests"
    tests.mkdir(parents=True)
    for name in ("conftest.py", "helpers.py"):
        (tests / name).symlink_to(REPO / "tests" / name)
    (tests / "test_probe.py").write_text(PROBE)
    scratch = tmp_path / "scratch"  # the inner run's temporary folders, its homes among them
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE",
                          "tests/test_probe.py"], cwd=tests.parent, env=env,
                         capture_output=True, text=True, timeout=120)
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "ERROR tests/test_probe.py::test_writes_into_home" in out, out  # failed at teardown
    assert "the test wrote into the home folder: .probe-rc" in out, out
    # the second copy is refused with a line that says where helpers belong
    assert "FAILED tests/test_probe.py::test_reimports_conftest" in out, out
    assert "import shared helpers from tests/helpers.py" in out, out
    # and the file went nowhere the inner run did not watch and clean up
    assert not list(scratch.rglob(".probe-rc")), out
