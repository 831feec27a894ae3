"""The IFC the console ships and writes keeps IFC4's rules: ``ifcopenshell.validate --rules`` finds nothing.

ifcopenshell and the console open a model that breaks a where-rule without a word, but the tools
a heritage office or a contractor checks deliveries with (buildingSMART's validation service,
model checkers) flag it. Two generator slips did that: a RefLatitude whose millionths of a second
reached 1,000,000 (tools/build_hbim.py ``dms``: both hub models) and a triangulated face set in a
"SweptSolid" body (the pagoda's platform). The check runs in this process, one file after the
other, the rules compiled once: the six .ifc models and one the console writes records into take
~15-25 s here (7 of them compiling IFC4's rules, once); the towers' .ifczip (~30 s more) is a slow test.
"""
from __future__ import annotations

import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

ifcopenshell = pytest.importorskip("ifcopenshell")
import ifcopenshell.validate  # noqa: E402

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "hbim"
SHIPPED = sorted([*ASSETS.glob("*.ifc"), *ASSETS.glob("*.ifczip")])


@contextmanager
def _rules_compiled_once():
    """The rule executor compiles IFC4's 580 kB of rules (pytest's assertion rewriting: ~7 s here) on every
    call; compiled once for all the files instead, the same rules on the same source. It also switches
    ifcopenshell's process-wide settings and puts them back only when no rule raised outside its own
    handling: they are kept for the rest of the session either way."""
    from _pytest.assertion import rewrite
    import ifcopenshell.express.rule_executor as executor
    switched = ("unpack_non_aggregate_inverses", "compare_instances_by_value")
    keep = {k: getattr(ifcopenshell.settings, k) for k in switched if hasattr(ifcopenshell.settings, k)}
    rewritten, codes = set(), {}
    real_rewrite = rewrite.rewrite_asserts

    def rewrite_once(mod, source=None, *args, **kw):
        if source not in rewritten:  # a later call's tree is compiled from the cache below, unused
            real_rewrite(mod, source, *args, **kw)
            rewritten.add(source)

    def compile_once(tree, name, mode, *args, **kw):
        if name not in codes:  # the rules of one schema (IFC4.py): one source
            codes[name] = compile(tree, name, mode, *args, **kw)
        return codes[name]

    rewrite.rewrite_asserts, executor.compile = rewrite_once, compile_once
    try:
        yield
    finally:
        rewrite.rewrite_asserts = real_rewrite
        del executor.compile
        for key, value in keep.items():
            setattr(ifcopenshell.settings, key, value)


def _errors(path: Path) -> list[str]:
    logger = ifcopenshell.validate.json_logger()
    ifcopenshell.validate.validate(str(path), logger, express_rules=True)
    return [f"{path.name}: {s.get('attribute') or s.get('type')}: {' '.join(str(s['message']).split())[:300]}"
            for s in logger.statements if s["level"] in ("error", "critical")]


def _unzipped(path: Path, tmp: Path) -> Path:
    if path.suffix.lower() != ".ifczip":
        return path
    with zipfile.ZipFile(path) as z:
        (member,) = [m for m in z.namelist() if m.lower().endswith(".ifc")]
        target = tmp / Path(member).name
        target.write_bytes(z.read(member))
    return target


def _written_by_the_console(tmp: Path) -> Path:
    """A shipped model with records of every kind written into it by the console's IFC writer
    (offline/hbim_ifc.export_records: property sets, IfcTask with IfcTaskTime, list and date values)."""
    from offline.hbim import Component, Damage, Inspection, Intervention
    from offline.hbim_ifc import export_records
    from offline.records import open_records
    f = ifcopenshell.open(str(ASSETS / "guanding_hall.ifc"))
    guid = f.by_type("IfcWall")[0].GlobalId
    store = open_records(tmp / "records.sqlite", seed=False)
    store.put(Component(guid, "guanding_hall", "brick wall", "Qing", "rebuild", "grey brick", "enclosure", False))
    store.put(Inspection(guid, "2026-05-01", "Surveyor Zhou", 3, "hairline cracks above the door"))
    store.put(Damage(guid, "crack", 2, "0.4 m", "east end", ["photos/east wall.jpg"], "2026-05-01"))
    store.put(Intervention(guid, "repointing", "2026-06-01", "2026-06-20", "lime mortar", "Songjiang Heritage Works",
                           ["method statement.pdf"]))
    assert export_records(store, f) == 4
    store.close()
    out = tmp / "guanding_hall_with_records.ifc"
    f.write(str(out))
    return out


def _validated(models: list[Path]) -> list[str]:
    with _rules_compiled_once():
        return [e for m in models for e in _errors(m)]


def test_every_shipped_model_and_one_the_console_writes_keep_the_ifc4_rules(tmp_path):
    shipped = [p for p in SHIPPED if p.suffix == ".ifc"]
    assert len(shipped) == 6, shipped  # five heritage buildings and the station
    errors = _validated(shipped + [_written_by_the_console(tmp_path)])
    assert errors == [], "\n".join(errors)


@pytest.mark.slow
def test_the_hub_towers_keep_the_ifc4_rules(tmp_path):
    """The towers' 48,000 instances take ~30 s to validate; the station comes from the same generator."""
    (towers,) = [p for p in SHIPPED if p.suffix == ".ifczip"]
    errors = _validated([_unzipped(towers, tmp_path)])
    assert errors == [], "\n".join(errors)
