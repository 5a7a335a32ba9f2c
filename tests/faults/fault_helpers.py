"""Real faults for the store: a full disk, a read-only database, a revoked privilege.

Each fault is made with the real thing where this machine allows it, and says why when it cannot:

* a full disk: a small tmpfs filled to the last byte (needs root, to mount); SQLite's ``max_page_count``
  (the same SQLITE_FULL error path, for anyone); for PostgreSQL a tablespace on a small tmpfs (root, and a
  server on this machine);
* a read-only database: SQLite opened with ``mode=ro``; the SQLite file itself made read-only (``chattr +i``
  as root, ``chmod`` otherwise); PostgreSQL with ``default_transaction_read_only`` (as on a hot standby);
* a revoked privilege: PostgreSQL, the app's own role losing INSERT and UPDATE.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

import store
from tests.store.store_helpers import Databases, add_users, admin_engine

# What the person reads first, by StorageError.kind.
SAID = {
    "disk_full": "the disk is full; your last change was not saved",
    "read_only": "the database is read-only; your last change was not saved",
    "no_permission": "the database refused: this account lacks the permission; your last change was not saved",
}


# --- a small disk ------------------------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str, *, uid: int | None = None) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (skips the test when this process may not mount)."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=0700" + (f",uid={uid}" if uid is not None else "")
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a real full disk needs root to mount a small tmpfs; the max_page_count case covers SQLITE_FULL")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write a file into ``folder`` until its file system has no byte left; returns the file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 16, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * chunk)
    finally:
        os.close(fd)
    try:  # the disk is full now
        os.write(probe := os.open(folder / "probe", os.O_WRONLY | os.O_CREAT, 0o600), b"x" * 4096)
    except OSError as e:
        assert e.errno == errno.ENOSPC, e
    else:
        os.close(probe)
        raise AssertionError(f"{folder} still had room after filling it")
    return filler


# --- faults: each opens the store the app uses, breaks it, and repairs it ---------------------------


@dataclass
class Fault:
    """A fault on one database: :meth:`begin` breaks it and returns the store to write with while broken;
    :meth:`end` repairs it and returns the store to write with afterwards."""

    kind: str
    url: str
    questionnaires: dict[str, Any]

    def open(self) -> store.Store:
        opened = store.open_store(self.url, questionnaires=self.questionnaires)
        add_users(opened)
        return opened

    def begin(self, db: store.Store) -> store.Store:
        raise NotImplementedError

    def end(self, db: store.Store) -> store.Store:
        return db

    def close(self) -> None:
        """Undo whatever the fault set up (runs even when the test failed)."""


class FilledDisk(Fault):
    """A fault whose ``disk`` (a mounted tmpfs) is filled to the last byte, then emptied again."""

    disk: Path

    def begin(self, db: store.Store) -> store.Store:
        self.filler = fill(self.disk)
        return db

    def end(self, db: store.Store) -> store.Store:
        self.filler.unlink()
        return db


class FullTmpfs(FilledDisk):
    """SQLite on a 2 MB tmpfs that gets filled."""

    def __init__(self, folder: Path, template: Path, questionnaires: dict[str, Any]) -> None:
        self._mount = tmpfs(folder, "2m")
        self.disk = self._mount.__enter__()
        try:
            shutil.copyfile(template, self.disk / "dpia.sqlite")
        except BaseException:
            self.close()
            raise
        super().__init__("disk_full", f"sqlite:///{self.disk / 'dpia.sqlite'}", questionnaires)

    def close(self) -> None:
        self._mount.__exit__(None, None, None)


class PageLimit(Fault):
    """SQLite with ``PRAGMA max_page_count`` at the file's current size: SQLITE_FULL on the next new page."""

    def __init__(self, url: str, questionnaires: dict[str, Any]) -> None:
        super().__init__("disk_full", url, questionnaires)
        self.limit: int | None = None

    def begin(self, db: store.Store) -> store.Store:
        with db.engine.connect() as connection:
            self.limit = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())

        @event.listens_for(db.engine, "connect")
        def limit(dbapi_connection: Any, _record: Any) -> None:
            if self.limit is not None:
                dbapi_connection.execute(f"PRAGMA max_page_count = {self.limit}")

        db.engine.dispose()  # every connection from now on has the limit
        return db

    def end(self, db: store.Store) -> store.Store:
        self.limit = None
        db.engine.dispose()
        return db


class FullTablespace(FilledDisk):
    """PostgreSQL with the test's database in a tablespace on a 12 MB tmpfs that gets filled."""

    def __init__(self, server: str, template: str, questionnaires: dict[str, Any]) -> None:
        admin = admin_engine(server)
        self.admin = admin
        with admin.connect() as connection:
            data = connection.execute(text("SHOW data_directory")).scalar_one()
        if make_url(server).host not in ("127.0.0.1", "localhost", None) or not os.path.isdir(data):
            admin.dispose()
            pytest.skip("a full PostgreSQL disk needs the server on this machine (its tablespace on a small tmpfs)")
        self.folder = Path(tempfile.mkdtemp(prefix="dpia-fault-ts.", dir="/tmp"))  # the server user reaches /tmp
        self.tablespace = f"dpia_full_{uuid.uuid4().hex[:10]}"
        self.database = f"dpia_f_{uuid.uuid4().hex[:12]}"
        self._mount = tmpfs(self.folder, "12m", uid=os.stat(data).st_uid)
        try:
            self.disk = self._mount.__enter__()
            with admin.connect() as connection:
                connection.execute(text(f"CREATE TABLESPACE \"{self.tablespace}\" LOCATION '{self.disk}'"))
                connection.execute(
                    text(f'CREATE DATABASE "{self.database}" TEMPLATE "{template}" TABLESPACE "{self.tablespace}"')
                )
        except BaseException:
            self.close()
            raise
        url = make_url(server).set(database=self.database).render_as_string(hide_password=False)
        super().__init__("disk_full", url, questionnaires)

    def close(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
            connection.execute(text(f'DROP TABLESPACE IF EXISTS "{self.tablespace}"'))
        self.admin.dispose()
        self._mount.__exit__(None, None, None)
        with contextlib.suppress(OSError):
            self.folder.rmdir()


class SqliteOpenedReadOnly(Fault):
    """The app opens the SQLite file with ``mode=ro`` (a read-only URL)."""

    def __init__(self, url: str, questionnaires: dict[str, Any]) -> None:
        super().__init__("read_only", url, questionnaires)

    def begin(self, db: store.Store) -> store.Store:
        path = make_url(self.url).database
        self.read_only = store.open_store(f"sqlite:///file:{path}?mode=ro&uri=true", questionnaires=self.questionnaires)
        return self.read_only

    def end(self, db: store.Store) -> store.Store:
        self.read_only.close()
        return db


class SqliteReadOnlyFile(Fault):
    """The SQLite file itself becomes read-only (``chattr +i`` as root, whom ``chmod`` does not stop; else
    ``chmod 444``); the app opens it again (a restart, or new connections)."""

    def __init__(self, url: str, questionnaires: dict[str, Any]) -> None:
        super().__init__("read_only", url, questionnaires)
        self.path = Path(str(make_url(url).database))
        self.locked = False

    def begin(self, db: store.Store) -> store.Store:
        db.close()  # its connections opened the file for writing
        if os.geteuid() == 0:
            done = subprocess.run(["chattr", "+i", str(self.path)], capture_output=True)
            if done.returncode != 0:
                pytest.skip(f"chattr +i is refused here: {done.stderr.decode(errors='replace').strip()}")
        else:
            self.path.chmod(0o444)
        self.locked = True
        self.again = store.open_store(self.url, questionnaires=self.questionnaires)
        return self.again

    def end(self, db: store.Store) -> store.Store:
        self.again.close()
        self.close()
        return store.open_store(self.url, questionnaires=self.questionnaires)

    def close(self) -> None:
        if self.locked:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(self.path)], check=True)
            self.path.chmod(0o644)
            self.locked = False


def _terminate_others(admin: Engine, database: str) -> None:
    """Close every session on ``database`` (the app's pool reconnects; new sessions get the new settings)."""
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        )


class PostgresReadOnly(Fault):
    """The database turns read-only (``default_transaction_read_only``, as a hot standby after a fail-over);
    the app's open connections are closed by the server and its pool reconnects."""

    def __init__(self, url: str, questionnaires: dict[str, Any]) -> None:
        super().__init__("read_only", url, questionnaires)
        self.database = str(make_url(url).database)
        self.admin = admin_engine(url)

    def _set(self, clause: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.database}" {clause}'))
        _terminate_others(self.admin, self.database)

    def begin(self, db: store.Store) -> store.Store:
        self._set("SET default_transaction_read_only = on")
        return db

    def end(self, db: store.Store) -> store.Store:
        self._set("RESET default_transaction_read_only")
        return db

    def close(self) -> None:
        self.admin.dispose()


class PostgresRevoked(Fault):
    """The app connects as a role of its own, which loses INSERT and UPDATE on every table."""

    def __init__(self, url: str, questionnaires: dict[str, Any]) -> None:
        super().__init__("no_permission", url, questionnaires)
        self.role = f"dpia_app_{uuid.uuid4().hex[:10]}"
        self.owner = create_engine(url, isolation_level="AUTOCOMMIT")  # the database's owner (a superuser)
        self._grant(f'CREATE ROLE "{self.role}" LOGIN')
        self._grant(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{self.role}"')
        self._grant(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{self.role}"')
        self.app_url = make_url(url).set(username=self.role).render_as_string(hide_password=False)

    def _grant(self, statement: str) -> None:
        with self.owner.connect() as connection:
            connection.execute(text(statement))

    def open(self) -> store.Store:
        owned = super().open()  # users are added by the owner
        owned.close()
        return store.open_store(self.app_url, questionnaires=self.questionnaires)

    def begin(self, db: store.Store) -> store.Store:
        self._grant(f'REVOKE INSERT, UPDATE ON ALL TABLES IN SCHEMA public FROM "{self.role}"')
        return db

    def end(self, db: store.Store) -> store.Store:
        self._grant(f'GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO "{self.role}"')
        return db

    def close(self) -> None:
        with self.owner.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :role"),
                {"role": self.role},
            )
            connection.execute(text(f'DROP OWNED BY "{self.role}"'))
            connection.execute(text(f'DROP ROLE "{self.role}"'))
        self.owner.dispose()


# --- checks ---------------------------------------------------------------------------------------------


def state(db: store.Store, assessment_id: str) -> tuple[Any, ...]:
    """Everything a failed write must leave as it was."""
    view = store.get_assessment(db, assessment_id)
    return (
        view.answers,
        view.version,
        view.status,
        view.review,
        view.outcome,
        store.list_conflicts(db, assessment_id, include_resolved=True),
        len(store.audit_log(db, assessment_id)),
    )


def sqlite_intact(url: str) -> None:
    """SQLite's own check of the file finds nothing wrong."""
    if not url.startswith("sqlite"):
        return
    with contextlib.closing(sqlite3.connect(str(make_url(url).database))) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def new_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Databases]:
    """A fresh migrated database of ``backend`` (dropped by the caller with ``databases.drop_all()``)."""
    databases = Databases(backend, request, tmp_path)
    return databases.new_url(), databases
