"""Opening the operations-centre store with its PostgreSQL password from where secrets belong.

A password is taken, first found first, from:
1. the connection string itself, when it comes from ``$SONGJIANG_STORE`` or is typed in the
   sync dialog (never from the command line: see ``refuse_argv_password``);
2. libpq's ``PGPASSWORD`` (libpq reads it; the keyring is then not asked);
3. the OS keyring, service ``songjiang-console/postgresql``, user ``USER@HOST:PORT``
   (``keyring set songjiang-console/postgresql ops@db.example:5432``); the sync dialog's
   password field saves there;
4. libpq's passfile (``~/.pgpass`` or ``PGPASSFILE``), read by libpq itself.

A password in ``--store`` is refused (exit 2) rather than used: by the time the console reads
its arguments the password is already in the process list (``/proc/PID/cmdline``, ``ps``) of
everyone on the machine, and using it would teach that it works. The keyring is read here, in
console/, because offline/ (where the store lives) must not import it (pyproject's contracts).
The store the window syncs into is its Workspace's (``--store``, offline/workspace.py), never
``os.environ``, so no child process inherits it.
"""
from __future__ import annotations

import logging
import os

from layers import paths
from offline.store import conninfo, open_store as _open

log = logging.getLogger(__name__)
KEYRING_SERVICE = "songjiang-console/postgresql"


def refuse_argv_password(url: str | None, option: str = "--store"):
    """ValueError (a usage error, exit 2) when a store given on the command line holds a secret."""
    if not url or not conninfo.is_postgres(url):
        return
    try:
        _, secrets = conninfo.split(url)
    except conninfo.BadConninfo:
        secrets = {"password": "?"} if conninfo.scrub(url) != url else {}
    if secrets:
        raise ValueError(f"{option} {conninfo.redact(url)}: a password on the command line is visible to every user "
                         f"of this machine; give it by PGPASSWORD, ~/.pgpass or the OS keyring "
                         f"(keyring set {KEYRING_SERVICE} USER@HOST:PORT)")



def keyring_password(url: str) -> str | None:
    """The password the OS keyring keeps for this store's ``USER@HOST:PORT``; None if none (or no keyring)."""
    import keyring
    try:
        return keyring.get_password(KEYRING_SERVICE, conninfo.keyring_user(url))
    except Exception as exc:  # noqa: BLE001 — no keyring, or a broken one: libpq's own ways remain
        log.info("no PostgreSQL password from the OS keyring for %s: %s", conninfo.redact(url), exc)
        return None


def save_password(url: str, password: str):
    """Into the OS keyring (where ``keyring_password`` finds it); ValueError when there is no usable keyring."""
    import keyring
    from keyring.errors import KeyringError
    user = conninfo.keyring_user(url)
    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
    except KeyringError as exc:
        raise ValueError(f"cannot keep the password of PostgreSQL user {user}: no usable OS keyring ({exc})") \
            from None


def password_for(url: str, password: str | None = None) -> str | None:
    """``password``, or the keyring's when neither the string nor ``PGPASSWORD`` gives one (None: libpq's ways)."""
    if conninfo.is_postgres(url) and not password and not os.environ.get("PGPASSWORD"):
        try:
            in_string = bool(conninfo.split(url)[1])
        except conninfo.BadConninfo:
            in_string = True  # open_store refuses it in its own words
        if not in_string:
            password = keyring_password(url)
    return password


def open_store(url: str | None = None, password: str | None = None):
    """The store at ``url`` (default ``$SONGJIANG_STORE`` or ops-store.sqlite), its password found as the module says."""
    url = url or paths.ops_store()
    return _open(url, password_for(url, password))
