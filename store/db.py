"""Opening the store: the database URL, engine settings per database, migrations on first use.

One code path for SQLite and PostgreSQL. The default is the SQLite file ``data/dpia.sqlite`` (relative
to the current folder, created on first use); ``DPIA_DATABASE_URL`` or an explicit URL selects another
database, e.g. ``postgresql+psycopg://user@host/dpia``.

SQLite runs in WAL mode with ``busy_timeout`` and foreign keys on. Transactions that write start with
``BEGIN IMMEDIATE``: the write lock is taken up front, so two writers queue on ``busy_timeout`` instead
of failing when one of them upgrades a read lock. ``synchronous=NORMAL`` in WAL mode keeps every commit
safe from a crashed or killed process (a power cut may lose the last commits, never corrupt the file).
PostgreSQL sessions wait as long for a lock (``lock_timeout``), and give up connecting after
``connect_timeout`` seconds: a server behind a firewall that drops packets silently would otherwise hold every
page for the system's TCP timeout (minutes) before it could say the database is out of reach.

A call that fails because of the database's environment (a full disk, a read-only database, a lock held
too long, a lost server) raises :class:`store.errors.StorageError`, which says so in words.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from engine.errors import UnknownQuestionnaireError
from engine.model import Questionnaire
from store.errors import StorageError, StoreError

DEFAULT_URL = "sqlite:///data/dpia.sqlite"
URL_ENV = "DPIA_DATABASE_URL"
QUESTIONNAIRES_ENV = "DPIA_QUESTIONNAIRES"
PROJECT_QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15000
LOCK_TIMEOUT_MS = SQLITE_BUSY_TIMEOUT_MS  # PostgreSQL's lock_timeout
CONNECT_TIMEOUT_S = 5  # PostgreSQL: seconds to open a connection (libpq's connect_timeout), unless the URL says
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
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:  # a file where a folder should be, no permission, a read-only mount
                kind = _OS_KINDS.get(e.errno or 0, "unreachable")
                raise _opening_error(url, kind, f"cannot create the folder {folder}: {e.strerror}") from e
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        # Wait for a row lock as long as SQLite waits for its write lock, then fail (a StorageError "busy"):
        # a transaction left open elsewhere must not hang every autosave behind it.
        connect_args = dict(kwargs.pop("connect_args", {}))
        if "options" not in connect_args and "options" not in parsed.query:
            connect_args["options"] = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
        if "connect_timeout" not in connect_args and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
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


# What a failed database call means for the person, by SQLite primary result code and by PostgreSQL SQLSTATE
# (or its two-character class). Anything not listed is not the environment's fault and propagates as is.
_SQLITE_KINDS = {
    3: "no_permission",  # SQLITE_PERM
    5: "busy",  # SQLITE_BUSY: another writer held the lock longer than busy_timeout
    6: "busy",  # SQLITE_LOCKED
    8: "read_only",  # SQLITE_READONLY: a read-only file, folder or mount, or mode=ro
    10: "io_error",  # SQLITE_IOERR
    11: "damaged",  # SQLITE_CORRUPT
    13: "disk_full",  # SQLITE_FULL: the disk (or max_page_count) is full
    14: "unreachable",  # SQLITE_CANTOPEN
    23: "no_permission",  # SQLITE_AUTH
    26: "damaged",  # SQLITE_NOTADB
}
_POSTGRES_KINDS = {
    "53100": "disk_full",
    "53": "resources",  # out of memory, too many connections
    "25006": "read_only",  # read-only transaction: default_transaction_read_only, a hot standby
    "42501": "no_permission",  # insufficient privilege
    "40001": "busy",  # serialization failure
    "40P01": "busy",  # deadlock detected
    "55P03": "busy",  # lock not available
    "57014": "busy",  # statement or lock timeout
    "08": "unreachable",  # connection exception
    "57P01": "unreachable",  # admin shutdown
    "57P02": "unreachable",  # crash shutdown
    "57P03": "unreachable",  # cannot connect now (starting up, shutting down)
}
_WHAT = {
    "disk_full": "the disk is full",
    "read_only": "the database is read-only",
    "no_permission": "the database refused: this account lacks the permission",
    "busy": "the database stayed busy with other changes for too long",
    "io_error": "the disk could not be read or written (I/O error)",
    "unreachable": "the database cannot be reached or opened",
    "damaged": "the database file is damaged",
    "resources": "the database server is out of resources",
}


_OS_KINDS = {
    errno.EROFS: "read_only",
    errno.ENOSPC: "disk_full",
    errno.EACCES: "no_permission",
    errno.EPERM: "no_permission",
}


def _kind(error: DBAPIError) -> str | None:
    """What the failure means for the person (a key of ``_WHAT``), or None when the environment is not at fault."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return _SQLITE_KINDS.get(code & 0xFF)
    state = getattr(error.orig, "sqlstate", None) or ""
    kind = _POSTGRES_KINDS.get(state) or _POSTGRES_KINDS.get(state[:2])
    if kind is None and not state and (error.connection_invalidated or isinstance(error, OperationalError)):
        kind = "unreachable"  # no SQLSTATE: the connection failed or was lost
    return kind


def _reason(error: DBAPIError) -> str:
    return " ".join(str(error.orig if error.orig is not None else error).split())


def storage_error(error: DBAPIError, url: str, *, writing: bool) -> StorageError | None:
    """The error to show for a database call that failed because of its environment, or None for any other
    failure (a bug, a refused constraint, a trigger: the caller re-raises those unchanged).

    The message says what happened and what it means: e.g. "the disk is full; your last change was not
    saved", then the database and the driver's own words.
    """
    kind = _kind(error)
    if kind is None:
        return None
    if not writing:
        outcome = "nothing could be read"
    elif kind == "unreachable":  # the connection may have dropped after the commit was sent
        outcome = "your last change may not have been saved"
    else:
        outcome = "your last change was not saved"
    shown = make_url(url).render_as_string(hide_password=True)
    return StorageError(f"{_WHAT[kind]}; {outcome} (database {shown}: {_reason(error)})", kind=kind)


def _opening_error(url: str | URL, kind: str, reason: str) -> StorageError:
    """The error for a database that cannot be opened, created or migrated: "cannot open the database <URL,
    password hidden>: <what happened> (<the driver's or the system's words>)"."""
    shown = make_url(url).render_as_string(hide_password=True)
    return StorageError(f"cannot open the database {shown}: {_WHAT[kind]} ({reason})", kind=kind)


@contextmanager
def _opening(url: str | URL) -> Iterator[None]:
    try:
        yield
    except DBAPIError as e:
        kind = _kind(e) or ("unreachable" if isinstance(e, OperationalError) else None)
        if kind is None:  # a bug or a broken migration: not the environment's fault
            raise
        raise _opening_error(url, kind, _reason(e)) from e


@contextmanager
def _reported(url: str, *, writing: bool) -> Iterator[None]:
    try:
        yield
    except DBAPIError as e:
        failure = storage_error(e, url, writing=writing)
        if failure is None:
            raise
        raise failure from e


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
        """A session in one write transaction: committed at the end, rolled back on error.

        Raises:
            StorageError: the database could not be written (see :func:`storage_error`).
        """
        with (
            _reported(self.url, writing=True),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A Core connection in one write transaction (for hot paths without the ORM); same errors as write."""
        with _reported(self.url, writing=True), self.engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (on SQLite a deferred transaction that never blocks writers)."""
        with (
            _reported(self.url, writing=False),
            Session(self._read_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
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
        try:
            upgrade(store.engine)
        except BaseException:
            engine.dispose()  # a caller that tries again later opens a new engine
            raise
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

    Raises:
        StorageError: the database cannot be reached, read, created or written (a server out of reach, a
            file that is not a database, a read-only folder...), in words with the URL (password hidden).
    """
    from alembic import command

    wanted = head_revision() if target == "head" else target
    with _opening(engine.url):
        at = current_revision(engine)
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
    "storage_error",
    "upgrade",
]
