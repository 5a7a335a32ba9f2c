"""Opening the store: the database URL, engine settings per database, migrations on first use.

One code path for SQLite and PostgreSQL. The default is the SQLite file ``data/dpia.sqlite`` (relative
to the current folder, created on first use); ``DPIA_DATABASE_URL`` or an explicit URL selects another
database, e.g. ``postgresql+psycopg://user@host/dpia``.

SQLite runs in WAL mode with ``busy_timeout`` and foreign keys on. Transactions that write start with
``BEGIN IMMEDIATE``: the write lock is taken up front, so two writers queue on ``busy_timeout`` instead
of failing when one of them upgrades a read lock. ``synchronous=NORMAL`` in WAL mode keeps every commit
safe from a crashed or killed process (a power cut may lose the last commits, never corrupt the file).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.errors import UnknownQuestionnaireError
from engine.model import Questionnaire
from store.errors import StoreError

DEFAULT_URL = "sqlite:///data/dpia.sqlite"
URL_ENV = "DPIA_DATABASE_URL"
QUESTIONNAIRES_ENV = "DPIA_QUESTIONNAIRES"
PROJECT_QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15000
_READ_ONLY = "dpia_read_only"
_MIGRATION_LOCK_KEY = 7_305_417_201  # pg_advisory_xact_lock key: one migrator at a time


def now() -> dt.datetime:
    """The current time in UTC (what every timestamp column stores)."""
    return dt.datetime.now(dt.UTC)


def database_url(url: str | None = None) -> str:
    """The URL to use: ``url``, else ``$DPIA_DATABASE_URL``, else the SQLite file ``data/dpia.sqlite``."""
    return url or os.environ.get(URL_ENV) or DEFAULT_URL


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An Engine with this project's settings for SQLite or PostgreSQL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise StoreError(f"unsupported database {backend!r} in {parsed.render_as_string(hide_password=True)}")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@dataclass
class Store:
    """An open database plus the questionnaires its assessments are checked and scored against.

    Use :func:`open_store`; pass a Store as the first argument of every repository function.
    """

    url: str
    engine: Engine
    questionnaire_paths: list[Path] = field(default_factory=list)
    _questionnaires: dict[str, Questionnaire] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _read_engine: Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._read_engine = self.engine.execution_options(**{_READ_ONLY: True})

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction: committed at the end, rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (on SQLite a deferred transaction that never blocks writers)."""
        with Session(self._read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    @property
    def questionnaires(self) -> dict[str, Questionnaire]:
        """Questionnaires by id, loaded on first use from ``questionnaire_paths``."""
        if self._questionnaires is None:
            with self._lock:
                if self._questionnaires is None:
                    from engine.errors import ProblemsError
                    from engine.loader import load_catalog

                    catalog = load_catalog(self.questionnaire_paths)
                    if catalog.errors:
                        raise ProblemsError([p for e in catalog.errors.values() for p in e.problems])
                    self._questionnaires = catalog.questionnaires
        return self._questionnaires

    def questionnaire(self, questionnaire_id: str) -> Questionnaire:
        found = self.questionnaires.get(questionnaire_id)
        if found is None:
            known = ", ".join(sorted(self.questionnaires)) or "none"
            raise UnknownQuestionnaireError(f"questionnaire {questionnaire_id!r} is not loaded; known: {known}")
        return found

    def use_questionnaires(self, questionnaires: dict[str, Questionnaire]) -> None:
        """Score and check against these questionnaires from now on (e.g. newer versions for a re-score)."""
        self._questionnaires = dict(questionnaires)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(
    url: str | None = None,
    *,
    questionnaires: dict[str, Questionnaire] | None = None,
    questionnaire_paths: list[str | Path] | None = None,
    migrate: bool = True,
    **engine_kwargs: Any,
) -> Store:
    """Open (and on first use create and migrate) the database.

    Args:
        url: A SQLAlchemy URL; default ``$DPIA_DATABASE_URL`` or ``sqlite:///data/dpia.sqlite``.
        questionnaires: The questionnaires by id, when already loaded.
        questionnaire_paths: Where to load them from otherwise (default ``$DPIA_QUESTIONNAIRES`` or the
            project's ``questionnaires/`` folder); loaded on first need.
        migrate: Bring the schema to the newest migration (default). Safe when several processes open
            the same database at once: the migration runs in one locked transaction.
    """
    url = database_url(url)
    engine = make_engine(url, **engine_kwargs)
    if questionnaire_paths is None:
        from_env = os.environ.get(QUESTIONNAIRES_ENV)
        questionnaire_paths = list(from_env.split(os.pathsep)) if from_env else [PROJECT_QUESTIONNAIRES]
    store = Store(url, engine, [Path(p) for p in questionnaire_paths], questionnaires)
    if migrate:
        upgrade(store.engine)
    return store


# --- migrations -------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Any:
    """Alembic's configuration, built in code (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


_heads: dict[str, str] = {}


def head_revision() -> str:
    """The newest migration shipped with this code."""
    if "head" not in _heads:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert head is not None
        _heads["head"] = head
    return _heads["head"]


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.execution_options(**{_READ_ONLY: True}).connect() as connection:  # no write lock on SQLite
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> str | None:
    """Migrate the database to ``target`` (default: the newest); a no-op when it is there already.

    Returns:
        The revision the database is at afterwards.
    """
    from alembic import command

    wanted = head_revision() if target == "head" else target
    try:
        at = current_revision(engine)
    except OperationalError as e:  # the server is down, the file cannot be opened, ...
        shown = engine.url.render_as_string(hide_password=True)
        reason = str(e.orig).strip() if e.orig is not None else str(e)
        raise StoreError(f"cannot open the database {shown}: {reason}") from e
    if at == wanted:
        return wanted
    with engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE, i.e. one migrator at a time
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        command.upgrade(alembic_config(connection), target)
    return current_revision(engine)


def downgrade(engine: Engine, target: str) -> None:
    """Migrate the database down to ``target`` (``base`` drops everything)."""
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), target)


__all__ = [
    "DEFAULT_URL",
    "URL_ENV",
    "Store",
    "current_revision",
    "database_url",
    "downgrade",
    "head_revision",
    "make_engine",
    "now",
    "open_store",
    "upgrade",
]
