"""Every document the README and docs/ cite can be found from the repository.

docs/sensors.md once sent readers to "reliability.md", which is not in the repository
(it is the team's reference beside it, ../shared/reference/). A citation must name a file
in the repository (relative to the citing page or to the root) or say where outside it the
file lives: the team's folder (``shared/…``) or another project's repository.
"""
from __future__ import annotations

import re
import subprocess

from tests.helpers import REPO

CITED = re.compile(r"[A-Za-z0-9_./-]*[A-Za-z0-9_-]+\.md\b")
ELSEWHERE = {  # cited with the place they live in, outside this repository
    "MANIFEST.md": "../shared/data's own index, cited as 'its MANIFEST.md' next to ../shared/data",
    "docs/sensorthingsapi/deploy/4_ExampleEntities.md": "a file of FraunhoferIOSB/FROST-Server, named with it",
}


def _docs():
    names = subprocess.run(["git", "ls-files", "README.md", "docs/*.md"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split()
    return [REPO / n for n in names]


def test_every_cited_document_is_in_the_repository_or_says_where_it_is():
    docs = _docs()
    assert REPO / "docs" / "sensors.md" in docs
    missing = []
    for doc in docs:
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            for name in CITED.findall(line):
                if (name in ELSEWHERE or "shared/" in name or (doc.parent / name).exists()
                        or (REPO / name).exists()):
                    continue
                missing.append(f"{doc.relative_to(REPO)}:{number}: {name}")
    assert not missing, "cited but not found: " + "; ".join(missing)


def test_every_test_the_operators_page_cites_exists():
    """docs/what-happens-when.md promises only what a test keeps: each test it names must be in tests/."""
    page = (REPO / "docs" / "what-happens-when.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"\btest_[a-z0-9_]+", page))
    assert len(cited) > 30
    defined = set()
    for path in (REPO / "tests").glob("test_*.py"):
        defined.add(path.stem)
        defined.update(re.findall(r"^\s*def (test_[a-z0-9_]+)", path.read_text(encoding="utf-8"), re.M))
    assert sorted(cited - defined) == []
