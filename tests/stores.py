"""The ``ops_store`` fixture: every store test runs against SQLite and against PostgreSQL."""
from __future__ import annotations

import pytest

from postgres import require_postgres


def store_url(backend: str, tmp_path) -> str:
    if backend == "postgresql":
        return require_postgres().new_database()
    return str(tmp_path / "ops-store.sqlite")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url_param(request, tmp_path):
    return store_url(request.param, tmp_path)


@pytest.fixture
def ops_store(store_url_param):
    from offline.store import open_store
    store = open_store(store_url_param)
    yield store
    store.close()


@pytest.fixture
def seeded(ops_store):
    """The operations-centre store (each backend) holding the records packages are cut from."""
    from field_package import seed_rows
    for table, rows in seed_rows().items():
        ops_store.import_rows(table, rows)
    return ops_store
