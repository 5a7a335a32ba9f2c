"""Fault fixtures: the store tests' databases (each test on SQLite and on a real PostgreSQL), and a process
starter whose children start in milliseconds.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

import pytest

from benchmarks import bench_load
from tests.store.conftest import (  # noqa: F401  (the store tests' fixtures, shared)
    databases,
    db,
    db_url,
    pg_server,
    pg_template,
    questionnaires,
    sqlite_template,
)

# Children are forked from a server process that imported these once (a fresh interpreter needs seconds
# to import the store and the PDF renderer); each child still opens its own database connections.
PRELOAD = [*bench_load.PRELOAD, "report.pdf", "report.archive", "tests.faults.approver"]


@pytest.fixture(scope="session")
def processes() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context
