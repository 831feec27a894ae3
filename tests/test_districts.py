"""The key districts are written once, in layers/districts.py.

Before it, the ids were written in seven places in three spellings (the CLI's ``industry`` was
``industry-east`` in the sensors and a split("-") in the sensor panel), their names in five and
their colours in two that disagreed (the basemap's and the 3D overlay's palette). A second copy
drifts: these tests fail when an id or a name is written as a literal in product code again, when
the embedded data's ids leave the table, and when a window flight leaves a bookmark behind.
"""
from __future__ import annotations

import ast
import json

from tests.helpers import REPO

PRODUCT = ("console", "layers", "offline", "widgets")
TABLE = REPO / "layers" / "districts.py"
# where a literal is not a district's: (file, literal) pairs, each with its reason
ALLOWED: set[tuple[str, str]] = set()


def _words() -> set[str]:
    from layers import districts as D
    words = set(D.DISTRICT_IDS) | set(D.PART_IDS) | set(D.VIEWS) | set(D.WHOLE_NAME)
    for p in D.PARTS:
        words |= set(p.name) | set(p.short)
    for d in D.DISTRICTS:
        words |= set(d.name)
    return words


def _literals(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_district_ids_and_names_are_literals_only_in_the_table():
    words = _words()
    files = [f for top in PRODUCT for f in sorted((REPO / top).rglob("*.py"))] + [REPO / "assets" / "__init__.py"]
    found = [f"{f.relative_to(REPO)}:{line}: {value!r}" for f in files if f != TABLE
             for line, value in _literals(f)
             if value in words and (str(f.relative_to(REPO)), value) not in ALLOWED]
    assert not found, "district ids or names written outside layers/districts.py:\n" + "\n".join(found)


def test_the_embedded_districts_are_the_tables_parts_and_coloured_alike():
    import assets
    from layers import districts as D
    features = json.loads(assets.path("districts.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["id"] for f in features] == list(D.PART_IDS)
    style = next(lyr["style"] for lyr in assets.DEFAULT_LAYERS if lyr["file"] == "districts.geojson")
    assert style["colour_field"] == "id" and style["colours"] == {p.id: p.colour for p in D.PARTS}


def test_every_district_has_its_view_its_package_area_and_its_words():
    from layers import districts as D
    from layers.i18n import STRINGS  # every catalogue: conftest calls i18n.load_all()
    from offline.package.areas import district_area
    from console.export.report import PAGES
    for d in D.DISTRICTS:
        assert not district_area(d.id).is_empty, d.id
        assert STRINGS[f"package.district.{d.id}"] == d.name
    for p in D.PARTS:
        assert STRINGS[f"district.{p.id}"] == p.short
        assert D.view_of(p.id) in D.VIEWS
    # the report: the whole city, then each key district with every one of its parts
    assert PAGES[0][0] == D.WHOLE and sorted(sum((list(parts) for _, parts in PAGES[1:]), [])) == sorted(D.PART_IDS)
    # the west wing's sensors fly to the west wing (a split("-") sent them to the east wing's view)
    assert D.view_of(D.INDUSTRY_WEST.id) == "industry-west" and D.view_of("all") == D.WHOLE


def test_no_product_code_puts_a_temporary_bookmark_into_the_project():
    """Flights to a place of their own (a model, a sensor, a layer) pass the Bookmark to fly_to."""
    found = []
    for f in (f for top in PRODUCT for f in sorted((REPO / top).rglob("*.py"))):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else []
            for t in targets:
                if isinstance(t, ast.Subscript) and ast.unparse(t.value).endswith("bookmarks") \
                        and not (f.name == "field.py" and ast.unparse(t.slice) == "BOOKMARK"):
                    found.append(f"{f.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
    # console/field.py keeps the package's area as a real bookmark of the field project
    assert not found, "\n".join(found)
