"""Fault fixtures: the store tests' databases (each test on SQLite and on a real PostgreSQL)."""

from __future__ import annotations

from tests.store.conftest import (  # noqa: F401  (the store tests' fixtures, shared)
    databases,
    db,
    db_url,
    pg_server,
    pg_template,
    questionnaires,
    sqlite_template,
)
