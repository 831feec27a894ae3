"""The workspace: what the console has open, decided in one place (issue 21).

The window, ``snapshot``, ``report`` and the tests build one ``Workspace`` and pass it down;
nothing is decided by window attributes set from outside or by environment variables the
CLI writes. It holds:

- the **mode**: ``workstation`` (the user's own stores), ``field`` (one field package) or
  ``ops-centre`` (an operations-centre store that packages sync into). A file opened as the
  workspace is a field package, checked with every check of ``package verify``
  (``offline.package.open_package``: anything else is refused) before anything uses it, and a
  saved project whose sensor layer is a package's snapshot re-enters field mode on that package;
- the **stores** it opened: the HBIM records through the one opener (``open_records``,
  lazily), the sensor history path (none in field mode: nothing is recorded there), the
  operations-centre store (named only by its redacted URL);
- whether a **live feed** may start (never in field mode), and whether the sensors **follow the store**
  (``follow_store``: ``open --store URL`` without ``--mqtt``; issue 22 item 4): the window then reads the
  readings the recorders stored, the alarms the alarm service keeps and writes operators' requests there,
  and starts no feed and records nothing of its own;
- the **identity** that signs edits (the field profile, ``offline/field/profile.py``);
- the **clock**: live, or a replay time;
- the field package's **metadata** and its start bookmark.

Pure Python (no Qt, VTK or network clients): ``changed`` and ``clock.changed`` are psygnal
signals the window's panels connect to.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from psygnal import Signal

from layers.districts import WHOLE
from layers import paths

log = logging.getLogger(__name__)
WORKSTATION, FIELD, OPS_CENTRE = "workstation", "field", "ops-centre"
PACKAGE_BOOKMARK = "package"  # the field package's area, where field mode starts


class Clock:
    """Live (``replay_at is None``) or a replay time in seconds since the epoch."""
    changed = Signal(object)  # the replay time, or None when back to live

    def __init__(self, replay_at: float | None = None):
        self.replay_at = replay_at

    @property
    def live(self) -> bool:
        return self.replay_at is None

    def now(self) -> float:
        return time.time() if self.replay_at is None else self.replay_at

    def replay(self, at: float | None):
        if at != self.replay_at:
            self.replay_at = at
            self.changed.emit(at)


@dataclass(eq=False)
class Workspace:
    mode: str = WORKSTATION
    package: Path | None = None            # field mode: the package, checked
    package_meta: dict = field(default_factory=dict)
    hbim_path: Path | None = None          # the HBIM records (a package's own in field mode)
    sensor_history: Path | None = None     # where sensor readings are recorded and replayed from; None: nowhere
    live_feed: bool = True                 # may the window start any feed (simulator or broker)? never in the field
    demo_feed: bool = True                 # with no broker given, run the built-in simulator (``--no-feed``: not)
    follow_store: bool = False             # the sensors, alarms and history are the store's (no feed, no recording)
    start_view: str | None = WHOLE
    demo: str = ""                         # a scripted demo once loaded: "hbim" or "sensors" (``--demo``)
    dialogs: bool = False                  # may the window ask (error boxes, a damaged store's recovery offer)?
    #                                        the window a user starts does (``--no-dialogs``: not); code, docs
    #                                        tools and tests that make a workspace get the status bar only
    clock: Clock = field(default_factory=Clock)
    changed = Signal(str)  # the mode, when it or the package changed (a saved field project opened later)

    def __post_init__(self):
        self._profile = None
        self._store, self._store_password = None, None  # the store followed / synced into (may hold a password)

    # constructors ------------------------------------------------------------------
    @classmethod
    def open(cls, path=None, *, history=None, demo_feed: bool = True, start_view: str | None = WHOLE,
             hbim=None, at_time: float | None = None, store=None, demo: str = "",
             dialogs: bool = False, follow: bool = False) -> "Workspace":
        """The workspace on ``path``: a field package gives field mode, nothing the workstation.

        A package is checked first (StoreRefused names the file and the check; nothing written).
        ``history``: the sensor history to use instead of the user's (workstation only; '' records nothing).
        ``store``: the operations-centre store packages sync into (``--store``; default $SONGJIANG_STORE or
        ops-store.sqlite), held here and named only redacted.
        ``follow``: the workstation's sensors follow that store (``open --store URL``); never in field mode,
        where the store is only what the package syncs into.
        """
        clock = Clock(at_time)
        if path is not None:
            ws = cls.field(path, clock=clock)
        else:
            hist = paths.sensor_history() if history is None else (Path(history).resolve() if history else None)
            ws = cls(mode=WORKSTATION, hbim_path=Path(hbim) if hbim else paths.hbim_store(),
                     sensor_history=hist, demo_feed=demo_feed, start_view=start_view, clock=clock)
        ws._store = str(store) if store else None
        ws.demo, ws.dialogs = demo or "", bool(dialogs)
        if follow and not ws.is_field:
            ws.follow_store, ws.sensor_history, ws.demo_feed = True, None, False
        return ws

    @classmethod
    def field(cls, path, clock: Clock | None = None) -> "Workspace":
        """Field mode on one package: no feed, nothing recorded, the package's own records."""
        ws = cls(clock=clock or Clock())
        ws.enter_package(path)
        return ws

    @classmethod
    def ops_centre(cls, url=None, password: str | None = None) -> "Workspace":
        """The operations centre: a store packages sync into (default: the user's SQLite store)."""
        ws = cls(mode=OPS_CENTRE, hbim_path=paths.hbim_store(), sensor_history=paths.sensor_history())
        ws._store, ws._store_password = str(url) if url else None, password
        return ws

    # field mode ------------------------------------------------------------------------
    def enter_package(self, path, meta: dict | None = None):
        """Field mode on ``path`` (also for a saved field project opened later): checked, then bound."""
        from offline.package import open_package
        path = Path(path).resolve()
        meta = open_package(path) if meta is None else meta  # every check of `package verify`: a non-package fails
        before = (self.mode, self.package)
        self.mode, self.package, self.package_meta = FIELD, path, {**meta, "base_version": _based_on(path, meta)}
        self.hbim_path, self.sensor_history, self.live_feed, self.demo_feed = path, None, False, False
        self.start_view = PACKAGE_BOOKMARK
        if before != (FIELD, path):
            self.changed.emit(FIELD)

    def wants_feed(self, broker: bool) -> bool:
        """Start a feed: the broker given, else the demo simulator if wanted; never in field mode, never
        while following the store (the recorders hold the feed)."""
        return self.live_feed and not self.follow_store and (broker or self.demo_feed)

    @property
    def is_field(self) -> bool:
        return self.mode == FIELD

    # stores --------------------------------------------------------------------------
    def open_records(self, undo_stack=None, *, seed: bool = True):
        """The HBIM records, through the one opener: a package's journalled, else the workstation's."""
        from offline.records import open_records
        return open_records(self.hbim_path, undo_stack, self.profile if self.is_field else None, seed=seed)

    def store_target(self) -> str:
        """The operations-centre store as given (may hold a password: open it, never show or log it)."""
        return self._store or str(paths.ops_store())

    @property
    def store_url(self) -> str:
        """The operations-centre store, redacted (offline/store/conninfo.py): what may be shown and logged."""
        from offline.store.conninfo import redact
        return redact(self.store_target())

    def open_store(self, seed: bool = True):
        """The operations-centre store (its ``url`` redacted; the password stays in the store object).

        ``seed=False``: a connection that only reads readings (a window following the store) never fills
        a new store with records."""
        from offline.store import open_store
        return open_store(self.store_target(), self._store_password, seed=seed)

    @property
    def profile(self):
        """Who signs edits made here (loaded once per workspace)."""
        if self._profile is None:
            from offline.field import profile as profiles
            self._profile = profiles.load()
        return self._profile

    def store_opener(self, seed: bool = False):
        """``open_store`` as a call that holds nothing of the workspace, for a worker thread that may end after the
        window closed (the workspace's signals reach the window's panels: holding it would hold the window)."""
        import functools
        from offline.store import open_store
        return functools.partial(open_store, self.store_target(), self._store_password, seed=seed)

    def describe(self) -> dict:
        """What is open, for logs and ``info``: never a password."""
        return {"mode": self.mode, "package": str(self.package) if self.package else None,
                "hbim": str(self.hbim_path) if self.hbim_path else None,
                "sensor_history": str(self.sensor_history) if self.sensor_history else None,
                "store": self.store_url, "live_feed": self.live_feed, "demo_feed": self.demo_feed,
                "follow_store": self.follow_store,
                "replay_at": self.clock.replay_at}


def _based_on(path: Path, meta: dict) -> str:
    """The store version the package is based on now (its last sync's pull), else the one it was cut from."""
    import sqlite3
    from layers.sqlite_uri import connect_ro
    from offline.field.pulled import base_version
    try:
        con = connect_ro(path)
        try:
            return str(base_version(con))
        finally:
            con.close()
    except sqlite3.Error:
        return str(meta.get("base_version", ""))
