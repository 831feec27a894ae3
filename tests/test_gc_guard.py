"""The window's own cycle collector (console/gc_guard.py): young garbage every tick, everything once a minute.

A whole collection walks every tracked object (~180,000 with the default scene, 40–100 ms here) on the
GUI thread; done every two seconds it was a stall of the event loop that the lag bench counted
(bench_window_feed). The guard now collects the young generations on each tick and the old one every
FULL_EVERY ticks: these tests check that garbage is still collected — young cycles at the next tick,
old ones (a removed layer's pipeline that lived a while) by the minute's whole collection — and that
a tick leaves the old generation alone.
"""
from __future__ import annotations

import gc
import weakref

import pytest

pytestmark = pytest.mark.gui


class Node:
    def __init__(self):
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture
def guard(qapp):
    from console.gc_guard import GuiThreadGC
    g = GuiThreadGC()
    g.timer.stop()  # the test ticks it
    yield g
    g.stop()


def _gen2_collections() -> int:
    return gc.get_stats()[2]["collections"]


def test_young_cycles_go_at_the_next_tick_without_a_whole_collection(guard):
    node = Node()
    gone = weakref.ref(node)
    del node
    before = _gen2_collections()
    guard.collect()
    assert gone() is None
    assert _gen2_collections() == before  # the tick walked the young objects only


def test_old_cycles_go_by_the_minutes_whole_collection(guard):
    from console.gc_guard import FULL_EVERY
    node = Node()
    gone = weakref.ref(node)
    guard.collect()  # it survives a tick while referenced: promoted to the old generation
    guard.collect()
    del node
    guard.collect()
    assert gone() is not None  # old garbage waits for the whole collection
    for _ in range(FULL_EVERY):
        guard.collect()
    assert gone() is None
