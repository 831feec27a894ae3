"""The key districts, written once: ids, names, colours, bookmarks and the area a package covers.

The plan names four key districts; the industry–city zone is drawn as two wings at opposite ends
of the new city, so ``districts.geojson`` (and the sensors' district column) has five *parts*.
Everything that names a district reads this table: the CLI's ``--district`` and ``--view``, the
package dialog, field packages' areas (offline/package/areas.py), the bookmarks
(layers/bookmarks.py), the daily report's pages, the sensors' grouping and their names in tables,
the basemap and legend colours (tools/build_assets.py). tests/test_districts.py fails when an id
or a name is written as a literal anywhere else in the product code.
"""
from __future__ import annotations

from dataclasses import dataclass

WHOLE = "new-city"  # the whole new city: the new_city_extent.geojson layer, not a part
WHOLE_NAME = ("松江新城", "Songjiang New City")


@dataclass(frozen=True)
class Part:
    """One polygon of districts.geojson (its ``id``), and a sensor's district."""
    id: str
    name: tuple[str, str]    # (zh, en): its bookmark, a page title
    short: tuple[str, str]   # (zh, en): a table column, a chart legend
    colour: str              # on the basemap (tools/build_assets.py)
    view: str                # the id of its bookmark


@dataclass(frozen=True)
class District:
    """A key district as the CLI names it: the union of its parts (none: the whole new city)."""
    id: str
    parts: tuple[Part, ...]
    own_name: tuple[str, str] | None = None  # when it is not its one part's name

    @property
    def name(self) -> tuple[str, str]:
        return self.own_name or (self.parts[0].name if self.parts else WHOLE_NAME)

    @property
    def part_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parts)


HUB = Part("hub", ("松江枢纽核心区", "Songjiang Hub core area"), ("松江枢纽", "Songjiang Hub"), "#d7301f", "hub")
FILM_CITY = Part("film-city", ("上海科技影都核心区", "Sci-Tech Film City core"), ("科技影都", "Film City"),
                 "#8856a7", "film-city")
OLD_TOWN = Part("old-town", ("老城历史风貌片区", "Old-town historic area"), ("老城风貌区", "Old town"),
                "#b8860b", "old-town")
# the zone's two wings lie at opposite ends of the new city: one bookmark each, or the view of
# "the zone" is the whole city; the zone's own view is its east wing
INDUSTRY_EAST = Part("industry-east", ("产城融合示范片区（东翼）", "Industry–city zone, east wing"),
                     ("产城融合（东）", "Industry east"), "#2b8cbe", "industry")
INDUSTRY_WEST = Part("industry-west", ("产城融合示范片区（西翼）", "Industry–city zone, west wing"),
                     ("产城融合（西）", "Industry west"), "#31a354", "industry-west")

PARTS: tuple[Part, ...] = (HUB, FILM_CITY, OLD_TOWN, INDUSTRY_EAST, INDUSTRY_WEST)  # the sensors' order
PART_IDS = tuple(p.id for p in PARTS)

# the plan's order (chapter 5 §(一)–(四)), then the whole: CLI choices, package dialog, report pages
DISTRICTS: tuple[District, ...] = (
    District(HUB.id, (HUB,)),
    District(FILM_CITY.id, (FILM_CITY,)),
    District(OLD_TOWN.id, (OLD_TOWN,)),
    District("industry", (INDUSTRY_EAST, INDUSTRY_WEST), ("产城融合示范片区", "Industry–city integration zone")),
    District(WHOLE, ()),
)
DISTRICT_IDS = tuple(d.id for d in DISTRICTS)
KEY_DISTRICTS = tuple(d for d in DISTRICTS if d.parts)  # the four, without the whole
VIEWS = (WHOLE,) + tuple(p.view for p in PARTS)  # the bookmarks every project has


def district(district_id: str) -> District:
    """The district of a CLI id; KeyError for any other."""
    for d in DISTRICTS:
        if d.id == district_id:
            return d
    raise KeyError(district_id)


def part(part_id: str) -> Part | None:
    return next((p for p in PARTS if p.id == part_id), None)


def view_of(part_id: str) -> str:
    """The bookmark to fly to for a sensor district (``all``, or an unknown one: the whole city)."""
    p = part(part_id)
    return p.view if p is not None else WHOLE
