"""Our threads start here, and what escapes one goes into the one error channel (pure: no Qt).

Every background thread of ours is made by ``start_thread`` or ``thread_pool`` (a test greps
that no other product module makes one), so an exception that escapes a worker is never lost
or printed: ``report`` logs it (the traceback at debug level) and hands a one-line message
to the listeners. The window is the listener while one is open: widgets/background.py carries
the line to the GUI thread, where the window's ``report_error`` shows it in the status bar and
a dialog. ``install_hooks`` routes ``sys.excepthook`` and ``threading.excepthook`` (a slot that
raises, a library's own thread) into the same channel.

GUI work does not use these directly: widgets/background.py runs a job on these threads and
delivers its results on the GUI thread (docs/DEVELOPING.md, "Background work").
"""
from __future__ import annotations

import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

log = logging.getLogger(__name__)
_listeners: list[Callable[[str], None]] = []
_lock = threading.Lock()
_hooks: tuple = ()  # (sys hook, threading hook) of the last install_hooks


def one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def unexpected(where: str, exc: BaseException) -> str:
    """The line a bug (an exception nobody expected) is told in; layers/messages.py translates it."""
    return f"{where}: unexpected error ({one_line(exc)})" if where else f"unexpected error ({one_line(exc)})"


def report(message: str, exc: BaseException | None = None) -> None:
    """Log ``message`` and tell it to the listeners (called from any thread; listeners only enqueue)."""
    log.error("%s", message)
    if exc is not None:
        log.debug("traceback of: %s", message, exc_info=(type(exc), exc, exc.__traceback__))
    with _lock:
        listeners = list(_listeners)
    for fn in listeners:
        try:
            fn(message)
        except Exception:  # noqa: BLE001 — a broken listener must not hide the report from the others
            log.debug("error listener failed", exc_info=True)


def listen(fn: Callable[[str], None]) -> Callable[[], None]:
    """Add a listener; returns the call that removes it."""
    with _lock:
        _listeners.append(fn)

    def remove():
        with _lock:
            if fn in _listeners:
                _listeners.remove(fn)
    return remove


def start_thread(target: Callable, *args, name: str) -> threading.Thread:
    """A daemon thread running ``target(*args)``; an exception escaping it is reported, not printed."""
    def guarded():
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 — the one place a worker's bug is caught: reported
            report(unexpected(name, exc), exc)
    thread = threading.Thread(target=guarded, name=name, daemon=True)
    thread.start()
    return thread


def thread_pool(workers: int, name: str) -> ThreadPoolExecutor:
    """Long-lived worker threads (a reader's per-thread state, e.g. PROJ's context, lives on between jobs)."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)


def install_hooks() -> Callable[[], None]:
    """Uncaught exceptions (GUI thread and other threads) into ``report``; returns the undo.

    A hook someone installed before us (a debugger, the test runner's) is still called after
    the report; Python's default one, which prints a traceback, is not.
    """
    before_sys, before_thread = sys.excepthook, threading.excepthook

    def sys_hook(kind, exc, tb):
        if issubclass(kind, KeyboardInterrupt):
            return before_sys(kind, exc, tb)
        report(unexpected("", exc), exc)
        if before_sys is not sys.__excepthook__:
            before_sys(kind, exc, tb)
        # PyErr_Print (how Qt bindings report a slot's exception) kept it in sys.last_*: its frames
        # would keep whatever they reference alive (a closed window, its scene) until the next one
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):
            if hasattr(sys, name):
                setattr(sys, name, None)

    def thread_hook(args):
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        report(unexpected(name, args.exc_value), args.exc_value)
        if before_thread is not threading.__excepthook__:
            before_thread(args)

    global _hooks
    sys.excepthook, threading.excepthook = _hooks = sys_hook, thread_hook

    def undo():
        if sys.excepthook is sys_hook:
            sys.excepthook = before_sys
        if threading.excepthook is thread_hook:
            threading.excepthook = before_thread
    return undo


def hooks_installed() -> bool:
    """Are ours the hooks in place (a test runner may have put its own back since)?"""
    return bool(_hooks) and sys.excepthook is _hooks[0] and threading.excepthook is _hooks[1]
