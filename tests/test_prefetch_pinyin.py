"""The English interface's pinyin labels: pypinyin is imported beside the first loads, not on the GUI thread.

The first vector layer's labels are made on the GUI thread on the way to the first frame; in English,
a place with no English name reads in pinyin, and importing pypinyin there cost 0.2–0.5 s of the first
frame (py-spy, issue 25). ``prefetch_pinyin`` imports it on a thread of its own; a label asked for
meanwhile waits for that import, and reads the same.
"""
from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO

PROBE = """
import sys, threading
from layers import i18n
assert "pypinyin" not in sys.modules
i18n.prefetch_pinyin()
workers = [t for t in threading.enumerate() if t.name == "prefetch-pinyin"]
label = i18n.pinyin("云间粮仓")  # at once: waits for the import under way, never a second one
for t in workers:
    t.join(10)
print(len(workers), "pypinyin" in sys.modules, label)
"""


def test_pinyin_is_imported_on_its_own_thread_and_labels_read_the_same():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "True", "Yun", "Jian", "Liang", "Cang"]
