"""Store fixtures: every test that takes ``store`` or ``db_url`` runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``DPIA_TEST_POSTGRES_URL`` (CI starts it with ``scripts/pg-throwaway.sh start``);
otherwise these fixtures start a throwaway cluster with that script when the server binaries exist. When
neither works the PostgreSQL tests are skipped with the reason, unless ``DPIA_REQUIRE_POSTGRES=1``, which
makes them fail instead.

Each test gets its own empty, migrated database: a copy of a migrated SQLite file, or
``CREATE DATABASE ... TEMPLATE`` of a migrated PostgreSQL database.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

import store
from engine.loader import load_catalog
from engine.model import Questionnaire

# isort: off
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the test modules import store_helpers
from store_helpers import BACKENDS, Databases, add_users, admin_engine

# isort: on

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "sample.yaml"
SCRIPT = ROOT / "scripts" / "pg-throwaway.sh"


@pytest.fixture(scope="session")
def questionnaires() -> dict[str, Questionnaire]:
    return load_catalog([SAMPLE]).questionnaires


# --- PostgreSQL server -------------------------------------------------------------------------------------


def _no_postgres(reason: str) -> None:
    if os.environ.get("DPIA_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required (DPIA_REQUIRE_POSTGRES=1) but unavailable: {reason}")
    pytest.skip(f"no PostgreSQL: {reason}; set DPIA_TEST_POSTGRES_URL or install the server binaries")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL URL whose user may create databases."""
    url = os.environ.get("DPIA_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    has_binaries = os.environ.get("PGBIN") or glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not has_binaries:
        _no_postgres("DPIA_TEST_POSTGRES_URL is not set and no PostgreSQL server binaries were found")
    folder = tempfile.mkdtemp(prefix="dpia-pg-test.", dir="/tmp")
    os.rmdir(folder)  # the script creates it (and gives it to user postgres)
    started = subprocess.run([str(SCRIPT), "start", folder], capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _no_postgres(f"scripts/pg-throwaway.sh start failed: {started.stderr.strip()[-500:]}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(SCRIPT), "stop", folder], capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A migrated database used as the template of each test's database."""
    name = f"dpia_tmpl_{uuid.uuid4().hex[:10]}"
    admin = admin_engine(pg_server)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    opened = store.open_store(url)
    opened.close()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    store.open_store(f"sqlite:///{path}").close()  # the last connection to close checkpoints the WAL
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    made = Databases(request.param, request, tmp_path)
    yield made
    made.drop_all()


@pytest.fixture
def db_url(databases: Databases) -> str:
    """The URL of a fresh, migrated database (SQLite file or PostgreSQL database)."""
    return databases.new_url()


@pytest.fixture
def db(db_url: str, questionnaires: dict[str, Questionnaire]) -> Iterator[store.Store]:
    """An open store on a fresh database, with the sample questionnaire and users alice and bob
    (authors), dora (reviewer) and adam (admin)."""
    opened = store.open_store(db_url, questionnaires=questionnaires)
    add_users(opened)
    yield opened
    opened.close()
