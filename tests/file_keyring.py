"""A plain-file keyring backend for tests' subprocesses (``PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring``).

The console reads PostgreSQL passwords from the OS keyring; a test's subprocess cannot use the
in-memory one of conftest's ``memory_keyring``, and must not touch the user's. keyrings.alt is
not a dependency, so this one file keeps a JSON object in keyring's own data folder
(``$XDG_DATA_HOME/python_keyring``), which the test points at a temp folder.
"""
from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend
from keyring.util import platform_


class FileKeyring(KeyringBackend):
    priority = 1

    @staticmethod
    def path():
        return os.path.join(str(platform_.data_root()), "test-keyring.json")

    def _load(self) -> dict:
        try:
            with open(self.path(), encoding="utf-8") as fh:
                return json.load(fh)
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(f"{service}\t{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}\t{username}"] = password
        os.makedirs(os.path.dirname(self.path()), exist_ok=True)
        with open(self.path(), "w", encoding="utf-8") as fh:
            json.dump(data, fh)

    def delete_password(self, service, username):
        data = self._load()
        data.pop(f"{service}\t{username}", None)
        with open(self.path(), "w", encoding="utf-8") as fh:
            json.dump(data, fh)
